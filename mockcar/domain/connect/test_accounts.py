"""Smartcar's test-mode login conventions (https://smartcar.com/docs/errors/testing-errors).

A connected-services account's email decides how its vehicles behave:

* `<TYPE>.<CODE>@smartcar.com` (e.g. `VEHICLE_STATE.ASLEEP@smartcar.com`): every
  non-static vehicle request answers that API error. Smartcar documents codes of four
  types; mockcar accepts every (type, code) pair of its catalog, and `<TYPE>@smartcar.com`
  for the types whose code is null (`PERMISSION@smartcar.com`), so an application can
  rehearse any error it handles.
* `<VIN>@<level>.smartcar.com`: one vehicle with that VIN whose capabilities follow the
  level: `compatible` and `phev` (everything), `bev`, `fuel`, `incompatible` (nothing).
  Its make follows the VIN's manufacturer identifier (mockcar.scenario.generate), and
  Connect lists it at whichever brand was picked. `smartcar@successful-request.com` is
  the one Smartcar documents for Single Select: VIN `0SCAUDI037A5ADB1C`, every permission
  (https://smartcar.com/docs/getting-started/test-your-integration).

Pure functions of the email; the World records what they find on the connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from mockcar.domain.vehicles.compatibility import LEVEL_POWERTRAINS
from mockcar.errors import CATALOG, SmartcarError

TRIGGER_DOMAIN = "smartcar.com"
_VIN_EMAIL = re.compile(r"(?P<vin>[a-z0-9]{17})@(?P<level>[a-z]+)\.smartcar\.com")

ErrorTrigger = tuple[str, str | None]  # a catalog (type, code) pair
SUCCESSFUL_REQUEST_EMAIL = "smartcar@successful-request.com"


@dataclass(frozen=True)
class VinAccount:
    vin: str  # upper-case
    level: str  # a key of LEVEL_POWERTRAINS


SUCCESSFUL_REQUEST = VinAccount("0SCAUDI037A5ADB1C", "compatible")


def error_trigger(email: str) -> ErrorTrigger | None:
    """The catalog (type, code) a `TYPE.CODE@smartcar.com` login triggers, else None.
    Case-insensitive, as email addresses are."""
    local, _, domain = email.strip().rpartition("@")
    if domain.lower() != TRIGGER_DOMAIN or not local:
        return None
    error_type, _, code = local.upper().partition(".")
    key = (error_type, code or None)
    return key if key in CATALOG else None


def vin_account(email: str) -> VinAccount | None:
    """The VIN and capability level of a `<VIN>@<level>.smartcar.com` login (or of
    Smartcar's Single Select test login), else None."""
    if email.strip().lower() == SUCCESSFUL_REQUEST_EMAIL:
        return SUCCESSFUL_REQUEST
    match = _VIN_EMAIL.fullmatch(email.strip().lower())
    if match is None or match["level"] not in LEVEL_POWERTRAINS:
        return None
    return VinAccount(match["vin"].upper(), match["level"])


def triggered_error(
    trigger: ErrorTrigger, email_hint: str, client_id: str, vehicle_id: str
) -> SmartcarError:
    """The error a triggered connection answers with, carrying what its type needs:
    Retry-After for RATE_LIMIT (from the catalog), the re-authentication URL for
    AUTHENTICATION_FAILED (relative: Connect is served on the same origin, and the web
    layer makes it absolute), and the capacity list MULTIPLE_RECORDS_FOUND details."""
    error_type, code = trigger
    url = None
    if (error_type, code) == ("CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED"):
        url = reauthenticate_path(client_id, vehicle_id)
    detail = None
    if (error_type, code) == ("SERVER", "MULTIPLE_RECORDS_FOUND"):
        detail = [{"capacities": [83.9, 70.2]}]
    return SmartcarError(
        error_type, code, resolution_url=url, detail=detail,
        message=f"(Triggered by the test-mode login {email_hint}.)",
    )


def reauthenticate_path(client_id: str, vehicle_id: str) -> str:
    """Connect's re-authentication URL without its origin
    (https://smartcar.com/docs/connect/re-auth/redirect-to-connect)."""
    query = urlencode(
        {"response_type": "vehicle_id", "client_id": client_id, "vehicle_id": vehicle_id}
    )
    return f"/oauth/reauthenticate?{query}"


def trigger_email(trigger: ErrorTrigger) -> str:
    """The login that triggers `trigger`: the inverse of `error_trigger`."""
    error_type, code = trigger
    return f"{error_type}.{code}@{TRIGGER_DOMAIN}" if code else f"{error_type}@{TRIGGER_DOMAIN}"

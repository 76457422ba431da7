"""API v3 vehicle reads: the vehicle resource and its signals
(https://smartcar.com/docs/api-reference/get-vehicle,
https://smartcar.com/docs/api-reference/get-signals,
https://smartcar.com/docs/api-reference/get-signal).

Signals come from mockcar.domain.signals.reading, computed from the vehicle state API v2 reads,
at the World's clock. A signal the connection was not granted the permission for, or the
vehicle cannot give, is in the list with status ERROR (PERMISSION, COMPATIBILITY) rather
than failing the request.

Test-mode error logins (`TYPE.CODE@smartcar.com`, https://smartcar.com/docs/errors/testing-errors)
answer as v2 does on every non-static read, split by what the error is about: errors about the
vehicle's data (COMPATIBILITY, CONNECTED_SERVICES_ACCOUNT, PERMISSION, UPSTREAM,
VEHICLE_STATE) become each non-static signal's ERROR; errors about the request
(AUTHENTICATION, BILLING, RATE_LIMIT, SERVER, VALIDATION, RESOURCE_NOT_FOUND) fail it
in the `errors` envelope, with Retry-After where the catalog has one.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.domain.connect.test_accounts import triggered_error
from mockcar.domain.signals import reading as catalogue
from mockcar.domain.signals.reading import Signal
from mockcar.errors import SmartcarError
from mockcar.web.v3 import access
from mockcar.web.v3 import responses as wire
from mockcar.web.v3.access import VehicleAccess

REQUEST_LEVEL = frozenset({"AUTHENTICATION", "BILLING", "RATE_LIMIT", "SERVER", "VALIDATION",
                           "RESOURCE_NOT_FOUND"})


def triggered(found: VehicleAccess) -> SmartcarError | None:
    """The test-mode login's error, raised here when it is about the request."""
    if found.error_trigger is None:
        return None
    error = triggered_error(found.error_trigger, found.owner_email or "email",
                            found.client_id, found.vehicle.id)
    if error.type in REQUEST_LEVEL:
        raise error
    return error


def _apply(error: SmartcarError | None, read: list[Signal]) -> list[Signal]:
    if error is None:
        return read
    return [s if s.spec.static else replace(s, body=None, error=error) for s in read]


def positive(request: Request, name: str, default: int | None) -> int | None:
    """A query parameter that must be a whole number of at least 1."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SmartcarError(
            "VALIDATION", "PARAMETER",
            message=f"'{name}' must be a whole number of at least 1; got {raw[:20]!r}.",
            detail=[{"field": [name], "message": "must be a whole number of at least 1"}])
    return int(raw)


async def get_vehicle(request: Request) -> Response:
    """Make, model, year and powertrain: static, so no permission and no trigger."""
    found = access.vehicle(request, "/")
    return JSONResponse(wire.vehicle_resource(found.vehicle))


async def get_signals(request: Request) -> Response:
    """Every signal, paged by `page` and `pageSize`; without `pageSize`, all on one page
    (the Python SDK's get_signals sends no paging)."""
    found = access.vehicle(request, "/signals")
    error = triggered(found)
    page = positive(request, "page", 1) or 1
    now = found.world.now()
    every = _apply(error, catalogue.signals(found.vehicle, now, found.permissions))
    size = positive(request, "pageSize", None) or max(1, len(every))
    chosen = every[(page - 1) * size:page * size]
    return JSONResponse(wire.signals_page(found.vehicle, chosen, page, size, len(every)))


async def get_signal(request: Request) -> Response:
    code = str(request.path_params["code"]).lower()
    found = access.vehicle(request, f"/signals/{code}")
    if code not in catalogue.BY_CODE:
        raise SmartcarError(
            "RESOURCE_NOT_FOUND", "PATH",
            message=f"mockcar serves no signal {code!r}; GET /v3/vehicles/{{id}}/signals "
            "lists the codes it serves.")
    error = triggered(found)
    read = catalogue.signal(found.vehicle, code, found.world.now(), found.permissions)
    return JSONResponse(wire.signal_resource(found.vehicle.id, _apply(error, [read])[0]))

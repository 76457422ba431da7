"""Smartcar's API error catalog and the exception the domain raises.

The catalog is the single table of every v2 error type and code mockcar can answer with
(https://smartcar.com/docs/api-reference/api-errors and the per-type pages under
https://smartcar.com/docs/errors/api-errors/). It is pure data: how an error is rendered
on the wire belongs to the web layer.

Descriptions are Smartcar's texts, word for word: the SDKs build their messages as
`TYPE:CODE - description` and applications compare them. What mockcar adds to explain a
particular refusal (which scope, which vehicle) is the error's `hint`, which the web layer
sends outside Smartcar's body (the `mockcar-hint` header, the journal, the console).

The exceptions the domain raises form one hierarchy::

    Exception
    ├── SmartcarError ............ a refusal in Smartcar's API catalog (type, code); its
    │                              status is part of the documented error (the body's
    │                              statusCode), so it travels with the catalog entry
    └── DomainError .............. a rule refused a request; carries a `Kind`, never a status
        ├── ManagementError ...... Management API v3 subscriptions (domain.webhooks.subscriptions)
        ├── WebhookURLError ...... a webhook URL a receiver could not be (webhooks.receiver_url)
        ├── LoginError ........... Connect sign-in refused (domain.world.world)
        ├── StepError ............ a Connect step's input refused (domain.connect.flow)
        │   └── SignInRefused .... headless Connect's credentials refused (connect.headless)
        ├── TenantLimitReached ... no room for another application (domain.world.tenants)
        ├── ScenarioRejected ..... + ValueError: a scenario that cannot be used (tenants)
        ├── ClockRangeError ...... + ValueError: a time outside the clock's range (clock)
        ├── FaultError ........... + ValueError: a fault rule that cannot be added (faults)
        └── OverrideError ........ + ValueError: vehicle changes refused (vehicles.overrides)

A `Kind` says what went wrong (not found, invalid, conflict...); each web host maps it
to its status in one table (mockcar.web.error_status) and writes the error in its own
shape. A `DomainError`'s message is the explanation a client reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class ErrorSpec:
    """What Smartcar documents for one (type, code) pair."""

    type: str
    code: str | None
    status: int
    resolution: str | None
    description: str
    suggested_user_message: str | None = None
    # Defaults every raise of this error carries unless it says otherwise.
    retry_after: int | None = None  # seconds, sent as the Retry-After header
    resolution_url: str | None = None


_RETRY = "RETRY_LATER"
_REAUTH = "REAUTHENTICATE"
_SUPPORT = "CONTACT_SUPPORT"

_CATALOG: tuple[ErrorSpec, ...] = (
    ErrorSpec("AUTHENTICATION", None, 401, None,
              "The authorization header is missing or malformed, or it contains invalid or "
              "expired authentication credentials. Please check for missing parameters, "
              "spelling and casing mistakes, and other syntax issues."),
    ErrorSpec("PERMISSION", None, 403, _REAUTH,
              "Your application has insufficient permissions to access the requested "
              "resource. Please prompt the user to re-authenticate using Smartcar Connect."),
    ErrorSpec("VALIDATION", None, 400, None,
              "Request invalid or malformed. Please check for missing parameters, spelling "
              "and casing mistakes, and other syntax issues."),
    ErrorSpec("VALIDATION", "PARAMETER", 400, None,
              "Your request is formatted correctly, but one or more of the provided "
              "parameters is incorrect."),
    ErrorSpec("RESOURCE_NOT_FOUND", "PATH", 404, None,
              "The requested resource does not exist. Please check the URL and try again."),
    ErrorSpec("RESOURCE_NOT_FOUND", "VERSION", 404, None,
              "The requested API version does not exist. Please check the version in the "
              "URL and try again."),
    ErrorSpec("BILLING", "VEHICLE_LIMIT", 430, _SUPPORT,
              "You’ve reached the limit of vehicles in your plan. Please upgrade to unlock "
              "access to more vehicles."),
    ErrorSpec("BILLING", "INVALID_PLAN", 430, _SUPPORT,
              "The feature you are trying to use is not included in your current pricing "
              "plan. Please visit our pricing page to learn more about our plans and "
              "features."),
    ErrorSpec("BILLING", "VEHICLE_REQUEST_LIMIT", 430, _SUPPORT,
              "You have exceeded the number of API requests that are allowed for this "
              "vehicle in the current billing period. Please log into the Smartcar "
              "dashboard and visit the Billing tab to learn more."),
    ErrorSpec("BILLING", "ACCOUNT_SUSPENDED", 430, "FINANCE",
              "Your Smartcar account is past due and has been suspended. Please reach out "
              "to our finance team to resolve this issue."),
    ErrorSpec("COMPATIBILITY", "MAKE_NOT_COMPATIBLE", 501, None,
              "Smartcar is not yet compatible with this vehicle’s make in the country you "
              "specified."),
    ErrorSpec("COMPATIBILITY", "SMARTCAR_NOT_CAPABLE", 501, None,
              "Smartcar does not yet support this feature for this vehicle."),
    ErrorSpec("COMPATIBILITY", "VEHICLE_NOT_CAPABLE", 501, None,
              "The vehicle is incapable of performing your request."),
    ErrorSpec("COMPATIBILITY", "PLATFORM_NOT_CAPABLE", 501, _REAUTH,
              "You're connected to the vehicle using an OEM integration that does not "
              "support this endpoint."),
    ErrorSpec("CONNECTED_SERVICES_ACCOUNT", "ACCOUNT_ISSUE", 400, None,
              "Action needed in the user’s connected services account. Please prompt the "
              "user to log into their connected services app and resolve any issues."),
    ErrorSpec("CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED", 400, _REAUTH,
              "Smartcar was unable to authenticate with the user’s connected services "
              "account. Please prompt the user to re-authenticate using Smartcar Connect."),
    ErrorSpec("CONNECTED_SERVICES_ACCOUNT", "NO_VEHICLES", 400, None,
              "No vehicles found in the user’s connected services account. Please prompt "
              "the user to add their vehicle to their connected services account."),
    ErrorSpec("CONNECTED_SERVICES_ACCOUNT", "PERMISSION", 400, _REAUTH,
              "The vehicle owner has revoked Smartcar’s access to their OEM account."),
    ErrorSpec("CONNECTED_SERVICES_ACCOUNT", "SUBSCRIPTION", 400, None,
              "The vehicle’s connected services subscription is inactive or does not "
              "support the requested API endpoint."),
    ErrorSpec("CONNECTED_SERVICES_ACCOUNT", "VEHICLE_MISSING", 400, None,
              "This vehicle is no longer associated with the user’s connected services "
              "account. Please prompt the user to re-add the vehicle to their account."),
    ErrorSpec("CONNECTED_SERVICES_ACCOUNT", "VIRTUAL_KEY_REQUIRED", 400, "ACTION_REQUIRED",
              "The vehicle owner needs to grant additional access to Smartcar in order to "
              "perform this request.",
              resolution_url="https://www.tesla.com/_ak/smartcar.com"),
    # Smartcar documents Retry-After for VEHICLE only; SMARTCAR_API sends it too here, so
    # a client's back-off can be tested with either (Smartcar does not say whether SMARTCAR_API
# carries it: https://smartcar.com/docs/errors/api-errors/rate-limit-errors).
    ErrorSpec("RATE_LIMIT", "SMARTCAR_API", 429, _RETRY,
              "Your application has exceeded its rate limit. Please retry your request in a "
              "few minutes.", retry_after=120),
    ErrorSpec("RATE_LIMIT", "VEHICLE", 429, _RETRY,
              "You have reached the throttling rate limit for this vehicle. Please see the "
              "retry-after header for when to retry the request.", retry_after=60),
    ErrorSpec("SERVER", "INTERNAL", 500, _RETRY,
              "An internal Smartcar error has occurred. Our team has been notified and is "
              "working to resolve this issue."),
    ErrorSpec("SERVER", "RECORD_NOT_FOUND", 500, _SUPPORT,
              "Smartcar was unable to locate a battery capacity record for this vehicle."),
    ErrorSpec("SERVER", "MULTIPLE_RECORDS_FOUND", 500, _SUPPORT,
              "Smartcar found multiple battery capacity records for this vehicle."),
    ErrorSpec("UPSTREAM", "INVALID_DATA", 502, _RETRY,
              "Smartcar received invalid data from an upstream source. Please retry your "
              "request at a later time."),
    ErrorSpec("UPSTREAM", "KNOWN_ISSUE", 502, _RETRY,
              "Smartcar received an error from an upstream source. Please retry your request "
              "at a later time."),
    ErrorSpec("UPSTREAM", "NO_RESPONSE", 502, _RETRY,
              "One of Smartcar’s upstream sources failed to respond. Please retry your "
              "request at a later time."),
    ErrorSpec("UPSTREAM", "RATE_LIMIT", 502, _RETRY,
              "The vehicle manufacturer has rate limited this request. Please retry your "
              "request at a later time."),
    ErrorSpec("UPSTREAM", "UNKNOWN_ISSUE", 502, _RETRY,
              "Smartcar received an unknown error from an upstream source. Please retry your "
              "request at a later time and contact us if the issue persists."),
    ErrorSpec("VEHICLE_STATE", "ASLEEP", 409, None,
              "The vehicle is in a sleep state and temporarily unable to perform your "
              "request.",
              "Your vehicle is in a sleep state. This request was not sent to preserve "
              "battery life."),
    ErrorSpec("VEHICLE_STATE", "CHARGING_IN_PROGRESS", 409, None,
              "The vehicle is currently charging and unable to perform your request."),
    ErrorSpec("VEHICLE_STATE", "CHARGING_PLUG_CONNECTED", 409, None,
              "The vehicle is connected to an EV charger and unable to perform your "
              "request."),
    ErrorSpec("VEHICLE_STATE", "CHARGING_PLUG_NOT_CONNECTED", 409, None,
              "The vehicle is not connected to an EV charger and unable to perform your "
              "request."),
    ErrorSpec("VEHICLE_STATE", "CHARGE_FAULT", 409, None,
              "The vehicle is connected to an EV charger but cannot perform the request "
              "because 1) the charger is not providing any current, or 2) there is a "
              "conflict with another charging schedule."),
    ErrorSpec("VEHICLE_STATE", "DOOR_OPEN", 409, None,
              "The vehicle could not perform your request because one or more of its doors "
              "are open."),
    ErrorSpec("VEHICLE_STATE", "FULLY_CHARGED", 409, None,
              "The vehicle is unable to perform your request because its EV battery is "
              "fully charged."),
    ErrorSpec("VEHICLE_STATE", "NOT_CHARGING", 409, None,
              "The vehicle is unable to perform your request because it is not currently "
              "charging."),
    ErrorSpec("VEHICLE_STATE", "HOOD_OPEN", 409, None,
              "The vehicle is unable to perform your request because its hood is open."),
    ErrorSpec("VEHICLE_STATE", "IGNITION_ON", 409, None,
              "The vehicle was unable to perform your request because its engine is "
              "running."),
    ErrorSpec("VEHICLE_STATE", "IN_MOTION", 409, None,
              "The vehicle is currently in motion and unable to perform your request."),
    ErrorSpec("VEHICLE_STATE", "REMOTE_ACCESS_DISABLED", 409, None,
              "The vehicle is unable to perform your request because the user has disabled "
              "remote access for connected services."),
    ErrorSpec("VEHICLE_STATE", "TRUNK_OPEN", 409, None,
              "The vehicle is unable to perform your request because its trunk is open."),
    ErrorSpec("VEHICLE_STATE", "UNKNOWN", 409, _RETRY,
              "The vehicle was unable to perform your request due to an unknown issue."),
    ErrorSpec("VEHICLE_STATE", "UNREACHABLE", 409, None,
              "The vehicle was unable to perform your request because it is currently "
              "unreachable."),
    ErrorSpec("VEHICLE_STATE", "VEHICLE_OFFLINE_FOR_SERVICE", 409, None,
              "The vehicle was unable to perform your request because it is currently in "
              "service mode."),
    ErrorSpec("VEHICLE_STATE", "LOW_BATTERY", 409, _RETRY,
              "The vehicle was unable to perform your request because the 12v or high "
              "voltage battery is too low."),
)

CATALOG: dict[tuple[str, str | None], ErrorSpec] = {(e.type, e.code): e for e in _CATALOG}


def lookup(error_type: str, code: str | None) -> ErrorSpec:
    """The catalog entry for a (type, code) pair; KeyError names the pair if unknown."""
    try:
        return CATALOG[(error_type, code)]
    except KeyError:
        raise KeyError(f"no Smartcar error {error_type}:{code} in the catalog") from None


@dataclass
class SmartcarError(Exception):
    """A Smartcar API error raised by the domain; the web layer renders it.

    `message` says what was wrong in this case (which scope, which vehicle), so errors
    teach; it is the error's `hint` and never part of Smartcar's `description`.
    """

    type: str
    code: str | None = None
    message: str | None = None
    detail: list[dict[str, Any]] | None = None
    resolution_url: str | None = None
    retry_after: int | None = None
    spec: ErrorSpec = field(init=False)

    def __post_init__(self) -> None:
        self.spec = lookup(self.type, self.code)
        if self.retry_after is None:
            self.retry_after = self.spec.retry_after
        if self.resolution_url is None:
            self.resolution_url = self.spec.resolution_url
        super().__init__(f"{self.description} {self.message or ''}".rstrip())

    @property
    def status(self) -> int:
        return self.spec.status

    @property
    def description(self) -> str:
        """Smartcar's text for this type and code, exactly."""
        return self.spec.description

    @property
    def hint(self) -> str | None:
        """mockcar's explanation of this particular refusal, if it has one."""
        return self.message


class Kind(StrEnum):
    """What went wrong, in words every interface can map to its own status or shape."""

    INVALID = "invalid"  # the input breaks a rule; resending it unchanged fails again
    UNAUTHORIZED = "unauthorized"  # no credential, or one that proves nothing
    FORBIDDEN = "forbidden"  # a valid credential that does not reach this
    NOT_FOUND = "not_found"  # nothing by that id, for this caller
    CONFLICT = "conflict"  # the input is valid but the current state refuses it
    LIMIT = "limit"  # a bound on how many (applications, requests) is reached


class DomainError(Exception):
    """A refusal by a domain rule: its message says what was wrong and what to do, its
    `kind` what sort of refusal it is. Subclasses set a class-wide `kind` or pass one."""

    kind: Kind = Kind.INVALID

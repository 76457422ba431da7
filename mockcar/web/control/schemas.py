"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the control API's bodies.

Each operation row (mockcar.web.control.world, control_apps) names its request and
response schema from here; `mockcar.web.control.routes.openapi()` turns the rows into OpenAPI
paths, and the request schemas' `properties` are also the keys a body may carry.
"""

from __future__ import annotations

from typing import Any

from mockcar.domain.vehicles.overrides import FIELDS
from mockcar.domain.world import clock
from mockcar.errors import CATALOG

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
NULLABLE_STRING: Schema = {"type": ["string", "null"]}
TIME: Schema = {"type": "string", "format": "date-time"}
BOOLEAN: Schema = {"type": "boolean"}
NUMBER: Schema = {"type": "number"}
INTEGER: Schema = {"type": "integer"}
COUNT_NUMBER: Schema = {"type": "integer", "minimum": 0}
ANY: Schema = {}


def obj(required: tuple[str, ...] = (), extra: bool = True, **properties: Schema) -> Schema:
    return props(properties, required, extra)


def props(properties: dict[str, Schema], required: tuple[str, ...] = (),
          extra: bool = True) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if not extra:
        schema["additionalProperties"] = False
    return schema


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


ERROR = obj(
    ("error", "message", "status"),
    error=STRING, message=STRING, status=INTEGER, problems=array(STRING),
)

CLOCK = obj(("now", "frozen", "speed"), now=TIME, frozen=BOOLEAN, speed=NUMBER)

APPLICATION = obj(
    ("client_id", "name", "redirect_uris"),
    client_id=STRING, name=STRING, redirect_uris=array(STRING), webhooks=array(ANY),
    client_secret=STRING, management_token=STRING,
)
REGISTERED = obj(
    ("client_id", "client_secret", "management_token", "name", "redirect_uris", "scenario"),
    **APPLICATION["properties"],
    scenario=obj(("source",), source={"enum": ["server", "bundled", "inline"]},
                 name=NULLABLE_STRING, seed={"type": ["integer", "null"]}),
)

VEHICLE = obj(
    ("id", "make", "model", "year", "vin", "powertrain", "region", "state"),
    id=STRING, make=STRING, model=STRING, year=INTEGER, vin=STRING, powertrain=STRING,
    region=STRING, owner=NULLABLE_STRING, nickname=NULLABLE_STRING, battery_capacity_kwh={"type": ["number", "null"]},
    fuel_capacity_liters={"type": ["number", "null"]}, doors_open=array(STRING),
    storage_open=array(STRING), windows_open=array(STRING), updated_at=TIME,
    state={"type": "object"},
)
CREATED_VEHICLE = props({
    **VEHICLE["properties"],
    "credentials": obj(("email", "password"), email=STRING, password=STRING),
    "connection": obj(
        ("application", "connection_id", "user_id", "permissions", "access_token",
         "refresh_token", "token_type", "expires_in", "access_expires_at"),
        application=STRING, connection_id=STRING, user_id=STRING, mode=STRING,
        permissions=array(STRING), access_token=STRING, refresh_token=STRING,
        token_type=STRING, expires_in=INTEGER, access_expires_at=TIME),
}, (*VEHICLE["required"], "credentials"))
VEHICLES = obj(("vehicles",), vehicles=array(VEHICLE), total=INTEGER, offset=INTEGER,
               limit=INTEGER)

FAULT = obj(
    ("id", "type", "code", "hits", "active"),
    id=STRING, type=STRING, code=NULLABLE_STRING, method=NULLABLE_STRING,
    endpoint=NULLABLE_STRING, vehicle_id=NULLABLE_STRING, make=NULLABLE_STRING,
    times={"type": ["integer", "null"]}, probability=NUMBER, message=NULLABLE_STRING,
    retry_after={"type": ["integer", "null"]}, start=NULLABLE_STRING, end=NULLABLE_STRING,
    hits=INTEGER, active=BOOLEAN,
)
FAULTS = obj(("faults",), faults=array(FAULT))

ENTRY = obj(
    ("seq", "at", "method", "path", "status"),
    seq=INTEGER, at=TIME, method=STRING, path=STRING, query=STRING,
    headers={"type": "object", "additionalProperties": STRING}, body=ANY, status=INTEGER,
    duration_ms=NUMBER, client_id=NULLABLE_STRING, vehicle_id=NULLABLE_STRING,
    token_id=NULLABLE_STRING, request_id=NULLABLE_STRING,
    hint=NULLABLE_STRING | {"description": "mockcar's explanation of an error answer (the "
                            "mockcar-hint response header)"},
    response=obj(("headers", "body"),
                 headers={"type": "object", "additionalProperties": STRING}, body=ANY)
    | {"description": "The response as sent, redacted like the request"},
)
JOURNAL = obj(
    ("entries", "count", "kept", "capacity", "dropped"),
    entries=array(ENTRY), count=INTEGER, kept=INTEGER, capacity=INTEGER, dropped=INTEGER,
)
COUNT = obj(("count",), count=INTEGER)
VERIFIED = obj(("verified", "count", "expected"), verified=BOOLEAN, count=INTEGER,
               expected=STRING, message=STRING)
CLEARED = obj(("cleared",), cleared=INTEGER)

STATE = obj(
    ("clock", "seed", "applications", "owners", "vehicles", "connections", "tokens", "faults"),
    clock=CLOCK, seed=INTEGER, applications=array(APPLICATION), owners=array(ANY),
    vehicles=array(VEHICLE), connections=array(ANY), tokens=array(ANY), faults=array(FAULT),
)
HEALTH = obj(("status",), status={"const": "ok"}, tenants=INTEGER, scenario=STRING,
             scenarios=array(STRING))
RESET = obj(("status",), status={"const": "reset"}, applications_removed=INTEGER)
DELETED = obj(("deleted",), deleted=STRING)
REVOKED = obj(("revoked",), revoked=array(obj(("vehicle_id", "user_id"),
                                              vehicle_id=STRING, user_id=STRING)))
CONNECTED = obj(
    (),
    code=STRING, state=NULLABLE_STRING, redirect_url=STRING, user_id=STRING,
    vehicles=array(STRING), permissions=array(STRING), error=STRING,
    error_description=STRING, access_token=STRING, refresh_token=STRING, token_type=STRING,
    expires_in=INTEGER,
)

# -- request bodies -----------------------------------------------------------------

REGISTER = obj(
    scenario=STRING | {"description": "a scenario bundled with mockcar, by file name"},
    scenario_yaml=STRING | {"description": "a scenario document of your own"},
    seed=INTEGER, name=STRING, redirect_uris=array(STRING), extra=False,
)
# The clock's range (mockcar.domain.world.clock): years 2000-2199, ten years an advance, a day
# per second at most. JSON Schema has no range of date-times, so the years are said.
CLOCK_TIME: Schema = TIME | {"description": f"Within the clock's years: {clock.RANGE}."}
AT = obj(at=CLOCK_TIME, extra=False)
SET_AT = obj(("at",), at=CLOCK_TIME, extra=False)
_TEN_YEARS = clock.MAX_ADVANCE.total_seconds()
ADVANCE = props({unit: {"type": "number", "minimum": 0, "maximum": _TEN_YEARS / seconds}
                 for unit, seconds in (("seconds", 1), ("minutes", 60), ("hours", 3600),
                                       ("days", 86400))}, extra=False)
ADVANCE["description"] = f"The parts add up; {clock.ADVANCE_RANGE}."
SPEED = obj(("speed",), speed={"type": "number", "exclusiveMinimum": 0,
                               "maximum": clock.MAX_SPEED}, extra=False)
NEW_VEHICLE = obj(
    (),
    owner=STRING | {"format": "email",
                    "description": "owner email; a new owner is created if none has it; "
                    "left out, a new owner with generated credentials"},
    password=STRING, country=STRING,
    vehicle={"type": "object", "description": "a scenario vehicle: make, model, year, vin, "
             "powertrain, region, odometer, battery, fuel, location, locked, plugged_in, "
             "charging, charge_limit, doors_open, timeline ({profile: commute, road_trip, "
             "overnight_charge or parked}); a vin without a make is decoded to its make"},
    connect=obj((), application=STRING | {
        "description": "client id (default: the World's first application)"}, extra=False)
    | {"description": "connect the vehicle to an application with every permission it has "
       "a use for, and answer the token pair; left out, it is not connected"},
    extra=False,
)
OVERRIDE = props({name: {"description": f.doc} for name, f in FIELDS.items()}, extra=False)
_WINDOW_END = ("a time of day in UTC (10:00, every day; an end before the start spans "
               "midnight) or an ISO 8601 instant (2026-11-23T10:00:00Z), by the World's clock")
NEW_FAULT = obj(
    ("type",),
    type=STRING | {"minLength": 1, "description": "a Smartcar error type of the catalog "
                   "(" + ", ".join(sorted({t for t, _ in CATALOG})) + "), any case"},
    code=NULLABLE_STRING, method=STRING, endpoint=STRING, vehicle_id=STRING,
    make=STRING | {"description": "the vehicle's make, e.g. TESLA (any case)"},
    times={"type": "integer", "minimum": 1},
    probability={"type": "number", "exclusiveMinimum": 0, "maximum": 1}, message=STRING,
    retry_after=COUNT_NUMBER | {"description": "seconds (Retry-After); a RATE_LIMIT rule with a "
                           "window defaults to the seconds until the window closes"},
    start=STRING | {"description": f"the rule is active from: {_WINDOW_END}"},
    end=STRING | {"description": f"the rule is active until: {_WINDOW_END}"},
    extra=False,
)
MATCH_FIELDS: dict[str, Schema] = {
    "method": STRING, "path": STRING, "status": COUNT_NUMBER, "vehicle_id": STRING,
    "client_id": STRING, "token": STRING, "token_id": STRING, "since": COUNT_NUMBER,
}
VERIFY = props({**MATCH_FIELDS, "times": COUNT_NUMBER, "at_least": COUNT_NUMBER,
                "at_most": COUNT_NUMBER}, extra=False)
VERIFY["description"] = "times, or at_least and/or at_most (not both); none: at least 1."
CONNECT = obj(
    email=STRING | {"description": "default: the scenario's first owner with a vehicle"},
    password=STRING, vehicles=array(STRING) | {"description": "ids or VINs"},
    scopes={"type": ["array", "string"], "items": STRING},
    mode={"enum": ["test", "simulated", "live"]},
    deny=BOOLEAN, redirect_uri=STRING, state=STRING,
    make=STRING | {"description": "the brand signed in at (e.g. FORD): only the account's "
                   "vehicles of that make; a test-mode account's are made of it"},
    single_select=BOOLEAN,
    exchange=BOOLEAN, extra=False,
)
REVOKE = obj(user_id=STRING, email=STRING, vehicle_id=STRING, extra=False)
EMPTY = obj(extra=False)

_LIMITS = {"application_capacity": INTEGER, "application_per_minute": NUMBER,
           "vehicle_capacity": INTEGER, "vehicle_per_minute": NUMBER}
RATE_LIMITS = props({"enabled": BOOLEAN, **_LIMITS}, ("enabled", *_LIMITS))
SET_RATE_LIMITS = props({"enabled": BOOLEAN, **_LIMITS}, extra=False)

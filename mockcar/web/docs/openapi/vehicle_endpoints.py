"""How each vehicle endpoint (`/v{version}/vehicles/{vehicle_id}/...`) is documented.

The endpoints themselves come from the dispatcher's table (`mockcar.web.v2.
VEHICLE_ENDPOINTS`), their permissions from the capability table and their `sc-*`
headers from the read tables; what only a document needs — the body schemas and the
query parameters — is keyed here by the same (method, sub-path). A test fails when an
endpoint of the dispatcher has no row in `RESPONSES`.
"""

from __future__ import annotations

from collections.abc import Callable

from mockcar.domain.vehicles import capabilities
from mockcar.web.docs.openapi.model import (
    BOOLEAN,
    FRACTION,
    NUMBER,
    STRING,
    Operation,
    Param,
    Reply,
    Schema,
    array,
    enum,
    obj,
    ref,
)
from mockcar.wire.v2.endpoint_table import Headers
from mockcar.wire.v2.reads import READS_BY_PATH
from mockcar.wire.v2.request_parsing import MAX_OFFSET

Key = tuple[str, str]  # (method, sub-path below /vehicles/{vehicle_id}; "" = attributes)

# Response component per endpoint (mockcar.web.docs.openapi.schemas).
RESPONSES: dict[Key, str] = {
    ("GET", ""): "Attributes",
    ("GET", "/vin"): "Vin",
    ("GET", "/permissions"): "Permissions",
    ("GET", "/odometer"): "Odometer",
    ("GET", "/location"): "Location",
    ("GET", "/battery"): "Battery",
    ("GET", "/battery/capacity"): "BatteryCapacity",
    ("GET", "/battery/nominal_capacity"): "NominalCapacity",
    ("GET", "/fuel"): "Fuel",
    ("GET", "/charge"): "Charge",
    ("GET", "/charge/limit"): "ChargeLimit",
    ("GET", "/security"): "LockStatus",
    ("GET", "/engine/oil"): "EngineOil",
    ("GET", "/tires/pressure"): "TirePressure",
    ("GET", "/service/history"): "ServiceHistory",
    ("GET", "/diagnostics/system_status"): "SystemStatus",
    ("GET", "/diagnostics/dtcs"): "TroubleCodes",
    ("POST", "/security"): "Action",
    ("POST", "/charge"): "Action",
    ("POST", "/charge/limit"): "Action",
    ("POST", "/navigation/destination"): "Action",
    ("POST", "/batch"): "Batch",
    ("DELETE", "/application"): "Status",
    ("POST", "/webhooks/{webhook_id}"): "Subscription",
    ("DELETE", "/webhooks/{webhook_id}"): "Status",
    # Make-specific.
    ("GET", "/tesla/battery"): "TeslaBattery",
    ("GET", "/tesla/charge"): "TeslaCharge",
    ("GET", "/tesla/charge/ammeter"): "Ammeter",
    ("POST", "/tesla/charge/ammeter"): "Action",
    ("GET", "/tesla/charge/voltmeter"): "Voltmeter",
    ("GET", "/chevrolet/charge/voltmeter"): "Voltmeter",
    ("GET", "/cadillac/charge/voltmeter"): "Voltmeter",
    ("GET", "/tesla/charge/wattmeter"): "Wattmeter",
    ("GET", "/tesla/charge/completion"): "Completion",
    ("GET", "/chevrolet/charge/completion"): "Completion",
    ("GET", "/cadillac/charge/completion"): "Completion",
    ("GET", "/tesla/charge/records"): "TeslaChargeRecords",
    ("GET", "/tesla/charge/records/billing"): "TeslaBillingRecords",
    ("GET", "/tesla/charge/schedule"): "TeslaSchedule",
    ("POST", "/tesla/charge/schedule"): "TeslaSchedule",
    ("POST", "/tesla/charge/charge_port_door"): "Action",
    ("GET", "/tesla/compass"): "Compass",
    ("GET", "/tesla/speedometer"): "Speedometer",
    ("GET", "/tesla/thermometer/interior"): "Temperature",
    ("GET", "/tesla/thermometer/exterior"): "Temperature",
    ("GET", "/tesla/climate/cabin"): "Cabin",
    ("POST", "/tesla/climate/cabin"): "Cabin",
    ("GET", "/tesla/climate/defroster"): "Heater",
    ("POST", "/tesla/climate/defroster"): "HeaterCommand",
    ("GET", "/tesla/climate/steering_wheel"): "Heater",
    ("POST", "/tesla/climate/steering_wheel"): "HeaterCommand",
    ("GET", "/tesla/virtual_key"): "VirtualKey",
    ("GET", "/tesla/alerts"): "Alerts",
    ("GET", "/tesla/attributes"): "TeslaAttributes",
    ("GET", "/tesla/user/info"): "TeslaUserInfo",
    ("GET", "/tesla/user/access"): "TeslaUserAccess",
    ("GET", "/bmw/charge/records"): "ChargeSessions",
    ("GET", "/mini/charge/records"): "ChargeSessions",
    ("GET", "/ford/charge/schedule_by_location"): "ChargingLocations",
    ("GET", "/lincoln/charge/schedule_by_location"): "ChargingLocations",
    ("PUT", "/ford/charge/schedule_by_location"): "Action",
    ("PUT", "/lincoln/charge/schedule_by_location"): "Action",
    ("GET", "/nissan/charge/schedule"): "WeeklySchedules",
    ("PUT", "/nissan/charge/schedule"): "Action",
    ("POST", "/nissan/charge/schedule"): "Action",
    ("GET", "/audi/charge"): "AudiCharge",
}

_WINDOWS = obj(weekday=array(obj(start=STRING, end=STRING)),
               weekend=array(obj(start=STRING, end=STRING)))
_WEEKLY = obj(chargeSchedules=array(obj(start=STRING, end=STRING, days=array(STRING))))


def _action(*values: str) -> Schema:
    return obj(action=enum(*values))


# Request bodies (JSON) of the endpoints that take one.
# Node sends the limit as a string ("0.9"): a decimal from 0 to 1.
_NUMBER_TEXT: Schema = {"type": "string", "pattern": r"^\s*(0(\.[0-9]*)?|\.[0-9]+|1(\.0*)?)\s*$"}

REQUESTS: dict[Key, Schema] = {
    ("POST", "/security"): _action("LOCK", "UNLOCK"),
    ("POST", "/charge"): _action("START", "STOP"),
    # Node sends the number as a string ("0.9").
    ("POST", "/charge/limit"): obj(limit={"anyOf": [FRACTION, _NUMBER_TEXT]}),
    ("POST", "/navigation/destination"): obj(
        latitude={"type": "number", "minimum": -90, "maximum": 90},
        longitude={"type": "number", "minimum": -180, "maximum": 180}),
    ("POST", "/batch"): obj(requests=array(obj(path=STRING), minItems=1)),
    ("POST", "/tesla/charge/ammeter"): obj(amperage=NUMBER),
    ("POST", "/tesla/charge/schedule"): obj(
        {"enabled": BOOLEAN, "enable": BOOLEAN, "time": STRING},
        type=enum("START_TIME", "DEPARTURE_TIME")),
    ("POST", "/tesla/charge/charge_port_door"): _action("OPEN", "CLOSE"),
    # SET needs the temperature; START and STOP may carry one.
    ("POST", "/tesla/climate/cabin"): {"oneOf": [
        obj({"temperature": NUMBER}, action=enum("START", "STOP")),
        obj(action=enum("SET"), temperature=NUMBER)]},
    ("POST", "/tesla/climate/defroster"): _action("START", "STOP"),
    ("POST", "/tesla/climate/steering_wheel"): _action("START", "STOP"),
    **{(method, f"/{make}/charge/schedule_by_location"): {"anyOf": [
        obj(chargingLocation=obj({"chargeLimit": FRACTION, "chargingWindows": _WINDOWS})),
        obj({"chargeLimit": FRACTION, "chargingSchedules": _WINDOWS}),
    ]} for make in ("ford", "lincoln") for method in ("PUT",)},
    ("PUT", "/nissan/charge/schedule"): _WEEKLY,
    ("POST", "/nissan/charge/schedule"): _WEEKLY,
}

_DATE = {"anyOf": [{"type": "string", "format": "date"},
                   {"type": "string", "format": "date-time"}],
         "description": "YYYY-MM-DD or an ISO 8601 instant"}
_RANGE = tuple(Param(name, "query", _DATE, f"Also spelled {other}.")
               for name, other in (("startDate", "start_date"), ("endDate", "end_date"),
                                   ("start_date", "startDate"), ("end_date", "endDate")))
QUERIES: dict[Key, tuple[Param, ...]] = {
    ("GET", "/permissions"): (
        Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100},
              "Page size, default 25."),
        Param("offset", "query", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}),
    ),
    ("GET", "/service/history"): _RANGE,
    ("GET", "/tesla/charge/records"): _RANGE,
    ("GET", "/tesla/charge/records/billing"): (
        *_RANGE, Param("page", "query", {"type": "integer", "minimum": 1})),
    ("GET", "/bmw/charge/records"): _RANGE,
    ("GET", "/mini/charge/records"): _RANGE,
    **{("PUT", f"/{make}/charge/schedule_by_location"): (
        Param("latitude", "query", NUMBER, required=True),
        Param("longitude", "query", NUMBER, required=True),
    ) for make in ("ford", "lincoln")},
}

UNIT_SYSTEM = Param("sc-unit-system", "header", enum("metric", "imperial"),
                    "Units of distances, volumes, pressures, speeds and temperatures.")
_ID = ("sc-request-id",)
ERRORS: dict[int | str, Reply] = {
    400: Reply("VALIDATION or CONNECTED_SERVICES_ACCOUNT", ref("Error"), headers=_ID),
    401: Reply("AUTHENTICATION", ref("Error"), headers=_ID),
    403: Reply("PERMISSION: a scope is missing", ref("Error"), headers=_ID),
    404: Reply("RESOURCE_NOT_FOUND", ref("Error"), headers=_ID),
    409: Reply("VEHICLE_STATE", ref("Error"), headers=_ID),
    429: Reply("RATE_LIMIT (with retry-after)", ref("Error"), headers=_ID),
    430: Reply("BILLING", ref("Error"), headers=_ID),
    501: Reply("COMPATIBILITY", ref("Error"), headers=_ID),
    "default": Reply("Any other Smartcar error (SERVER, UPSTREAM, 405)", ref("Error"),
                     headers=_ID),
}
# Who calls what: unsubscribe takes the application management token as a bearer.
MANAGEMENT_BEARER: frozenset[Key] = frozenset({("DELETE", "/webhooks/{webhook_id}")})


def vehicle_operation(method: str, sub_path: str, handler: Callable[..., object]) -> Operation:
    """The documentation of one dispatcher entry; `KeyError` when `RESPONSES` lacks it."""
    key = (method, sub_path)
    component = RESPONSES[key]
    read = READS_BY_PATH.get(sub_path) if method == "GET" else None
    headers: tuple[str, ...] = ("sc-request-id",)
    if read is not None and read.headers is not Headers.STATIC:
        headers += ("sc-data-age", "sc-fetched-at")
    if read is not None and read.headers is Headers.UNITS:
        headers += ("sc-unit-system",)
    endpoint = capabilities.endpoint(method, sub_path)
    permission = endpoint.permission if endpoint is not None else None
    make_specific = endpoint is not None and endpoint.make_specific
    name = getattr(handler, "__name__", f"{method.lower()}{sub_path.replace('/', '_')}")
    description = (f"Needs the `{permission}` permission." if permission
                   else "Needs no permission.")
    if endpoint is not None and endpoint.makes is not None:
        description += f" Served for {', '.join(sorted(endpoint.makes))} vehicles."
    return Operation(
        summary=name.replace("_", " ").capitalize(),
        description=description,
        replies={200: Reply("Success", ref(component), headers=headers), **ERRORS},
        security=("managementToken",) if key in MANAGEMENT_BEARER else ("accessToken",),
        params=(*QUERIES.get(key, ()), UNIT_SYSTEM),
        body=REQUESTS.get(key),
        tags=("Vehicle (make-specific)" if make_specific else "Vehicle",),
        operation_id=name,
        extensions={"x-smartcar-permission": permission},
    )

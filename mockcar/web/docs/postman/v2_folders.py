"""The collection's Smartcar folders, generated from the route tables so they cannot
drift: one request (or more, for a command with several actions) per entry of the vehicle
dispatcher (`mockcar.web.v2.VEHICLE_ENDPOINTS`), plus the platform routes — vehicles and
user, Connect's authorization page and the token endpoint, Compatibility, Management.

Folders follow Smartcar's own v2 collection
(https://www.postman.com/smartcar/smartcar-api/collection/fqmwehs/smartcar-api):
All Vehicles (its test script stores `vehicle_id`), Vehicle Info, EV Battery Level,
Lock/Unlock, Control Charge, Charge Limit, Batch, make-specific (a sub-folder per make),
Management, Compatibility; mockcar adds Navigation, Diagnostics, Webhooks and Auth.
Smartcar's collection sends lock/unlock to /v1.0/; mockcar's uses /v2.0/ throughout.

What the tables cannot know is written here: which folder a general endpoint belongs to
(`FOLDERS`), example bodies and queries (`EXAMPLES`; every body is checked against the
OpenAPI request schema by the tests), and request names Smartcar's collection uses
(`NAMES`). The field each test asserts comes from the OpenAPI response schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mockcar.domain.vehicles import capabilities
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.web import v2
from mockcar.web.docs.openapi.operations import OPERATIONS
from mockcar.web.docs.openapi.schemas import SCHEMAS
from mockcar.web.docs.openapi.vehicle_endpoints import (
    MANAGEMENT_BEARER,
    RESPONSES,
    vehicle_operation,
)
from mockcar.web.docs.postman.model import Auth, Call, basic, bearer, test, variables
from mockcar.web.docs.postman.setup_folder import (
    DEMO_AUTH,
    DEMO_PREFIX,
    TO_DELETE,
    TO_DISCONNECT,
    brand,
    vehicle_for,
)

VERSION = "2.0"
API = f"/v{VERSION}"
Key = tuple[str, str]  # (method, sub-path below /vehicles/{vehicle_id})
Folder = tuple[str, ...]  # folder names from the top: ("Make specific", "Tesla")

ALL_SCOPES = " ".join(sorted(PERMISSIONS))
CLIENT_AUTH = DEMO_AUTH  # HTTP Basic client_id:client_secret (token endpoint, Compatibility)
MANAGEMENT_AUTH = basic("default", "{{management_token}}")  # Management API
MAKE_SPECIFIC = "Make specific"


@dataclass(frozen=True)
class Example:
    """One way to call an endpoint: its name (None: from `NAMES` or the operation), a
    JSON body, a query, and more test-script lines."""

    name: str | None = None
    body: Any = None
    query: tuple[tuple[str, str], ...] = ()
    checks: tuple[str, ...] = ()
    save: tuple[tuple[str, str], ...] = ()


FOLDERS: dict[Key, str] = {
    **{("GET", p): "Vehicle Info" for p in (
        "", "/vin", "/permissions", "/odometer", "/location", "/tires/pressure",
        "/engine/oil", "/fuel", "/service/history")},
    **{("GET", p): "EV Battery Level" for p in (
        "/battery", "/battery/capacity", "/battery/nominal_capacity", "/charge")},
    ("GET", "/security"): "Lock/Unlock",
    ("POST", "/security"): "Lock/Unlock",
    ("POST", "/charge"): "Control Charge",
    ("GET", "/charge/limit"): "Charge Limit",
    ("POST", "/charge/limit"): "Charge Limit",
    ("POST", "/navigation/destination"): "Navigation",
    ("GET", "/diagnostics/system_status"): "Diagnostics",
    ("GET", "/diagnostics/dtcs"): "Diagnostics",
    ("POST", "/batch"): "Batch",
    ("POST", "/webhooks/{webhook_id}"): "Webhooks",
    ("DELETE", "/webhooks/{webhook_id}"): "Webhooks",
    ("DELETE", "/application"): "Management",
}
# Smartcar's collection order; a general endpoint missing from FOLDERS goes to the first.
ORDER = ("All Vehicles", "Vehicle Info", "EV Battery Level", "Lock/Unlock", "Control Charge",
         "Charge Limit", "Navigation", "Diagnostics", "Batch", MAKE_SPECIFIC, "Webhooks",
         "Auth", "Compatibility", "Management")

NAMES: dict[Key, str] = {
    ("GET", ""): "Vehicle Attributes", ("GET", "/vin"): "VIN",
    ("GET", "/permissions"): "Permissions", ("GET", "/odometer"): "Odometer",
    ("GET", "/location"): "Location", ("GET", "/tires/pressure"): "Tire Pressure",
    ("GET", "/engine/oil"): "Engine Oil Life", ("GET", "/fuel"): "Fuel Tank",
    ("GET", "/service/history"): "Service History",
    ("GET", "/battery"): "EV Battery Level", ("GET", "/battery/capacity"): "EV Battery Capacity",
    ("GET", "/battery/nominal_capacity"): "EV Battery Nominal Capacity",
    ("GET", "/charge"): "EV Charge Status", ("GET", "/security"): "Lock Status",
    ("GET", "/charge/limit"): "Charge Limit", ("POST", "/charge/limit"): "Set Charge Limit",
    ("POST", "/navigation/destination"): "Send Destination",
    ("GET", "/diagnostics/system_status"): "System Status",
    ("GET", "/diagnostics/dtcs"): "Diagnostic Trouble Codes",
    ("POST", "/batch"): "Batch", ("POST", "/webhooks/{webhook_id}"): "Subscribe",
    ("DELETE", "/webhooks/{webhook_id}"): "Unsubscribe",
    ("DELETE", "/application"): "Disconnect a vehicle",
}

_BATCH_PATHS = ("/odometer", "/battery", "/location")
_WEEKLY = {"chargeSchedules": [{"start": "23:00", "end": "06:00",
                                "days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY"]}]}


def _location_schedule(make: str) -> tuple[Example, ...]:
    # A saved charging location of this car: stored by the GET just before.
    return (Example(
        query=(("latitude", f"{{{{{make}_latitude}}}}"), ("longitude", f"{{{{{make}_longitude}}}}")),
        body={"chargeLimit": 0.8, "chargingSchedules": {
            "weekday": [{"start": "22:00", "end": "06:00"}], "weekend": []}}),)


def _saved_location(make: str) -> tuple[Example, ...]:
    first = "body.chargingLocations[0].location"
    return (Example(save=((f"{make}_latitude", f"String({first}.latitude)"),
                          (f"{make}_longitude", f"String({first}.longitude)"))),)


EXAMPLES: dict[Key, tuple[Example, ...]] = {
    ("POST", "/security"): (Example("Unlock", {"action": "UNLOCK"}),
                            Example("Lock", {"action": "LOCK"})),
    ("POST", "/charge"): (Example("Start charging", {"action": "START"}),
                          Example("Stop charging", {"action": "STOP"})),
    ("POST", "/charge/limit"): (Example(body={"limit": 0.8}),),
    ("POST", "/navigation/destination"): (
        Example(body={"latitude": 37.7749, "longitude": -122.4194}),),
    ("POST", "/batch"): (Example(
        body={"requests": [{"path": p} for p in _BATCH_PATHS]},
        checks=test("every sub-request answered 200", "pm.expect(pm.response.json()."
                    f"responses.map(r => r.code)).to.eql({[200] * len(_BATCH_PATHS)});")),),
    ("POST", "/tesla/charge/ammeter"): (Example(body={"amperage": 16}),),
    ("POST", "/tesla/charge/schedule"): (
        Example(body={"type": "START_TIME", "enabled": True, "time": "23:30"}),),
    ("POST", "/tesla/charge/charge_port_door"): (Example(body={"action": "OPEN"}),),
    ("POST", "/tesla/climate/cabin"): (Example(body={"action": "SET", "temperature": 21}),),
    ("POST", "/tesla/climate/defroster"): (Example(body={"action": "START"}),),
    ("POST", "/tesla/climate/steering_wheel"): (Example(body={"action": "START"}),),
    **{("GET", f"/{make}/charge/schedule_by_location"): _saved_location(make)
       for make in ("ford", "lincoln")},
    **{("PUT", f"/{make}/charge/schedule_by_location"): _location_schedule(make)
       for make in ("ford", "lincoln")},
    ("PUT", "/nissan/charge/schedule"): (Example(body=_WEEKLY),),
    ("POST", "/nissan/charge/schedule"): (Example(body=_WEEKLY),),
}
# Cars given up on purpose (the Management folder), not by capability.
VEHICLES: dict[Key, str] = {("DELETE", "/application"): TO_DISCONNECT.variable}


def _title(operation: str, make: str | None) -> str:
    """`get_tesla_compass` -> `Get compass` in the Tesla folder: the folder names the
    make, and a second spelling of the same command (`..._post`) its method."""
    words = [w for w in operation.split("_") if w not in (make, "post")]
    return " ".join(words).capitalize()


def first_required(schema: dict[str, Any]) -> tuple[str | None, bool]:
    """(a field every answer of `schema` has, whether it is an array), following
    `$ref`s into the OpenAPI components and the first branch of an `anyOf`."""
    while True:
        if "$ref" in schema:
            schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in schema:
            schema = schema["anyOf"][0]
        else:
            break
    if schema.get("type") == "array":
        return None, True
    required = schema.get("required") or []
    return (required[0] if required else None), False


def vehicle_calls() -> dict[Folder, list[Call]]:
    """Folder (or ("Make specific", <Make>)) -> the calls for every dispatcher entry."""
    folders: dict[Folder, list[Call]] = {}
    for (method, sub_path), handler in v2.VEHICLE_ENDPOINTS.items():
        key = (method, sub_path)
        target = capabilities.endpoint(method, sub_path)
        make = None
        if target is not None and target.make_specific:
            make = sub_path.split("/")[1]
            folder: Folder = (MAKE_SPECIFIC, brand(make))
        else:
            folder = (FOLDERS.get(key, ORDER[1]),)
        variable = VEHICLES.get(key)
        if variable is None:
            car = vehicle_for(target) if target is not None else None
            variable = car.variable if car is not None else "vehicle_id"
        operation = vehicle_operation(method, sub_path, handler)
        field, is_array = first_required(SCHEMAS[RESPONSES[key]] if key in RESPONSES else {})
        auth: Auth | None = bearer("{{management_token}}") if key in MANAGEMENT_BEARER else None
        title = NAMES.get(key) or _title(operation.operation_id or operation.summary, make)
        taken = {call.name for call in folders.get(folder, [])}
        if title in taken:  # Nissan's schedule is set by PUT and by POST
            title = f"{title} ({method})"
        for example in EXAMPLES.get(key, (Example(),)):
            folders.setdefault(folder, []).append(Call(
                name=example.name or title,
                method=method,
                path=f"{API}/vehicles/{{{{{variable}}}}}{variables(sub_path)}",
                key=field, array=is_array, body=example.body, query=example.query,
                checks=example.checks, save=example.save, auth=auth, smartcar=True,
                description=f"`{method} /vehicles/{{id}}{sub_path}`. {operation.description}",
                route=(method, v2.VEHICLE + sub_path),
            ))
    return folders


def _platform(name: str, method: str, path: str, auth: Auth | None = None,
              **extra: Any) -> Call:
    """A call to a route documented in `mockcar.web.docs.openapi.operations`."""
    template = re.sub(r"^/v[\d.]+", "/v{version}", path)
    operation = OPERATIONS[(method, template)]
    reply = operation.replies[200]
    field, is_array = first_required(reply.schema or {})
    values: dict[str, Any] = {"key": field, "array": is_array,
                              "smartcar": template.startswith("/v{version}"),
                              "description": operation.summary + "." + (
                                  f" {operation.description}" if operation.description else "")}
    values.update(extra)
    return Call(name=name, method=method, path=path, auth=auth, route=(method, template),
                **values)


def platform_calls() -> dict[str, list[Call]]:
    connect_query = (("response_type", "code"), ("client_id", "{{client_id}}"),
                     ("redirect_uri", "{{redirect_uri}}"), ("scope", ALL_SCOPES),
                     ("mode", "test"), ("state", "postman"))
    return {
        "All Vehicles": [
            _platform("All Vehicles", "GET", f"{API}/vehicles",
                      save=(("vehicle_id", "body.vehicles[0]"),)),
            _platform("User", "GET", f"{API}/user"),
        ],
        "Auth": [
            Call("Connect: the authorization page", "GET", "/oauth/authorize",
                 query=connect_query, contains="wants to connect to your vehicle",
                 auth={"type": "noauth"}, route=("GET", "/oauth/authorize"),
                 description="The URL Get New Access Token opens in a browser (test mode: "
                 "any email and password sign in)."),
            Call("Get a code (headless Connect)", "POST", DEMO_PREFIX + "/connect",
                 key="code", auth=DEMO_AUTH, save=(("code", "body.code"),),
                 body={"email": "{{owner_email}}", "redirect_uri": "{{redirect_uri}}",
                       "state": "postman"},
                 description="Connect without the pages, stopping at the redirect: the "
                 "code Postman's callback would receive.",
                 route=("POST", "/_mockcar/applications/{client_id}/connect")),
            _platform("Exchange the code for tokens", "POST", "/oauth/token", CLIENT_AUTH,
                      form=(("grant_type", "authorization_code"), ("code", "{{code}}"),
                            ("redirect_uri", "{{redirect_uri}}")),
                      save=(("access_token", "body.access_token"),
                            ("refresh_token", "body.refresh_token"))),
            _platform("Refresh the access token", "POST", "/oauth/token", CLIENT_AUTH,
                      form=(("grant_type", "refresh_token"),
                            ("refresh_token", "{{refresh_token}}")),
                      save=(("access_token", "body.access_token"),
                            ("refresh_token", "body.refresh_token"))),
        ],
        "Compatibility": [
            _platform("Compatibility", "GET", f"{API}/compatibility", CLIENT_AUTH,
                      query=(("vin", "{{vin}}"), ("scope", "read_odometer read_battery"),
                             ("country", "US"))),
            _platform("Compatibility Matrix", "GET", f"{API}/compatibility/matrix",
                      CLIENT_AUTH, query=(("region", "US"), ("make", "TESLA")),
                      key="TESLA"),
        ],
        "Management": [
            _platform("Connections", "GET", f"{API}/management/connections",
                      MANAGEMENT_AUTH, key="connections"),
            _platform("Delete a vehicle's connections", "DELETE",
                      f"{API}/management/connections", MANAGEMENT_AUTH,
                      query=(("vehicle_id", f"{{{{{TO_DELETE.variable}}}}}"),),
                      checks=test("deleted that vehicle's connections only", (
                          "const ended = pm.response.json().connections;\n"
                          "pm.expect(ended).to.not.be.empty;\n"
                          "pm.expect(ended.map(c => c.vehicleId)).to.eql(ended.map("
                          f"() => pm.environment.get({TO_DELETE.variable!r})));"))),
        ],
    }


def folders() -> list[tuple[Folder, list[Call]]]:
    """(folder path, calls) in Smartcar's order; a path (A, B) is folder B inside A."""
    vehicle = vehicle_calls()
    platform = platform_calls()
    result: list[tuple[Folder, list[Call]]] = []
    for name in ORDER:
        if name == MAKE_SPECIFIC:
            result += sorted(((path, calls) for path, calls in vehicle.items()
                              if path[0] == MAKE_SPECIFIC), key=lambda found: found[0])
            continue
        calls = platform.get(name, []) + vehicle.get((name,), [])
        if calls:
            result.append(((name,), calls))
    return result

"""API v3 in mockcar's OpenAPI document (mockcar.web.docs.openapi.document's contributor protocol):
every `/v3/` route and `/oauth2/token`, with closed schemas for each shape of
mockcar.web.v3.responses — down to each signal code's body — so the suite-wide response
check (tests/support/openapi_plugin.py) holds API v3 to what is written here."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mockcar.domain.signals.catalog import CATALOG
from mockcar.web.docs.openapi.model import (
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    Operation,
    Param,
    Reply,
    Schema,
    array,
    enum,
    nullable,
    obj,
    ref,
    render,
)
from mockcar.web.v3 import signal_schemas

TIME: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
LINK: Schema = nullable(STRING)
_ID = ("sc-request-id",)
_REQUEST_ID = {"description": "UUID v4 of this request.", "required": True,
               "schema": {"type": "string", "format": "uuid"}}
_HEADERS = {"sc-request-id": _REQUEST_ID}


def _const(value: str) -> Schema:
    return {"type": "string", "const": value}


def _unit(unit: str, value: Schema = NUMBER) -> Schema:
    return obj(unit=_const(unit), value=value)


def _value(schema: Schema) -> Schema:
    return obj(value=schema)


_PERCENT = _unit("percent", {"type": "number", "minimum": 0, "maximum": 100})
_GRID = {"rowCount": INTEGER, "columnCount": INTEGER}
_OPENING = obj(isOpen=BOOLEAN, isLocked=BOOLEAN)

BODIES: dict[str, Schema] = {
    "tractionbattery-stateofcharge": _PERCENT,
    "tractionbattery-range": obj(
        unit=_const("kilometers"), value=NUMBER, type=_const("DEFAULT"),
        additionalValues=array(
            obj(type=enum("IDEAL_CONDITIONS", "ESTIMATED", "RATED"), value=NUMBER))),
    "tractionbattery-nominalcapacity": obj(
        source=nullable(enum("SMARTCAR", "USER_SELECTED")), capacity=nullable(NUMBER),
        availableCapacities=array(obj(capacity=NUMBER, description=nullable(STRING))),
        unit=_const("kWh")),
    "tractionbattery-isheateractive": _value(BOOLEAN),
    "tractionbattery-maxrangechargecounter": _unit("count", INTEGER),
    "lowvoltagebattery-stateofcharge": _PERCENT,
    "lowvoltagebattery-status": _value(enum("GOOD", "WARN", "BAD")),
    "odometer-traveleddistance": _unit("kilometers"),
    "location-preciselocation": obj(
        latitude=NUMBER, longitude=NUMBER, heading=NUMBER,
        direction=enum("N", "NE", "E", "SE", "S", "SW", "W", "NW"),
        locationType=enum("LAST_PARKED", "CURRENT")),
    "location-isathome": _value(BOOLEAN),
    "motion-currentspeed": _unit("km/h"),
    "charge-amperage": _unit("ampere"),
    "charge-amperagemax": _unit("ampere"),
    "charge-amperagerequested": _unit("ampere"),
    "charge-voltage": _unit("volts"),
    "charge-wattage": _unit("watts"),
    "charge-energyadded": _unit("kWh"),
    "charge-chargerate": _unit("km/h"),
    "charge-timetocomplete": _value(INTEGER),
    "charge-ischarging": _value(BOOLEAN),
    "charge-ischargingcableconnected": _value(BOOLEAN),
    "charge-ischargingcablelatched": _value(BOOLEAN),
    "charge-ischargingportflapopen": _value(BOOLEAN),
    "charge-isfastchargerpresent": _value(BOOLEAN),
    "charge-detailedchargingstatus": _value(enum("CHARGING", "NOT_CHARGING", "FULLY_CHARGED")),
    "charge-chargelimits": obj(
        values=array(obj(type=enum("GLOBAL", "LOCATION", "CONNECTOR"), limit=NUMBER,
                         condition=nullable({"type": "object"}))),
        activeLimit=NUMBER, unit=_const("percent")),
    "charge-chargetimers": obj(values=array(obj(
        {"scheduleType": enum("daily", "weekly", "workweek"), "scheduleId": STRING},
        type=STRING, condition=nullable({"type": "object"}),
        schedules=array(obj(start=STRING, end=STRING, days=array(STRING))),
        departureTimers=array(obj(days=array(STRING), time=STRING)),
        isOEMOptimizationEnabled=BOOLEAN))),
    "charge-chargerecords": obj(values=array(obj(
        id=STRING, cost=obj(currency=STRING, energyAmount=NUMBER, otherAmount=NUMBER),
        startTime=TIME, endTime=TIME,
        location=obj(name=STRING, latitude=NUMBER, longitude=NUMBER),
        energyAdded=NUMBER, connectorType=STRING, isPublicCharger=BOOLEAN,
        startStateOfCharge=NUMBER, endStateOfCharge=NUMBER))),
    "charge-chargerphases": _value(INTEGER),
    "charge-chargingconnectortype": _value(STRING),
    "charge-fastchargertype": _value(STRING),
    "charge-chargeportstatuscolor": _value(STRING),
    "closure-doors": obj(values=array(obj(row=INTEGER, column=INTEGER, isOpen=BOOLEAN,
                                          isLocked=BOOLEAN)), **_GRID),
    "closure-windows": obj(values=array(obj(row=INTEGER, column=INTEGER, isOpen=BOOLEAN)),
                           **_GRID),
    "closure-islocked": _value(BOOLEAN),
    "closure-fronttrunk": _OPENING,
    "closure-reartrunk": _OPENING,
    "closure-sunroof": obj(isOpen=BOOLEAN),
    "closure-enginecover": obj(isOpen=BOOLEAN),
    "internalcombustionengine-fuellevel": _PERCENT,
    "internalcombustionengine-amountremaining": _unit("liters"),
    "internalcombustionengine-range": _unit("kilometers"),
    "internalcombustionengine-oillife": _PERCENT,
    "hvac-cabintargettemperature": _unit("celsius"),
    "hvac-iscabinhvacactive": _value(BOOLEAN),
    "hvac-isfrontdefrosteractive": _value(BOOLEAN),
    "hvac-isreardefrosteractive": _value(BOOLEAN),
    "hvac-issteeringheateractive": _value(BOOLEAN),
    "wheel-tires": obj(values=array(obj(row=INTEGER, column=INTEGER, tirePressure=NUMBER)),
                       **_GRID, unit=_const("kilopascals")),
    "wheel-style": _value(STRING),
    "vehicleidentification-vin": _value({"type": "string", "pattern": "^[A-Z0-9]{17}$"}),
    "vehicleidentification-nickname": _value(STRING),
    "vehicleidentification-exteriorcolor": _value(STRING),
    **signal_schemas.BODIES,
}

_RESOLUTION = obj({"url": STRING}, type=nullable(STRING))
_SIGNAL_ERROR = obj(type=STRING, code=nullable(STRING), description=STRING,
                    resolution=_RESOLUTION)


def _signal() -> Schema:
    """One signal resource; each code's `body` (and name, group) checked by an
    `if`/`then` on `id`, which fails fast for the other codes."""
    head = {"code": STRING, "name": STRING, "group": STRING}
    schema = obj(
        id=enum(*(spec.code for spec in CATALOG)), type=_const("signal"),
        attributes={"anyOf": [
            obj(**head, status=obj(value=_const("SUCCESS")), body={"type": "object"}),
            obj(**head, status=obj(value=_const("ERROR"), error=_SIGNAL_ERROR)),
        ]},
        meta=obj(retrievedAt=INTEGER, oemUpdatedAt=INTEGER),
        links=obj({"values": STRING}, self=STRING, vehicle=STRING),
    )
    schema["allOf"] = [
        {"if": {"properties": {"id": {"const": spec.code}}},
         "then": {"properties": {"attributes": {"properties": {
             "code": _const(spec.code), "name": _const(spec.name), "group": _const(spec.group),
             "body": BODIES[spec.code]}}}}}
        for spec in CATALOG
    ]
    return schema


def _page_meta() -> Schema:
    return obj(page=INTEGER, pageSize=INTEGER, totalCount=INTEGER)


_LINKS = obj(self=STRING, first=STRING, previous=LINK, next=LINK, last=STRING)

SCHEMAS: dict[str, Schema] = {
    "V3Error": obj(errors=array(obj(
        {"suggestedUserMessage": STRING},
        status={"type": "string", "pattern": r"^\d{3}$"}, type=STRING, code=STRING,
        title=STRING, detail=STRING, links=obj(about=STRING), resolution=_RESOLUTION,
    ), minItems=1)),
    "V3Vehicle": obj(
        id=STRING, type=_const("vehicle"),
        attributes=obj(make=STRING, model=STRING, year=INTEGER,
                       powertrainType=enum("BEV", "PHEV", "HEV", "ICE")),
        links=obj(self=STRING)),
    "V3Signal": _signal(),
    "V3Signals": obj(data=array(ref("V3Signal")), meta=_page_meta(), links=_LINKS,
                     included=obj(vehicle=ref("V3Vehicle"))),
    "V3Connection": obj(
        id=STRING, type=_const("connection"),
        attributes=obj(permissions=array(STRING), vehicle=obj(
            {"make": STRING, "model": STRING, "year": INTEGER,
             "powertrainType": enum("BEV", "PHEV", "HEV", "ICE")},
            mode=enum("live", "simulated"))),
        relationships=obj(
            vehicle=obj(data=obj(id=STRING, type=_const("vehicle")),
                        links=obj(related=STRING)),
            user=obj(data=obj(id=STRING, type=_const("user")))),
        meta=obj(createdAt=TIME, updatedAt=TIME), links=obj(self=STRING)),
    "V3ConnectionOne": obj(data=ref("V3Connection")),
    "V3Connections": obj(data=array(ref("V3Connection")), meta=_page_meta(), links=_LINKS),
    "V3CommandExecution": obj(data=obj(
        {"links": obj({"schedule": STRING}, self=STRING)},
        id={"type": "string", "pattern": "^exec_"},
        type=enum("command-execution", "charge-schedule-execution"),
        attributes=obj(
            {"commandType": STRING, "action": enum("create", "delete"),
             "scheduleType": enum("daily", "weekly", "workweek"), "scheduleId": STRING},
            status=obj({"error": obj({"description": STRING}, type=STRING,
                                     code={"type": ["string", "null"]})},
                       value=enum("PENDING", "SUCCESS", "FAILED")),
            executionMode=enum("sync", "async"), parameters={"type": "object"}),
        meta=obj({"completedAt": TIME, "expectedCompletionAt": TIME},
                 executedAt=TIME, durationInSeconds=NUMBER))),
    "V3CompatibleVehicles": obj(
        data=array(obj(
            id=STRING, type=_const("compatible-vehicle"),
            attributes=obj(
                make=STRING, model=STRING, region=enum("US", "CA", "EUROPE"),
                powertrainType=enum("ICE", "BEV", "PHEV", "HEV"),
                years=obj(start=INTEGER, end=INTEGER),
                capabilities=array(obj(capability=STRING, code=STRING,
                                       type=enum("signal", "command")))))),
        meta=obj(totalCount=INTEGER), links=obj(self=STRING, next=nullable(STRING))),
    "ApplicationToken": obj(access_token=STRING, token_type=_const("Bearer"),
                            expires_in={"type": "integer", "const": 3600}),
}

SECURITY = {
    "applicationToken": {"type": "http", "scheme": "bearer",
                         "description": "An application token from POST /oauth2/token "
                         "(client credentials), with the sc-user-id header on vehicle "
                         "endpoints."},
}

_USER = Param("sc-user-id", "header", STRING,
              "With an application token: the user_id Connect returned for the owner.")
_ERRORS: dict[int | str, Reply] = {
    status: Reply(text, ref("V3Error"), headers=_ID)
    for status, text in ((400, "VALIDATION"), (401, "AUTHENTICATION"),
                         (403, "PERMISSION (ACCESS_DENIED): outside the credential"),
                         (404, "RESOURCE_NOT_FOUND"), (405, "Wrong method"),
                         ("default", "Any other Smartcar error, in the v3 envelope"))
}
_VEHICLE_AUTH = ("applicationToken", "accessToken")


def _op(summary: str, component: str | None, operation_id: str, *params: Param,
        security: tuple[str, ...] = _VEHICLE_AUTH, body: Schema | None = None,
        status: int = 200, description: str = "") -> Operation:
    success = (Reply("Success", ref(component), headers=_ID) if component
               else Reply("Done, no body", headers=_ID, media=""))
    return Operation(summary=summary, replies={status: success, **_ERRORS},
                     security=security, params=params, body=body, tags=("API v3",),
                     operation_id=operation_id, description=description)


def _operations() -> dict[str, dict[str, Operation]]:
    from mockcar.web.v3.commands import BASE, COMMANDS, PERCENT_RANGE

    vehicle = "/v3/vehicles/{vehicle_id}"
    paging = (Param("page", "query", {"type": "integer", "minimum": 1}),
              Param("pageSize", "query", {"type": "integer", "minimum": 1},
                    "Default: every signal on one page."))
    found: dict[str, dict[str, Operation]] = {
        vehicle: {"get": _op("Vehicle: make, model, year, powertrain", "V3Vehicle",
                             "v3_get_vehicle", _USER)},
        vehicle + "/signals": {"get": _op("Every signal of the vehicle", "V3Signals",
                                          "v3_get_signals", _USER, *paging)},
        vehicle + "/signals/{code}": {"get": _op("One signal", "V3Signal", "v3_get_signal",
                                                 _USER)},
        "/v3/connections": {"get": _op(
            "The application's connections", "V3Connections", "v3_list_connections",
            Param("filter[userId]", "query"), Param("filter[vehicleId]", "query"),
            Param("filter[vehicle.mode]", "query", enum("live", "simulated")),
            Param("page[number]", "query", {"type": "integer", "minimum": 1}),
            Param("page[size]", "query", {"type": "integer", "minimum": 1, "maximum": 100}),
            _USER, security=("applicationToken",))},
        "/v3/connections/{connection_id}": {
            "get": _op("One connection", "V3ConnectionOne", "v3_get_connection",
                       security=("applicationToken",)),
            "delete": _op("Delete a connection", None, "v3_delete_connection",
                          security=("applicationToken",), status=204)},
        "/v3/compatible-vehicles": {"get": _op(
            "Compatible vehicles: makes and models with the signals and commands each "
            "supports, from the same capability table as the v2 matrix",
            "V3CompatibleVehicles", "v3_list_compatible_vehicles",
            Param("region", "query", enum("US", "CA", "EUROPE")),
            Param("make", "query", STRING, "Comma-separated makes"),
            Param("powertrainType", "query", enum("ICE", "BEV", "PHEV", "HEV")),
            security=())},
        "/v3/users/{user_id}": {"delete": _op(
            "Delete a user and all their connections", None, "v3_delete_user",
            security=("applicationToken",), status=204)},
    }
    bodies = {
        "/charge/set-limit": obj(data=obj(attributes=obj(percent={
            "type": "number", "minimum": PERCENT_RANGE[0], "maximum": PERCENT_RANGE[1]}))),
        "/navigation/set-destination": obj(data=obj(attributes=obj(
            latitude={"type": "number", "minimum": -90, "maximum": 90},
            longitude={"type": "number", "minimum": -180, "maximum": 180}))),
    }
    for command in COMMANDS:
        operation = _op(
            f"Command {command.command_type}", "V3CommandExecution",
            "v3_" + command.command_type.replace("-", "_"), _USER,
            body=bodies.get(command.path),
            description="200 when the command ran within the request (sync); 202 when the "
            "World's command policy makes it long-running (async, PENDING until the World "
            "clock reaches expectedCompletionAt).")
        operation = replace(operation, replies={
            **operation.replies,
            202: Reply("Accepted: long-running", ref("V3CommandExecution"), headers=_ID)})
        found[BASE + command.path] = {"post": operation}
    accepted = Reply("Accepted: long-running", ref("V3CommandExecution"), headers=_ID)
    window = {"location": obj(latitude={"type": "number", "minimum": -90, "maximum": 90},
                              longitude={"type": "number", "minimum": -180, "maximum": 180}),
              "startTime": STRING, "stopTime": STRING}
    for kind in ("daily", "weekly", "workweek"):
        days = {"days": array(enum("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
                                   "SATURDAY", "SUNDAY"))} if kind == "weekly" else {}
        operation = _op(f"Set a {kind} charge schedule (Tesla; Volvo daily only)",
                        "V3CommandExecution", f"v3_set_{kind}_charge_schedule", _USER,
                        body=obj(data=obj(attributes=obj(**window, **days))))
        found[vehicle + "/charge-schedules/" + kind] = {"post": replace(
            operation, replies={**operation.replies, 202: accepted})}
    deletion = _op("Delete a charge schedule by its scheduleId (the ChargeTimers signal)",
                   "V3CommandExecution", "v3_delete_charge_schedule", _USER)
    found[vehicle + "/charge-schedules/{schedule_id}"] = {"delete": replace(
        deletion, replies={**deletion.replies, 202: accepted})}
    found[BASE + "/executions/{execution_id}"] = {"get": _op(
        "A command execution, as it stands at the World's now", "V3CommandExecution",
        "v3_get_execution", _USER)}
    return found


def _oauth2_token() -> Operation:
    return Operation(
        summary="An application token (client credentials): 1 hour, no refresh token",
        replies={200: Reply("The application token", ref("ApplicationToken")),
                 400: Reply("OAuth error", ref("OAuthError")),
                 401: Reply("Client authentication failed", ref("OAuthError")),
                 "default": Reply("OAuth error (e.g. 405)", ref("OAuthError"))},
        security=("clientBasic",), tags=("Auth",), operation_id="application_token",
        body=obj({"client_id": STRING, "client_secret": STRING, "scope": STRING},
                 grant_type=_const("client_credentials")),
        body_media="application/x-www-form-urlencoded",
        description="client_id and client_secret in the form body (Smartcar's docs), or "
        "HTTP Basic.",
    )


def _render(path: str, operation: Operation, operation_id: str | None = None) -> dict[str, Any]:
    return render(path, operation, operation_id, headers=_HEADERS)


def openapi() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for path, methods in _operations().items():
        for variant in (path, path + "/"):
            slash = variant.endswith("/")
            for method, operation in methods.items():
                op_id = (operation.operation_id or "") + ("_slash" if slash else "")
                paths.setdefault(variant, {})[method] = _render(variant, operation, op_id)
    paths["/oauth2/token"] = {"post": _render("/oauth2/token", _oauth2_token())}
    other = "/v3/vehicles/{vehicle_id}/{sub_path}"
    paths[other] = {m: _render(other, Operation(
        summary="Any other vehicle sub-path", replies={404: _ERRORS[404], 405: _ERRORS[405]},
        tags=("API v3",), operation_id=f"v3_other_vehicle_path_{m}"))
        for m in ("get", "post", "put", "patch", "delete")}
    paths["/v3/{rest}"] = {m: _render("/v3/{rest}", Operation(
        summary="Any other /v3/ path", replies={404: _ERRORS[404], 405: _ERRORS[405]},
        tags=("API v3",), operation_id=f"v3_not_found_{m}"))
        for m in ("get", "post", "put", "patch", "delete")}
    return {"paths": paths, "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY}}

"""The OpenAPI body schemas of the v3 signals beyond the battery, charge, closure, engine,
HVAC, wheel and identification ones mockcar.web.v3.openapi draws itself: Diagnostics,
Service, ConnectivityStatus, ConnectivitySoftware, VehicleUserAccount, Surveillance,
Climate, Transmission, Closure.Tailgate and VehicleIdentification's trim and packages
(bodies built by mockcar.domain.signals.diagnostics and status)."""

from __future__ import annotations

from mockcar.domain.signals import diagnostics
from mockcar.web.docs.openapi.model import (
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    Schema,
    array,
    enum,
    nullable,
    obj,
)

TIME: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}


def _const(value: str) -> Schema:
    return {"type": "string", "const": value}


def _value(schema: Schema) -> Schema:
    return obj(value=schema)


_SYSTEM = obj(status=enum("OK", "ALERT"), description=nullable(STRING))
_CELSIUS = obj(unit=_const("celsius"), value=NUMBER)

BODIES: dict[str, Schema] = {
    "vehicleidentification-trim": _value(STRING),
    "vehicleidentification-packages": obj(values=array(STRING)),
    "closure-tailgate": obj(isOpen=BOOLEAN, isLocked=BOOLEAN),
    "climate-externaltemperature": _CELSIUS,
    "climate-internaltemperature": _CELSIUS,
    "transmission-gearstate": _value(enum("PARK", "REVERSE", "NEUTRAL", "DRIVE")),
    "transmission-drivemode": _value(STRING),
    "connectivitystatus-isonline": _value(BOOLEAN),
    "connectivitystatus-isasleep": _value(BOOLEAN),
    "connectivitystatus-isdigitalkeypaired": _value(BOOLEAN),
    "connectivitysoftware-currentfirmwareversion": _value(STRING),
    "vehicleuseraccount-permissions": obj(values=array(STRING)),
    "vehicleuseraccount-role": _value(enum("PRIMARY", "SECONDARY")),
    "surveillance-isenabled": _value(BOOLEAN),
    "surveillance-brand": _value(STRING),
    **{f"diagnostics-{name.lower()}": _SYSTEM for name in diagnostics.SYSTEMS},
    "diagnostics-dtccount": _value(INTEGER),
    "diagnostics-dtclist": obj(values=array(obj(code=STRING, timestamp=nullable(TIME)))),
    "diagnostics-oillife": obj(unit=_const("percent"),
                               value={"type": "number", "minimum": 0, "maximum": 100}),
    "service-isinservice": _value(BOOLEAN),
    "service-records": obj(values=array(obj(
        id=STRING, date=TIME, odometer=obj(unit=_const("kilometers"), value=NUMBER),
        tasks=array(obj(id=STRING, description=STRING)),
        details=array(obj(type=STRING, value=STRING)),
        cost=obj(currency=STRING, totalCost=NUMBER)))),
}

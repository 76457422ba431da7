"""Which vehicle endpoints exist, which permission each needs, and which vehicles can
answer them: the one table both the Vehicle API and the Compatibility API read.

Smartcar's pages: https://smartcar.com/docs/api-reference/permissions (endpoints and permissions),
https://smartcar.com/docs/api-reference/about-brand-specific (make-specific endpoints),
https://smartcar.com/docs/errors/api-errors/compatibility-errors (COMPATIBILITY errors),
https://smartcar.com/docs/api-reference/compatibility/by-vin (capabilities per endpoint).

A vehicle can be refused for two reasons, which Smartcar tells apart:

* VEHICLE_NOT_CAPABLE: the car physically lacks the part (an ICE car has no EV battery,
  a BEV no fuel tank or engine oil).
* SMARTCAR_NOT_CAPABLE: Smartcar does not serve the feature for this make or region
  (diagnostics outside GM and FCA brands, a `/tesla/...` endpoint on a Ford).

A `<VIN>@<level>.smartcar.com` test vehicle (mockcar.domain.connect.test_accounts) follows its
level instead of its make for the general endpoints: `compatible`/`phev` serve all of
them, `bev` and `fuel` what that powertrain has, `incompatible` none (static endpoints —
attributes, VIN, permissions — always answer). Every other test-mode vehicle has the
level `compatible`: Smartcar's test mode answers every request with randomized data
(https://smartcar.com/docs/getting-started/test-your-integration), so its general
endpoints answer whatever the make, within what its powertrain has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from mockcar.errors import SmartcarError

VEHICLE_NOT_CAPABLE = "VEHICLE_NOT_CAPABLE"
SMARTCAR_NOT_CAPABLE = "SMARTCAR_NOT_CAPABLE"

GM = frozenset({"CHEVROLET", "CADILLAC", "GMC", "BUICK"})
FCA = frozenset({"CHRYSLER", "DODGE", "JEEP", "RAM", "FIAT", "ALFA ROMEO"})
SERVICE_HISTORY_MAKES = frozenset({"FORD", "LINCOLN", "TOYOTA", "LEXUS", "MAZDA", "VOLKSWAGEN"})


class Needs(Enum):
    """The part of the car an endpoint reads or drives."""

    NOTHING = "nothing"
    BATTERY = "a plug-in EV battery"
    FUEL = "a fuel tank"
    ENGINE = "a combustion engine"

    def met_by(self, powertrain: str) -> bool:
        # Module globals, not `Needs.X`: every read asks this, and an Enum class's
        # attribute goes through EnumType's __getattr__ hook first (Python 3.11).
        if self is _BATTERY:
            return powertrain in ("BEV", "PHEV")
        if self is _FUEL or self is _ENGINE:
            return powertrain != "BEV"
        return True


_BATTERY, _FUEL, _ENGINE = Needs.BATTERY, Needs.FUEL, Needs.ENGINE


@dataclass(frozen=True)
class Endpoint:
    """One vehicle endpoint, below `/v2.0/vehicles/{id}` ("" is the attributes)."""

    method: str
    path: str
    permission: str | None
    needs: Needs = Needs.NOTHING
    makes: frozenset[str] | None = None  # upper-case makes served; None: every make
    regions: frozenset[str] | None = None
    static: bool = False  # answers without asking the car: never refused, never triggered
    make_specific: bool = False  # a `/{make}/...` endpoint, make lower-case


def _brand(makes: str, method: str, tail: str, permission: str,
           needs: Needs = Needs.BATTERY) -> tuple[Endpoint, ...]:
    """The same make-specific endpoint for each of `makes` (space-separated)."""
    return tuple(
        Endpoint(method, f"/{make.lower()}{tail}", permission, needs, frozenset({make}),
                 make_specific=True)
        for make in makes.split()
    )


_B = Needs.BATTERY

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "", "read_vehicle_info", static=True),
    Endpoint("GET", "/vin", "read_vin", static=True),
    Endpoint("GET", "/permissions", None, static=True),
    Endpoint("GET", "/odometer", "read_odometer"),
    Endpoint("GET", "/location", "read_location"),
    Endpoint("GET", "/security", "read_security"),
    Endpoint("POST", "/security", "control_security"),
    Endpoint("GET", "/battery", "read_battery", _B),
    Endpoint("GET", "/battery/capacity", "read_battery", _B),
    Endpoint("GET", "/battery/nominal_capacity", "read_battery", _B),
    Endpoint("GET", "/charge", "read_charge", _B),
    Endpoint("POST", "/charge", "control_charge", _B),
    Endpoint("GET", "/charge/limit", "read_charge", _B),
    Endpoint("POST", "/charge/limit", "control_charge", _B),
    Endpoint("GET", "/fuel", "read_fuel", Needs.FUEL),
    Endpoint("GET", "/engine/oil", "read_engine_oil", Needs.ENGINE),
    Endpoint("GET", "/tires/pressure", "read_tires"),
    Endpoint("POST", "/navigation/destination", "control_navigation"),
    Endpoint("GET", "/service/history", "read_service_history", makes=SERVICE_HISTORY_MAKES,
             regions=frozenset({"US"})),
    Endpoint("GET", "/diagnostics/system_status", "read_diagnostics", makes=GM | FCA),
    Endpoint("GET", "/diagnostics/dtcs", "read_diagnostics", makes=GM | FCA),
    # Make-specific endpoints.
    *_brand("TESLA", "GET", "/battery", "read_battery"),
    *_brand("TESLA", "GET", "/charge", "read_charge"),
    *_brand("TESLA", "GET", "/charge/ammeter", "read_charge"),
    *_brand("TESLA", "POST", "/charge/ammeter", "control_charge"),
    *_brand("TESLA CHEVROLET CADILLAC", "GET", "/charge/voltmeter", "read_charge"),
    *_brand("TESLA", "GET", "/charge/wattmeter", "read_charge"),
    *_brand("TESLA CHEVROLET CADILLAC", "GET", "/charge/completion", "read_charge"),
    *_brand("TESLA BMW MINI", "GET", "/charge/records", "read_charge_records"),
    *_brand("TESLA", "GET", "/charge/records/billing", "read_charge_records"),
    *_brand("TESLA", "GET", "/charge/schedule", "read_charge"),
    *_brand("TESLA", "POST", "/charge/schedule", "control_charge"),
    *_brand("TESLA", "POST", "/charge/charge_port_door", "control_charge"),
    *_brand("TESLA", "GET", "/compass", "read_compass", Needs.NOTHING),
    *_brand("TESLA", "GET", "/speedometer", "read_speedometer", Needs.NOTHING),
    *_brand("TESLA", "GET", "/thermometer/interior", "read_thermometer", Needs.NOTHING),
    *_brand("TESLA", "GET", "/thermometer/exterior", "read_thermometer", Needs.NOTHING),
    *_brand("TESLA", "GET", "/climate/cabin", "read_climate", Needs.NOTHING),
    *_brand("TESLA", "POST", "/climate/cabin", "control_climate", Needs.NOTHING),
    *_brand("TESLA", "GET", "/climate/defroster", "read_climate", Needs.NOTHING),
    *_brand("TESLA", "POST", "/climate/defroster", "control_climate", Needs.NOTHING),
    *_brand("TESLA", "GET", "/climate/steering_wheel", "read_climate", Needs.NOTHING),
    *_brand("TESLA", "POST", "/climate/steering_wheel", "control_climate", Needs.NOTHING),
    *_brand("TESLA", "GET", "/virtual_key", "read_vehicle_info", Needs.NOTHING),
    *_brand("TESLA", "GET", "/alerts", "read_alerts", Needs.NOTHING),
    *_brand("TESLA", "GET", "/attributes", "read_extended_vehicle_info", Needs.NOTHING),
    *_brand("TESLA", "GET", "/user/info", "read_user_profile", Needs.NOTHING),
    *_brand("TESLA", "GET", "/user/access", "read_user_profile", Needs.NOTHING),
    *_brand("FORD LINCOLN", "GET", "/charge/schedule_by_location", "read_charge_locations"),
    *_brand("FORD LINCOLN", "PUT", "/charge/schedule_by_location", "control_charge"),
    *_brand("NISSAN", "GET", "/charge/schedule", "read_charge"),
    # Smartcar's docs show this as PUT (current) and POST (earlier); both are served.
    *_brand("NISSAN", "PUT", "/charge/schedule", "control_charge"),
    *_brand("NISSAN", "POST", "/charge/schedule", "control_charge"),
    *_brand("AUDI", "GET", "/charge", "read_charge"),
)

BRAND_SEGMENTS = frozenset(e.path.split("/")[1] for e in ENDPOINTS if e.make_specific)
BY_KEY: dict[tuple[str, str], Endpoint] = {(e.method, e.path): e for e in ENDPOINTS}


class Capable(Protocol):
    """What capability depends on: a `Vehicle`, or a make/powertrain the Compatibility
    API knows from a VIN alone."""

    @property
    def make(self) -> str: ...

    @property
    def region(self) -> str: ...

    @property
    def powertrain(self) -> str: ...

    @property
    def test_level(self) -> str | None: ...


def endpoint(method: str, path: str) -> Endpoint | None:
    return BY_KEY.get((method.upper(), path))


def endpoints_for(permission: str) -> tuple[Endpoint, ...]:
    """The general (not make-specific) endpoints a permission opens, in table order:
    what the Compatibility API lists per requested permission."""
    return tuple(e for e in ENDPOINTS if e.permission == permission and not e.make_specific)


def reason(vehicle: Capable, target: Endpoint) -> str | None:
    """Why `vehicle` cannot answer `target` (VEHICLE_NOT_CAPABLE or
    SMARTCAR_NOT_CAPABLE), or None when it can."""
    if target.static:
        return None
    level = vehicle.test_level
    if level == "incompatible":
        return VEHICLE_NOT_CAPABLE
    follow_make = level is None or target.make_specific
    if follow_make and target.makes is not None and vehicle.make.upper() not in target.makes:
        return SMARTCAR_NOT_CAPABLE
    if follow_make and target.regions is not None and str(vehicle.region) not in target.regions:
        return SMARTCAR_NOT_CAPABLE
    if not target.needs.met_by(str(vehicle.powertrain)):
        return VEHICLE_NOT_CAPABLE
    return None


def capable(vehicle: Capable, method: str, path: str) -> str | None:
    """`reason` for the endpoint at (method, path); KeyError if there is none."""
    found = endpoint(method, path)
    if found is None:
        raise KeyError(f"no vehicle endpoint {method} {path or '/'}")
    return reason(vehicle, found)


def require_capable(vehicle: Capable, target: Endpoint, vehicle_id: str = "") -> None:
    """Raise the COMPATIBILITY error `reason` gives, saying what was missing."""
    why = reason(vehicle, target)
    if why is None:
        return
    who = f"Vehicle {vehicle_id} ({vehicle.make}, {vehicle.powertrain})".replace("  ", " ")
    route = f"{target.method} {target.path or '/'}"
    if vehicle.test_level == "incompatible":
        detail = f"{who} is an incompatible test vehicle; only static endpoints answer."
    elif why == VEHICLE_NOT_CAPABLE:
        detail = f"{route} needs {target.needs.value}; {who} has none."
    elif target.makes is not None and vehicle.make.upper() not in target.makes:
        detail = (f"{route} is served for {', '.join(sorted(target.makes))} vehicles; "
                  f"{who} is not one.")
    else:
        detail = f"{route} is served in {', '.join(sorted(target.regions or ()))} only."
    raise SmartcarError("COMPATIBILITY", why, message=detail)


def compatible_permissions(vehicle: Capable, permissions: Iterable[str]) -> tuple[str, ...]:
    """Those of `permissions` the vehicle has a use for: a permission some endpoint it
    can answer needs, or one no vehicle endpoint here needs (kept as asked). What
    Smartcar's Vehicle Simulator grants a car created connected ("every compatible
    permission", https://smartcar.com/docs/getting-started/dashboard/simulator)."""
    needed: dict[str, bool] = {}
    for target in ENDPOINTS:
        if target.permission is not None:
            usable = reason(vehicle, target) is None
            needed[target.permission] = needed.get(target.permission, False) or usable
    return tuple(p for p in permissions if needed.get(p, True))

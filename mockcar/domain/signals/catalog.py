"""The v3 signal catalogue: each signal's group, name, permission, the v2 capability row
whose make/part rules it shares, and how its body is read from the vehicle.

Every code checked against Smartcar's signal pages
(https://smartcar.com/docs/api-reference/signals/ and the pages under it, e.g.
https://smartcar.com/docs/api-reference/signals/odometer) is here, with the body shape
shown there; bodies are built from the same readings API v2 renders (Vehicle methods,
mockcar.domain.vehicles.readings, charging, makes, tesla), so the two APIs cannot
disagree. Units follow Smartcar's examples (`percent`, `kilometers`, `kWh`, `ampere`,
`volts`, `km/h`, `celsius`, `liters`), always metric.

Where Smartcar's pages give no shape (motion-currentspeed) the body follows its
neighbours (`{unit: "km/h", value}`); where they name a unit without its
spelling (wattage, the max-range counter) mockcar writes `watts` and `count`. Readers
raise `SmartcarError` (VEHICLE_NOT_CAPABLE for a part the car lacks); the caller turns
that into a signal with status ERROR.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockcar.domain.signals import charge, diagnostics, status
from mockcar.domain.signals.charge import KM, PERCENT, percent, unit, value
from mockcar.domain.vehicles import capabilities, readings, tesla
from mockcar.domain.vehicles.vehicle import DOORS, Vehicle, not_capable
from mockcar.errors import SmartcarError

Reader = Callable[[Vehicle, datetime], dict[str, Any]]


@dataclass(frozen=True)
class SignalSpec:
    group: str  # PascalCase, as the v3 resource's `group`
    name: str  # PascalCase, as the v3 resource's `name`
    permission: str
    read: Reader
    # The v2 endpoint (GET path) whose capability rules apply: a signal of the battery
    # shares /battery's "needs a plug-in battery". None: only the test level applies.
    capability: str | None = None
    static: bool = False  # an attribute: never refused by a test-mode error trigger
    # Where the items of a list-valued signal are managed (the resource's `links.values`,
    # below /vehicles/{id}); None: the signal has no such link.
    values_link: str | None = None

    @property
    def code(self) -> str:
        return f"{self.group}-{self.name}".lower()

    def require_capable(self, vehicle: Vehicle) -> None:
        """COMPATIBILITY when the v2 row this signal shares refuses the vehicle, or when
        it is an `incompatible` test vehicle
        (https://smartcar.com/docs/errors/api-errors/compatibility-errors)."""
        if self.capability is not None:
            target = capabilities.endpoint("GET", self.capability)
            assert target is not None, f"no capability row GET {self.capability}"
            capabilities.require_capable(vehicle, target, vehicle.id)
        elif vehicle.test_level == "incompatible" and not self.static:
            raise SmartcarError(
                "COMPATIBILITY", capabilities.VEHICLE_NOT_CAPABLE,
                message=f"Vehicle {vehicle.id} is an incompatible test vehicle; only "
                "static signals answer.",
            )


# -- traction and low-voltage batteries ---------------------------------------------------


def _soc(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit(PERCENT, percent(v.battery().percent_remaining))


def _ev_range(v: Vehicle, now: datetime) -> dict[str, Any]:
    km = round(v.battery().range_km, 2)
    # `type` names which estimate `value` is: DEFAULT, as real Polestar payloads carry,
    # beside the ESTIMATED one of `additionalValues` (the page lists no top-level type).
    return {"unit": KM, "value": km, "type": "DEFAULT",
            "additionalValues": [{"type": "ESTIMATED", "value": km}]}


def _nominal(v: Vehicle, now: datetime) -> dict[str, Any]:
    reading = readings.nominal_capacity(v)
    return {
        "source": reading.source, "capacity": reading.nominal,
        "availableCapacities": [{"capacity": kwh, "description": text}
                                for kwh, text in reading.available],
        "unit": "kWh",
    }


def _heater(v: Vehicle, now: datetime) -> dict[str, Any]:
    """The pack heats while charging in the cold (below 0 °C outside)."""
    v.battery()
    return value(v.is_charging() and tesla.exterior_c(v, now) < 0)


def _max_range_count(v: Vehicle, now: datetime) -> dict[str, Any]:
    v.battery()
    return unit("count", readings.seeded(v, "max-range-charges").randrange(0, 25))


def _lv_level(v: Vehicle) -> float:
    return round(readings.seeded(v, "12v").uniform(72, 99), 1)


def _lv_soc(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit(PERCENT, _lv_level(v))


def _lv_status(v: Vehicle, now: datetime) -> dict[str, Any]:
    level = _lv_level(v)
    return value("GOOD" if level >= 80 else "WARN" if level >= 60 else "BAD")


# -- odometer, location, motion -----------------------------------------------------------


def _odometer(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit(KM, round(v.odometer_km(), 2))


def _location(v: Vehicle, now: datetime) -> dict[str, Any]:
    here = v.location()
    heading = tesla.heading(v)
    return {
        "latitude": here.latitude, "longitude": here.longitude, "heading": heading,
        "direction": tesla.direction(heading),
        "locationType": "CURRENT" if v.state.moving else "LAST_PARKED",
    }


def _at_home(v: Vehicle, now: datetime) -> dict[str, Any]:
    # mockcar knows one home: where the car sits on its own charger.
    return value(v.state.plugged_in and not v.state.moving)


def _speed(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit("km/h", round(v.speed_kmh(), 1))


# -- closures, engine, climate, wheels, identification --------------------------------------

_POSITIONS = {"frontLeft": (0, 0), "frontRight": (0, 1), "backLeft": (1, 0), "backRight": (1, 1)}


def _doors(v: Vehicle, now: datetime) -> dict[str, Any]:
    locked = v.security().is_locked
    return {"values": [{"row": _POSITIONS[d][0], "column": _POSITIONS[d][1],
                        "isOpen": d in v.doors_open, "isLocked": locked} for d in DOORS],
            "rowCount": 2, "columnCount": 2}


def _windows(v: Vehicle, now: datetime) -> dict[str, Any]:
    opened = {o.type: o.status == "OPEN" for o in v.security().windows}
    return {"values": [{"row": _POSITIONS[d][0], "column": _POSITIONS[d][1],
                        "isOpen": opened.get(d, False)} for d in DOORS],
            "rowCount": 2, "columnCount": 2}


def _locked(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(v.security().is_locked)


def _front_trunk(v: Vehicle, now: datetime) -> dict[str, Any]:
    if v.powertrain.has_engine:
        raise not_capable(v, "has an engine under its hood, not a front trunk")
    return {"isOpen": "front" in v.storage_open, "isLocked": v.state.locked}


def _rear_trunk(v: Vehicle, now: datetime) -> dict[str, Any]:
    return {"isOpen": "rear" in v.storage_open, "isLocked": v.state.locked}


def _sunroof(v: Vehicle, now: datetime) -> dict[str, Any]:
    return {"isOpen": any(o.status == "OPEN" for o in v.security().sunroof)}


def _engine_cover(v: Vehicle, now: datetime) -> dict[str, Any]:
    if not v.powertrain.has_engine:
        raise not_capable(v, "has no engine cover (its front opening is a trunk)")
    return {"isOpen": "front" in v.storage_open}


def _fuel_level(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit(PERCENT, percent(v.fuel().percent_remaining))


def _fuel_amount(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit("liters", round(v.fuel().amount_liters, 2))


def _fuel_range(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit(KM, round(v.fuel().range_km, 2))


def _oil_life(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit(PERCENT, percent(readings.engine_oil_life(v)))


def _cabin_target(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit("celsius", v.state.cabin_target_c)


def _flag(attribute: str) -> Reader:
    def read(v: Vehicle, now: datetime) -> dict[str, Any]:
        return value(bool(getattr(v.state, attribute)))

    return read


def _tires(v: Vehicle, now: datetime) -> dict[str, Any]:
    """kPa, as API v2's metric /tires/pressure, named in the body's `unit`."""
    tires = readings.tire_pressures(v)
    kpa = {"frontLeft": tires.front_left, "frontRight": tires.front_right,
           "backLeft": tires.back_left, "backRight": tires.back_right}
    return {"values": [{"row": _POSITIONS[d][0], "column": _POSITIONS[d][1],
                        "tirePressure": round(kpa[d], 1)} for d in DOORS],
            "rowCount": 2, "columnCount": 2, "unit": "kilopascals"}


def _attribute(name: str) -> Reader:
    """A seeded attribute; Tesla's extended attributes draw the same names."""

    def read(v: Vehicle, now: datetime) -> dict[str, Any]:
        return value(getattr(tesla.attributes(v), name))

    return read


def _vin(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(v.vin)


def _nickname(v: Vehicle, now: datetime) -> dict[str, Any]:
    """The name a Vehicle Simulator car was created with, else a drawn one."""
    return value(v.nickname or tesla.attributes(v).nickname)


_S = SignalSpec
_TB, _CH, _ICE = "TractionBattery", "Charge", "InternalCombustionEngine"
_BAT, _CHG, _SEC, _CLIM = "read_battery", "read_charge", "read_security", "read_climate"
_EXT, _INFO, _DIAG = "read_extended_vehicle_info", "read_vehicle_info", "read_diagnostics"

CATALOG: tuple[SignalSpec, ...] = (
    _S(_TB, "StateOfCharge", _BAT, _soc, "/battery"),
    _S(_TB, "Range", _BAT, _ev_range, "/battery"),
    _S(_TB, "NominalCapacity", _BAT, _nominal, "/battery/nominal_capacity"),
    _S(_TB, "IsHeaterActive", _BAT, _heater, "/battery"),
    _S(_TB, "MaxRangeChargeCounter", _BAT, _max_range_count, "/battery"),
    _S("LowVoltageBattery", "StateOfCharge", _BAT, _lv_soc),
    _S("LowVoltageBattery", "Status", _BAT, _lv_status),
    _S("Odometer", "TraveledDistance", "read_odometer", _odometer, "/odometer"),
    _S("Location", "PreciseLocation", "read_location", _location, "/location"),
    _S("Location", "IsAtHome", "read_location", _at_home, "/location"),
    _S("Motion", "CurrentSpeed", "read_speedometer", _speed),
    _S(_CH, "Amperage", _CHG, charge.amperage, "/charge"),
    _S(_CH, "AmperageMax", _CHG, charge.amperage_max, "/charge"),
    _S(_CH, "AmperageRequested", _CHG, charge.amperage_requested, "/charge"),
    _S(_CH, "Voltage", _CHG, charge.voltage, "/charge"),
    _S(_CH, "Wattage", _CHG, charge.wattage, "/charge"),
    _S(_CH, "EnergyAdded", _CHG, charge.energy_added, "/charge"),
    _S(_CH, "ChargeRate", _CHG, charge.charge_rate, "/charge"),
    _S(_CH, "TimeToComplete", _CHG, charge.time_to_complete, "/charge"),
    _S(_CH, "IsCharging", _CHG, charge.is_charging, "/charge"),
    _S(_CH, "IsChargingCableConnected", _CHG, charge.plugged, "/charge"),
    _S(_CH, "IsChargingCableLatched", _CHG, charge.plugged, "/charge"),
    _S(_CH, "IsChargingPortFlapOpen", _CHG, charge.flap, "/charge"),
    _S(_CH, "IsFastChargerPresent", _CHG, charge.fast_charger, "/charge"),
    _S(_CH, "DetailedChargingStatus", _CHG, charge.detailed_status, "/charge"),
    _S(_CH, "ChargeLimits", _CHG, charge.charge_limits, "/charge/limit"),
    _S(_CH, "ChargeTimers", _CHG, charge.charge_timers, "/charge",
       values_link="charge-schedules"),
    _S(_CH, "ChargeRecords", "read_charge_records", charge.charge_records, "/charge"),
    _S(_CH, "ChargerPhases", _CHG, charge.phases, "/charge"),
    _S(_CH, "ChargingConnectorType", _CHG, charge.connector, "/charge"),
    _S(_CH, "FastChargerType", _CHG, charge.fast_type, "/charge"),
    _S(_CH, "ChargePortStatusColor", _CHG, charge.port_color, "/charge"),
    _S("Closure", "Doors", _SEC, _doors, "/security"),
    _S("Closure", "Windows", _SEC, _windows, "/security"),
    _S("Closure", "IsLocked", _SEC, _locked, "/security"),
    _S("Closure", "FrontTrunk", _SEC, _front_trunk, "/security"),
    _S("Closure", "RearTrunk", _SEC, _rear_trunk, "/security"),
    _S("Closure", "Sunroof", _SEC, _sunroof, "/security"),
    _S("Closure", "EngineCover", _SEC, _engine_cover, "/security"),
    _S(_ICE, "FuelLevel", "read_fuel", _fuel_level, "/fuel"),
    _S(_ICE, "AmountRemaining", "read_fuel", _fuel_amount, "/fuel"),
    _S(_ICE, "Range", "read_fuel", _fuel_range, "/fuel"),
    _S(_ICE, "OilLife", "read_engine_oil", _oil_life, "/engine/oil"),
    _S("HVAC", "CabinTargetTemperature", _CLIM, _cabin_target),
    _S("HVAC", "IsCabinHVACActive", _CLIM, _flag("climate_on")),
    _S("HVAC", "IsFrontDefrosterActive", _CLIM, _flag("defroster_on")),
    _S("HVAC", "IsRearDefrosterActive", _CLIM, _flag("defroster_on")),
    _S("HVAC", "IsSteeringHeaterActive", _CLIM, _flag("steering_heater_on")),
    _S("Wheel", "Tires", "read_tires", _tires, "/tires/pressure"),
    _S("Wheel", "Style", "read_extended_vehicle_info", _attribute("wheel_style"), static=True),
    _S("VehicleIdentification", "VIN", "read_vin", _vin, "/vin", static=True),
    _S("VehicleIdentification", "Nickname", "read_vehicle_info", _nickname, static=True),
    _S("VehicleIdentification", "ExteriorColor", "read_extended_vehicle_info",
       _attribute("exterior_color"), static=True),
    _S("VehicleIdentification", "Trim", _EXT, status.trim, static=True),
    _S("VehicleIdentification", "Packages", _EXT, status.packages, static=True),
    _S("Closure", "Tailgate", _SEC, status.tailgate, "/security"),
    _S("Climate", "ExternalTemperature", "read_thermometer", status.exterior),
    _S("Climate", "InternalTemperature", "read_thermometer", status.interior),
    _S("Transmission", "GearState", "read_speedometer", status.gear),
    _S("Transmission", "DriveMode", _EXT, status.drive_mode),
    _S("ConnectivityStatus", "IsOnline", _INFO, status.is_online),
    _S("ConnectivityStatus", "IsAsleep", _INFO, status.is_asleep),
    _S("ConnectivityStatus", "IsDigitalKeyPaired", _INFO, status.digital_key_paired),
    _S("ConnectivitySoftware", "CurrentFirmwareVersion", _EXT, status.firmware),
    _S("VehicleUserAccount", "Permissions", "read_user_profile", status.account_permissions),
    _S("VehicleUserAccount", "Role", "read_user_profile", status.role),
    _S("Surveillance", "IsEnabled", _SEC, status.surveillance_enabled, static=True),
    _S("Surveillance", "Brand", _SEC, status.surveillance_brand, static=True),
    *(_S("Diagnostics", name, _DIAG, diagnostics.system(name)) for name in diagnostics.SYSTEMS),
    _S("Diagnostics", "DTCCount", _DIAG, diagnostics.dtc_count),
    _S("Diagnostics", "DTCList", _DIAG, diagnostics.dtc_list),
    _S("Diagnostics", "OilLife", _DIAG, diagnostics.oil_life),
    _S("Service", "IsInService", "read_service_history", diagnostics.in_service),
    _S("Service", "Records", "read_service_history", diagnostics.service_records,
       "/service/history"),
)

BY_CODE: dict[str, SignalSpec] = {spec.code: spec for spec in CATALOG}

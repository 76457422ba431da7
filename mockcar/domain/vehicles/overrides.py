"""Setting a vehicle's state from outside, as a test or the control API does: unplug it,
open a door, move it, set its battery (`POST /_mockcar/vehicles/{vehicle_id}/state`).

Unlike a command, an override is not refused by the vehicle's state: it *is* the state.
It is still checked against what the vehicle is (a combustion car has no battery to set)
and against the value ranges the scenario format allows, and all of a change is applied
or none of it. A few fields follow from others, as they would on a real car: unplugging
stops charging, charging needs the plug, a parked car has no speed.

On a vehicle with a timeline an override is a command like any other: the vehicle is
settled at `now` first, and each field set holds until the timeline's next event that
sets it (mockcar.domain.timelines.timeline).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockcar.domain.vehicles.vehicle import DOORS, STORAGE, Location, Vehicle
from mockcar.errors import DomainError


class OverrideError(DomainError, ValueError):
    """Changes refused; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


class _Bad(Exception):
    pass


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad("must be true or false")
    return value


def _number(low: float | None = None, high: float | None = None) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _Bad("must be a number")
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
            raise _Bad(f"must be {span}, got {value:g}")
        return float(value)

    return check


def _location(value: Any) -> Location:
    if not isinstance(value, Mapping) or set(value) != {"latitude", "longitude"}:
        raise _Bad('must be {"latitude": ..., "longitude": ...}')
    return Location(_number(-90, 90)(value["latitude"]), _number(-180, 180)(value["longitude"]))


def _names(allowed: tuple[str, ...]) -> Callable[[Any], frozenset[str]]:
    def check(value: Any) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Bad(f"must be a list of {', '.join(allowed)}")
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise _Bad(f"unknown {', '.join(unknown)}; use {', '.join(allowed)}")
        return frozenset(value)

    return check


def _pressures(value: Any) -> tuple[float, float, float, float]:
    if not isinstance(value, list) or len(value) != 4:
        raise _Bad("must be four pressures in kPa: front left, front right, back left, back right")
    fl, fr, bl, br = (_number(0, 1000)(v) for v in value)
    return (fl, fr, bl, br)


@dataclass(frozen=True)
class Field:
    parse: Callable[[Any], Any]
    needs: str | None = None  # "battery" | "fuel" | "engine": what the vehicle must have
    on_vehicle: bool = False  # an attribute of the Vehicle, not of its state
    doc: str = ""


# Every field an override may set, by its name in a request (the VehicleState attribute
# it writes, except where `on_vehicle`).
FIELDS: dict[str, Field] = {
    "locked": Field(_boolean, doc="doors locked"),
    "doors_open": Field(_names(DOORS), on_vehicle=True, doc="open doors"),
    "storage_open": Field(_names(STORAGE), on_vehicle=True, doc="open trunk (rear) / frunk or hood (front)"),
    "windows_open": Field(_names(DOORS), on_vehicle=True, doc="open windows"),
    "odometer_km": Field(_number(0), doc="odometer, km"),
    "location": Field(_location, doc="position"),
    "moving": Field(_boolean, doc="driving: commands that need a parked car refuse"),
    "speed_kmh": Field(_number(0, 500), doc="speed, km/h"),
    "heading": Field(_number(0, 360), doc="degrees clockwise from north"),
    "battery_level": Field(_number(0, 1), needs="battery", doc="state of charge, 0–1"),
    "plugged_in": Field(_boolean, needs="battery", doc="charging cable connected"),
    "charging": Field(_boolean, needs="battery", doc="charging now (needs plugged_in)"),
    "charge_limit": Field(_number(0.5, 1), needs="battery", doc="charge limit, 0.5–1"),
    "charge_port_open": Field(_boolean, needs="battery", doc="charge port door open"),
    "fuel_level": Field(_number(0, 1), needs="fuel", doc="tank level, 0–1"),
    "tire_pressures_kpa": Field(_pressures, doc="four tire pressures, kPa"),
    "oil_life": Field(_number(0, 1), needs="engine", doc="engine oil life left, 0–1 (held "
                      "until set again; unset, it follows the odometer)"),
    "virtual_key_paired": Field(_boolean, doc="Tesla: Smartcar's virtual key is paired"),
    "asleep": Field(_boolean, doc="asleep: requests wake it slowly or answer VEHICLE_STATE "
                    "ASLEEP, as the scenario's `asleep` says (mockcar.domain.world.latency)"),
}


def apply(vehicle: Vehicle, changes: Mapping[str, Any], now: datetime) -> list[str]:
    """Set `changes` on `vehicle`, all or nothing; the names of the fields set.
    Raises `OverrideError` naming every field that is unknown, malformed or does not
    fit the vehicle."""
    vehicle.settle(now)
    problems: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for name, raw in changes.items():
        spec = FIELDS.get(name)
        if spec is None:
            problems[name] = "unknown field; settable: " + ", ".join(FIELDS)
            continue
        if spec.needs == "battery" and not vehicle.powertrain.has_battery:
            problems[name] = f"a {vehicle.powertrain} vehicle has no EV battery"
            continue
        if spec.needs == "fuel" and not vehicle.powertrain.has_fuel:
            problems[name] = f"a {vehicle.powertrain} vehicle has no fuel tank"
            continue
        if spec.needs == "engine" and not vehicle.powertrain.has_engine:
            problems[name] = f"a {vehicle.powertrain} vehicle has no combustion engine"
            continue
        try:
            parsed[name] = spec.parse(raw)
        except _Bad as bad:
            problems[name] = str(bad)
    plugged = parsed.get("plugged_in", vehicle.state.plugged_in)
    if parsed.get("charging") and not plugged:
        problems["charging"] = "needs plugged_in: true"
    if problems:
        raise OverrideError(problems)

    for name, value in parsed.items():
        target = vehicle if FIELDS[name].on_vehicle else vehicle.state
        setattr(target, name, value)
    if "plugged_in" in parsed and not plugged:
        vehicle.state.charging = False
    if parsed.get("moving") is False and "speed_kmh" not in parsed:
        vehicle.state.speed_kmh = 0.0
    vehicle.updated_at = now
    return list(parsed)

"""The electrics of a charging session: the charger a car is plugged into, the current it
draws, the power, and when it will reach its limit. Tesla, Chevrolet/Cadillac and Audi
expose these through make-specific endpoints
(https://smartcar.com/docs/api-reference/about-brand-specific).

A session reading (amperage, power, completion) needs a charging car and answers
VEHICLE_STATE:NOT_CHARGING otherwise; voltage needs only the plug. The charge rate is
what the state says, so a command that changes the current (Tesla's ammeter) or the
limit moves the completion time.

A vehicle with a timeline charges along the curve of mockcar.domain.vehicles.charge_curve; its
snapshot at a time (`Vehicle.at`) carries the session's curve, from which the power now
and the completion time follow, so a completion time read is when advancing the clock
shows the limit reached. Without a timeline the level does not move on its own, and the
power and completion are the charger's, linearly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mockcar.domain.vehicles.charge_curve import CHARGING_EFFICIENCY
from mockcar.domain.vehicles.readings import seeded
from mockcar.domain.vehicles.schedules import invalid
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.errors import SmartcarError


@dataclass(frozen=True)
class Charger:
    voltage: float
    max_amps: int
    phases: int
    connector: str  # the plug standard: J1772, NACS, Type2


@dataclass(frozen=True)
class Session:
    """What a charging session has done so far (drawn per car, stable)."""

    energy_added_kwh: float
    range_added_km: float


def charger(vehicle: Vehicle) -> Charger:
    """The car's home charger: North American split phase, or European three-phase."""
    rng = seeded(vehicle, "charger")
    if str(vehicle.region) == "EUROPE":
        return Charger(230.0, 16, 3, "Type2")
    connector = "NACS" if vehicle.make == "TESLA" else "J1772"
    return Charger(240.0, rng.choice((32, 40, 48)), 1, connector)


def amperage(vehicle: Vehicle) -> int:
    vehicle.require_charging()
    return vehicle.state.charge_amps or charger(vehicle).max_amps


def voltage(vehicle: Vehicle) -> float:
    vehicle.require_plugged_in()
    return charger(vehicle).voltage


def power_kw(vehicle: Vehicle) -> float:
    spec = charger(vehicle)
    amps = amperage(vehicle)
    curve = vehicle.state.charge_curve
    if curve is not None:
        return round(curve.power_at(vehicle.battery().percent_remaining), 2)
    return round(spec.voltage * amps * spec.phases / 1000, 2)


def completion(vehicle: Vehicle, now: datetime) -> datetime:
    """When the battery reaches the charge limit at the current power."""
    level = vehicle.battery().percent_remaining
    curve = vehicle.state.charge_curve
    if curve is not None:
        vehicle.require_charging()
        return now + timedelta(hours=curve.hours_to(level, vehicle.state.charge_limit))
    to_add = max(0.0, vehicle.state.charge_limit - level) * vehicle.battery_capacity()
    hours = to_add / (power_kw(vehicle) * CHARGING_EFFICIENCY)
    return now + timedelta(hours=hours)


def charge_rate_kmh(vehicle: Vehicle) -> float:
    """Range added per hour of charging at the current power."""
    if not vehicle.is_charging():
        return 0.0
    capacity = vehicle.battery_capacity() or 1.0
    km_per_kwh = (vehicle.range_km_full or 0.0) / capacity
    return round(power_kw(vehicle) * CHARGING_EFFICIENCY * km_per_kwh, 1)


def session(vehicle: Vehicle) -> Session:
    capacity = vehicle.battery_capacity() or 1.0
    energy = round(seeded(vehicle, "session").uniform(2, 0.4 * capacity), 2)
    km_per_kwh = (vehicle.range_km_full or 0.0) / capacity
    return Session(energy, round(energy * km_per_kwh, 1))


def set_amperage(vehicle: Vehicle, amps: object, now: datetime) -> int:
    """Tesla's ammeter command: 1 A up to what the charger supplies."""
    vehicle.battery()
    limit = charger(vehicle).max_amps
    if isinstance(amps, bool) or not isinstance(amps, int | float) or amps != int(amps):
        raise invalid(["amperage"], f"must be a whole number of amperes from 1 to {limit}")
    if not 1 <= amps <= limit:
        raise invalid(["amperage"], f"must be from 1 to {limit} (the charger's maximum)")
    vehicle.require_command_access()
    vehicle.settle(now)  # the new current applies from now on, not since the anchor
    vehicle.state.charge_amps = int(amps)
    vehicle.updated_at = now
    return int(amps)


def open_charge_port(vehicle: Vehicle, open_it: bool, now: datetime) -> None:
    """Tesla's charge-port door. It cannot close on a plugged-in cable."""
    vehicle.settle(now)
    vehicle.battery()
    vehicle.require_command_access()
    vehicle.require_parked()
    if not open_it and vehicle.state.plugged_in:
        raise SmartcarError(
            "VEHICLE_STATE", "CHARGING_PLUG_CONNECTED",
            message="Unplug the cable before closing the charge port door.",
        )
    vehicle.state.charge_port_open = open_it
    vehicle.updated_at = now

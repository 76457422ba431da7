"""Vehicles with timelines, built directly in the domain (no scenario): a straight route
north from the origin of a small test area, a BEV/PHEV/ICE with round numbers, and
a timeline anchored at its start."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from mockcar.domain.timelines.route import Route
from mockcar.domain.timelines.timeline import Energy, Kind, Motion, Segment, Timeline
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle, VehicleState

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
HOME = Location(45.0, 7.0)
WORK = Location(45.1, 7.0)  # 11.12 km north
HOUR = 3600.0

# 60 kWh for 400 km: 0.15 kWh/km; 50 l for 1000 km: 0.05 l/km.
CAPACITY_KWH, RANGE_KM = 60.0, 400.0
TANK_L, FUEL_RANGE_KM = 50.0, 1000.0


def route(*points: Location) -> Route:
    return Route.through(points or (HOME, WORK))


def parked(hours: float, at: Location | None = None) -> Segment:
    return Segment(Kind.PARKED, hours * HOUR, location=at)


def asleep(hours: float) -> Segment:
    return Segment(Kind.ASLEEP, hours * HOUR)


def charging(hours: float, kw: float = 11.0) -> Segment:
    return Segment(Kind.CHARGING, hours * HOUR, power_kw=kw)


def drive(speed_kmh: float = 40.0, through: Route | None = None) -> Segment:
    return Segment.drive(through or route(), speed_kmh)


def vehicle(
    segments: Sequence[Segment],
    *,
    repeat: bool = False,
    powertrain: Powertrain = Powertrain.BEV,
    battery: float = 0.5,
    fuel: float = 0.5,
    limit: float = 0.8,
    start: datetime = START,
    kwh_per_km: float | None = None,
) -> Vehicle:
    has_battery, has_fuel = powertrain.has_battery, powertrain.has_fuel
    state = VehicleState(
        odometer_km=1000.0, location=HOME, locked=True,
        battery_level=battery if has_battery else None,
        fuel_level=fuel if has_fuel else None, charge_limit=limit,
    )
    car = Vehicle(
        id="00000000-0000-4000-8000-00000000000a", make="TESLA", model="Model 3", year=2024,
        vin="5YJ3E1EA0RF000001", powertrain=powertrain, region=Region.US, state=state,
        updated_at=start,
        battery_capacity_kwh=CAPACITY_KWH if has_battery else None,
        range_km_full=RANGE_KM if has_battery else None,
        fuel_capacity_liters=TANK_L if has_fuel else None,
        fuel_range_km_full=FUEL_RANGE_KM if has_fuel else None,
    )
    energy = Energy(
        car.battery_capacity_kwh,
        kwh_per_km if kwh_per_km is not None else (
            CAPACITY_KWH / RANGE_KM if has_battery else None),
        car.fuel_capacity_liters, TANK_L / FUEL_RANGE_KM if has_fuel else None,
    )
    car.motion = Motion(Timeline(tuple(segments), start, repeat, energy), start, inclusive=True)
    return car


def timeline_of(car: Vehicle) -> Timeline:
    """The timeline that moves `car` (a vehicle holds its motion through a protocol)."""
    assert isinstance(car.motion, Motion), f"{car.id} has no timeline"
    return car.motion.timeline

"""A validated `timeline:` (mockcar.scenario.schema.timeline) -> the vehicle's `Motion`
(mockcar.domain.timelines.timeline): segments built from the spec or from a trip profile, the
start anchor, and the energy figures the vehicle drives on.

Profiles draw from their own sub-seed of (scenario seed, vehicle key), so the same
seed gives the same routes, and giving one vehicle a timeline reshuffles nothing else.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from mockcar.domain.timelines.route import Route
from mockcar.domain.timelines.timeline import Energy, Kind, Motion, Segment, Timeline
from mockcar.domain.vehicles.vehicle import Location, Vehicle
from mockcar.scenario.timelines import profiles as timeline_profiles

if TYPE_CHECKING:
    from mockcar.scenario.schema.timeline import SegmentSpec, TimelineSpec


def attach(vehicle: Vehicle, spec: TimelineSpec, seed: int, key: str, now: datetime,
           location_given: bool = True) -> None:
    """Give `vehicle` the timeline `spec` describes, anchored at its start with the
    vehicle's scenario state. A vehicle whose location the scenario left out starts
    where its first route does."""
    built = timeline(vehicle, spec, seed, key, now, location_given)
    vehicle.motion = Motion(built, anchor=built.start, inclusive=True)


def timeline(vehicle: Vehicle, spec: TimelineSpec, seed: int, key: str, now: datetime,
             location_given: bool = True) -> Timeline:
    """The vehicle's timeline; `start` defaults as schema_timeline documents."""
    if spec.profile is not None:
        profile = timeline_profiles.build(spec.profile, vehicle, _rng(seed, key))
        segments = profile.segments
        start = profile.start(now, vehicle.state.location)
    else:
        segments = tuple(_segment(s) for s in spec.segments or ())
        first_route = next((s.route for s in segments if s.route is not None), None)
        if first_route is not None and not location_given:
            vehicle.state.location = first_route.start
        start = datetime.combine(now.astimezone(UTC).date(), time(), UTC)
    if spec.start is not None:
        start = spec.start.astimezone(UTC)
    return Timeline(segments, start, spec.repeats, _energy(vehicle, spec))


def _rng(seed: int, key: str) -> random.Random:
    # The generator's sub-seed scheme (mockcar.scenario.generate.sub_seed), own topic.
    digest = hashlib.sha256(f"mockcar:{seed}:timeline:{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _segment(spec: SegmentSpec) -> Segment:
    kind = Kind(spec.kind)
    location = Location(spec.location.latitude, spec.location.longitude) if spec.location else None
    if kind is Kind.DRIVING:
        assert spec.route is not None  # checked (schema_timeline.check)
        route = Route.through([Location(lat, lon) for lat, lon in spec.route])
        speed = spec.speed or route.length_km / ((spec.duration or 1.0) / 3600)
        return Segment.drive(route, speed)
    return Segment(kind, spec.duration or float("inf"), power_kw=spec.power, location=location)


def _energy(vehicle: Vehicle, spec: TimelineSpec) -> Energy:
    """kWh/100 km and L/100 km from the scenario, else what the vehicle's capacity and
    range imply, so that driving 100 km takes 100 km off the range it reads."""
    given = spec.efficiency
    capacity = vehicle.battery_capacity_kwh if vehicle.powertrain.has_battery else None
    kwh = given.kwh_per_100km / 100 if given and given.kwh_per_100km else (
        capacity / vehicle.range_km_full if capacity and vehicle.range_km_full else None)
    tank = vehicle.fuel_capacity_liters if vehicle.powertrain.has_fuel else None
    liters = given.liters_per_100km / 100 if given and given.liters_per_100km else (
        tank / vehicle.fuel_range_km_full if tank and vehicle.fuel_range_km_full else None)
    return Energy(capacity, kwh, tank, liters)

"""Trip profiles (mockcar.scenario.timelines.profiles): a day or two of segments per
profile, routes inside the vehicle's region, and the same seed giving the same answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockcar.domain.timelines.route import distance_km
from mockcar.domain.timelines.timeline import Kind
from mockcar.domain.vehicles.vehicle import Location, Vehicle
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import build_world
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.loader import validate
from mockcar.scenario.yamlsource import parse
from tests.support.timelines import timeline_of

NOW = datetime(2026, 9, 8, 13, 0, tzinfo=UTC)
BOUNDED = settings(max_examples=25, deadline=None)
COUNTRIES = {"US": "US", "CA": "CA", "EUROPE": "DE"}


def world(profile: str, *, seed: int = 1, region: str = "US", count: int = 3,
          vehicle: str = "{}") -> World:
    """`count` generated vehicles of one owner in `region`, all on `profile`."""
    vehicles = "".join(f"      - {{timeline: {{profile: {profile}}}, **{vehicle}}}\n"
                       for _ in range(count)).replace(", **{}", "")
    text = (f"version: 1\nseed: {seed}\nowners:\n  - email: p@example.com\n    password: pw\n"
            f"    country: {COUNTRIES[region]}\n    vehicles:\n{vehicles}")
    return build_world(validate(parse(text, "profiles.yaml"), "profiles.yaml"),
                       clock=Clock(frozen_at=NOW))


def kinds(car: Vehicle) -> list[Kind]:
    assert car.motion is not None
    return [s.kind for s in timeline_of(car).segments]


def test_commute_is_a_day_there_and_back() -> None:
    for car in world("commute").vehicles.values():
        assert car.motion is not None
        line = timeline_of(car)
        assert line.repeat and line.cycle_s == pytest.approx(24 * 3600)
        there, back = (s.route for s in line.segments if s.kind is Kind.DRIVING)
        assert there is not None and back is not None
        assert there.start == car.state.location == back.end and there.end == back.start
        assert 8 <= distance_km(there.start, there.end) <= 25.01
        if car.powertrain.has_battery:
            assert kinds(car)[-1] is Kind.CHARGING
        else:
            assert Kind.ASLEEP in kinds(car) and Kind.CHARGING not in kinds(car)
        # Leaves between 07:00 and 08:30 local solar time.
        local = line.start + timedelta(hours=round(car.state.location.longitude / 15))
        assert 7 <= local.hour + local.minute / 60 <= 8.5
        assert line.start < NOW  # a world starts mid-routine


def test_road_trip_goes_towards_a_city_of_the_region_and_back() -> None:
    for region in ("US", "CA", "EUROPE"):
        for car in world("road_trip", region=region).vehicles.values():
            assert car.motion is not None
            line = timeline_of(car)
            assert line.cycle_s == pytest.approx(48 * 3600)
            drives = [s for s in line.segments if s.kind is Kind.DRIVING]
            out_km = sum(s.distance_km for s in drives) / 2
            home = car.state.location
            nearest = min(d for _, lat, lon in catalog.CITIES[region]
                          if (d := distance_km(home, Location(lat, lon))) > 50)
            assert min(240.0, nearest * 0.99) <= out_km <= 420
            assert drives[0].route is not None and drives[-1].route is not None
            assert drives[0].route.start == home == drives[-1].route.end
            assert all(70 <= s.speed_kmh <= 110 for s in drives)
            if car.powertrain.value == "BEV":
                stops = [s for s in line.segments if s.kind is Kind.CHARGING
                         and s.power_kw == 150.0]
                assert stops and all(s.distance_km <= 0.55 * (car.range_km_full or 0) + 1
                                     for s in drives)


def test_overnight_charge_plugs_in_every_evening() -> None:
    for car in world("overnight_charge").vehicles.values():
        assert car.powertrain.has_battery and kinds(car)[-1] is Kind.CHARGING
        assert car.motion is not None
        evening = timeline_of(car).start + timedelta(hours=21, days=1)
        assert car.at(evening).state.plugged_in


def test_parked_sleeps_at_night() -> None:
    (car, *_) = world("parked").vehicles.values()
    assert kinds(car) == [Kind.PARKED, Kind.ASLEEP]
    assert car.motion is not None
    night = timeline_of(car).start + timedelta(hours=20, days=1)
    assert car.at(night).state.asleep and car.at(night).odometer_km() == car.odometer_km()


def _region_of(point: Location) -> str:
    """The region of the nearest city of mockcar's city list."""
    return min(((distance_km(point, Location(lat, lon)), region)
                for region, cities in catalog.CITIES.items() for _, lat, lon in cities))[1]


@BOUNDED
@given(st.integers(0, 10_000), st.sampled_from(["US", "CA", "EUROPE"]),
       st.sampled_from(["commute", "road_trip", "overnight_charge"]))
def test_routes_stay_inside_the_vehicle_region(seed: int, region: str, profile: str) -> None:
    for car in world(profile, seed=seed, region=region, count=2).vehicles.values():
        assert car.motion is not None
        for segment in timeline_of(car).segments:
            for point in segment.route.points if segment.route else ():
                assert _region_of(point) == region


@BOUNDED
@given(st.integers(0, 10_000), st.sampled_from(["commute", "road_trip", "overnight_charge",
                                                "parked"]),
       st.lists(st.floats(0, 24 * 30), min_size=1, max_size=5))
def test_the_same_seed_gives_the_same_answers(seed: int, profile: str,
                                              hours: list[float]) -> None:
    one, two = world(profile, seed=seed), world(profile, seed=seed)
    for vehicle_id, car in one.vehicles.items():
        twin = two.vehicles[vehicle_id]
        for h in hours:
            moment = NOW + timedelta(hours=h)
            assert car.at(moment).state == twin.at(moment).state


def test_another_seed_draws_other_routes() -> None:
    def first_route(seed: int) -> object:
        (car, *_) = world("commute", seed=seed).vehicles.values()
        assert car.motion is not None
        return timeline_of(car).segments[0].route

    assert first_route(1) == first_route(1) != first_route(2)

"""Properties of vehicles moving in time, over random timelines, commands and clock times
(hypothesis): the odometer never decreases, charge never passes the limit, a driving
vehicle stays on its route, re-anchoring changes nothing, and the closed-form fold of
many cycles equals stepping them one by one."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mockcar.domain.timelines import cycles as timeline_cycles
from mockcar.domain.timelines.route import Route
from mockcar.domain.timelines.timeline import Kind, Segment
from mockcar.domain.vehicles import overrides
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Vehicle
from mockcar.errors import SmartcarError
from tests.support.timelines import HOUR, START, timeline_of, vehicle

BOUNDED = settings(max_examples=50, deadline=None)
TOLERANCE = 1e-9

points = st.builds(Location, st.floats(44.5, 45.5), st.floats(6.5, 7.5))
routes = st.lists(points, min_size=2, max_size=5).map(Route.through).filter(
    lambda r: r.length_km > 0.05)
hours = st.floats(0.05, 12.0)
segments = st.one_of(
    st.builds(lambda h: Segment(Kind.PARKED, h * HOUR), hours),
    st.builds(lambda h: Segment(Kind.ASLEEP, h * HOUR), hours),
    st.builds(lambda h, kw: Segment(Kind.CHARGING, h * HOUR, power_kw=kw), hours,
              st.floats(2.0, 250.0)),
    st.builds(Segment.drive, routes, st.floats(5.0, 130.0)),
)
powertrains = st.sampled_from([Powertrain.BEV, Powertrain.PHEV, Powertrain.ICE])


@st.composite
def vehicles(draw: st.DrawFn) -> Vehicle:
    powertrain = draw(powertrains)
    chosen = draw(st.lists(segments, min_size=1, max_size=6))
    if not powertrain.has_battery:
        chosen = [s for s in chosen if s.kind is not Kind.CHARGING] or [
            Segment(Kind.PARKED, HOUR)]
    return vehicle(
        chosen, repeat=draw(st.booleans()), powertrain=powertrain,
        battery=draw(st.floats(0.0, 1.0)), fuel=draw(st.floats(0.0, 1.0)),
        limit=draw(st.floats(0.5, 1.0)),
        kwh_per_km=draw(st.sampled_from([None, 0.15, 0.6, 2.0])),
    )


times = st.lists(st.floats(0.0, 24.0 * 400), min_size=2, max_size=12).map(sorted)
commands = st.lists(
    st.tuples(st.floats(0.0, 24.0 * 40),
              st.sampled_from(["lock", "unlock", "start", "stop", "limit", "plug", "unplug"]),
              st.floats(0.5, 1.0)),
    max_size=6,
).map(sorted)


def command(car: Vehicle, name: str, value: float, hours_: float) -> None:
    """Apply one command, as an API call would; refusals are part of the game."""
    now = START + timedelta(hours=hours_)
    actions: dict[str, Callable[[], object]] = {
        "lock": lambda: car.lock(now), "unlock": lambda: car.unlock(now),
        "start": lambda: car.start_charge(now), "stop": lambda: car.stop_charge(now),
        "limit": lambda: car.set_charge_limit(value, now),
        "plug": lambda: overrides.apply(car, {"plugged_in": True, "charging": True}, now),
        "unplug": lambda: overrides.apply(car, {"plugged_in": False}, now),
    }
    try:
        actions[name]()
    except (SmartcarError, overrides.OverrideError):
        pass


def read(car: Vehicle, hours_: float) -> Vehicle:
    return car.at(START + timedelta(hours=hours_))


@BOUNDED
@given(vehicles(), commands, times)
def test_the_odometer_never_decreases(
    car: Vehicle, orders: list[tuple[float, str, float]], moments: list[float]
) -> None:
    events = sorted([(h, "read", 0.0) for h in moments] + orders)
    last = -1.0
    for h, name, value in events:
        if name == "read":
            odometer = read(car, h).odometer_km()
            assert odometer >= last - TOLERANCE
            last = odometer
        else:
            command(car, name, value, h)


@BOUNDED
@given(vehicles(), commands, times)
def test_charge_never_passes_the_limit(
    car: Vehicle, orders: list[tuple[float, str, float]], moments: list[float]
) -> None:
    """Charging stops at the limit: the level never rises above the highest of the
    limits set so far and the level it started from (a lowered limit does not drain)."""
    if car.state.battery_level is None:
        return
    ceiling = max(car.state.battery_level, car.state.charge_limit)
    for h, name, value in sorted([(h, "read", 0.0) for h in moments] + orders):
        if name == "read":
            snapshot = read(car, h)
            level = snapshot.battery().percent_remaining
            assert 0.0 <= level <= ceiling + TOLERANCE
            if snapshot.is_charging():
                assert level < snapshot.charge_limit()
        else:
            command(car, name, value, h)
            ceiling = max(ceiling, car.state.charge_limit)


def _on_leg(p: Location, a: Location, b: Location) -> bool:
    """Whether p lies on the segment a-b (latitude/longitude plane)."""
    ax, ay, bx, by = a.longitude, a.latitude, b.longitude, b.latitude
    dx, dy = bx - ax, by - ay
    span = dx * dx + dy * dy
    f = 0.0 if span == 0 else ((p.longitude - ax) * dx + (p.latitude - ay) * dy) / span
    f = min(1.0, max(0.0, f))
    return (abs(ax + f * dx - p.longitude) < 1e-9 and abs(ay + f * dy - p.latitude) < 1e-9)


@BOUNDED
@given(vehicles(), times)
def test_a_driving_vehicle_stays_on_its_route(car: Vehicle, moments: list[float]) -> None:
    assert car.motion is not None
    timeline = timeline_of(car)
    for h in moments:
        snapshot = read(car, h)
        x = h * HOUR
        segment = timeline.segments[timeline.locate(x)[1]]
        if segment.kind is Kind.DRIVING and segment.route is not None:
            assert snapshot.state.moving
            here, legs = snapshot.location(), segment.route.points
            assert any(_on_leg(here, a, b) for a, b in itertools.pairwise(legs))
        else:
            assert not snapshot.state.moving


@BOUNDED
@given(vehicles(), st.lists(st.floats(0.0, 24.0 * 400), min_size=1, max_size=4), times)
def test_settling_changes_no_later_reading(
    car: Vehicle, anchors: list[float], moments: list[float]
) -> None:
    """Re-anchoring (what every command does first) is invisible: carrying the state
    forward is the same in one go or in steps."""
    settled = copy.deepcopy(car)
    for h in sorted(anchors):
        settled.settle(START + timedelta(hours=h))
    for h in moments:
        if h < max(anchors):
            continue
        a, b = read(car, h).state, read(settled, h).state
        assert a.odometer_km == _close(b.odometer_km, 1e-6)
        if a.battery_level is not None:
            assert a.battery_level == _close(b.battery_level, 1e-7)
        if a.fuel_level is not None:
            assert a.fuel_level == _close(b.fuel_level, 1e-6)
        assert (a.plugged_in, a.charging, a.moving, a.asleep, a.locked) == (
            b.plugged_in, b.charging, b.moving, b.asleep, b.locked)


def _close(value: float | None, tolerance: float) -> object:
    return pytest.approx(value, abs=tolerance)


steps = st.lists(st.one_of(
    st.builds(timeline_cycles.Drain, st.floats(0.0, 0.6), st.sampled_from([0.0, 0.3])),
    st.builds(lambda center, factor, limit: timeline_cycles.Charge(center, factor, limit),
              st.floats(1.05, 8.0), st.floats(0.05, 0.999), st.floats(0.5, 1.0)),
), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(steps, st.floats(0.0, 1.0), st.integers(0, 400))
def test_folding_cycles_equals_stepping_them(
    cycle: list[timeline_cycles.Step], level: float, count: int
) -> None:
    assume(any(isinstance(s, timeline_cycles.Charge) for s in cycle) or count < 400)
    stepped, fuel = level, 0.0
    for _ in range(count):
        stepped, burnt = timeline_cycles.run(cycle, stepped)
        fuel += burnt
    folded, folded_fuel = timeline_cycles.iterate(cycle, level, count)
    assert folded == _close(stepped, 1e-9)
    assert folded_fuel == _close(fuel, 1e-6 * max(1.0, fuel))

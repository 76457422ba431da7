"""Fault rules by make and by clock window, RATE_LIMIT's Retry-After, and a World's
binding; the older kinds are in test_faults.py."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from mockcar.domain.world.clock import Clock
from mockcar.domain.world.faults import FaultError, Faults, parse_moment
from mockcar.scenario import load_world
from mockcar.settings import default_scenario

AT = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)


def fired(faults: Faults, now: datetime, make: str | None = "TESLA",
          vehicle: str | None = "v1", endpoint: str = "/odometer") -> str | None:
    error = faults.trip("GET", endpoint, vehicle, make=make, now=now)
    return None if error is None else f"{error.type}:{error.code}"


def test_a_rule_by_make_matches_only_that_make() -> None:
    faults = Faults()
    faults.add("UPSTREAM", "NO_RESPONSE", make="tesla")
    assert fired(faults, AT, make="TESLA") == "UPSTREAM:NO_RESPONSE"
    assert fired(faults, AT, make="Tesla") == "UPSTREAM:NO_RESPONSE"
    assert fired(faults, AT, make="FORD") is None
    assert fired(faults, AT, make=None) is None


def test_a_daily_window_reads_the_time_of_day() -> None:
    faults = Faults()
    rule = faults.add("UPSTREAM", "NO_RESPONSE", make="TESLA", start="10:00", end="10:15")
    assert rule.window is not None and rule.window.start == time(10, 0)
    day = AT.replace(hour=0, minute=0)
    assert fired(faults, day + timedelta(hours=9, minutes=59, seconds=59)) is None
    assert fired(faults, day + timedelta(hours=10)) == "UPSTREAM:NO_RESPONSE"
    assert fired(faults, day + timedelta(hours=10, minutes=14, seconds=59)) is not None
    assert fired(faults, day + timedelta(hours=10, minutes=15)) is None
    assert fired(faults, day + timedelta(days=1, hours=10, minutes=7)) is not None, "every day"
    assert fired(faults, day + timedelta(hours=10, minutes=7), make="FORD") is None
    assert rule.hits == 3


def test_a_daily_window_may_span_midnight_and_instants_bound_one() -> None:
    faults = Faults()
    faults.add("SERVER", "INTERNAL", start="23:30", end="00:30")
    midnight = datetime(2026, 3, 3, tzinfo=UTC)
    assert fired(faults, midnight - timedelta(minutes=10)) is not None
    assert fired(faults, midnight + timedelta(minutes=10)) is not None
    assert fired(faults, midnight + timedelta(hours=1)) is None
    instants = Faults()
    instants.add("SERVER", "INTERNAL", start="2026-03-02T10:00:00Z")
    assert fired(instants, AT - timedelta(hours=1)) is None
    assert fired(instants, AT + timedelta(days=400)) is not None, "open ended"
    until = Faults()
    until.add("SERVER", "INTERNAL", end="2026-03-02T10:00:00+01:00")  # 09:00 UTC
    assert fired(until, AT - timedelta(hours=2)) is not None
    assert fired(until, AT - timedelta(hours=1)) is None


def test_rate_limit_in_a_window_says_when_it_closes() -> None:
    faults = Faults()
    faults.add("RATE_LIMIT", "VEHICLE", start="10:00", end="10:15")
    error = faults.trip("GET", "/odometer", "v1", now=AT)  # 10:05
    assert error is not None and error.retry_after == 600
    given = Faults()
    given.add("RATE_LIMIT", "VEHICLE", start="10:00", end="10:15", retry_after=5)
    error = given.trip("GET", "/odometer", "v1", now=AT)
    assert error is not None and error.retry_after == 5
    other = Faults()
    other.add("UPSTREAM", "RATE_LIMIT", start="2026-03-02T10:00:00Z",
              end="2026-03-02T10:30:00Z")
    error = other.trip("GET", "/odometer", "v1", now=AT)
    assert error is not None and error.retry_after is None  # not type RATE_LIMIT: as cataloged


def test_count_probability_vehicle_endpoint_and_method_combine() -> None:
    faults = Faults()
    rule = faults.add("VEHICLE_STATE", "ASLEEP", make="TESLA", vehicle_id="v1",
                      endpoint="/charge*", method="post", times=2, seed=3)
    assert faults.trip("GET", "/charge", "v1", make="TESLA", now=AT) is None
    assert faults.trip("POST", "/charge", "v2", make="TESLA", now=AT) is None
    assert faults.trip("POST", "/security", "v1", make="TESLA", now=AT) is None
    assert faults.trip("POST", "/charge/limit", "v1", make="TESLA", now=AT) is not None
    assert faults.trip("POST", "/charge", "v1", make="TESLA", now=AT) is not None
    assert faults.trip("POST", "/charge", "v1", make="TESLA", now=AT) is None
    assert rule.exhausted


def test_a_world_binds_its_rules_to_its_vehicles_and_clock() -> None:
    world = load_world(default_scenario(), clock=Clock(frozen_at=AT.replace(hour=9)))
    tesla = next(v for v in world.vehicles.values() if v.make == "TESLA")
    ford = next(v for v in world.vehicles.values() if v.make == "FORD")
    world.faults.add("UPSTREAM", "NO_RESPONSE", make="TESLA", start="10:00", end="10:15")
    assert world.faults.trip("GET", "/odometer", tesla.id) is None  # 09:05
    world.clock.advance(timedelta(hours=1))
    error = world.faults.trip("GET", "/odometer", tesla.id)
    assert error is not None and error.code == "NO_RESPONSE"
    assert world.faults.trip("GET", "/odometer", ford.id) is None
    assert world.faults.trip("GET", "/vehicles", None) is None  # no vehicle, no make
    world.clock.advance(timedelta(minutes=10))
    assert world.faults.trip("GET", "/odometer", tesla.id) is None


@pytest.mark.parametrize(("kwargs", "field", "text"), [
    ({"start": "25:00"}, "start", "neither a time of day"),
    ({"start": "10:00", "end": "2026-01-01T00:00:00Z"}, "end", "both be times of day"),
    ({"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, "end", "after start"),
    ({"start": "10:00", "end": "10:00"}, "end", "empty"),
    ({"make": " "}, "make", "must not be empty"),
    ({"code": "NOPE"}, "code", "codes of SERVER"),
    ({"times": 0}, "times", "at least 1"),
])
def test_bad_rules_say_which_field(kwargs: dict[str, object], field: str, text: str) -> None:
    arguments: dict[str, object] = {"code": "INTERNAL", **kwargs}
    with pytest.raises(FaultError, match=text) as caught:
        Faults().add("SERVER", **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_moments_parse_as_times_of_day_or_instants() -> None:
    assert parse_moment("7:05") == time(7, 5)
    assert parse_moment("23:59:30") == time(23, 59, 30)
    assert parse_moment("2026-03-02T10:00:00") == datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert parse_moment(datetime(2026, 3, 2, 10)) == datetime(2026, 3, 2, 10, tzinfo=UTC)

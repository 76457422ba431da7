"""Latency: the pure delay function, policy precedence, seeded draws and asleep
vehicles (mockcar.domain.world.latency)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from mockcar.domain.world.latency import (
    IDEAL_POLICY,
    MAKE_FACTORS,
    TYPICAL,
    Kind,
    Latency,
    Policy,
    Sleep,
    delay_ms,
    kind_of,
)
from mockcar.errors import SmartcarError

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
REALISTIC = Policy("realistic")


def test_ideal_never_waits() -> None:
    assert delay_ms(IDEAL_POLICY, "TESLA", "GET", "/odometer", False, 3.0) == 0.0
    latency = Latency(seed=1)
    assert latency.delay("v", "TESLA", "GET", "/odometer", static=False, asleep=False,
                         now=NOW) == 0.0


def test_a_table_gives_fixed_delays_by_endpoint_with_a_default() -> None:
    table = Policy.fixed({"/odometer": 800, "charge/*": 3000, "*": 150})
    assert delay_ms(table, "FORD", "GET", "/odometer", False, 2.0) == 800
    assert delay_ms(table, "FORD", "POST", "/charge/limit", False, 0.0) == 3000
    assert delay_ms(table, "FORD", "GET", "/location", False, 0.0) == 150
    bare = Policy.fixed({"/odometer": 10})
    assert delay_ms(bare, "FORD", "GET", "/battery", False, 0.0) == 0.0


def test_kinds_of_endpoint() -> None:
    assert kind_of("GET", "/", True) is Kind.STATIC
    assert kind_of("GET", "/odometer", False) is Kind.READ
    assert kind_of("GET", "/location", False) is Kind.LOCATION
    assert kind_of("POST", "/security", False) is Kind.COMMAND
    assert kind_of("POST", "/batch", False) is Kind.BATCH


def test_realistic_is_log_normal_around_each_kinds_median_times_the_makes_factor() -> None:
    median = delay_ms(REALISTIC, "TESLA", "GET", "/odometer", False, 0.0)
    assert median == pytest.approx(TYPICAL[Kind.READ].median_ms * MAKE_FACTORS["TESLA"][0])
    p90 = delay_ms(REALISTIC, "TESLA", "GET", "/odometer", False, 1.2816)
    assert p90 == pytest.approx(TYPICAL[Kind.READ].p90_ms * MAKE_FACTORS["TESLA"][0], rel=1e-3)
    kia_read = delay_ms(REALISTIC, "KIA", "GET", "/odometer", False, 0.0)
    kia_command = delay_ms(REALISTIC, "KIA", "POST", "/security", False, 0.0)
    assert kia_read < median < kia_command  # Kia reads from its cloud, commands crawl
    unknown = delay_ms(REALISTIC, "DELOREAN", "GET", "/location", False, 0.0)
    assert unknown == TYPICAL[Kind.LOCATION].median_ms
    static = delay_ms(REALISTIC, "KIA", "GET", "/vin", True, 0.0)
    assert static == TYPICAL[Kind.STATIC].median_ms
    assert delay_ms(REALISTIC, "FORD", "GET", "/odometer", False, -5) > 0


def test_the_most_specific_policy_wins() -> None:
    class OneFleet:
        def vehicle_index(self, vehicle_id: str) -> int | None:
            return 0 if vehicle_id == "fleet-car" else None

    fixed = Policy.fixed({"*": 1})
    latency = Latency(default=REALISTIC, by_make={"TESLA": IDEAL_POLICY},
                      by_vehicle={"mine": fixed},
                      by_fleet=[(OneFleet(), Policy.fixed({"*": 2}))])  # type: ignore[list-item]
    assert latency.policy("mine", "TESLA") is fixed
    assert latency.policy("fleet-car", "TESLA").table == (("/*", 2.0),)
    assert latency.policy("other", "tesla") is IDEAL_POLICY
    assert latency.policy("other", "FORD") is REALISTIC


def test_realistic_draws_are_seeded() -> None:
    def run(seed: int) -> list[float]:
        latency = Latency(seed=seed, default=REALISTIC)
        return [latency.delay("v", "FORD", "GET", "/odometer", static=False, asleep=False,
                              now=NOW) for _ in range(20)]

    assert run(1) == run(1)
    assert run(1) != run(2)
    seconds = run(1)
    assert all(0.1 < s < 60 for s in seconds)
    median = sorted(seconds)[10]
    assert math.isclose(median, 1.8 * 1.2, rel_tol=0.6)


def test_an_asleep_vehicle_wakes_slowly_then_stays_awake() -> None:
    latency = Latency(sleep=Sleep("wake", 9000, timedelta(minutes=10)))

    def wait(at: datetime, *, asleep: bool = True, static: bool = False) -> float:
        return latency.delay("v", "GMC", "GET", "/odometer", static=static, asleep=asleep,
                             now=at)

    assert wait(NOW, static=True) == 0.0  # attributes never wake a car
    assert wait(NOW) == 9.0
    assert wait(NOW + timedelta(minutes=9)) == 0.0
    assert wait(NOW + timedelta(minutes=10)) == 9.0, "asleep again once awake time is over"
    assert wait(NOW + timedelta(minutes=30), asleep=False) == 0.0


def test_an_asleep_vehicle_can_answer_asleep_instead() -> None:
    latency = Latency(sleep=Sleep("error"))
    with pytest.raises(SmartcarError) as caught:
        latency.delay("v", "GMC", "GET", "/odometer", static=False, asleep=True, now=NOW)
    assert (caught.value.type, caught.value.code) == ("VEHICLE_STATE", "ASLEEP")
    assert latency.delay("v", "GMC", "GET", "/vin", static=True, asleep=True, now=NOW) == 0

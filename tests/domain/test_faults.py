"""Fault rules in the domain: matching, counting, seeded probability."""

from __future__ import annotations

import pytest

from mockcar.domain.world.faults import FaultError, Faults


def test_rules_are_checked_in_order_and_count_their_hits() -> None:
    faults = Faults()
    first = faults.add("VEHICLE_STATE", "ASLEEP", endpoint="odometer", times=1)
    second = faults.add("SERVER", "INTERNAL", vehicle_id="v1", method="get")
    assert faults.trip("GET", "/location", "v2") is None
    error = faults.trip("GET", "/odometer", "v1")
    assert error is not None and (error.type, error.code) == ("VEHICLE_STATE", "ASLEEP")
    again = faults.trip("GET", "/odometer", "v1")
    assert again is not None and again.code == "INTERNAL"
    assert faults.trip("POST", "/odometer", "v1") is None
    assert (first.hits, first.exhausted, second.hits) == (1, True, 1)
    assert [r.id for r in faults] == ["fault-1", "fault-2"]
    assert faults.remove("fault-1") and not faults.remove("fault-1")
    faults.clear()
    assert len(faults) == 0


def test_probability_is_seeded() -> None:
    def pattern(seed: int) -> list[bool]:
        faults = Faults()
        faults.add("UPSTREAM", "KNOWN_ISSUE", probability=0.3, seed=seed)
        return [faults.trip("GET", "/", None) is not None for _ in range(50)]

    assert pattern(1) == pattern(1)
    assert pattern(1) != pattern(2)
    assert 5 < sum(pattern(1)) < 30


def test_retry_after_and_message_reach_the_error() -> None:
    faults = Faults()
    faults.add("RATE_LIMIT", "VEHICLE", retry_after=3, message="Easy.")
    error = faults.trip("GET", "/", None)
    assert error is not None and error.retry_after == 3 and str(error.hint).endswith("Easy.")
    faults.clear()
    faults.add("RATE_LIMIT", "VEHICLE")
    default = faults.trip("GET", "/", None)
    assert default is not None and default.retry_after == 60  # the catalog's default


@pytest.mark.parametrize(("kwargs", "text"), [
    ({"type": "NOPE"}, "no Smartcar error NOPE:None"),
    ({"type": "SERVER", "code": "INTERNAL", "times": 0}, "times"),
    ({"type": "SERVER", "code": "INTERNAL", "probability": 0}, "probability"),
    ({"type": "SERVER", "code": "INTERNAL", "retry_after": -1}, "retry_after"),
])
def test_bad_rules_are_refused(kwargs: dict[str, object], text: str) -> None:
    with pytest.raises(FaultError, match=text):
        Faults().add(**kwargs)  # type: ignore[arg-type]

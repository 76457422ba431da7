"""Fault rules in the domain: matching, counting, seeded probability."""

from __future__ import annotations

import pytest

from mockcar.domain.world.faults import Fault, FaultError, Faults


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


def test_used_up_rules_stay_listed_and_a_request_no_longer_checks_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    faults = Faults()
    for _ in range(200):
        faults.add("VEHICLE_STATE", "ASLEEP", endpoint="odometer", times=1)
    standing = faults.add("SERVER", "INTERNAL", endpoint="location")
    for _ in range(200):
        assert faults.trip("GET", "/odometer", "v1") is not None
    assert faults.trip("GET", "/odometer", "v1") is None
    checked: list[str] = []
    original = Fault.matches

    def counting(rule: Fault, *args: object, **kwargs: object) -> bool:
        checked.append(rule.id)
        return original(rule, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Fault, "matches", counting)
    error = faults.trip("GET", "/location", "v1")
    assert error is not None and error.code == "INTERNAL"
    assert checked == [standing.id]
    assert len(faults) == 201 and all(r.exhausted for r in list(faults)[:200])


def test_rules_added_or_removed_between_requests_are_checked_as_listed() -> None:
    faults = Faults()
    once = faults.add("VEHICLE_STATE", "ASLEEP", times=1)
    assert faults.trip("GET", "/odometer", "v1") is not None
    assert faults.trip("GET", "/odometer", "v1") is None
    later = faults.add("SERVER", "INTERNAL")
    assert faults.remove(once.id)
    error = faults.trip("GET", "/odometer", "v1")
    assert error is not None and error.code == "INTERNAL"
    assert faults.remove(later.id)
    assert faults.trip("GET", "/odometer", "v1") is None

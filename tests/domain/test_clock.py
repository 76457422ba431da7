from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mockcar.domain.clock import Clock


def test_frozen_clock_moves_only_when_told() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = Clock(frozen_at=start)
    assert clock.now() == start == clock.now()
    assert clock.advance(timedelta(hours=2)) == start + timedelta(hours=2)
    clock.set(datetime(2030, 5, 5))
    assert clock.now() == datetime(2030, 5, 5, tzinfo=UTC)


def test_running_clock_keeps_an_offset_when_advanced() -> None:
    clock = Clock()
    before = clock.now()
    clock.advance(timedelta(days=3))
    assert clock.now() - before >= timedelta(days=3)
    assert clock.now() - before < timedelta(days=3, seconds=5)


def test_unfreeze_continues_from_the_frozen_instant() -> None:
    clock = Clock()
    frozen = clock.freeze(datetime(2020, 1, 1, tzinfo=UTC))
    clock.unfreeze()
    assert not clock.frozen
    assert timedelta() <= clock.now() - frozen < timedelta(seconds=5)


def test_the_clock_never_goes_back() -> None:
    with pytest.raises(ValueError, match="forward"):
        Clock().advance(timedelta(seconds=-1))


class _Wall:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_speed_scales_world_time_and_never_jumps(monkeypatch: pytest.MonkeyPatch) -> None:
    wall = _Wall()
    monkeypatch.setattr("mockcar.domain.clock.time.time", wall)
    clock = Clock()
    start = clock.now()
    clock.set_speed(60)
    wall.now += 10
    assert clock.now() - start == timedelta(minutes=10)
    clock.set_speed(1)  # re-anchors: no jump back to wall time
    assert clock.now() - start == timedelta(minutes=10)
    wall.now += 10
    assert clock.now() - start == timedelta(minutes=10, seconds=10)
    clock.freeze()
    clock.set_speed(120)  # a frozen clock stays put, and runs at 120x once unfrozen
    wall.now += 5
    assert clock.now() - start == timedelta(minutes=10, seconds=10)
    clock.unfreeze()
    wall.now += 1
    assert clock.now() - start == timedelta(minutes=12, seconds=10)
    assert clock.speed == 120
    with pytest.raises(ValueError, match="speed"):
        clock.set_speed(0)

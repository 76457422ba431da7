from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mockcar.domain.world.clock import (
    EARLIEST,
    LATEST,
    MAX_ADVANCE,
    MAX_SPEED,
    Clock,
    ClockRangeError,
)


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
    monkeypatch.setattr("mockcar.domain.world.clock.time.time", wall)
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


def test_times_outside_the_clock_years_are_refused_with_the_range() -> None:
    clock = Clock(frozen_at=datetime(2026, 1, 1, tzinfo=UTC))
    for moment in (datetime(1999, 12, 31, 23, 59, tzinfo=UTC), datetime(2200, 1, 1),
                   datetime(9999, 12, 31, 23, 59, 58, tzinfo=UTC)):
        for move in (clock.set, clock.freeze):
            with pytest.raises(ClockRangeError, match="2000-01-01T00:00:00Z to 2199-12-31"):
                move(moment)
    with pytest.raises(ClockRangeError, match="2000-01-01"):
        Clock(frozen_at=datetime(1970, 1, 1, tzinfo=UTC))
    assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)
    clock.set(EARLIEST)
    assert clock.now() == EARLIEST
    clock.set(LATEST)
    assert clock.now() == LATEST


def test_an_advance_is_ten_years_at_most_and_never_passes_the_last_year() -> None:
    clock = Clock(frozen_at=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ClockRangeError, match="0 to 3660 days"):
        clock.advance(timedelta(days=3661))
    assert clock.advance(MAX_ADVANCE) == datetime(2026, 1, 1, tzinfo=UTC) + MAX_ADVANCE
    clock.set(LATEST - timedelta(days=1))
    with pytest.raises(ClockRangeError, match="would pass 2199-12-31T23:59:59.999Z"):
        clock.advance(timedelta(days=2))
    assert clock.now() == LATEST - timedelta(days=1)
    assert clock.advance(timedelta(days=1)) == LATEST


def test_a_running_clock_stops_at_the_last_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    wall = _Wall()
    monkeypatch.setattr("mockcar.domain.world.clock.time.time", wall)
    clock = Clock()
    clock.set(LATEST - timedelta(days=1))
    clock.set_speed(MAX_SPEED)
    wall.now += 1e12  # far more wall time than any process lives
    assert clock.now() == LATEST
    clock.freeze()
    assert clock.now() == LATEST
    for bad in (0.0, -1.0, MAX_SPEED * 2, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="at most 86400"):
            clock.set_speed(bad)


@pytest.mark.parametrize("speed", [1.0, 60.0, 0.37])
def test_a_running_clock_reads_its_anchor_plus_the_elapsed_time_to_the_microsecond(
        monkeypatch: pytest.MonkeyPatch, speed: float) -> None:
    """A reading is the anchor plus `timedelta(seconds=elapsed)` exactly: rounded to
    the microsecond half to even, as timedelta rounds, for fractions between
    microseconds and exactly halfway. Near the wall clock's 1.7e9 s a float steps by
    2**-22 s, so those steps are exact, and some of them times 1e6 end in .5."""
    wall = _Wall()
    monkeypatch.setattr("mockcar.domain.world.clock.time.time", wall)
    clock = Clock()
    clock.set_speed(speed)
    anchor, start = clock.now(), wall.now
    ticks = [k * 2.0**-22 for k in range(1 << 16)]
    halves = [t for t in ticks if (t * speed * 1e6) % 1 == 0.5]
    assert halves or speed == 0.37
    steps = [*halves[:200], *ticks[::97], 1.0000005, 3599.9999995, 86_400.0000015,
             31_536_000.123456789]
    for step in steps:
        wall.now = start + step
        elapsed = (wall.now - start) * speed
        assert clock.now() == anchor + timedelta(seconds=elapsed), step

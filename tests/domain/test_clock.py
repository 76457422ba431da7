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

"""The World's clock: every expiry and every reading asks it for the time.

Real time by default; tests and the control API freeze, set, advance and speed it up
instead of sleeping (DESIGN principle 2, "time is a value").
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from mockcar.errors import DomainError


class Clock:
    """World time as a linear function of wall time, or a frozen instant.

    Running, it reads `anchor + (wall - wall_anchor) * speed`: at speed 1 it keeps a
    fixed offset from wall time, at speed 60 a wall second is a world minute. Every change
    re-anchors at the current world time, so no change ever makes time jump back.
    Thread-safe: the server and a test thread may move it concurrently.

    World time stays within `EARLIEST`..`LATEST`: setting or advancing it outside raises
    `ClockRangeError`, and a running clock that reaches `LATEST` stops there, so no
    expiry, timeline or rendering computed from `now()` can overflow a datetime.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._lock = threading.Lock()
        wall = time.time()
        # (world anchor, wall anchor, speed, world seconds from the anchor to LATEST),
        # replaced as one tuple so a reader on another thread never mixes an old anchor
        # with a new speed; the last is kept, not computed at every reading.
        self._line = _line(datetime.fromtimestamp(wall, UTC), wall, 1.0)
        self._frozen_at = checked(frozen_at) if frozen_at else None

    def now(self) -> datetime:
        frozen = self._frozen_at
        if frozen is not None:
            return frozen
        anchor, wall_anchor, speed, room = self._line
        elapsed = (time.time() - wall_anchor) * speed
        if elapsed >= room:
            return LATEST
        # `anchor + timedelta(seconds=elapsed)` to the microsecond, without the keyword
        # parsing of timedelta's constructor (half the cost of a reading): the whole
        # seconds exactly, the fraction's microseconds rounded half to even, as
        # timedelta rounds them.
        whole = int(elapsed)
        return anchor + _MICROSECOND * (whole * 1_000_000 + round((elapsed - whole) * 1e6))

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    @property
    def speed(self) -> float:
        return self._line[2]

    def freeze(self, at: datetime | None = None) -> datetime:
        with self._lock:
            self._frozen_at = checked(at) if at else self.now()
            return self._frozen_at

    def unfreeze(self) -> None:
        """Let time run again from the frozen instant."""
        with self._lock:
            if self._frozen_at is not None:
                self._anchor_at(self._frozen_at)
                self._frozen_at = None

    def set(self, at: datetime) -> None:
        at = checked(at)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = at
            else:
                self._anchor_at(at)

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta` (0 to `MAX_ADVANCE`), staying at or before `LATEST`."""
        if delta < timedelta():
            raise ClockRangeError("the clock only moves forward; got a negative delta")
        if delta > MAX_ADVANCE:
            raise ClockRangeError(ADVANCE_RANGE)
        with self._lock:
            start = self._frozen_at or self.now()
            if delta > LATEST - start:
                raise ClockRangeError(
                    f"advancing {start:%Y-%m-%dT%H:%M:%SZ} by {delta} would pass {LATEST_TEXT}; "
                    + RANGE)
            if self._frozen_at is not None:
                self._frozen_at = start + delta
            else:
                self._anchor_at(start + delta)
        return self.now()

    def set_speed(self, speed: float) -> None:
        """World seconds per wall second from now on (> 0; 1 is real time). A frozen
        clock stays frozen and runs at this speed once unfrozen."""
        if not 0 < speed <= MAX_SPEED:
            raise ValueError(f"speed must be above 0 and at most {MAX_SPEED:g}; got {speed:g}")
        with self._lock:
            moment = self._frozen_at or self.now()
            self._line = _line(moment, time.time(), float(speed))

    def line(self) -> tuple[datetime | None, datetime, float, float]:
        """(frozen at, world anchor, wall anchor, speed): everything the clock holds, for
        a snapshot; `restore` takes it back."""
        anchor, wall_anchor, speed, _ = self._line
        return self._frozen_at, anchor, wall_anchor, speed

    def restore(self, *, frozen_at: datetime | None, anchor: datetime, wall_anchor: float,
                speed: float) -> None:
        """Take back what `line` gave: a running clock goes on from the same line, as if
        it had run meanwhile (a restarted server's time did not stop)."""
        if not 0 < speed <= MAX_SPEED:
            raise ValueError(f"speed must be above 0 and at most {MAX_SPEED:g}; got {speed:g}")
        with self._lock:
            self._line = _line(checked(anchor), float(wall_anchor), float(speed))
            self._frozen_at = checked(frozen_at) if frozen_at else None

    def _anchor_at(self, moment: datetime) -> None:
        self._line = _line(moment, time.time(), self._line[2])


def _line(anchor: datetime, wall_anchor: float, speed: float
          ) -> tuple[datetime, float, float, float]:
    return anchor, wall_anchor, speed, (LATEST - anchor).total_seconds()


# A day per wall second: faster than any test needs, slow enough that float seconds
# keep microsecond precision for centuries of world time.
MAX_SPEED = 86_400.0

# The years a World can live in: wide enough for any test (tokens, timelines, certificates
# dated decades ahead), narrow enough that a year's worth of arithmetic on either side of
# any reachable instant stays far inside what a datetime holds.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2199, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
LATEST_TEXT = "2199-12-31T23:59:59.999Z"
RANGE = f"the World's clock runs from 2000-01-01T00:00:00Z to {LATEST_TEXT}"
# One advance moves at most ten years (3,660 days: ten years with leap days to spare).
MAX_ADVANCE = timedelta(days=3660)
_MICROSECOND = timedelta(microseconds=1)
ADVANCE_RANGE = "an advance moves the clock forward by 0 to 3660 days (ten years) at a time"


class ClockRangeError(DomainError, ValueError):
    """A time or an advance outside what the clock accepts; the message says the range."""


def checked(moment: datetime) -> datetime:
    """`moment` as an aware datetime (naive is UTC, the only zone the wire speaks), or
    ClockRangeError when it falls outside `EARLIEST`..`LATEST`."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not EARLIEST <= aware <= LATEST:
        raise ClockRangeError(f"{aware.isoformat()} is out of range: {RANGE}")
    return aware

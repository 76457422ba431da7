"""The World's clock: every expiry and every reading asks it for the time.

Real time by default; tests and the control API freeze, set, advance and speed it up
instead of sleeping (DESIGN principle 2, "time is a value").
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class Clock:
    """World time as a linear function of wall time, or a frozen instant.

    Running, it reads `anchor + (wall - wall_anchor) * speed`: at speed 1 it keeps a
    fixed offset from wall time, at speed 60 a wall second is a world minute. Every change
    re-anchors at the current world time, so no change ever makes time jump back.
    Thread-safe: the server and a test thread may move it concurrently.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._lock = threading.Lock()
        wall = time.time()
        # (world anchor, wall anchor, speed), replaced as one tuple so a reader on
        # another thread never mixes an old anchor with a new speed.
        self._line = (datetime.fromtimestamp(wall, UTC), wall, 1.0)
        self._frozen_at = _aware(frozen_at) if frozen_at else None

    def now(self) -> datetime:
        frozen = self._frozen_at
        if frozen is not None:
            return frozen
        anchor, wall_anchor, speed = self._line
        return anchor + timedelta(seconds=(time.time() - wall_anchor) * speed)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    @property
    def speed(self) -> float:
        return self._line[2]

    def freeze(self, at: datetime | None = None) -> datetime:
        with self._lock:
            self._frozen_at = _aware(at) if at else self.now()
            return self._frozen_at

    def unfreeze(self) -> None:
        """Let time run again from the frozen instant."""
        with self._lock:
            if self._frozen_at is not None:
                self._anchor_at(self._frozen_at)
                self._frozen_at = None

    def set(self, at: datetime) -> None:
        with self._lock:
            at = _aware(at)
            if self._frozen_at is not None:
                self._frozen_at = at
            else:
                self._anchor_at(at)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta():
            raise ValueError("the clock only moves forward; got a negative delta")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._anchor_at(self.now() + delta)
        return self.now()

    def set_speed(self, speed: float) -> None:
        """World seconds per wall second from now on (> 0; 1 is real time). A frozen
        clock stays frozen and runs at this speed once unfrozen."""
        if not 0 < speed <= MAX_SPEED:
            raise ValueError(f"speed must be above 0 and at most {MAX_SPEED:g}; got {speed:g}")
        with self._lock:
            moment = self._frozen_at or self.now()
            self._line = (moment, time.time(), float(speed))

    def _anchor_at(self, moment: datetime) -> None:
        self._line = (moment, time.time(), self._line[2])


# A day per wall second: faster than any test needs, slow enough that float seconds
# keep microsecond precision for centuries of world time.
MAX_SPEED = 86_400.0


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, the only zone the wire speaks."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

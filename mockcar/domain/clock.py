"""The World's clock: every expiry and every reading asks it for the time.

Real time by default; tests and the control API freeze, set and advance it instead of
sleeping (DESIGN principle 2, "time is a value").
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class Clock:
    """Wall time plus an offset, or a frozen instant. Thread-safe: the server and a
    test thread may move it concurrently."""

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta()
        self._frozen_at = _aware(frozen_at) if frozen_at else None

    def now(self) -> datetime:
        frozen = self._frozen_at
        if frozen is not None:
            return frozen
        return datetime.fromtimestamp(time.time(), UTC) + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: datetime | None = None) -> datetime:
        with self._lock:
            self._frozen_at = _aware(at) if at else self.now()
            return self._frozen_at

    def unfreeze(self) -> None:
        """Let time run again from the frozen instant."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - datetime.fromtimestamp(time.time(), UTC)
                self._frozen_at = None

    def set(self, at: datetime) -> None:
        with self._lock:
            at = _aware(at)
            if self._frozen_at is not None:
                self._frozen_at = at
            else:
                self._offset = at - datetime.fromtimestamp(time.time(), UTC)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta():
            raise ValueError("the clock only moves forward; got a negative delta")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._offset += delta
        return self.now()


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, the only zone the wire speaks."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

"""A store of things that expire, by key, oldest first: what the World keeps of Connect
sessions and application tokens.

Entries of one store share a lifetime and are stamped by the World's clock, so they
expire in the order they were added: dropping expired entries from the front, where
the oldest sits, finds every expired one without looking at the live ones, and the
cost of adding or finding an entry does not grow with the number of entries held. A
clock moved backwards can leave an expired entry behind a live one; it stays until
the entries in front of it expire, and a lookup never returns it.

An `OrderedDict` (a `TrackedDict`, which notes changed keys for the records) rather than
a dict: removing entries from the front of a dict leaves holes that every later look at
its front walks over, until the dict next resizes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, TypeVar

from mockcar.domain.world.stores.tracked import TrackedDict


class Expiring(Protocol):
    @property
    def expires_at(self) -> datetime: ...


V = TypeVar("V", bound=Expiring)


class ExpiringStore(TrackedDict[str, V]):
    """Entries by key in insertion order; with a `capacity`, adding to a full store
    drops the oldest entry first."""

    def __init__(self, capacity: int | None = None) -> None:
        super().__init__()
        self.capacity = capacity

    def add(self, key: str, value: V, now: datetime) -> V:
        """Store `value` under `key` as the newest entry, after dropping the entries
        expired at `now` (and the oldest, while the store is full)."""
        self.drop_expired(now)
        if self.capacity is not None:
            while len(self) >= self.capacity:
                self.popitem(last=False)
        self[key] = value
        return value

    def drop_expired(self, now: datetime) -> int:
        """Drop expired entries from the front; how many were dropped."""
        dropped = 0
        while self:
            key = next(iter(self))
            if now < self[key].expires_at:
                break
            del self[key]
            dropped += 1
        return dropped

    def live(self, key: str, now: datetime) -> V | None:
        """The entry under `key` unless it has expired at `now` (an expired one is
        forgotten)."""
        value = self.get(key)
        if value is None:
            return None
        if now >= value.expires_at:
            del self[key]
            return None
        return value

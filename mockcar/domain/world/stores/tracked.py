"""Mappings that note which of their keys changed, so a reader of the World's state
(mockcar.state.records) can look at those alone rather than at every entry.

A `TrackedDict` notes each key set, deleted or popped, and each key whose value, a
`Watched` record, had a field assigned: the mark is made where the change is made, so
no code path that changes an entry can forget it. Noting is off until a reader turns it
on (`track`) and turns itself off when the notes outgrow the mapping (a reader that
stopped reading); the reader then reads every entry once, as on its first read, and
turns it on again. A World nobody reads pays one attribute test per change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# Notes beyond this many (and beyond twice the entries held) mean nobody reads them.
SLACK = 4096


class Watched:
    """A mutable record that tells the `TrackedDict` holding it when a field is
    assigned (a token revoked, a code spent, a connection's vehicles changed)."""

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        held = self.__dict__.get("_held_in")
        if held is not None:
            held[0].note(held[1])


class TrackedDict(OrderedDict[K, V]):
    """An ordered dict whose changed keys are noted in `touched` (in the order first
    changed) while tracking is on; `touched is None` means off, or notes were dropped."""

    def __init__(self, entries: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        super().__init__()
        self.touched: dict[K, None] | None = None
        # Counts every entry set or removed, tracking on or off: an index built over the
        # entries (World.user_connections) is current while this has not moved.
        self.generation = 0
        self.update(entries)

    def track(self) -> dict[K, None] | None:
        """The keys changed since the last call (None: unknown, read every entry), and
        note changes from now on."""
        touched, self.touched = self.touched, {}
        return touched

    def note(self, key: K) -> None:
        touched = self.touched
        if touched is not None:
            touched[key] = None
            if len(touched) > SLACK and len(touched) > 2 * len(self):
                self.touched = None

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.generation += 1
        if isinstance(value, Watched):
            object.__setattr__(value, "_held_in", (self, key))
        self.note(key)

    def __delitem__(self, key: K) -> None:
        super().__delitem__(key)
        self.generation += 1
        self.note(key)

    def pop(self, key: K, *default: Any) -> Any:
        if key in self:
            value = super().__getitem__(key)
            del self[key]
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def popitem(self, last: bool = True) -> tuple[K, V]:
        key, value = super().popitem(last=last)
        self.generation += 1
        self.note(key)
        return key, value

    def clear(self) -> None:
        for key in self:
            self.note(key)
        super().clear()
        self.generation += 1

    def setdefault(self, key: K, default: V = None) -> V:  # type: ignore[assignment]
        if key not in self:
            self[key] = default
        return super().__getitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> TrackedDict[K, V]:  # type: ignore[override,misc]
        self.update(other)
        return self

    def move_to_end(self, key: K, last: bool = True) -> None:
        super().move_to_end(key, last=last)
        self.note(key)

"""Which records changed since a store last wrote a World: what makes a commit cost what
a request changed rather than what the World holds.

Sections whose entries can be many (tokens, codes, connections, application tokens,
executions, vehicles, owners) are read incrementally: their mappings note the keys that
changed (mockcar.domain.world.stores.tracked, and the fleet's `touched`), and a read looks at
those keys alone, keeping each section's records in the World's `record_cache`. Every
record a read finds changed is also noted here as *pending*, with the generation it was
read in, until a store acknowledges having written it (`acknowledge`): a write that
fails leaves it pending, so the next commit writes it again. Pending notes are kept only
once a store asked for them (`checkpoint`): a World nobody persists keeps none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from mockcar.domain.world.stores.tracked import TrackedDict
from mockcar.domain.world.world import World

Record = dict[str, Any]
# section -> key -> the record now (None: deleted), of the records not yet acknowledged.
Delta = dict[str, dict[str, Record | None]]

_PENDING = "pending"  # record_cache: section -> key -> (generation, record | None)
_GENERATION = "generation"


def note(world: World, section: str, key: str, record: Record | None) -> None:
    """`section`'s record `key` is now `record` (None: gone), not yet written."""
    pending: dict[str, dict[str, tuple[int, Record | None]]] | None = \
        world.record_cache.get(_PENDING)
    if pending is not None:
        pending.setdefault(section, {})[key] = (world.record_cache[_GENERATION], record)


def checkpoint(world: World) -> int:
    """Start a new generation and return the one before: every record noted up to now
    carries it. The first call turns the notes on (the caller has just read the World
    whole)."""
    cache = world.record_cache
    cache.setdefault(_PENDING, {})
    mark: int = cache.get(_GENERATION, 0)
    cache[_GENERATION] = mark + 1
    return mark


def delta(world: World) -> Delta:
    """Every record noted and not yet acknowledged, as it is now."""
    pending: dict[str, dict[str, tuple[int, Record | None]]] = \
        world.record_cache.get(_PENDING, {})
    return {section: {key: held[1] for key, held in entries.items()}
            for section, entries in pending.items() if entries}


def acknowledge(world: World, mark: int) -> None:
    """The records noted up to generation `mark` are written; later notes stay."""
    pending: dict[str, dict[str, tuple[int, Record | None]]] = \
        world.record_cache.get(_PENDING, {})
    for entries in pending.values():
        for key in [key for key, held in entries.items() if held[0] <= mark]:
            del entries[key]


# -- sections read from a TrackedDict -------------------------------------------------------


def fold(world: World, section: str, mapping: Mapping[Any, Any],
         key_of: Callable[[Any], str], make: Callable[[Any], Record],
         changed: Callable[[Any], None] | None = None) -> dict[Any, tuple[str, Record]]:
    """`section`'s records, by the mapping's keys, brought up to date: only the keys the
    mapping noted since the last read are read again; all of them on the first read, or
    when `mapping` is not a TrackedDict (replaced by a plain dict) or dropped its notes.
    `changed(value)` is told of each entry read again."""
    cache: dict[Any, tuple[str, Record]] | None = world.record_cache.get(section)
    touched = mapping.track() if isinstance(mapping, TrackedDict) else None
    whole = cache is None or touched is None
    if cache is None:
        cache = world.record_cache[section] = {}
    keys: Iterator[Any] | dict[Any, None]
    if whole:
        keys = iter([*mapping, *(k for k in cache if k not in mapping)])
    else:
        assert touched is not None
        keys = touched
    try:
        for name in keys:
            value = mapping.get(name)
            held = cache.get(name)
            if value is None:
                if held is not None:
                    del cache[name]
                    note(world, section, held[0], None)
                continue
            if changed is not None:
                changed(value)
            record = make(value)
            if held is not None and held[1] == record:
                continue
            key = held[0] if held is not None else key_of(name)
            cache[name] = (key, record)
            note(world, section, key, record)
    except BaseException:
        world.record_cache.pop(section, None)  # read whole next time
        raise
    return cache


def ordered(mapping: Mapping[Any, Any],
            cache: dict[Any, tuple[str, Record]]) -> dict[str, Record]:
    """The records in the mapping's order (tokens: the order they were issued)."""
    return {held[0]: held[1] for held in (cache[name] for name in mapping)}

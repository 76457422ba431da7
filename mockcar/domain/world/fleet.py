"""Vehicles and owners that are made on first use.

A scenario `fleet` of 100,000 vehicles must load in seconds and be read as fast as a
fleet of ten. So a World does not hold a generated fleet as 100,000 objects: it holds a
`Fleet`, a compact description that knows every vehicle's id, VIN and owner and can make
any one of them on demand, and `Vehicles` / `Owners`, mappings that make an entry the
first time it is looked up and keep it from then on (so commands and state changes stick).

Contracts:

* lookups by id, VIN, email, owner id and "owner of vehicle" are dictionary lookups, O(1)
  in fleet size (O(number of fleets), a handful);
* iterating a mapping (a state dump, the control API's vehicle list) makes every entry:
  O(n), as any listing is;
* a `Fleet` is immutable and may be shared by every World built from the same scenario
  (mockcar.scenario.fleets.table caches it), so building a tenant's World costs nothing per
  vehicle; what a World changes lives in its own mappings.

The scenario layer implements `Fleet`; this module only knows the protocol, so the domain
stays free of YAML and Faker.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence
from collections.abc import Set as AbstractSet
from copy import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from mockcar.domain.vehicles.vehicle import Vehicle

if TYPE_CHECKING:
    from mockcar.domain.world.records import Owner

T = TypeVar("T")


@dataclass(frozen=True)
class FleetColumns:
    """What a listing filters a fleet on without making a vehicle: per index, its row of
    `kinds` (make, model, powertrain) and its model year; the fleet's region."""

    kinds: tuple[tuple[str, str, str], ...]
    kind: Sequence[int]
    year: Sequence[int]
    region: str


class Fleet(Protocol):
    """A block of generated vehicles and their owners, indexed 0..size-1 and
    0..owner_count-1. `make_*` return a new object each call; the mappings below call
    them once per entry and World."""

    @property
    def size(self) -> int: ...

    @property
    def owner_count(self) -> int: ...

    def vehicle_id(self, index: int) -> str: ...

    def vehicle_index(self, vehicle_id: str) -> int | None: ...

    def vin_index(self, vin: str) -> int | None: ...

    def make_vehicle(self, index: int) -> Vehicle: ...

    def makes(self) -> frozenset[str]: ...

    def owner_key(self, index: int) -> str:
        """The owner's email, lower-case: the `World.owners` key."""
        ...

    def owner_index(self, email: str) -> int | None:
        """By lower-case email."""
        ...

    def owner_index_by_id(self, owner_id: str) -> int | None: ...

    def owner_of(self, vehicle_index: int) -> int: ...

    def make_owner(self, index: int) -> Owner: ...

    def columns(self) -> FleetColumns: ...


def fingerprint(entry: object) -> int | None:
    """A hash of every field of a vehicle or an owner, its state's and its place on its
    timeline included (the timeline itself by identity: it is replaced, never changed),
    cheap enough to take when an entry is made; None when a value cannot be hashed.
    Equal entries have equal fingerprints; a change changes it (but for a hash clash)."""
    parts: list[object] = []
    for name, value in vars(entry).items():
        if name == "state":
            parts.append(tuple(vars(value).values()))
        elif name == "motion" and value is not None:
            parts.append(tuple(id(v) if n == "timeline" else v for n, v in vars(value).items()))
        elif isinstance(value, list):
            parts.append(tuple(value))
        elif isinstance(value, set):
            parts.append(frozenset(value))
        else:
            parts.append(value)
    try:
        return hash(tuple(parts))
    except TypeError:
        return None


class _Lazy(MutableMapping[str, T], Generic[T]):
    """A mapping over entries set directly (scenario owners, test-mode logins, vehicles
    added through the control API) and entries of fleets, made on first access.

    Iteration order: entries set directly, in insertion order, then each fleet's, in
    index order. Deleting a fleet entry hides it for good."""

    def __init__(self) -> None:
        self._items: dict[str, T] = {}  # everything made or set, by key
        self._added: dict[str, None] = {}  # keys set directly that no fleet has
        self._gone: set[str] = set()  # fleet keys deleted
        self._fleets: list[Fleet] = []
        # For mockcar.state.records, which reads only what may have changed: the keys
        # looked up or set since it last read them, and the keys set directly before
        # `mark_base` (a scenario's own entries; None until it is called).
        self.touched: set[str] = set()
        self.base_keys: frozenset[str] | None = None
        self._base_values: dict[str, T] = {}
        # With `keep_base_marks`: each fleet entry's `fingerprint` as the fleet made it,
        # so telling a changed entry from one only read needs no second making.
        self.base_marks: dict[str, int | None] | None = None

    # -- what a subclass says about its kind of entry ---------------------------------

    def _index(self, fleet: Fleet, key: str) -> int | None:
        raise NotImplementedError

    def _key(self, fleet: Fleet, index: int) -> str:
        raise NotImplementedError

    def _size(self, fleet: Fleet) -> int:
        raise NotImplementedError

    def _make(self, fleet: Fleet, index: int) -> T:
        raise NotImplementedError

    # -- the mapping ------------------------------------------------------------------

    def add_fleet(self, fleet: Fleet) -> None:
        self._fleets.append(fleet)

    def fleets(self) -> tuple[Fleet, ...]:
        return tuple(self._fleets)

    def _from_fleet(self, key: str) -> T | None:
        if key in self._gone:
            return None
        for fleet in self._fleets:
            index = self._index(fleet, key)
            if index is not None:
                # setdefault: if two threads make the same entry, both get the first.
                made = self._items.setdefault(key, self._make(fleet, index))
                if self.base_marks is not None and key not in self.base_marks:
                    self.base_marks[key] = fingerprint(made)
                return made
        return None

    def _in_fleet(self, key: str) -> bool:
        return any(self._index(f, key) is not None for f in self._fleets)

    def __getitem__(self, key: str) -> T:
        found = self._items.get(key)
        if found is None:
            found = self._from_fleet(key)
            if found is None:
                raise KeyError(key)
        self.touched.add(key)
        return found

    def mark_base(self) -> None:
        """The entries set so far are the scenario's: what a fresh World holds (kept as
        copies, so what changes in them later can be told)."""
        self.base_keys = frozenset(self._added)
        self._base_values = {key: self._copy(self._items[key]) for key in self._added}

    def _copy(self, value: T) -> T:
        """A copy of an entry that its later changes leave as it is."""
        raise NotImplementedError

    def keep_base_marks(self) -> None:
        """From now on, note each fleet entry's fingerprint when it is made."""
        if self.base_marks is None:
            self.base_marks = {}

    def base_mark(self, key: str) -> int | None:
        """The fingerprint of the entry as the scenario made it, when known."""
        marks = self.base_marks
        if marks is not None and key in marks:
            return marks[key]
        if key in self._base_values:
            mark = fingerprint(self._base_values[key])
            if marks is not None:
                marks[key] = mark
            return mark
        return None

    def in_base(self, key: str) -> bool:
        """Whether a World fresh from the scenario has this key (a scenario's own entry
        or a fleet's)."""
        return (self.base_keys is not None and key in self.base_keys) or self._in_fleet(key)

    def fresh(self, key: str) -> T | None:
        """The entry as the scenario made it (a fleet's, made again), never the one this
        mapping holds; None for an entry set after `mark_base`."""
        if key in self._base_values:
            return self._base_values[key]
        for fleet in self._fleets:
            index = self._index(fleet, key)
            if index is not None:
                return self._make(fleet, index)
        return None

    def hidden(self) -> AbstractSet[str]:
        """Fleet keys deleted (an iteration skips them)."""
        return self._gone

    def get_made(self, key: str) -> T | None:
        """The entry if it was set or made already; never makes one."""
        return self._items.get(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if key in self._items:
            return True
        return key not in self._gone and self._in_fleet(key)

    def __setitem__(self, key: str, value: T) -> None:
        self._items[key] = value
        self.touched.add(key)
        self._gone.discard(key)
        if not self._in_fleet(key):
            self._added[key] = None

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._items.pop(key, None)
        if key in self._added:
            del self._added[key]
        else:
            self._gone.add(key)

    def __iter__(self) -> Iterator[str]:
        yield from list(self._added)
        for fleet in self._fleets:
            for index in range(self._size(fleet)):
                key = self._key(fleet, index)
                if key not in self._gone:
                    yield key

    def __len__(self) -> int:
        return len(self._added) + sum(self._size(f) for f in self._fleets) - len(self._gone)

    def added(self) -> Iterator[T]:
        """Entries set directly (not from a fleet), in insertion order."""
        return (self._items[k] for k in list(self._added))


class Vehicles(_Lazy[Vehicle]):
    """`World.vehicles`: by vehicle id."""

    def __init__(self) -> None:
        super().__init__()
        self._vins: dict[str, str] = {}  # VIN -> id, for entries set directly

    def _index(self, fleet: Fleet, key: str) -> int | None:
        return fleet.vehicle_index(key)

    def _key(self, fleet: Fleet, index: int) -> str:
        return fleet.vehicle_id(index)

    def _size(self, fleet: Fleet) -> int:
        return fleet.size

    def _make(self, fleet: Fleet, index: int) -> Vehicle:
        return fleet.make_vehicle(index)

    def _copy(self, value: Vehicle) -> Vehicle:
        made = copy(value)  # its other fields are values, replaced and never changed
        made.state = copy(value.state)
        return made

    def __setitem__(self, key: str, value: Vehicle) -> None:
        super().__setitem__(key, value)
        self._vins[value.vin] = key

    def __delitem__(self, key: str) -> None:
        made = self._items.get(key)
        super().__delitem__(key)
        if made is not None and self._vins.get(made.vin) == key:
            del self._vins[made.vin]

    def by_vin(self, vin: str) -> Vehicle | None:
        """The vehicle with this (upper-case) VIN."""
        key = self._vins.get(vin)
        if key is not None and key in self:
            return self[key]
        for fleet in self._fleets:
            index = fleet.vin_index(vin)
            if index is not None:
                key = fleet.vehicle_id(index)
                if key not in self._gone:
                    return self[key]
        return None

    def makes(self) -> set[str]:
        """Every make in the World, without making a fleet's vehicles."""
        found = {v.make for v in self.added()}
        for fleet in self._fleets:
            found |= fleet.makes()
        return found


class Owners(_Lazy["Owner"]):
    """`World.owners`: by lower-case email."""

    def _index(self, fleet: Fleet, key: str) -> int | None:
        return fleet.owner_index(key)

    def _key(self, fleet: Fleet, index: int) -> str:
        return fleet.owner_key(index)

    def _size(self, fleet: Fleet) -> int:
        return fleet.owner_count

    def _make(self, fleet: Fleet, index: int) -> Owner:
        return fleet.make_owner(index)

    def _copy(self, value: Owner) -> Owner:
        made = copy(value)
        made.vehicle_ids, made.brands = list(value.vehicle_ids), set(value.brands)
        return made

    def by_id(self, owner_id: str) -> Owner | None:
        """O(owners set directly + fleets): scenario owners and test-mode logins are
        few; a fleet answers from its index."""
        found = next((o for o in self.added() if o.id == owner_id), None)
        if found is not None:
            return found
        for fleet in self._fleets:
            index = fleet.owner_index_by_id(owner_id)
            if index is not None:
                key = fleet.owner_key(index)
                if key not in self._gone:
                    return self[key]
        return None

    def of_vehicle(self, vehicle_id: str) -> Owner | None:
        """The owner whose account holds the vehicle."""
        found = next((o for o in self.added() if vehicle_id in o.vehicle_ids), None)
        if found is not None:
            return found
        for fleet in self._fleets:
            index = fleet.vehicle_index(vehicle_id)
            if index is not None:
                key = fleet.owner_key(fleet.owner_of(index))
                return self[key] if key not in self._gone else None
        return None

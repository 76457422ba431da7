"""A World's vehicles filtered, searched and paged, fast on a 100,000-vehicle fleet.

A generated fleet's vehicles are made on first lookup (mockcar.domain.world.fleet), so a
listing must not make them to filter them: a fleet filters on its columns (each index's
make, model and powertrain row and its year; the fleet's region), a scan of two machine
arrays, and only the page's vehicles are read. Vehicles set directly (a scenario's own,
those added through the control API) are few and made already: they are tested one by
one. The order is `World.vehicles`' iteration order: those set directly first, then each
fleet's in index order.

Search text: a vehicle id or VIN (whole, any case) finds that vehicle; an email finds its
owner's vehicles; otherwise every word must begin a word of the make (as people write
it: "mercedes" and "benz" find Mercedes-Benz), the model, the powertrain or the region
("hev" is not "phev"), and a four-digit word is the model year.
"""

from __future__ import annotations

import operator
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress

from mockcar.domain.connect.brands import make_key, make_name
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.fleet import FleetColumns
from mockcar.domain.world.world import World

MAX_LIMIT = 500
_SEPARATORS = re.compile(r"[\s_-]+")


@dataclass(frozen=True)
class VehicleQuery:
    """What to list; None (or empty text) means any."""

    text: str = ""
    make: str | None = None  # a make id or name: "FORD", "MERCEDES_BENZ", "Mercedes-Benz"
    model: str | None = None
    powertrain: str | None = None  # BEV, PHEV, HEV, ICE
    region: str | None = None  # US, CA, EUROPE
    year: int | None = None
    owner: str | None = None  # an owner's email

    def words(self) -> tuple[list[str], int | None, bool]:
        """The text's words, a year it names, and False when two years clash."""
        words: list[str] = []
        year = self.year
        for word in self.text.lower().split():
            if len(word) == 4 and word.isdigit():
                if year is not None and year != int(word):
                    return [], None, False
                year = int(word)
            else:
                words.append(word)
        return words, year, True


@dataclass(frozen=True)
class VehiclePage:
    ids: list[str]
    total: int


def _kind_matches(query: VehicleQuery, words: list[str], make: str, model: str,
                  powertrain: str, region: str) -> bool:
    if query.make is not None and make_key(make) != make_key(query.make):
        return False
    if query.model is not None and model.lower() != query.model.lower():
        return False
    if query.powertrain is not None and powertrain.upper() != query.powertrain.upper():
        return False
    if query.region is not None and region.upper() != query.region.upper():
        return False
    if not words:
        return True
    fields = [make.lower(), make_name(make).lower(), model.lower(), powertrain.lower(),
              region.lower()]
    tokens = fields + [token for field in fields for token in _SEPARATORS.split(field)]
    return all(any(token.startswith(word) for token in tokens) for word in words)


def _vehicle_matches(query: VehicleQuery, words: list[str], year: int | None,
                     vehicle: Vehicle) -> bool:
    return (year is None or vehicle.year == year) and _kind_matches(
        query, words, vehicle.make, vehicle.model, str(vehicle.powertrain),
        str(vehicle.region))


# The last scans, by the fleet's column and what was asked: a page polled for its live
# state, or paged through, scans its fleet once. Each entry keeps the column it scanned,
# so a key is never taken for another fleet's.
_SCANS: OrderedDict[tuple[int, VehicleQuery, tuple[str, ...], int | None],
                    tuple[Sequence[int], Sequence[int]]] = OrderedDict()
SCANS_KEPT = 32
_scans_lock = threading.Lock()


def _fleet_indexes(columns: FleetColumns, query: VehicleQuery, words: list[str],
                   year: int | None) -> Sequence[int]:
    key = (id(columns.kind), query, tuple(words), year)
    with _scans_lock:
        found = _SCANS.get(key)
        if found is not None and found[0] is columns.kind:
            _SCANS.move_to_end(key)
            return found[1]
    indexes = _scan(columns, query, words, year)
    with _scans_lock:
        _SCANS[key] = (columns.kind, indexes)
        while len(_SCANS) > SCANS_KEPT:
            _SCANS.popitem(last=False)
    return indexes


def _scan(columns: FleetColumns, query: VehicleQuery, words: list[str],
          year: int | None) -> Sequence[int]:
    wanted = {i for i, (make, model, powertrain) in enumerate(columns.kinds)
              if _kind_matches(query, words, make, model, powertrain, columns.region)}
    size = len(columns.kind)
    if not wanted:
        return ()
    if len(wanted) == len(columns.kinds) and year is None:
        return range(size)
    # compress/map keep the per-vehicle work in C: a 100,000-vehicle scan in a few ms.
    keep: Iterable[bool] = map(wanted.__contains__, columns.kind)
    if year is not None:
        keep = map(operator.and_, keep, map(year.__eq__, columns.year))
    return list(compress(range(size), keep))


def peek(world: World, vehicle_id: str) -> Vehicle | None:
    """The vehicle as the World holds it, or as its fleet makes it, without keeping a
    fleet vehicle nobody looked up (a listing must not grow the World)."""
    return world.vehicles.get_made(vehicle_id) or world.vehicles.fresh(vehicle_id)


def _candidates(world: World, query: VehicleQuery) -> list[str] | None:
    """The few vehicle ids an exact search or owner names, or None to search them all."""
    text = query.text.strip()
    found: list[str] | None = None
    if query.owner is not None:
        owner = world.owners.get(query.owner.strip().lower())
        found = list(owner.vehicle_ids) if owner is not None else []
    if text and " " not in text:
        exact: list[str] | None = None
        if "@" in text:
            owner = world.owners.get(text.lower())
            exact = list(owner.vehicle_ids) if owner is not None else []
        elif text in world.vehicles:
            exact = [text]
        else:
            by_vin = world.vehicle_by_vin(text.upper())
            if by_vin is not None:
                exact = [by_vin.id]
        if exact is not None:
            found = exact if found is None else [v for v in found if v in exact]
    return found


def find(world: World, query: VehicleQuery, offset: int = 0, limit: int = 50) -> VehiclePage:
    """The ids of the vehicles `query` matches from `offset`, at most `limit`, and how
    many match in all."""
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    words, year, possible = query.words()
    if not possible:
        return VehiclePage([], 0)
    candidates = _candidates(world, query)
    if candidates is not None:
        exact = query.text.strip() and " " not in query.text.strip() and (
            "@" in query.text or query.text.strip() in world.vehicles
            or world.vehicle_by_vin(query.text.strip().upper()) is not None)
        # An exact search (id, VIN, email) is the whole text: its words do not filter.
        chosen = [] if exact else words
        shown = [v for v in candidates
                 if (vehicle := peek(world, v)) is not None
                 and _vehicle_matches(query, chosen, year, vehicle)]
        return VehiclePage(shown[offset:offset + limit], len(shown))
    vehicles = world.vehicles
    added = [v.id for v in vehicles.added() if _vehicle_matches(query, words, year, v)]
    total = len(added)
    page = added[offset:offset + limit]
    skip = max(0, offset - len(added))
    hidden = vehicles.hidden()
    for fleet in vehicles.fleets():
        indexes = _fleet_indexes(fleet.columns(), query, words, year)
        if hidden:
            indexes = [i for i in indexes if fleet.vehicle_id(i) not in hidden]
        count = len(indexes)
        total += count
        if len(page) < limit and skip < count:
            take = min(limit - len(page), count - skip)
            page.extend(fleet.vehicle_id(i) for i in indexes[skip:skip + take])
            skip = 0
        else:
            skip = max(0, skip - count)
    return VehiclePage(page, total)

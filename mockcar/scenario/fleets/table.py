"""Generated fleets: a `FleetSpec` -> a compact `FleetTable`, and per World a `FleetView`
(the domain's `mockcar.domain.world.fleet.Fleet`) that makes vehicles and owners on demand.

Why two objects: the table is what costs (one pass over the fleet drawing every
vehicle's id, model, year and VIN, so ids and VINs can be looked up); it depends only on
the spec and the seed, is never changed, and is cached by `FleetCache` so every tenant
World built from the same scenario shares it. The view adds what belongs to one World
(the moment it was built, its seed) and is free to make.

Speed: Faker costs ~60 us a vehicle (seeding alone), ~6 s for 100,000. The table pass
uses one `random.Random` stream per fleet and precomputed catalog tables (~5 us a
vehicle); a vehicle's remaining values (parking spot, odometer, levels) are drawn when it
is first looked up, from its own 64-bit seed kept in the table. Faker is kept for what it
is good at, people's names, drawn once per fleet and language into a small pool.
"""

from __future__ import annotations

import bisect
import random
import threading
import unicodedata
import uuid
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.fleet import FleetColumns
from mockcar.domain.world.world import Owner
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.catalog import vin
from mockcar.scenario.generate import Draws, assemble, conditions, sub_seed
from mockcar.scenario.schema.fleet import FleetSpec, PerOwner
from mockcar.scenario.schema.scenario import VehicleSpec
from mockcar.scenario.schema.timeline import TimelineSpec
from mockcar.scenario.specs import CHARGING_PROFILES, PROFILES
from mockcar.scenario.timelines.build import attach

NAMES_PER_POOL = 150  # first and last names drawn per language
_EMPTY = VehicleSpec.model_construct()
# Faker's locale for an owner's country; others fall back to English.
LOCALES: dict[str, str] = {
    "US": "en_US", "CA": "en_CA", "GB": "en_GB", "IE": "en_IE", "DE": "de_DE",
    "AT": "de_AT", "CH": "de_CH", "FR": "fr_FR", "BE": "nl_BE", "NL": "nl_NL",
    "ES": "es_ES", "PT": "pt_PT", "IT": "it_IT", "SE": "sv_SE", "NO": "no_NO",
    "DK": "da_DK", "PL": "pl_PL",
}
# A random 128-bit number -> a version 4, RFC 4122 variant UUID (what uuid4() makes).
_UUID_CLEAR = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_UUID_SET = (0x4 << 76) | (0x2 << 62)
# Letters NFKD does not take apart.
_ASCII = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "œ": "oe",
                        "ı": "i", "þ": "th", "ð": "d"})


def fleet_name(spec: FleetSpec, index: int) -> str:
    return spec.name or f"fleet-{index + 1}"


def fleet_seed(spec: FleetSpec, name: str, world_seed: int) -> int:
    """A fleet's own `seed` pins it; otherwise it follows the scenario's (and --seed)."""
    return spec.seed if spec.seed is not None else sub_seed(world_seed, f"fleet:{name}")


def models_for(spec: FleetSpec) -> dict[str, tuple[catalog.CatalogModel, ...]]:
    """Catalog rows the fleet may draw, by powertrain: its makes, sold in its region,
    with the powertrains it asks for."""
    makes = set(spec.makes) if spec.makes is not None else None
    wanted = ({p for p, share in spec.powertrains.items() if share > 0}
              if spec.powertrains is not None else set(catalog.POWERTRAINS))
    rows: dict[str, list[catalog.CatalogModel]] = {}
    for row in catalog.MODELS:
        if (makes is None or row.make in makes) and spec.region in row.regions \
                and row.powertrain in wanted:
            rows.setdefault(row.powertrain, []).append(row)
    return {p: tuple(r) for p, r in rows.items()}


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower().translate(_ASCII))
    return "".join(c for c in folded if "a" <= c <= "z")


class FleetTable:
    """Everything about a fleet that lookups need, drawn once.

    Per vehicle: id, VIN, model row, year, a seed for the rest (arrays of machine ints,
    ~250 bytes a vehicle with the id and VIN strings and their indexes). Per owner: the
    first vehicle's index and the city."""

    def __init__(self, spec: FleetSpec, name: str, seed: int) -> None:
        self.spec, self.name, self.seed = spec, name, seed
        self.region = spec.region
        self.domain = spec.email_domain or f"{name}.fleet.example"
        self.cities = catalog.CITIES[spec.region]
        rows = models_for(spec)
        self.rows: tuple[catalog.CatalogModel, ...] = tuple(r for p in sorted(rows)
                                                            for r in rows[p])
        self._owners(spec, seed)
        self._vehicles(spec, seed, rows)
        self._profiles(spec, seed)
        self._lock = threading.Lock()
        self._pools: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._owner_ids: dict[int, dict[str, int]] = {}  # by the World's seed

    # -- the one pass -------------------------------------------------------------------

    def _owners(self, spec: FleetSpec, seed: int) -> None:
        """Owner blocks and cities, from a stream of their own: a fleet of n is the
        first n vehicles of a larger one."""
        rng = random.Random(f"mockcar:fleet:{seed}:owners")
        self.starts = array("I")
        self.owner_cities = array("H")
        per = spec.vehicles_per_owner
        self.fixed = per if isinstance(per, int) else None
        cities, draw = len(self.cities), rng.random
        low, span = ((min(per.min, per.max), abs(per.max - per.min) + 1)
                     if isinstance(per, PerOwner) else (per, 1))
        assigned = 0
        while assigned < spec.count:
            self.starts.append(assigned)
            self.owner_cities.append(int(draw() * cities))
            assigned += low + int(draw() * span) if span > 1 else low
        self.owner_count = len(self.starts)

    def _vehicles(self, spec: FleetSpec, seed: int,
                  rows: dict[str, tuple[catalog.CatalogModel, ...]]) -> None:
        rng = random.Random(f"mockcar:fleet:{seed}:vehicles")
        position = {id(r): i for i, r in enumerate(self.rows)}
        kinds = sorted(rows)
        if spec.powertrains is None:
            # Every fitting catalog row equally likely: the mix follows the catalog.
            weights = [float(len(rows[p])) for p in kinds]
        else:
            weights = [spec.powertrains.get(p, 0.0) for p in kinds]
        total = sum(weights) or 1.0
        cumulative, running = [], 0.0
        for w in weights:
            running += w / total
            cumulative.append(running)
        wmis = {r.make: catalog.WMIS.get(r.make, catalog.UNKNOWN_WMI) for r in self.rows}
        drawer = vin.Drawer()
        self.ids: list[str] = []
        self.vins: list[str] = []
        self.models = array("H")
        self.years = array("H")
        self.seeds = array("Q")
        self.by_id: dict[str, int] = {}
        self.by_vin: dict[str, int] = {}
        last = len(kinds) - 1
        choices = [[(position[id(r)], r.years[0], r.years[1] - r.years[0] + 1, wmis[r.make])
                    for r in rows[kind]] for kind in kinds]
        draw, bits, pick = rng.random, rng.getrandbits, bisect.bisect_right
        for index in range(spec.count):
            # random() * n rather than randrange/choice: uniform enough for these n, and
            # a fifth of the cost, which is what 100,000 vehicles are made of.
            self.seeds.append(bits(64))
            h = f"{(bits(128) & _UUID_CLEAR) | _UUID_SET:032x}"
            vehicle_id = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            options = choices[min(pick(cumulative, draw()), last)]
            model, first_year, span, row_wmis = options[int(draw() * len(options))]
            year = first_year + int(draw() * span)
            wmi = row_wmis[int(draw() * len(row_wmis))]
            drawn = drawer.draw(wmi, year, rng)
            while drawn in self.by_vin:  # about once in 10^7 fleets of 100,000
                drawn = drawer.draw(wmi, year, rng)
            self.ids.append(vehicle_id)
            self.vins.append(drawn)
            self.models.append(model)
            self.years.append(year)
            self.by_id[vehicle_id] = index
            self.by_vin[drawn] = index
        self.size = spec.count
        self.makes = frozenset(self.rows[m].make for m in set(self.models))

    def _profiles(self, spec: FleetSpec, seed: int) -> None:
        """Which trip profile each vehicle lives (-1: none), from a stream of its own,
        so giving a fleet profiles changes none of its vehicles."""
        self.profiles = array("b")
        if not spec.profiles:
            return
        rng = random.Random(f"mockcar:fleet:{seed}:profiles")
        cumulative, running = [], 0.0
        for name in PROFILES:
            running += spec.profiles.get(name, 0.0)
            cumulative.append(running)
        for _ in range(spec.count):
            picked = bisect.bisect_right(cumulative, rng.random())  # past the end: none
            self.profiles.append(picked if picked < len(PROFILES) else -1)

    # -- per index --------------------------------------------------------------------

    def owner_of(self, index: int) -> int:
        if self.fixed is not None:
            return index // self.fixed
        return bisect.bisect_right(self.starts, index) - 1

    def owner_vehicles(self, owner: int) -> range:
        end = self.starts[owner + 1] if owner + 1 < self.owner_count else self.size
        return range(self.starts[owner], end)

    def city(self, owner: int) -> tuple[str, float, float]:
        return self.cities[self.owner_cities[owner]]

    def country(self, owner: int) -> str:
        if self.region != "EUROPE":
            return self.region
        return catalog.CITY_COUNTRIES[self.city(owner)[0]]

    def owner_email(self, owner: int) -> str:
        first, last = self._pool(self.country(owner))
        # Owner k's name: two fixed strides through the pools, offset by the seed.
        salt = self.seed % 1_000_003
        given = first[(owner * 7919 + salt) % len(first)]
        family = last[(owner * 104_729 + salt // 7) % len(last)]
        return f"{given}.{family}.{owner + 1}@{self.domain}"

    def owner_index(self, email: str) -> int | None:
        """By lower-case email: the number after the last dot of the local part names
        the owner; the whole email must then be that owner's."""
        local, at, domain = email.rpartition("@")
        if not at or domain != self.domain:
            return None
        number = local.rpartition(".")[2]
        if not number.isdigit() or not 1 <= int(number) <= self.owner_count:
            return None
        owner = int(number) - 1
        return owner if self.owner_email(owner) == email else None

    def owner_index_by_id(self, owner_id: str, world_seed: int) -> int | None:
        """Built on the first lookup by id (owner ids hash the email; O(owners) once)."""
        found = self._owner_ids.get(world_seed)
        if found is None:
            # Built outside the lock (owner_email takes it); a race builds it twice.
            found = {owner_uuid(world_seed, self.owner_email(k)): k
                     for k in range(self.owner_count)}
            with self._lock:
                self._owner_ids[world_seed] = found
        return found.get(owner_id)

    def vehicle(self, index: int, now: datetime) -> Vehicle:
        owner = self.owner_of(index)
        row = self.rows[self.models[index]]
        year = self.years[index]
        rng = random.Random(self.seeds[index])
        draws = Draws(id=self.ids[index], entry=row, year=year, vin=self.vins[index],
                      conditions=conditions(rng, self.city(owner), year))
        vehicle = assemble(_EMPTY, draws, self.region, now)
        if self.profiles and self.profiles[index] >= 0:
            profile = PROFILES[self.profiles[index]]
            if profile in CHARGING_PROFILES and not vehicle.powertrain.has_battery:
                profile = "commute"  # no plug: the profile that suits any car
            attach(vehicle, TimelineSpec(profile=profile), self.seed,
                   f"fleet:{self.name}:{index}", now)
        return vehicle

    def _pool(self, country: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """First and last names in the country's language, e-mail-safe, drawn once."""
        locale = LOCALES.get(country, "en_US")
        with self._lock:
            found = self._pools.get(locale)
            if found is None:
                from faker import Faker  # imported when names are first drawn: it is slow

                fake = Faker(locale)
                fake.seed_instance(sub_seed(self.seed, f"names:{locale}"))
                first = tuple(dict.fromkeys(
                    n for n in (_ascii(fake.first_name()) for _ in range(NAMES_PER_POOL)) if n))
                last = tuple(dict.fromkeys(
                    n for n in (_ascii(fake.last_name()) for _ in range(NAMES_PER_POOL)) if n))
                found = self._pools[locale] = (first or ("alex",), last or ("smith",))
            return found


def owner_uuid(world_seed: int, email: str) -> str:
    """The owner id every scenario owner gets: stable per seed and email."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mockcar:{world_seed}:owner:{email.lower()}"))


@dataclass(frozen=True)
class FleetView:
    """A `FleetTable` as one World sees it (mockcar.domain.world.fleet.Fleet)."""

    table: FleetTable
    now: datetime  # when the World was built: a made vehicle's `updated_at`
    world_seed: int

    @property
    def size(self) -> int:
        return self.table.size

    @property
    def owner_count(self) -> int:
        return self.table.owner_count

    def vehicle_id(self, index: int) -> str:
        return self.table.ids[index]

    def vehicle_index(self, vehicle_id: str) -> int | None:
        return self.table.by_id.get(vehicle_id)

    def vin_index(self, vin: str) -> int | None:
        return self.table.by_vin.get(vin)

    def make_vehicle(self, index: int) -> Vehicle:
        return self.table.vehicle(index, self.now)

    def makes(self) -> frozenset[str]:
        return self.table.makes

    def owner_key(self, index: int) -> str:
        return self.table.owner_email(index)

    def owner_index(self, email: str) -> int | None:
        return self.table.owner_index(email)

    def owner_index_by_id(self, owner_id: str) -> int | None:
        return self.table.owner_index_by_id(owner_id, self.world_seed)

    def owner_of(self, vehicle_index: int) -> int:
        return self.table.owner_of(vehicle_index)

    def columns(self) -> FleetColumns:
        table = self.table
        return FleetColumns(tuple((r.make, r.model, r.powertrain) for r in table.rows),
                            table.models, table.years, table.region)

    def make_owner(self, index: int) -> Owner:
        table = self.table
        email = table.owner_email(index)
        return Owner(
            id=owner_uuid(self.world_seed, email), email=email, password=table.spec.password,
            country=table.country(index),
            vehicle_ids=[table.ids[i] for i in table.owner_vehicles(index)],
        )


class FleetCache:
    """Tables by (spec, seed), most recently used kept: a server's scenario library
    holds one, so registering a tenant on a 100,000-vehicle scenario builds no table."""

    def __init__(self, capacity: int = 8) -> None:
        self.capacity = capacity
        self._tables: OrderedDict[tuple[str, str, int], FleetTable] = OrderedDict()
        self._lock = threading.Lock()

    def table(self, spec: FleetSpec, name: str, seed: int) -> FleetTable:
        key = (spec.model_dump_json(), name, seed)
        with self._lock:
            found = self._tables.get(key)
            if found is not None:
                self._tables.move_to_end(key)
                return found
        made = FleetTable(spec, name, seed)
        with self._lock:
            self._tables[key] = made
            while len(self._tables) > self.capacity:
                self._tables.popitem(last=False)
        return made

"""Plausible values for whatever a scenario leaves out, drawn under a seed.

Every vehicle gets its own sub-seed from (scenario seed, a stable key): the vehicle's id
when given, else its owner's email and position. So the same seed always yields the
same fleet, and adding a vehicle or an owner leaves the others untouched. Within a
vehicle every random value is drawn, in a fixed order, whether or not the scenario gives
it, so pinning one field does not reshuffle the rest.

The draws are a `random.Random` seeded with the sub-seed, and the id a UUID4 from its
first 128 random bits: the very stream `Faker.seed_instance` and `Faker.uuid4` give, so
a seed yields the vehicles it always did, without importing Faker (slow to import, and
only the fleets' name pools need its data).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mockcar.domain.connect.test_accounts import VinAccount, vin_account
from mockcar.domain.vehicles.brands import brand_key
from mockcar.domain.vehicles.compatibility import LEVEL_POWERTRAINS
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle, VehicleState
from mockcar.domain.world import simulator
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import VehicleFactory
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.catalog import vin

if TYPE_CHECKING:
    from mockcar.scenario.schema.scenario import VehicleSpec

# Ages are counted from a fixed year, not today, so a world does not drift with the date.
REFERENCE_YEAR = 2025
CITY_JITTER_DEGREES = 0.05  # about 5 km: around town, not in the lake


def sub_seed(seed: int, key: str) -> int:
    """A stable 64-bit seed for one key (hash, not Python's per-process `hash()`)."""
    digest = hashlib.sha256(f"mockcar:{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class FleetGenerator:
    """Draws vehicles for one seed. Thread-safe: test-mode logins call it from the
    server thread while a test thread may build another world; each draw has its own
    random stream."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def vehicle(self, spec: VehicleSpec, key: str, country: str, now: datetime) -> Vehicle:
        """A vehicle with `spec`'s values, the rest drawn from the sub-seed of `key`."""
        return _draw(random.Random(sub_seed(self.seed, key)), spec, country, now)

    def vehicle_key(self, owner_email: str, index: int, spec: VehicleSpec) -> str:
        return f"vehicle:{spec.id}" if spec.id else f"owner:{owner_email.lower()}:{index}"

    def test_fleet(self, clock: Clock) -> VehicleFactory:
        """The World's `vehicle_factory` for test-mode logins: keyed by seed, email,
        brand and position, so vehicle i of an email at a brand is the same whatever the
        count and whichever brand was signed in to first.

        At a brand every vehicle is of that make; the first is the make's plug-in
        hybrid where the catalog has one, else its most capable model (battery electric
        before hybrid before combustion), so it answers the most endpoints. A
        `<VIN>@<level>.smartcar.com` vehicle's make follows the VIN's WMI (else the
        brand); its level decides what it can do. Without a brand (the control API's
        headless Connect) makes are drawn as for any generated vehicle, the first a plug-in
        hybrid. Every test-mode vehicle is `ready_for_commands`."""

        def make(email: str, brand: str | None, count: int) -> list[Vehicle]:
            now = clock.now()
            account = _vin_account(email)
            folded = email.lower()
            vehicles = []
            for i in range(count):
                key = f"test:{folded}:{i}" if brand is None else f"test:{folded}:{brand}:{i}"
                spec = self._test_spec(brand, account, i, key)
                vehicles.append(ready_for_commands(self.vehicle(spec, key, "US", now)))
            if account is not None:
                vehicles[0].test_level = account.level
            return vehicles

        return make

    def _test_spec(self, brand: str | None, account: VinAccount | None, index: int,
                   key: str) -> VehicleSpec:
        """What a test-mode vehicle is: its make and model, picked by a stream of its
        own so the rest of its draws do not depend on them."""
        # The schema (pydantic) when a test-mode account first signs in: a server whose
        # scenario came from the cache has not loaded it.
        from mockcar.scenario.schema.scenario import VehicleSpec

        make = _catalog_make(brand) if brand else None
        powertrain = None
        if account is not None:
            make = catalog.make_of_vin(account.vin) or make
            powertrain = LEVEL_POWERTRAINS[account.level]
        if make is None:
            first = index == 0 and account is None
            return VehicleSpec(vin=account.vin if account else None,
                               powertrain="PHEV" if first else powertrain)
        rows = catalog.models_of(make)
        if not rows:  # a make only a scenario's vehicles know: generic specs
            return VehicleSpec(make=make, model="Test Vehicle",
                               powertrain=powertrain or "ICE",
                               vin=account.vin if account else None)
        rng = random.Random(sub_seed(self.seed, f"{key}:model"))
        if index == 0:
            wanted = powertrain or next(p for p in CAPABILITY_ORDER
                                        if any(r.powertrain == p for r in rows))
            rows = [r for r in rows if r.powertrain == wanted] or rows
        sold_here = [r for r in rows if "US" in r.regions]
        row = rng.choice(sold_here or rows)
        region = "US" if sold_here else min(row.regions)
        return VehicleSpec(make=make, model=row.model, powertrain=powertrain or row.powertrain,
                           region=region, vin=account.vin if account else None)


# Most capable first: a plug-in hybrid answers every general endpoint, a battery
# electric car all but fuel and engine oil, a hybrid or combustion car all but the EV ones.
CAPABILITY_ORDER = ("PHEV", "BEV", "HEV", "ICE")
TEST_CHARGE_HEADROOM = 0.1  # a test car's battery is at least this far below its limit


def ready_for_commands(vehicle: Vehicle) -> Vehicle:
    """A test-mode car as Smartcar's test mode behaves: every general endpoint its
    powertrain has answers whatever its make (https://smartcar.com/docs/getting-started/
    test-your-integration: "randomized data for every API request"), and commands
    succeed: parked, doors closed, and with a plug-in battery plugged in, charging and
    below its charge limit, so the readings of a charging session answer and start and
    stop charge both work (a test car accepts a start while charging)."""
    vehicle.test_level = "compatible"
    state = vehicle.state
    if vehicle.powertrain.has_battery and state.battery_level is not None:
        state.plugged_in, state.charging = True, True
        state.battery_level = min(state.battery_level,
                                  round(state.charge_limit - TEST_CHARGE_HEADROOM, 2))
    return vehicle


def _catalog_make(brand: str) -> str:
    """The catalog's spelling of a Connect make id (`MERCEDES_BENZ` -> `MERCEDES-BENZ`);
    a make id the catalog lacks reads with spaces (`LAND_ROVER` -> `LAND ROVER`)."""
    known = {brand_key(m.make): m.make for m in (*catalog.MODELS, *catalog.CONNECT_BRAND_MODELS)}
    return known.get(brand, brand.replace("_", " "))


def management_token(seed: int, client_id: str) -> str:
    return hashlib.sha256(f"mockcar:{seed}:management:{client_id}".encode()).hexdigest()[:40]


def _vin_account(email: str) -> VinAccount | None:
    """Smartcar's `<VIN>@<level>.smartcar.com` test account
    (https://smartcar.com/docs/errors/testing-errors), if the
    email is one with a usable VIN: the level picks the powertrain and capabilities."""
    account = vin_account(email)
    if account is None or vin.problem(account.vin) is not None:
        return None
    return account


@dataclass(frozen=True)
class Ungiven:
    """A battery or tank the scenario says nothing of (its `Battery`/`Fuel` defaults)."""

    level: float | None = None
    range: float | None = None
    capacity: float | None = None


UNGIVEN = Ungiven()


@dataclass(frozen=True)
class Conditions:
    """The random part of a vehicle's state: where it is parked and how it is left."""

    location: Location
    odometer_km: float
    battery_level: float
    fuel_level: float
    plugged_in: bool
    charging: bool
    charge_limit: float
    locked: bool


@dataclass(frozen=True)
class Draws:
    """Every random value one vehicle may need: who it is, then its conditions."""

    id: str
    entry: catalog.CatalogModel
    year: int
    vin: str
    conditions: Conditions


def conditions(rng: random.Random, city: tuple[str, float, float], year: int) -> Conditions:
    """Drawn in this fixed order: a spot around `city`, the odometer (by age), levels,
    plug, charge limit, locks."""
    _, lat, lon = city
    jitter = (rng.uniform(-1, 1) * CITY_JITTER_DEGREES, rng.uniform(-1, 1) * CITY_JITTER_DEGREES)
    age = max(0, REFERENCE_YEAR - year)
    odometer = age * rng.uniform(8_000, 20_000) + rng.uniform(50, 3_000)
    battery_level = round(rng.uniform(0.2, 0.95), 2)
    fuel_level = round(rng.uniform(0.15, 0.95), 2)
    plugged = rng.random() < 0.35
    charging = plugged and rng.random() < 0.5
    return Conditions(
        location=Location(round(lat + jitter[0], 6), round(lon + jitter[1], 6)),
        odometer_km=round(odometer, 1), battery_level=battery_level, fuel_level=fuel_level,
        plugged_in=plugged, charging=charging, charge_limit=rng.choice((0.8, 0.9, 1.0)),
        locked=rng.random() < 0.85,
    )


def _draws(rng: random.Random, spec: VehicleSpec, region: str) -> Draws:
    vehicle_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    options = catalog.candidates(
        spec.make, spec.model, spec.powertrain, spec.needs_battery, spec.needs_fuel
    )
    # The checks let a scenario through with no matching row only when make and model
    # are both given: generic specs for the (given or implied) powertrain then.
    powertrain = spec.powertrain or catalog.infer_powertrain(spec.needs_battery, spec.needs_fuel)
    entry = rng.choice(options) if options else catalog.GENERIC[powertrain]
    year = spec.year or rng.randint(*entry.years)
    make = spec.make or entry.make
    drawn_vin = vin.generate(rng.choice(catalog.WMIS.get(make, catalog.UNKNOWN_WMI)), year, rng)
    city = rng.choice(catalog.CITIES[region])
    return Draws(id=vehicle_id, entry=entry, year=year, vin=drawn_vin,
                 conditions=conditions(rng, city, year))


def _draw(rng: random.Random, spec: VehicleSpec, country: str, now: datetime) -> Vehicle:
    region = spec.region or catalog.region_for_country(country)
    return assemble(spec, _draws(rng, spec, region), region, now)


def assemble(spec: VehicleSpec, draws: Draws, region: str, now: datetime) -> Vehicle:
    """The vehicle: given values where the spec has them, drawn ones elsewhere."""
    entry, d = draws.entry, draws.conditions
    state = VehicleState(
        odometer_km=spec.odometer if spec.odometer is not None else d.odometer_km,
        location=(Location(spec.location.latitude, spec.location.longitude)
                  if spec.location else d.location),
        locked=spec.locked if spec.locked is not None else d.locked and not spec.doors_open,
    )
    vehicle = Vehicle(
        id=spec.id or draws.id, make=spec.make or entry.make, model=spec.model or entry.model,
        year=draws.year, vin=spec.vin or draws.vin,
        powertrain=Powertrain(spec.powertrain or entry.powertrain), region=Region(region),
        state=state, updated_at=now, doors_open=frozenset(spec.doors_open or ()),
    )
    if vehicle.powertrain.has_battery:
        battery = spec.battery or UNGIVEN
        level = battery.level if battery.level is not None else d.battery_level
        state.battery_level = level
        vehicle.battery_capacity_kwh = battery.capacity or entry.battery_kwh
        vehicle.range_km_full = _full_range(level, battery.range, entry.range_km)
        state.charge_limit = spec.charge_limit if spec.charge_limit is not None else d.charge_limit
        # charging: true implies a plug even when plugged_in is left out.
        state.plugged_in = (spec.plugged_in if spec.plugged_in is not None
                            else bool(spec.charging) or d.plugged_in)
        state.charging = (spec.charging if spec.charging is not None
                          else d.charging and state.plugged_in and level < state.charge_limit)
    if vehicle.powertrain.has_fuel:
        fuel = spec.fuel or UNGIVEN
        level = fuel.level if fuel.level is not None else d.fuel_level
        state.fuel_level = level
        vehicle.fuel_capacity_liters = fuel.capacity or entry.fuel_liters
        vehicle.fuel_range_km_full = _full_range(level, fuel.range, entry.fuel_range_km)
    if spec.simulator is not None:
        simulator.simulate(vehicle, spec.simulator.nickname, spec.year)
    return vehicle


def _full_range(level: float, range_now: float | None, catalog_full: float | None) -> float | None:
    """Range at 100% from a current range: linear in level, as the domain reads it back.
    At level 0 the current range says nothing about a full one; use the catalog's."""
    if range_now is not None and level > 0:
        return round(range_now / level, 1)
    return catalog_full

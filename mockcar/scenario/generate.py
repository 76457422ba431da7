"""Plausible values for whatever a scenario leaves out, drawn with Faker under a seed.

Every vehicle gets its own sub-seed from (scenario seed, a stable key): the vehicle's id
when given, else its owner's email and position. So the same seed always yields the
same fleet, and adding a vehicle or an owner leaves the others untouched. Within a
vehicle every random value is drawn, in a fixed order, whether or not the scenario gives
it, so pinning one field does not reshuffle the rest.
"""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import datetime

from faker import Faker

from mockcar.domain.clock import Clock
from mockcar.domain.vehicle import Location, Powertrain, Region, Vehicle, VehicleState
from mockcar.domain.world import VehicleFactory
from mockcar.scenario import catalog, vin
from mockcar.scenario.schema import VehicleSpec

# Ages are counted from a fixed year, not today, so a world does not drift with the date.
REFERENCE_YEAR = 2025
CITY_JITTER_DEGREES = 0.05  # about 5 km: around town, not in the lake
# Smartcar's test accounts `<VIN>@<level>.smartcar.com` (reference §1.1): the level
# picks the capability set, which we express as a powertrain.
_VIN_EMAIL = re.compile(r"(?P<vin>[a-z0-9]{17})@(?P<level>[a-z]+)\.smartcar\.com")
_LEVEL_POWERTRAIN = {"compatible": "PHEV", "phev": "PHEV", "bev": "BEV", "fuel": "ICE"}


def sub_seed(seed: int, key: str) -> int:
    """A stable 64-bit seed for one key (hash, not Python's per-process `hash()`)."""
    digest = hashlib.sha256(f"mockcar:{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class FleetGenerator:
    """Draws vehicles for one seed. Thread-safe: test-mode logins call it from the
    server thread while a test thread may build another world."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._fake = Faker("en_US")
        self._lock = threading.Lock()

    def vehicle(self, spec: VehicleSpec, key: str, country: str, now: datetime) -> Vehicle:
        """A vehicle with `spec`'s values, the rest drawn from the sub-seed of `key`."""
        with self._lock:
            self._fake.seed_instance(sub_seed(self.seed, key))
            return _draw(self._fake, spec, country, now)

    def vehicle_key(self, owner_email: str, index: int, spec: VehicleSpec) -> str:
        return f"vehicle:{spec.id}" if spec.id else f"owner:{owner_email.lower()}:{index}"

    def test_fleet(self, clock: Clock) -> VehicleFactory:
        """The World's `vehicle_factory` for test-mode logins: keyed by seed, email
        and position, so vehicle i of an email is the same whatever the count."""

        def make(email: str, count: int) -> list[Vehicle]:
            now = clock.now()
            first = _test_account_spec(email)
            return [
                self.vehicle(first if i == 0 else VehicleSpec(), f"test:{email.lower()}:{i}",
                             "US", now)
                for i in range(count)
            ]

        return make


def management_token(seed: int, client_id: str) -> str:
    return hashlib.sha256(f"mockcar:{seed}:management:{client_id}".encode()).hexdigest()[:40]


def _test_account_spec(email: str) -> VehicleSpec:
    match = _VIN_EMAIL.fullmatch(email.strip().lower())
    if match is None or match["level"] not in _LEVEL_POWERTRAIN:
        return VehicleSpec()
    if vin.problem(match["vin"].upper()) is not None:
        return VehicleSpec()
    return VehicleSpec(vin=match["vin"], powertrain=_LEVEL_POWERTRAIN[match["level"]])


def _draw(fake: Faker, spec: VehicleSpec, country: str, now: datetime) -> Vehicle:
    rng = fake.random
    drawn_id = fake.uuid4()
    options = catalog.candidates(
        spec.make, spec.model, spec.powertrain, spec.needs_battery, spec.needs_fuel
    )
    # The scenario was checked to be completable; no row means make and model are both
    # given and stand on their own, with generic specs for the powertrain.
    powertrain = spec.powertrain or catalog.infer_powertrain(spec.needs_battery, spec.needs_fuel)
    entry = rng.choice(options) if options else catalog.GENERIC[powertrain]
    powertrain = spec.powertrain or entry.powertrain
    make = spec.make or entry.make
    model = spec.model or entry.model
    year = spec.year or rng.randint(*entry.years)
    wmi = rng.choice(catalog.WMIS.get(make, catalog.UNKNOWN_WMI))
    drawn_vin = vin.generate(wmi, year, rng)
    region = spec.region or catalog.region_for_country(country)
    city = rng.choice(catalog.CITIES[region])
    jitter = (rng.uniform(-1, 1) * CITY_JITTER_DEGREES, rng.uniform(-1, 1) * CITY_JITTER_DEGREES)
    odometer = max(0, REFERENCE_YEAR - year) * rng.uniform(8_000, 20_000) + rng.uniform(50, 3_000)
    battery_level = round(rng.uniform(0.2, 0.95), 2)
    fuel_level = round(rng.uniform(0.15, 0.95), 2)
    plugged = rng.random() < 0.35
    charging = plugged and rng.random() < 0.5
    charge_limit = rng.choice((0.8, 0.9, 1.0))
    locked = rng.random() < 0.85

    state = VehicleState(
        odometer_km=round(spec.odometer if spec.odometer is not None else odometer, 1),
        location=(
            Location(spec.location.latitude, spec.location.longitude) if spec.location
            else Location(round(city[1] + jitter[0], 6), round(city[2] + jitter[1], 6))
        ),
    )
    vehicle = Vehicle(
        id=spec.id or drawn_id, make=make, model=model, year=year,
        vin=spec.vin or drawn_vin, powertrain=Powertrain(powertrain), region=Region(region),
        state=state, updated_at=now, doors_open=frozenset(spec.doors_open or ()),
    )
    state.locked = spec.locked if spec.locked is not None else (locked and not spec.doors_open)
    if vehicle.powertrain.has_battery:
        given = spec.battery
        level = given.level if given and given.level is not None else battery_level
        state.battery_level = level
        vehicle.battery_capacity_kwh = (given.capacity if given and given.capacity
                                        else entry.battery_kwh)
        vehicle.range_km_full = _full_range(level, given.range if given else None,
                                            entry.range_km)
        state.charge_limit = spec.charge_limit if spec.charge_limit is not None else charge_limit
        state.plugged_in = (spec.plugged_in if spec.plugged_in is not None
                            else bool(spec.charging) or plugged)
        state.charging = (spec.charging if spec.charging is not None
                          else charging and state.plugged_in and level < state.charge_limit)
    if vehicle.powertrain.has_fuel:
        given_fuel = spec.fuel
        level = given_fuel.level if given_fuel and given_fuel.level is not None else fuel_level
        state.fuel_level = level
        vehicle.fuel_capacity_liters = (given_fuel.capacity if given_fuel and given_fuel.capacity
                                        else entry.fuel_liters)
        vehicle.fuel_range_km_full = _full_range(level, given_fuel.range if given_fuel else None,
                                                 entry.fuel_range_km)
    return vehicle


def _full_range(level: float, range_now: float | None, catalog_full: float | None) -> float | None:
    """Range at 100% from a current range: linear in level, as the domain reads it back.
    At level 0 the current range says nothing about a full one; use the catalog's."""
    if range_now is not None and level > 0:
        return round(range_now / level, 1)
    return catalog_full

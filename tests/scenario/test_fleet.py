"""Generated fleets: what a `fleet:` expands to, determinism, made-on-first-use storage,
and located validation errors."""

from __future__ import annotations

import math
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.tenants import ScenarioChoice
from mockcar.domain.world.world import Mode, World
from mockcar.scenario import ScenarioError, build_world, load_scenario
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.catalog import vin
from mockcar.scenario.fleets.table import FleetCache, FleetView
from mockcar.scenario.library import ScenarioLibrary
from mockcar.settings import Settings, default_scenario
from tests.scenario.conftest import WriteScenario


def fleet_world(write_scenario: WriteScenario, clock: Clock, fleet: str, seed: int = 7,
                cache: FleetCache | None = None) -> World:
    path = write_scenario(f"version: 1\nseed: {seed}\n{fleet}\n")
    return build_world(load_scenario(path), clock=clock, fleets=cache)


def problems(write_scenario: WriteScenario, text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write_scenario(text))
    return [(p.line, p.path, p.message) for p in caught.value.problems]


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * 111.0
    dx = (lon2 - lon1) * 111.0 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def test_a_fleet_expands_to_catalog_vehicles_in_its_region(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    world = fleet_world(write_scenario, clock, "fleet: {count: 2000, makes: [TESLA, FORD, "
                        "TOYOTA], powertrains: {BEV: 0.6, ICE: 0.4}, region: US}")
    vehicles = list(world.vehicles.values())
    assert len(vehicles) == len(world.vehicles) == 2000
    shares = Counter(v.powertrain for v in vehicles)
    assert set(shares) == {Powertrain.BEV, Powertrain.ICE}
    assert abs(shares[Powertrain.BEV] / 2000 - 0.6) < 0.04
    models = {(m.make, m.model, m.powertrain): m for m in catalog.MODELS}
    cities = catalog.CITIES["US"]
    for v in vehicles:
        row = models[(v.make, v.model, v.powertrain.value)]
        assert v.make in {"TESLA", "FORD", "TOYOTA"} and "US" in row.regions
        assert row.years[0] <= v.year <= row.years[1]
        assert vin.has_valid_check_digit(v.vin) and v.vin[:3] in catalog.WMIS[v.make]
        assert v.vin[9] == vin.year_code(v.year)
        assert uuid.UUID(v.id).version == 4
        assert min(km_between(lat, lon, v.location().latitude, v.location().longitude)
                   for _, lat, lon in cities) < 10
        if v.powertrain is Powertrain.BEV:
            assert v.battery_capacity_kwh == row.battery_kwh
    assert len({v.vin for v in vehicles}) == len({v.id for v in vehicles}) == 2000


def test_without_powertrains_the_mix_follows_the_catalog(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    world = fleet_world(write_scenario, clock, "fleet: {count: 300, makes: [NISSAN]}")
    assert {v.model for v in world.vehicles.values()} <= {
        m.model for m in catalog.MODELS if m.make == "NISSAN" and "US" in m.regions}
    assert len({v.powertrain for v in world.vehicles.values()}) == 2  # LEAF/Ariya and ICE


def test_european_owners_live_where_their_cars_are(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    world = fleet_world(write_scenario, clock, "fleet: {count: 400, region: EUROPE, "
                        "vehicles_per_owner: {min: 1, max: 3}, name: eu}")
    countries = set()
    for owner in list(world.owners.values()):
        assert owner.email.endswith("@eu.fleet.example") and owner.email.isascii()
        assert 1 <= len(owner.vehicle_ids) <= 3
        assert owner.country in catalog.EUROPEAN_COUNTRIES
        countries.add(owner.country)
        for vehicle in world.owner_vehicles(owner):
            assert vehicle.region == "EUROPE" and "EUROPE" in next(
                m.regions for m in catalog.MODELS if (m.make, m.model) == (vehicle.make,
                                                                           vehicle.model))
            assert world.owner_of(vehicle.id) is owner
    assert len(countries) > 5
    assert sum(len(o.vehicle_ids) for o in world.owners.values()) == 400


def test_vehicles_per_owner_spreads_them_in_blocks(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    world = fleet_world(write_scenario, clock, "fleet: {count: 10, vehicles_per_owner: 4}")
    assert [len(o.vehicle_ids) for o in world.owners.values()] == [4, 4, 2]
    emails = [o.email for o in world.owners.values()]
    assert [e.split("@")[0].rsplit(".", 1)[1] for e in emails] == ["1", "2", "3"]


def test_the_same_seed_gives_the_same_fleet(write_scenario: WriteScenario, clock: Clock) -> None:
    spec = "fleet: {count: 50, vehicles_per_owner: {min: 1, max: 2}}"

    def snapshot(world: World) -> list[tuple[str, str, str, object, float, str]]:
        return [(v.id, v.vin, v.model, v.location(), v.odometer_km(),
                 world.owner_of(v.id).email)  # type: ignore[union-attr]
                for v in world.vehicles.values()]

    first = snapshot(fleet_world(write_scenario, clock, spec, seed=7))
    assert first == snapshot(fleet_world(write_scenario, clock, spec, seed=7))
    assert first != snapshot(fleet_world(write_scenario, clock, spec, seed=8))
    pinned = "fleet: {count: 50, seed: 99, vehicles_per_owner: {min: 1, max: 2}}"
    assert (snapshot(fleet_world(write_scenario, clock, pinned, seed=1))
            == snapshot(fleet_world(write_scenario, clock, pinned, seed=2)))
    # A smaller fleet is the start of a larger one.
    bigger = snapshot(fleet_world(write_scenario, clock,
                                  "fleet: {count: 80, vehicles_per_owner: 1}", seed=7))
    smaller = snapshot(fleet_world(write_scenario, clock,
                                   "fleet: {count: 30, vehicles_per_owner: 1}", seed=7))
    assert bigger[:30] == smaller


def test_vehicles_are_made_on_first_use_and_keep_their_changes(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    cache = FleetCache()
    text = "fleet: {count: 1000, name: lazy}"
    world = fleet_world(write_scenario, clock, text, cache=cache)
    other = fleet_world(write_scenario, clock, text, cache=cache)
    (table,), (shared,) = world.vehicles.fleets(), other.vehicles.fleets()
    assert isinstance(table, FleetView) and isinstance(shared, FleetView)
    assert shared.table is table.table  # built once, made into two Worlds
    vehicle_id = table.vehicle_id(500)
    assert world.vehicles.get_made(vehicle_id) is None
    vehicle = world.vehicles[vehicle_id]
    assert world.vehicles.get_made(vehicle_id) is vehicle
    vehicle.state.locked = not vehicle.state.locked
    assert world.vehicles[vehicle_id].state.locked is vehicle.state.locked
    assert other.vehicles[vehicle_id].state.locked is not vehicle.state.locked
    assert world.vehicle_by_vin(vehicle.vin) is vehicle
    owner = world.owner_of(vehicle_id)
    assert owner is not None and world.owner_by_id(owner.id) is owner
    assert world.owners[owner.email] is owner and vehicle_id in owner.vehicle_ids
    assert "nobody@lazy.fleet.example" not in world.owners
    assert world.vehicle_by_vin("5YJ3E1EA0NF000000") is None
    assert world.vehicles.makes() == {v.make for v in world.vehicles.values()}
    del world.vehicles[vehicle_id]
    assert vehicle_id not in world.vehicles and len(world.vehicles) == 999
    assert world.vehicle_by_vin(vehicle.vin) is None


def test_an_owner_email_must_match_exactly(write_scenario: WriteScenario, clock: Clock) -> None:
    world = fleet_world(write_scenario, clock, "fleet: {count: 3, name: exact}")
    first = next(iter(world.owners))
    local, _, domain = first.partition("@")
    assert f"x{local}@{domain}" not in world.owners
    assert f"{local.rsplit('.', 1)[0]}.9@{domain}" not in world.owners
    assert f"{local}@other.example" not in world.owners


def test_a_fleet_owner_signs_in_and_reads_a_vehicle_over_http(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    path = write_scenario(
        "version: 1\napplications:\n  - {name: A, client_id: app, client_secret: s, "
        "redirect_uris: ['http://localhost/cb']}\n"
        "fleet: {count: 5000, password: pw, name: http}\n")
    world = build_world(load_scenario(path), clock=clock)
    email = world.owner_of(world.vehicles.fleets()[0].vehicle_id(4321))
    assert email is not None
    owner = world.sign_in(email.email, "pw", Mode.SIMULATED)
    (vehicle_id,) = owner.vehicle_ids
    connection = world.connect("app", owner, [vehicle_id], sorted(PERMISSIONS), Mode.SIMULATED)
    token = world.issue_token(connection.id, "app", "access", "refresh")
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as client:
        answer = client.get(f"/v2.0/vehicles/{vehicle_id}/odometer",
                            headers={"Authorization": f"Bearer {token.access_token}"})
    assert answer.status_code == 200
    assert answer.json()["distance"] == pytest.approx(world.vehicles[vehicle_id].odometer_km())


@pytest.mark.parametrize(("fleet", "expected"), [
    ("fleet: {count: 10, powertrains: {BEV: 0.6, ICE: 0.3}}",
     [(3, "fleet.powertrains", "shares must add up to 1, they add up to 0.9")]),
    ("fleet: {count: 10, makes: [TESLA], powertrains: {ICE: 1}}",
     [(3, "fleet.powertrains.ICE", "no catalog model of TESLA sold in US is ICE")]),
    ("fleet: {count: 10, makes: [RIVIAN], region: EUROPE}",
     [(3, "fleet.makes", "no catalog model of RIVIAN is sold in EUROPE")]),
    ("fleet: {count: 10, makes: [DELOREAN]}",
     [(3, "fleet.makes[0]", "'DELOREAN' is not in mockcar's catalog")]),
    ("fleet: {count: 0}", [(3, "fleet.count", "must be at least 1")]),
    ("fleet: {count: 5, vehicles_per_owner: {min: 3, max: 2}}",
     [(3, "fleet.vehicles_per_owner.min", "must not be above max (2), got 3")]),
    ("fleet: {count: 5, region: MARS}", [(3, "fleet.region", "must be one of US, CA, EUROPE")]),
    ("fleet: {count: 5, name: Big Fleet}", [(3, "fleet.name", "must be 1-40 lower-case")]),
    ("fleet: {count: 5, email_domain: nodot}",
     [(3, "fleet.email_domain", "must be a domain name")]),
    ("fleet: {cout: 5}", [(3, "fleet.cout", "did you mean 'count'?")]),
    ("fleets:\n  - {count: 1, name: a}\n  - {count: 1, name: a}",
     [(5, "fleets[1].name", "'a' is already used by fleets[0]")]),
])
def test_bad_fleets_are_located(write_scenario: WriteScenario, fleet: str,
                                expected: list[tuple[int, str, str]]) -> None:
    found = problems(write_scenario, f"version: 1\nseed: 1\n{fleet}\n")
    assert [(line, path) for line, path, _ in found] == [(line, path) for line, path, _ in expected]
    for (_, _, message), (_, _, wanted) in zip(found, expected, strict=True):
        assert wanted in message


def test_fleets_and_owners_together(write_scenario: WriteScenario, clock: Clock,
                                    tmp_path: Path) -> None:
    path = write_scenario(
        "version: 1\nowners:\n  - {email: a@b.co, password: x, vehicles: [{make: TESLA}]}\n"
        "fleets:\n  - {count: 3, name: one}\n  - {count: 4, name: two, region: CA}\n")
    world = build_world(load_scenario(path), clock=clock)
    assert len(world.vehicles) == 8 and len(world.owners) == 8
    assert next(iter(world.owners.values())).email == "a@b.co"
    assert {o.country for o in world.owners.values()} == {"US", "CA"}


def test_profiles_make_shares_of_a_fleet_live_by_the_clock(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    plain = fleet_world(write_scenario, clock, "fleet: {count: 400, name: alive}")
    world = fleet_world(write_scenario, clock, "fleet: {count: 400, name: alive, profiles: "
                        "{commute: 0.5, overnight_charge: 0.25}}")
    vehicles = list(world.vehicles.values())
    moving = [v for v in vehicles if v.motion is not None]
    assert 0.65 < len(moving) / 400 < 0.85
    # Profiles come from a stream of their own: the fleet itself is the same.
    assert [(v.id, v.vin, v.model) for v in vehicles] == [
        (v.id, v.vin, v.model) for v in plain.vehicles.values()]
    later = clock.now() + timedelta(days=3)
    driven = [v for v in moving if v.at(later).odometer_km() > v.odometer_km()]
    assert len(driven) > len(moving) / 2  # commutes and errands drive every day
    assert all(v.motion is None for v in plain.vehicles.values())


def test_profile_shares_may_not_pass_one(write_scenario: WriteScenario) -> None:
    found = problems(write_scenario, "version: 1\nfleet: {count: 3, profiles: "
                     "{commute: 0.7, parked: 0.6}}\n")
    too_many = "shares must add up to at most 1 (the rest has no timeline), they add up to 1.3"
    assert found == [(2, "fleet.profiles", too_many)]
    found = problems(write_scenario, "version: 1\nfleet: {count: 3, profiles: {walk: 1}}\n")
    assert [(line, path) for line, path, _ in found] == [(2, "fleet.profiles.walk.[key]")]


def test_tenants_built_from_a_bundled_fleet_share_its_table() -> None:
    library = ScenarioLibrary(default_scenario(), default_scenario().parent)
    first = library.build(ScenarioChoice(name="ev-fleet.yaml"))
    second = library.build(ScenarioChoice(name="ev-fleet"))
    (one,), (two,) = first.vehicles.fleets(), second.vehicles.fleets()
    assert isinstance(one, FleetView) and isinstance(two, FleetView)
    assert one.table is two.table and len(first.vehicles) == len(second.vehicles) == 502
    vehicle_id = one.vehicle_id(0)
    first.vehicles[vehicle_id].state.locked = False
    second.vehicles[vehicle_id].state.locked = True
    assert first.vehicles[vehicle_id].state.locked is False

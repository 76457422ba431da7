"""Fleet generation: deterministic under a seed, stable per vehicle, plausible values."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest

from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import Scenario, build_world, load_scenario
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.catalog import vin
from tests.scenario.conftest import WriteScenario

EMPTY = Scenario(version=1)
HEADER = "version: 1\nseed: {seed}\nowners:\n"
OWNER = "  - email: {email}\n    password: pw\n    country: {country}\n    vehicles:\n"


def scenario_text(seed: int = 0, owners: dict[str, list[str]] | None = None,
                  countries: dict[str, str] | None = None) -> str:
    """`owners` maps email -> vehicle lines (flow mappings, e.g. "{}")."""
    text = HEADER.format(seed=seed)
    for email, vehicles in (owners or {}).items():
        text += OWNER.format(email=email, country=(countries or {}).get(email, "US"))
        text += "".join(f"      - {v}\n" for v in vehicles) or "      []\n"
    return text


def snapshot(world: World) -> dict[str, Any]:
    """Everything a world built from a scenario holds, comparable with ==."""
    return {
        "applications": {k: dataclasses.asdict(v) for k, v in world.applications.items()},
        "owners": {k: dataclasses.asdict(v) for k, v in world.owners.items()},
        "vehicles": {k: dataclasses.asdict(v) for k, v in world.vehicles.items()},
    }


def build(write_scenario: WriteScenario, clock: Clock, text: str, seed: int | None = None) -> World:
    return build_world(load_scenario(write_scenario(text)), clock=clock, seed=seed)


FLEET = {"ana@example.com": ["{}", "{}", "{make: TESLA}"], "ben@example.com": ["{}"]}


def test_same_seed_same_world(write_scenario: WriteScenario, clock: Clock) -> None:
    text = scenario_text(seed=5, owners=FLEET)
    assert snapshot(build(write_scenario, clock, text)) == snapshot(build(write_scenario, clock, text))


def test_different_seed_different_world(write_scenario: WriteScenario, clock: Clock) -> None:
    one = build(write_scenario, clock, scenario_text(seed=5, owners=FLEET))
    two = build(write_scenario, clock, scenario_text(seed=6, owners=FLEET))
    assert set(one.vehicles).isdisjoint(two.vehicles)
    assert {v.vin for v in one.vehicles.values()}.isdisjoint(v.vin for v in two.vehicles.values())


def test_seed_argument_overrides_the_scenario(write_scenario: WriteScenario, clock: Clock) -> None:
    overridden = build(write_scenario, clock, scenario_text(seed=5, owners=FLEET), seed=6)
    assert overridden.seed == 6
    assert snapshot(overridden) == snapshot(build(write_scenario, clock,
                                                  scenario_text(seed=6, owners=FLEET)))


def test_adding_vehicles_and_owners_leaves_the_others_alone(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    before = snapshot(build(write_scenario, clock, scenario_text(owners=FLEET)))
    grown = {
        "ana@example.com": [*FLEET["ana@example.com"], "{}"],
        "carl@example.com": ["{}"],
        "ben@example.com": FLEET["ben@example.com"],
    }
    after = snapshot(build(write_scenario, clock, scenario_text(owners=grown)))
    assert len(after["vehicles"]) == len(before["vehicles"]) + 2
    for vehicle_id, vehicle in before["vehicles"].items():
        assert after["vehicles"][vehicle_id] == vehicle


def test_pinning_a_field_keeps_the_other_draws(write_scenario: WriteScenario, clock: Clock) -> None:
    free = build(write_scenario, clock, scenario_text(owners={"a@b.co": ["{make: TESLA}"]}))
    pinned = build(write_scenario, clock,
                   scenario_text(owners={"a@b.co": ["{make: TESLA, odometer: 12.5}"]}))
    (v1,), (v2,) = free.vehicles.values(), pinned.vehicles.values()
    assert v2.state.odometer_km == 12.5
    assert (v1.id, v1.vin, v1.model, v1.state.location) == (v2.id, v2.vin, v2.model, v2.state.location)


def test_generated_values_are_plausible(write_scenario: WriteScenario, clock: Clock) -> None:
    owners = {f"o{i}@example.com": ["{}"] * 5 for i in range(3)}
    countries = {"o0@example.com": "US", "o1@example.com": "CA", "o2@example.com": "FR"}
    world = build(write_scenario, clock, scenario_text(seed=11, owners=owners, countries=countries))
    expected_region = {"o0@example.com": "US", "o1@example.com": "CA", "o2@example.com": "EUROPE"}
    for owner in world.owners.values():
        for v in world.owner_vehicles(owner):
            assert v.region == expected_region[owner.email]
            assert_plausible(v)


def assert_plausible(v: Vehicle) -> None:
    rows = catalog.candidates(v.make, v.model, v.powertrain.value, False, False)
    assert rows, f"{v.make} {v.model} {v.powertrain} is not a catalog model"
    row = rows[0]
    assert row.years[0] <= v.year <= row.years[1]
    assert vin.has_valid_check_digit(v.vin), v.vin
    assert v.vin[:3] in catalog.WMIS[v.make]
    assert v.vin[9] == vin.year_code(v.year)
    assert near_a_city(v.region.value, v.state.location.latitude, v.state.location.longitude)
    assert 0 <= v.state.odometer_km < 400_000
    if v.powertrain.has_battery:
        assert v.state.battery_level is not None and 0 <= v.state.battery_level <= 1
        assert (v.battery_capacity_kwh, v.range_km_full) == (row.battery_kwh, row.range_km)
        assert 0.5 <= v.state.charge_limit <= 1
        assert not v.state.charging or v.state.plugged_in
    else:
        assert v.state.battery_level is None and not v.state.plugged_in
    if v.powertrain.has_fuel:
        assert v.state.fuel_level is not None and 0 <= v.state.fuel_level <= 1
        assert (v.fuel_capacity_liters, v.fuel_range_km_full) == (row.fuel_liters, row.fuel_range_km)
    else:
        assert v.state.fuel_level is None


def near_a_city(region: str, lat: float, lon: float) -> bool:
    return any(abs(lat - c_lat) <= 0.06 and abs(lon - c_lon) <= 0.06
               for _, c_lat, c_lon in catalog.CITIES[region])


def test_many_generated_vehicles_cover_the_catalog(clock: Clock) -> None:
    factory = build_world(EMPTY, clock=clock).vehicle_factory
    assert factory is not None
    fleet = factory("many@example.com", None, 300)
    assert {v.powertrain for v in fleet} == set(Powertrain)
    assert len({v.vin for v in fleet}) == len({v.id for v in fleet}) == 300
    for v in fleet:
        assert_plausible(v)


def test_given_values_win_and_ranges_derive_from_level(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    text = scenario_text(owners={"a@b.co": [
        ("{make: tesla, model: model 3, year: 2019, vin: 0scaudi0155c49a95, region: EUROPE,"
         " battery: {level: 0.5, range: 240, capacity: 70}, location: {latitude: 1, longitude: 2},"
         " locked: false, plugged_in: true, charging: true, charge_limit: 0.7,"
         " doors_open: [frontleft]}"),
        "{powertrain: PHEV, battery: {level: 0}, fuel: {level: 0.25, range: 150}}",
    ]})
    first, second = build(write_scenario, clock, text).vehicles.values()
    assert (first.make, first.model, first.year, first.vin) == ("TESLA", "model 3", 2019,
                                                                 "0SCAUDI0155C49A95")
    assert (first.region, first.battery_capacity_kwh, first.range_km_full) == ("EUROPE", 70, 480)
    assert first.battery().range_km == 240
    assert (first.state.location.latitude, first.state.location.longitude) == (1, 2)
    assert (first.state.locked, first.state.plugged_in, first.state.charging) == (False, True, True)
    assert (first.state.charge_limit, first.doors_open) == (0.7, frozenset({"frontLeft"}))
    assert first.updated_at == clock.now()
    # Level 0 says nothing about range when full: the catalog's figure is used.
    assert second.powertrain is Powertrain.PHEV and second.state.battery_level == 0
    row = catalog.candidates(second.make, second.model, "PHEV", False, False)[0]
    assert second.range_km_full == row.range_km
    assert second.fuel().range_km == 150 and second.fuel_range_km_full == 600


def test_unknown_make_with_model_gets_generic_specs(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    text = scenario_text(owners={"a@b.co": ["{make: Fisker, model: Ocean, battery: {level: 0.5}}"]})
    (v,) = build(write_scenario, clock, text).vehicles.values()
    assert (v.make, v.model, v.powertrain) == ("FISKER", "Ocean", Powertrain.BEV)
    assert v.vin.startswith("0SC") and vin.has_valid_check_digit(v.vin)
    assert v.battery_capacity_kwh == catalog.GENERIC["BEV"].battery_kwh


@pytest.mark.parametrize("count", [1, 3, 999])
def test_vehicle_factory_counts_and_determinism(clock: Clock, count: int) -> None:
    world = build_world(EMPTY, clock=clock, seed=3)
    assert world.vehicle_factory is not None
    started = time.perf_counter()
    fleet = world.vehicle_factory("driver@example.com", None, count)
    assert time.perf_counter() - started < 2.0
    assert len(fleet) == count
    again = build_world(EMPTY, clock=clock, seed=3)
    assert again.vehicle_factory is not None
    assert fleet == again.vehicle_factory("driver@example.com", None, count)


def test_vehicle_factory_is_keyed_by_email_and_position(clock: Clock) -> None:
    factory = build_world(EMPTY, clock=clock).vehicle_factory
    assert factory is not None
    three = factory("Driver@Example.com", "FORD", 3)
    assert factory("driver@example.com", "FORD", 1) == three[:1]
    assert {v.id for v in factory("other@example.com", "FORD", 3)}.isdisjoint(
        v.id for v in three)
    assert {v.id for v in factory("driver@example.com", "KIA", 3)}.isdisjoint(
        v.id for v in three)


@pytest.mark.parametrize(("level", "powertrain"), [("bev", "BEV"), ("phev", "PHEV"),
                                                   ("compatible", "PHEV"), ("fuel", "ICE")])
def test_vehicle_factory_honours_smartcar_vin_emails(
    clock: Clock, level: str, powertrain: str
) -> None:
    factory = build_world(EMPTY, clock=clock).vehicle_factory
    assert factory is not None
    (first, *_) = factory(f"5yj3e1ea0nf123456@{level}.smartcar.com", "FORD", 1)
    assert (first.vin, first.powertrain) == ("5YJ3E1EA0NF123456", powertrain)
    assert (first.make, first.test_level) == ("TESLA", level)


def test_sign_in_in_test_mode_uses_the_factory(clock: Clock) -> None:
    world = build_world(EMPTY, clock=clock)
    owner = world.sign_in("5-vehicles@smartcar.com", "anything", "test")
    assert len(world.owner_vehicles(owner)) == 5


def test_management_token_is_derived_when_absent(
    write_scenario: WriteScenario, clock: Clock
) -> None:
    text = ("version: 1\napplications:\n  - name: A\n    client_id: c1\n    client_secret: s\n"
            "    redirect_uris: [https://app.example/cb]\n")
    one = build(write_scenario, clock, text).applications["c1"].management_token
    assert one == build(write_scenario, clock, text).applications["c1"].management_token
    assert one != build(write_scenario, clock, text, seed=1).applications["c1"].management_token
    assert len(one) >= 32


@pytest.mark.parametrize("key", ["vehicle:given-id", "owner:alice@example.com:0", "test:x:1"])
def test_draws_are_the_stream_faker_gave_under_the_same_seed(clock: Clock, key: str) -> None:
    """Generated vehicles are drawn without Faker, from the very stream its
    `seed_instance` and `uuid4` give: a seed keeps yielding the vehicles it always did."""
    from faker import Faker

    from mockcar.scenario import generate
    from mockcar.scenario.schema.scenario import VehicleSpec

    spec, now = VehicleSpec(), clock.now()
    drawn = generate.FleetGenerator(42).vehicle(spec, key, "US", now)
    fake = Faker("en_US")
    fake.seed_instance(generate.sub_seed(42, key))
    assert drawn.id == fake.uuid4()
    fake.seed_instance(generate.sub_seed(42, key))
    with_faker = generate._draw(fake.random, spec, "US", now)
    assert dataclasses.asdict(drawn) == dataclasses.asdict(with_faker)

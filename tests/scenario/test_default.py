"""The bundled scenario `mockcar serve` starts with: what other parts and the README
rely on."""

from __future__ import annotations

from mockcar.domain.world.clock import Clock
from mockcar.scenario import load_scenario, load_world
from mockcar.scenario.catalog import vin
from mockcar.settings import default_scenario


def test_default_scenario_loads() -> None:
    world = load_world(default_scenario(), clock=Clock())
    assert world.seed == load_scenario(default_scenario()).seed


def test_demo_application() -> None:
    world = load_world(default_scenario())
    (app,) = world.applications.values()
    assert app.name == "Demo App"
    assert app.redirect_uris[0] == "http://localhost:8000/exchange"
    assert "https://oauth.pstmn.io/v1/browser-callback" in app.redirect_uris
    assert app.client_secret and app.management_token


def test_owners_and_fleet() -> None:
    world = load_world(default_scenario())
    counts = sorted(len(o.vehicle_ids) for o in world.owners.values())
    assert len(counts) >= 3 and sum(counts) >= 6
    assert counts[0] == 1 and counts[-1] >= 2
    vehicles = list(world.vehicles.values())
    assert {"BEV", "PHEV", "ICE"} <= {v.powertrain.value for v in vehicles}
    assert {v.region.value for v in vehicles} == {"US", "CA", "EUROPE"}
    assert len({v.make for v in vehicles}) >= 4
    assert len({v.vin for v in vehicles}) == len(vehicles)
    for owner in world.owners.values():
        assert world.sign_in(owner.email, owner.password, "live") is owner


def test_explicit_vins_carry_valid_check_digits() -> None:
    for vehicle in load_scenario(default_scenario()).owners[0].vehicles:
        assert vehicle.vin is not None and vin.has_valid_check_digit(vehicle.vin)


def test_some_vehicle_relies_on_generated_values() -> None:
    specs = [v for o in load_scenario(default_scenario()).owners for v in o.vehicles]
    assert any(v.vin is None and v.make is None for v in specs)

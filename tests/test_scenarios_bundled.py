"""The scenarios bundled in scenarios/: each declares the JSON Schema on line 1 and says
what it is for, validates against that schema and against mockcar, and keeps the promise
its header makes; the schema file is exactly what `mockcar schema` prints."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml
from starlette.testclient import TestClient

from mockcar import cli
from mockcar.app import create_app
from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Mode, World
from mockcar.scenario import build_world, load_scenario
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.schema.jsonschema import FILE_NAME, MODELINE, text
from mockcar.settings import Settings, default_scenario

FOLDER = default_scenario().parent
SCENARIOS = sorted(FOLDER.glob("*.yaml"))
START = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)  # a Monday, midnight UTC
PROMISED = {"default.yaml", "ev-fleet.yaml", "mixed-fleet-1000.yaml", "error-showcase.yaml",
            "road-trip.yaml", "european-fleet.yaml"}


def world_of(name: str, at: datetime = START) -> World:
    return build_world(load_scenario(FOLDER / name), clock=Clock(frozen_at=at))


def km_between(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    dy = (b_lat - a_lat) * 111.2
    dx = (b_lon - a_lon) * 111.2 * math.cos(math.radians((a_lat + b_lat) / 2))
    return math.hypot(dx, dy)


def test_the_six_documented_scenarios_are_bundled() -> None:
    assert PROMISED <= {p.name for p in SCENARIOS}


def test_the_schema_file_is_what_mockcar_schema_prints(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["schema"]) == 0
    printed = capsys.readouterr().out
    shipped = (FOLDER / FILE_NAME).read_text(encoding="utf-8")
    assert printed == text()
    assert shipped == printed, (
        "scenarios/mockcar.schema.json is out of date with the scenario models; "
        "regenerate it: .venv/bin/mockcar schema > scenarios/mockcar.schema.json")
    jsonschema.Draft202012Validator.check_schema(json.loads(shipped))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_each_scenario_declares_the_schema_says_what_it_is_for_and_is_valid(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == MODELINE
    header = [line for line in lines[1:] if line.startswith("#")]
    assert len(header) >= 3, "a header comment says what the scenario is for"
    schema = json.loads((FOLDER / FILE_NAME).read_text(encoding="utf-8"))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]
    assert errors == []
    world = build_world(load_scenario(path), clock=Clock(frozen_at=START))
    assert world.applications and len(world.vehicles) >= 1


def _ev_fleet() -> None:
    world = world_of("ev-fleet.yaml")
    vehicles = list(world.vehicles.values())
    assert len(vehicles) == 502
    assert {v.powertrain for v in vehicles} == {Powertrain.BEV}
    fleet_makes = {v.make for v in vehicles[2:]}
    assert fleet_makes <= {"TESLA", "FORD", "CHEVROLET", "HYUNDAI", "KIA", "RIVIAN",
                           "VOLKSWAGEN", "NISSAN"} and len(fleet_makes) >= 6
    assert [v.motion is not None for v in vehicles[:2]] == [True, True]
    living = sum(v.motion is not None for v in vehicles[2:]) / 500
    assert 0.72 < living < 0.88
    night = START + timedelta(hours=10)  # 02:00 in California: cars on their chargers
    plugged = sum(v.at(night).state.plugged_in for v in vehicles) / len(vehicles)
    assert plugged > 0.5
    fleet_owner = world.owner_of(vehicles[-1].id)
    assert fleet_owner is not None and fleet_owner.email.endswith("@ev.fleet.example")
    assert world.sign_in(fleet_owner.email, "ev-fleet", Mode.SIMULATED) is fleet_owner


def _mixed_fleet() -> None:
    world = world_of("mixed-fleet-1000.yaml")
    vehicles = list(world.vehicles.values())
    assert len(vehicles) == 1000
    shares = Counter(v.powertrain.value for v in vehicles)
    for powertrain, share in {"BEV": 0.3, "PHEV": 0.1, "HEV": 0.2, "ICE": 0.4}.items():
        assert abs(shares[powertrain] / 1000 - share) < 0.05, shares
    owners = list(world.owners.values())
    assert 200 <= len(owners) <= 700
    assert all(1 <= len(o.vehicle_ids) <= 5 for o in owners)
    assert world.latency.default.mode == "realistic"
    assert 0.65 < sum(v.motion is not None for v in vehicles) / 1000 < 0.75
    tesla = next(v for v in vehicles if v.make == "TESLA")
    assert world.latency.policy(tesla.id, "TESLA").table == (("/*", 400.0),)


def _european_fleet() -> None:
    world = world_of("european-fleet.yaml")
    vehicles = list(world.vehicles.values())
    assert len(vehicles) == 302
    assert {v.region for v in vehicles} == {"EUROPE"}
    sold = {(m.make, m.model) for m in catalog.MODELS if "EUROPE" in m.regions}
    assert all((v.make, v.model) in sold for v in vehicles)
    countries = Counter(o.country for o in world.owners.values())
    assert set(countries) <= catalog.EUROPEAN_COUNTRIES and len(countries) >= 8
    shares = Counter(v.powertrain.value for v in vehicles[2:])
    assert abs(shares["BEV"] / 300 - 0.6) < 0.08 and "HEV" not in shares


def _error_showcase() -> None:
    at_ten = START + timedelta(hours=10, minutes=5)
    world = world_of("error-showcase.yaml", at=START + timedelta(hours=6))
    kinds = [(f.type, f.code) for f in world.faults]
    assert kinds == [("UPSTREAM", "NO_RESPONSE"), ("RATE_LIMIT", "SMARTCAR_API"),
                     ("RATE_LIMIT", "VEHICLE"), ("SERVER", "INTERNAL"),
                     ("CONNECTED_SERVICES_ACCOUNT", "SUBSCRIPTION")]
    carla = world.sign_in("carla@example.com", "carla-password", Mode.SIMULATED)
    by_make = {world.vehicles[v].make: v for v in carla.vehicle_ids}
    app = next(iter(world.applications.values()))
    connection = world.connect(app.client_id, carla, carla.vehicle_ids, sorted(PERMISSIONS),
                               Mode.SIMULATED)

    def fresh_token() -> None:  # access tokens live 2 hours; the test moves the clock more
        token = world.issue_token(connection.id, app.client_id, str(world.now()), "refresh")
        auth["Authorization"] = f"Bearer {token.access_token}"

    auth: dict[str, str] = {}
    fresh_token()
    trigger = world.sign_in("VEHICLE_STATE.DOOR_OPEN@smartcar.com", "trigger", Mode.SIMULATED)
    assert trigger.error_trigger == ("VEHICLE_STATE", "DOOR_OPEN")

    def status(make: str, sub: str = "/odometer") -> tuple[int, str | None]:
        answer = client.get(f"/v2.0/vehicles/{by_make[make]}{sub}", headers=auth)
        return answer.status_code, answer.json().get("code")

    app_under_test = create_app(Settings(), world)
    app_under_test.state.sleep = _no_sleep
    with TestClient(app_under_test, base_url="http://localhost") as client:
        assert status("CHEVROLET") == (409, "ASLEEP")  # 06:00: in its asleep half-day
        assert status("NISSAN") == (400, "SUBSCRIPTION")
        assert status("TESLA") == (200, None)
        world.clock.set(at_ten)
        fresh_token()
        assert status("TESLA") == (502, "NO_RESPONSE")
        assert status("CHEVROLET") == (409, "ASLEEP")  # asleep until noon UTC
        world.clock.set(START + timedelta(hours=12, minutes=1))
        fresh_token()
        limited = client.get(f"/v2.0/vehicles/{by_make['FORD']}/vin", headers=auth)
        assert limited.status_code == 429 and limited.headers["retry-after"] == "240"
        world.clock.set(START + timedelta(hours=12, minutes=6))
        fresh_token()
        assert status("CHEVROLET") == (200, None)


async def _no_sleep(seconds: float) -> None:
    return None


def _road_trip() -> None:
    world = world_of("road-trip.yaml")
    ioniq = world.vehicles["66e0a4c1-1b7a-4c39-8d52-0a1f2e3d4c01"]
    assert all(v.motion is not None for v in world.vehicles.values())
    start = ioniq.at(START)
    on_the_way = ioniq.at(START + timedelta(hours=18))
    arrived = ioniq.at(START + timedelta(hours=30))
    assert on_the_way.state.moving and not arrived.state.moving
    assert 34.0 < on_the_way.location().latitude < 37.8
    here = arrived.location()
    assert km_between(here.latitude, here.longitude, 34.0522, -118.2437) < 1
    driven = arrived.odometer_km() - start.odometer_km()
    assert 550 < driven < 600  # the two routes' polylines: about 575 km
    assert arrived.battery().percent_remaining < start.battery().percent_remaining
    profiles = sum(v.make in ("TESLA", "VOLKSWAGEN") for v in world.vehicles.values())
    assert profiles == 3


def _default() -> None:
    world = world_of("default.yaml")
    assert "alice@example.com" in world.owners
    assert next(iter(world.applications.values())).name == "Demo App"


PROMISES: dict[str, Callable[[], None]] = {
    "default.yaml": _default, "ev-fleet.yaml": _ev_fleet,
    "mixed-fleet-1000.yaml": _mixed_fleet, "european-fleet.yaml": _european_fleet,
    "error-showcase.yaml": _error_showcase, "road-trip.yaml": _road_trip,
}


@pytest.mark.parametrize("name", sorted(PROMISES))
def test_each_scenario_keeps_its_promise(name: str) -> None:
    PROMISES[name]()


def test_every_bundled_scenario_has_a_promise_test() -> None:
    assert {p.name for p in SCENARIOS} <= set(PROMISES)

"""Vehicle Simulator cars (make `Simulated`, model their powertrain, a nickname) made by a
scenario and by the control API, read over API v3: connected ones answer their
`vehicleidentification-nickname` signal to the application token with the owner's
`sc-user-id`; disconnected ones have no connection; bad entries are refused clearly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import build_world
from mockcar.scenario.errors import ScenarioError
from mockcar.scenario.loader import validate
from mockcar.scenario.yamlsource import parse
from mockcar.settings import Settings
from tests.web.v3.conftest import START, V3_APP, app_token, as_user

SCENARIO = f"""
version: 1
applications:
  - name: Sim App
    client_id: {V3_APP.client_id}
    client_secret: {V3_APP.client_secret}
    redirect_uris: ["{V3_APP.redirect_uris[0]}"]
owners:
  - email: sim@example.com
    password: pw
    vehicles:
      - powertrain: BEV
        simulator: {{nickname: Blue Comet}}
      - powertrain: ICE
        year: 2021
        simulator: {{nickname: Old Faithful, connected: false}}
"""


def world_of(text: str) -> World:
    return build_world(validate(parse(text, "test.yaml"), "test.yaml"),
                       clock=Clock(frozen_at=START))


@pytest.fixture
def world() -> World:
    return world_of(SCENARIO)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as test_client:
        yield test_client


def nickname(client: TestClient, vehicle_id: str, user_id: str) -> object:
    response = client.get(f"/v3/vehicles/{vehicle_id}/signals/vehicleidentification-nickname",
                          headers=as_user(app_token(client), user_id))
    assert response.status_code == 200, response.text
    return response.json()["attributes"]["body"]


def test_a_scenario_simulator_car_reports_its_nickname(client: TestClient, world: World) -> None:
    owner = world.owners["sim@example.com"]
    bev, ice = (world.vehicles[v] for v in owner.vehicle_ids)
    assert (bev.make, bev.model, bev.year) == ("Simulated", "BEV", 2023)
    assert (ice.make, ice.model, ice.year) == ("Simulated", "ICE", 2021)
    assert nickname(client, bev.id, owner.id) == {"value": "Blue Comet"}
    vehicle = client.get(f"/v3/vehicles/{bev.id}",
                         headers=as_user(app_token(client), owner.id)).json()
    assert vehicle["attributes"] == {"make": "Simulated", "model": "BEV", "year": 2023,
                                     "powertrainType": "BEV"}
    listed = client.get(f"/v3/vehicles/{bev.id}/signals",
                        headers=as_user(app_token(client), owner.id)).json()["data"]
    # Every permission granted and every general signal served: only what a BEV lacks fails.
    failed = {s["id"]: s["attributes"]["status"]["error"]["code"] for s in listed
              if s["attributes"]["status"]["value"] == "ERROR"}
    assert set(failed.values()) == {"VEHICLE_NOT_CAPABLE"}
    assert "tractionbattery-stateofcharge" not in failed
    connections = [c for c in world.connections.values() if bev.id in c.vehicle_ids]
    assert [c.mode for c in connections] == ["simulated"]
    # Created without a connection: the application cannot reach it.
    refused = client.get(f"/v3/vehicles/{ice.id}/signals",
                         headers=as_user(app_token(client), owner.id))
    assert refused.status_code in (403, 404)
    assert not [c for c in world.connections.values() if ice.id in c.vehicle_ids]


def test_the_control_api_makes_one(client: TestClient, world: World) -> None:
    made = client.post("/_mockcar/vehicles", json={
        "owner": "pat@example.com",
        "vehicle": {"powertrain": "PHEV", "simulator": {"nickname": "Hybrid Hal"}}})
    assert made.status_code == 201, made.text
    vehicle_id = made.json()["id"]
    assert (made.json()["make"], made.json()["nickname"]) == ("Simulated", "Hybrid Hal")
    car = world.vehicles[vehicle_id]
    assert (car.make, car.model) == ("Simulated", "PHEV")
    owner = world.owners["pat@example.com"]
    assert nickname(client, vehicle_id, owner.id) == {"value": "Hybrid Hal"}


def test_the_control_api_refuses_an_unknown_application(client: TestClient) -> None:
    refused = client.post("/_mockcar/vehicles", json={
        "owner": "pat@example.com",
        "vehicle": {"simulator": {"nickname": "X", "application": "no-such-client"}}})
    assert refused.status_code == 400
    assert any("simulator.application" in p for p in refused.json()["problems"])


def test_a_scenario_simulator_car_takes_no_make() -> None:
    with pytest.raises(ScenarioError) as bad:
        world_of(SCENARIO.replace("      - powertrain: BEV\n",
                                  "      - powertrain: BEV\n        make: TESLA\n"))
    assert "make is Simulated" in str(bad.value)

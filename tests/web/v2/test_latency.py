"""Latency and asleep vehicles through the Vehicle API: the pipeline waits what
the World's latency says, with the app's sleeper (a recorder here, so nothing is slow),
once per batch, and an asleep vehicle wakes slowly or answers ASLEEP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.latency import Latency, Policy, Sleep
from mockcar.domain.world.world import World
from mockcar.settings import Settings
from tests.web.v2.conftest import Grant, vehicle_with


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def client(world: World, slept: list[float]) -> Iterator[TestClient]:
    app = create_app(Settings(), world)

    async def record(seconds: float) -> None:
        slept.append(seconds)

    app.state.sleep = record
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


def base(vehicle_id: str) -> str:
    return f"/v2.0/vehicles/{vehicle_id}"


def test_ideal_is_the_default_and_never_sleeps(client: TestClient, world: World,
                                               grant: Grant, slept: list[float]) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    assert client.get(base(vehicle.id) + "/odometer", headers=grant(vehicle)).status_code == 200
    assert slept == []


def test_a_table_delays_reads_commands_and_batches(client: TestClient, world: World,
                                                  grant: Grant, slept: list[float]) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    world.latency = Latency(default=Policy.fixed({"/odometer": 800, "/security": 2500,
                                                  "/batch": 4000, "*": 100}))
    auth = grant(vehicle)
    assert client.get(base(vehicle.id) + "/odometer", headers=auth).status_code == 200
    assert client.post(base(vehicle.id) + "/security", json={"action": "LOCK"},
                       headers=auth).status_code == 200
    assert client.get(base(vehicle.id) + "/location", headers=auth).status_code == 200
    answer = client.post(base(vehicle.id) + "/batch", headers=auth, json={
        "requests": [{"path": "/odometer"}, {"path": "/location"}]})
    assert answer.status_code == 200
    assert slept == [0.8, 2.5, 0.1, 4.0]  # a batch waits once, not per sub-request


def test_errors_before_the_car_is_reached_do_not_wait(client: TestClient, world: World,
                                                      grant: Grant, slept: list[float]) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    world.latency = Latency(default=Policy.fixed({"*": 500}))
    denied = client.get(base(vehicle.id) + "/odometer",
                        headers=grant(vehicle, permissions=("read_location",)))
    assert denied.status_code == 403
    incapable = client.get(base(vehicle.id) + "/battery", headers=grant(vehicle))
    assert incapable.status_code == 501
    assert slept == []


def test_realistic_waits_seconds_by_make(client: TestClient, world: World, grant: Grant,
                                         slept: list[float]) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    world.latency = Latency(seed=4, default=Policy("realistic"),
                            by_make={vehicle.make: Policy.fixed({"*": 42})})
    other = vehicle_with(world, Powertrain.ICE)
    client.get(base(vehicle.id) + "/odometer", headers=grant(vehicle))
    client.get(base(other.id) + "/odometer", headers=grant(other))
    assert slept[0] == 0.042
    assert 0.05 < slept[1] < 60


def test_an_asleep_vehicle_wakes_slowly_or_answers_asleep(
    client: TestClient, world: World, grant: Grant, slept: list[float]
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    vehicle.state.asleep = True
    world.latency = Latency(sleep=Sleep("wake", 15_000, timedelta(minutes=5)))
    auth = grant(vehicle)
    assert client.get(base(vehicle.id) + "/vin", headers=auth).status_code == 200
    assert client.get(base(vehicle.id) + "/odometer", headers=auth).status_code == 200
    assert client.get(base(vehicle.id) + "/odometer", headers=auth).status_code == 200
    assert slept == [15.0]  # the VIN is Smartcar's record; the first read woke the car
    world.clock.advance(timedelta(minutes=6))
    world.latency.sleep = Sleep("error")
    asleep = client.get(base(vehicle.id) + "/odometer", headers=auth)
    assert asleep.status_code == 409
    assert (asleep.json()["type"], asleep.json()["code"]) == ("VEHICLE_STATE", "ASLEEP")
    vehicle.state.asleep = False
    assert client.get(base(vehicle.id) + "/odometer", headers=auth).status_code == 200


def test_a_real_sleep_is_taken_when_no_sleeper_is_set(world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    world.latency = Latency(default=Policy.fixed({"*": 2}))  # 2 ms: the real asyncio.sleep
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as plain:
        answer = plain.get(base(vehicle.id) + "/odometer", headers=grant(vehicle))
    assert answer.status_code == 200 and "distance" in answer.json()

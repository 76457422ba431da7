"""API v3 command executions through HTTP with an application token and sc-user-id: 200
sync and 202 long-running answers, the execution looked up by id, the state reaching the
signals only when the World clock passes the completion; the opt-in rate limits."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.executions import CommandPolicy
from mockcar.domain.world.latency import Policy
from mockcar.domain.world.rate_limits import RateLimitSettings
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario
from tests.web.v3.conftest import (
    START,
    Connect,
    as_user,
    connect_token,
    only_error,
    vehicle_with,
)


def post(client: TestClient, vehicle_id: str, path: str, headers: dict[str, str],
         attributes: dict[str, Any] | None = None) -> Any:
    body = {"data": {"attributes": attributes}} if attributes is not None else None
    return client.post(f"/v3/vehicles/{vehicle_id}/commands/{path}", headers=headers, json=body)


def is_locked(client: TestClient, vehicle_id: str, headers: dict[str, str]) -> Any:
    found = client.get(f"/v3/vehicles/{vehicle_id}/signals/closure-islocked", headers=headers)
    return found.json()["attributes"]["body"]["value"]


def test_a_sync_command_answers_200_and_its_execution_reads_back(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    answered = post(client, bev.id, "security/unlock", headers)
    assert answered.status_code == 200
    data = answered.json()["data"]
    assert data["attributes"]["executionMode"] == "sync"
    assert data["attributes"]["status"] == {"value": "SUCCESS"}
    looked_up = client.get(f"/v3/vehicles/{bev.id}/commands/executions/{data['id']}",
                           headers=headers)
    assert looked_up.status_code == 200 and looked_up.json() == answered.json()
    assert data["links"]["self"] == f"/vehicles/{bev.id}/commands/executions/{data['id']}"
    assert is_locked(client, bev.id, headers) is False


def test_a_long_running_command_answers_202_pending_and_acts_when_the_clock_passes(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    world.command_policy = CommandPolicy({bev_make(world): frozenset({"security-unlock"})},
                                         seconds=40)
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    assert is_locked(client, bev.id, headers) is True
    answered = post(client, bev.id, "security/unlock", headers)
    assert answered.status_code == 202
    data = answered.json()["data"]
    assert data["attributes"]["executionMode"] == "async"
    assert data["attributes"]["status"] == {"value": "PENDING"}
    assert data["meta"]["durationInSeconds"] == 40
    assert "completedAt" not in data["meta"]
    execution = f"/v3/vehicles/{bev.id}/commands/executions/{data['id']}"
    # The command never returns the new state, and the car has not acted yet.
    assert is_locked(client, bev.id, headers) is True
    world.clock.advance(timedelta(seconds=39))
    assert client.get(execution, headers=headers).json()["data"]["attributes"]["status"] == {
        "value": "PENDING"}
    assert is_locked(client, bev.id, headers) is True
    world.clock.advance(timedelta(seconds=1))
    done = client.get(execution, headers=headers).json()["data"]
    assert done["attributes"]["status"] == {"value": "SUCCESS"}
    assert done["meta"]["completedAt"] == (START + timedelta(seconds=40)).isoformat(
        timespec="milliseconds")[:23] + "Z"
    assert is_locked(client, bev.id, headers) is False
    # Other commands of the make stay synchronous.
    assert post(client, bev.id, "security/lock", headers).status_code == 200


def test_a_long_running_command_the_car_refuses_later_fails_its_execution(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    world.command_policy = CommandPolicy({"*": frozenset({"*"})}, seconds=10)
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    answered = post(client, bev.id, "security/unlock", headers)
    assert answered.status_code == 202
    bev.state.moving = True  # the car drives off before it acts
    world.clock.advance(timedelta(seconds=10))
    done = client.get(f"/v3/vehicles/{bev.id}/commands/executions/"
                      f"{answered.json()['data']['id']}", headers=headers).json()["data"]
    status = done["attributes"]["status"]
    assert status["value"] == "FAILED"
    assert (status["error"]["type"], status["error"]["code"]) == ("VEHICLE_STATE", "IN_MOTION")
    assert bev.state.locked is True


def test_a_bad_body_fails_the_request_even_when_long_running(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    world.command_policy = CommandPolicy({"*": frozenset({"*"})})
    bev = vehicle_with(world, Powertrain.BEV)
    refused = post(client, bev.id, "charge/set-limit", as_user(token, connect(bev).user_id),
                   {"percent": 20})
    assert refused.status_code == 400
    assert only_error(refused.json())["type"] == "VALIDATION"


def test_commands_take_an_application_token_and_executions_their_vehicle(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    connection = connect(bev)
    owner_token = connect_token(world, connection)
    refused = post(client, bev.id, "security/lock", owner_token)
    assert refused.status_code == 401
    assert only_error(refused.json())["type"] == "AUTHENTICATION"
    missing = client.post(f"/v3/vehicles/{bev.id}/commands/security/lock",
                          headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 400 and "sc-user-id" in missing.headers["mockcar-hint"]
    unknown = client.get(f"/v3/vehicles/{bev.id}/commands/executions/exec_nothing",
                         headers=as_user(token, connection.user_id))
    assert unknown.status_code == 404
    assert only_error(unknown.json())["type"] == "RESOURCE_NOT_FOUND"


def test_a_scenario_names_the_long_running_commands_and_turns_rate_limits_on(
    tmp_path: Path,
) -> None:
    file = tmp_path / "scenario.yaml"
    file.write_text("version: 1\n"
                    "commands:\n"
                    "  long_running: {tesla: [charge-start], '*': '*'}\n"
                    "  long_running_seconds: 12\n"
                    "rate_limits: {enabled: true, vehicle_capacity: 5}\n")
    built = load_world(file, clock=Clock(frozen_at=START))
    assert built.command_policy.is_long_running("TESLA", "charge-start")
    assert built.command_policy.is_long_running("FORD", "security-lock")
    assert built.command_policy.seconds == 12
    assert built.rate_limits.settings == RateLimitSettings(enabled=True, vehicle_capacity=5)
    plain = load_world(default_scenario(), clock=Clock(frozen_at=START))
    assert not plain.command_policy.is_long_running("TESLA", "charge-start")
    assert not plain.rate_limits.settings.enabled


def bev_make(world: World) -> str:
    return vehicle_with(world, Powertrain.BEV).make.upper()


def test_rate_limits_are_off_by_default(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    for _ in range(30):
        assert client.get(f"/v3/vehicles/{bev.id}", headers=headers).status_code == 200


def test_the_vehicle_limit_answers_429_with_retry_after_on_the_world_clock(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    world.rate_limits.configure(RateLimitSettings(enabled=True, vehicle_capacity=3,
                                                  vehicle_per_minute=6))
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    for _ in range(3):
        assert client.get(f"/v3/vehicles/{bev.id}", headers=headers).status_code == 200
    refused = client.get(f"/v3/vehicles/{bev.id}/signals", headers=headers)
    assert refused.status_code == 429
    assert (only_error(refused.json())["type"], only_error(refused.json())["code"]) == (
        "RATE_LIMIT", "VEHICLE")
    assert refused.headers["retry-after"] == "10"
    world.clock.advance(timedelta(seconds=10))
    assert client.get(f"/v3/vehicles/{bev.id}", headers=headers).status_code == 200


def test_the_application_bucket_answers_smartcar_api(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    world.rate_limits.configure(RateLimitSettings(enabled=True, application_capacity=2,
                                                  application_per_minute=2))
    bev, ice = vehicle_with(world, Powertrain.BEV), vehicle_with(world, Powertrain.ICE)
    for car in (bev, ice):
        headers = as_user(token, connect(car).user_id)
        assert client.get(f"/v3/vehicles/{car.id}", headers=headers).status_code == 200
    refused = client.get(f"/v3/vehicles/{bev.id}", headers=as_user(token, connect(bev).user_id))
    assert refused.status_code == 429
    assert only_error(refused.json())["code"] == "SMARTCAR_API"
    assert refused.headers["retry-after"] == "30"
    world.clock.advance(timedelta(seconds=30))
    again = client.get(f"/v3/vehicles/{bev.id}", headers=as_user(token, connect(bev).user_id))
    assert again.status_code == 200


def test_the_control_api_switches_rate_limits_on_and_off(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    assert client.get("/_mockcar/rate-limits").json()["enabled"] is False
    switched = client.post("/_mockcar/rate-limits", json={"enabled": True, "vehicle_capacity": 1})
    assert switched.status_code == 200
    assert switched.json() == {"enabled": True, "application_capacity": 120,
                               "application_per_minute": 2.0, "vehicle_capacity": 1,
                               "vehicle_per_minute": 10.0}
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    assert client.get(f"/v3/vehicles/{bev.id}", headers=headers).status_code == 200
    refused = client.get(f"/v3/vehicles/{bev.id}", headers=headers)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "6"
    assert client.post("/_mockcar/rate-limits", json={"enabled": False}).status_code == 200
    assert client.get(f"/v3/vehicles/{bev.id}", headers=headers).status_code == 200
    bad = client.post("/_mockcar/rate-limits", json={"enabled": "yes"})
    assert bad.status_code == 400


def test_api_v2_reads_see_a_long_running_v3_command_only_once_it_completed_and_share_limits(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    world.command_policy = CommandPolicy({"*": frozenset({"security-unlock"})}, seconds=5)
    bev = vehicle_with(world, Powertrain.BEV)
    connection = connect(bev)
    v2 = connect_token(world, connection)
    assert post(client, bev.id, "security/unlock", as_user(token, connection.user_id)
                ).status_code == 202
    security = f"/v2.0/vehicles/{bev.id}/security"
    assert client.get(security, headers=v2).json()["isLocked"] is True
    world.clock.advance(timedelta(seconds=5))
    assert client.get(security, headers=v2).json()["isLocked"] is False
    world.rate_limits.configure(RateLimitSettings(enabled=True, vehicle_capacity=1))
    assert client.get(security, headers=v2).status_code == 200
    refused = client.get(security, headers=v2)
    assert refused.status_code == 429 and refused.json()["code"] == "VEHICLE"
    assert refused.headers["retry-after"] == "6"


def test_a_sync_command_waits_the_worlds_command_latency_and_reports_it(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    waited: list[float] = []

    async def record(seconds: float) -> None:
        waited.append(seconds)

    client.app.state.sleep = record  # type: ignore[attr-defined]
    world.latency.default = Policy.fixed({"/commands/*": 2500})
    bev = vehicle_with(world, Powertrain.BEV)
    answered = post(client, bev.id, "security/unlock", as_user(token, connect(bev).user_id))
    assert answered.status_code == 200 and waited == [2.5]
    meta = answered.json()["data"]["meta"]
    assert meta["durationInSeconds"] == 2.5
    assert meta["completedAt"] == (START + timedelta(seconds=2.5)).isoformat(
        timespec="milliseconds")[:23] + "Z"

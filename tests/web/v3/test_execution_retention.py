"""What a server keeps of API v3 command executions as it ages, through HTTP: an execution
reads back within its lifetime (24 hours of World time after it completed), answers 404
RESOURCE_NOT_FOUND after it or once a World's newest executions have pushed it out, and a
long-running one is kept, whatever its age, until it has settled. The clock moves
through the control API."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.executions import CAPACITY, CommandPolicy
from mockcar.domain.world.world import World
from tests.web.v3.conftest import Connect, app_token, as_user, only_error, vehicle_with

CONTROL = {"Host": "localhost"}


def command(client: TestClient, vehicle_id: str, action: str,
            headers: dict[str, str]) -> dict[str, Any]:
    answered = client.post(f"/v3/vehicles/{vehicle_id}/commands/security/{action}",
                           headers=headers)
    assert answered.status_code in (200, 202), answered.text
    data: dict[str, Any] = answered.json()["data"]
    return data


def read(client: TestClient, vehicle_id: str, execution_id: str,
         headers: dict[str, str]) -> Any:
    return client.get(f"/v3/vehicles/{vehicle_id}/commands/executions/{execution_id}",
                      headers=headers)


def advance(client: TestClient, **parts: float) -> None:
    moved = client.post("/_mockcar/clock/advance", json=parts, headers=CONTROL)
    assert moved.status_code == 200, moved.text


def assert_not_found(answer: Any, execution_id: str) -> None:
    assert answer.status_code == 404, answer.text
    error = only_error(answer.json())
    assert (error["type"], error["code"]) == ("RESOURCE_NOT_FOUND", "PATH")
    assert execution_id in answer.headers["mockcar-hint"]


def test_an_execution_reads_back_for_24_hours_then_answers_404(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    user = connect(bev).user_id
    first = command(client, bev.id, "unlock", as_user(token, user))
    advance(client, hours=23, minutes=59)
    # An application token lives an hour: a fresh one for each day.
    headers = as_user(app_token(client), user)
    kept = read(client, bev.id, first["id"], headers)
    assert kept.status_code == 200, kept.text
    assert kept.json()["data"]["attributes"]["status"] == {"value": "SUCCESS"}
    advance(client, minutes=1)
    assert_not_found(read(client, bev.id, first["id"], headers), first["id"])
    # Its vehicle and everything else still answer.
    second = command(client, bev.id, "lock", headers)
    assert read(client, bev.id, second["id"], headers).status_code == 200


def test_executions_of_a_long_running_server_stay_bounded_by_age(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    user = connect(bev).user_id
    sent: list[str] = []
    for day in range(40):
        headers = as_user(app_token(client), user)
        for action in ("unlock", "lock", "unlock", "lock", "unlock"):
            sent.append(command(client, bev.id, action, headers)["id"])
        advance(client, hours=12)
        assert len(world.executions.by_id) <= 15, day  # three half-days of commands
    headers = as_user(app_token(client), user)
    assert_not_found(read(client, bev.id, sent[0], headers), sent[0])
    assert read(client, bev.id, sent[-1], headers).status_code == 200


def test_a_frozen_clock_keeps_the_newest_executions_of_a_world(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    headers = as_user(token, connect(bev).user_id)
    world.executions.capacity = 30  # the default, CAPACITY, takes a thousand commands
    assert CAPACITY >= 1000
    sent = [command(client, bev.id, ("unlock", "lock")[n % 2], headers)["id"]
            for n in range(100)]
    assert len(world.executions.by_id) <= 31
    assert_not_found(read(client, bev.id, sent[0], headers), sent[0])
    assert_not_found(read(client, bev.id, sent[68], headers), sent[68])
    for execution_id in sent[-30:]:
        assert read(client, bev.id, execution_id, headers).status_code == 200


def test_a_pending_execution_is_kept_until_it_settles_however_old_or_many(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    user = connect(bev).user_id
    headers = as_user(token, user)
    world.command_policy = CommandPolicy({"*": frozenset({"charge-start"})},
                                         seconds=3 * 86400)
    world.executions.capacity = 5
    started = client.post(f"/v3/vehicles/{bev.id}/commands/charge/start", headers=headers)
    assert started.status_code == 202, started.text
    pending = started.json()["data"]["id"]
    for day in range(2):
        headers = as_user(app_token(client), user)
        for n in range(20):
            command(client, bev.id, ("unlock", "lock")[n % 2], headers)
        advance(client, days=1)
    headers = as_user(app_token(client), user)
    still = read(client, bev.id, pending, headers)
    assert still.status_code == 200, still.text
    assert still.json()["data"]["attributes"]["status"] == {"value": "PENDING"}
    assert len(world.executions.by_id) <= 7
    advance(client, days=1)
    headers = as_user(app_token(client), user)
    settled = read(client, bev.id, pending, headers).json()["data"]["attributes"]["status"]
    assert settled["value"] in ("SUCCESS", "FAILED")
    # Settled, it ages like the others: 24 hours after its completion it is gone.
    advance(client, days=1)
    headers = as_user(app_token(client), user)
    assert_not_found(read(client, bev.id, pending, headers), pending)

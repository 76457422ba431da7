"""The clock operations: freeze, set, advance, speed; each World's clock is its own."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.testclient import TestClient

from mockcar.domain.world.world import World
from tests.control.conftest import START
from tests.control.helpers import Register, bearer, connect


def _now(body: dict[str, object]) -> datetime:
    return datetime.fromisoformat(str(body["now"]))


def test_freeze_set_advance_and_unfreeze(client: TestClient, register: Register) -> None:
    app = register()
    frozen = client.post(app.path("/clock/freeze"), headers=app.auth,
                         json={"at": "2030-01-02T03:04:05Z"}).json()
    assert frozen == {"now": "2030-01-02T03:04:05.000Z", "frozen": True, "speed": 1.0}
    advanced = client.post(app.path("/clock/advance"), headers=app.auth,
                           json={"days": 1, "hours": 2, "minutes": 3, "seconds": 4.5}).json()
    assert advanced["now"] == "2030-01-03T05:07:09.500Z"
    moved = client.post(app.path("/clock/set"), headers=app.auth,
                        json={"at": "2031-06-01T00:00:00+02:00"}).json()
    assert moved["now"] == "2031-05-31T22:00:00.000Z"
    running = client.post(app.path("/clock/unfreeze"), headers=app.auth).json()
    assert running["frozen"] is False
    assert timedelta() <= _now(client.get(app.path("/clock"), headers=app.auth).json()) \
        - _now(moved) < timedelta(seconds=5)


def test_speed_is_set_and_checked(client: TestClient, register: Register) -> None:
    app = register()
    sped = client.post(app.path("/clock/speed"), headers=app.auth, json={"speed": 3600}).json()
    assert sped["speed"] == 3600 and sped["frozen"] is False
    assert client.get(app.path("/clock"), headers=app.auth).json()["speed"] == 3600
    refused = client.post(app.path("/clock/speed"), headers=app.auth, json={"speed": 0})
    assert refused.status_code == 400
    assert "speed" in refused.json()["problems"][0]


def test_advancing_past_two_hours_expires_the_access_token(
    client: TestClient, register: Register
) -> None:
    app = register()
    answer = connect(client, app)
    assert client.get("/v2.0/vehicles", headers=bearer(answer)).status_code == 200
    client.post(app.path("/clock/advance"), headers=app.auth, json={"hours": 2})
    expired = client.get("/v2.0/vehicles", headers=bearer(answer))
    assert (expired.status_code, expired.json()["type"]) == (401, "AUTHENTICATION")


def test_clocks_of_worlds_are_independent(
    client: TestClient, register: Register, world: World
) -> None:
    first, second = register(), register()
    client.post(first.path("/clock/freeze"), headers=first.auth,
                json={"at": "2040-01-01T00:00:00Z"})
    client.post("/_mockcar/clock/advance", json={"days": 3})
    assert world.now() == START + timedelta(days=3)
    assert client.get(first.path("/clock"), headers=first.auth).json()["now"].startswith("2040")
    assert not client.get(second.path("/clock"), headers=second.auth).json()["frozen"]


def test_bad_clock_input_is_refused(client: TestClient) -> None:
    cases = [
        ("/clock/set", {}, "at: required"),
        ("/clock/set", {"at": "yesterday"}, "at: must be an ISO 8601 time"),
        ("/clock/advance", {"hours": -1}, "hours: must be from 0 to 87840"),
        ("/clock/advance", {"hours": "two"}, "hours: must be a number"),
        ("/clock/advance", {"weeks": 1}, "weeks: unknown field"),
    ]
    for path, body, problem in cases:
        answer = client.post("/_mockcar" + path, json=body)
        assert answer.status_code == 400, (path, body)
        assert any(problem in p for p in answer.json()["problems"]), answer.json()
    huge = client.post("/_mockcar/clock/advance", json={"days": 10**6})
    assert huge.status_code == 400

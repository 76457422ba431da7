"""The clock's range over the control API: times outside 2000-2199 and advances past ten
years are refused with a 400 that states the range, on the scenario World's routes and an
application's alike, and every read keeps working at both ends of the range."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.control.helpers import App, Register, bearer, connect

FIRST, LAST = "2000-01-01T00:00:00.000Z", "2199-12-31T23:59:59.999Z"
RANGE = "2000-01-01T00:00:00Z to 2199-12-31T23:59:59.999Z"


def _routes(app: App) -> list[tuple[str, dict[str, str]]]:
    """The scenario World's clock routes and the application's (by either credential);
    the application's clock is frozen first so a refused change is seen as no change."""
    return [("/_mockcar", {}), (app.path(), app.auth), (app.path(), app.basic)]


@pytest.fixture
def registered(register: Register, client: TestClient) -> App:
    app = register()
    frozen = client.post(app.path("/clock/freeze"), headers=app.auth,
                         json={"at": "2030-01-01T00:00:00Z"})
    assert frozen.status_code == 200, frozen.text
    return app


@pytest.mark.parametrize("at", [
    "9999-12-31T23:59:58Z", "2200-01-01T00:00:00Z", "1999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z", "2199-12-31T23:59:59-01:00",
])
def test_a_time_outside_the_years_is_refused_with_the_range(
    client: TestClient, registered: App, at: str
) -> None:
    app = registered
    for prefix, headers in _routes(app):
        before = client.get(prefix + "/clock", headers=headers).json()
        for operation in ("/clock/set", "/clock/freeze"):
            answer = client.post(prefix + operation, headers=headers, json={"at": at})
            assert answer.status_code == 400, (prefix, operation, answer.text)
            assert answer.json()["error"] == "invalid_request"
            assert any(RANGE in p for p in answer.json()["problems"]), answer.json()
        assert client.get(prefix + "/clock", headers=headers).json()["now"] == before["now"]


@pytest.mark.parametrize("body, problem", [
    ({"hours": 6.5e175}, "hours: must be from 0 to 87840"),
    ({"days": 3661}, "days: must be from 0 to 3660"),
    ({"seconds": 1e300}, "seconds: must be from 0 to"),
    ({"minutes": -1}, "minutes: must be from 0 to 5.2704e+06"),
    ({"days": 3000, "hours": 20000}, ("advance: an advance moves the clock forward by 0 to "
                                     "3660 days (ten years)")),
    ({"hours": "NaN"}, "hours: must be a number"),
])
def test_an_advance_past_ten_years_is_refused_with_the_range(
    client: TestClient, registered: App, body: dict[str, Any], problem: str
) -> None:
    app = registered
    for prefix, headers in _routes(app):
        before = client.get(prefix + "/clock", headers=headers).json()
        answer = client.post(prefix + "/clock/advance", headers=headers, json=body)
        assert answer.status_code == 400, (prefix, body, answer.text)
        assert any(problem in p for p in answer.json()["problems"]), answer.json()
        assert client.get(prefix + "/clock", headers=headers).json()["now"] == before["now"]


def test_non_finite_numbers_are_refused(client: TestClient, registered: App) -> None:
    """Python's JSON reader takes NaN and Infinity; the clock routes must not."""
    app = registered
    for prefix, headers in _routes(app):
        for literal in ("NaN", "Infinity", "-Infinity", "1e999"):
            for path, field in (("/clock/advance", "days"), ("/clock/speed", "speed")):
                answer = client.post(prefix + path, content=f'{{"{field}": {literal}}}',
                                     headers={**headers, "Content-Type": "application/json"})
                assert answer.status_code == 400, (prefix, path, literal, answer.text)
                assert answer.json()["problems"] == [f"{field}: must be a number"]


def test_an_advance_that_would_pass_the_last_year_is_refused(
    client: TestClient, registered: App
) -> None:
    app = registered
    for prefix, headers in _routes(app):
        client.post(prefix + "/clock/freeze", headers=headers, json={"at": "2199-06-01T00:00Z"})
        answer = client.post(prefix + "/clock/advance", headers=headers, json={"days": 365})
        assert answer.status_code == 400, answer.text
        assert "would pass 2199-12-31T23:59:59.999Z" in answer.json()["message"]
        assert client.get(prefix + "/clock", headers=headers).json()["now"] == \
            "2199-06-01T00:00:00.000Z"


def test_speed_states_its_range(client: TestClient, registered: App) -> None:
    app = registered
    app = registered
    for prefix, headers in _routes(app):
        for speed in (0, -5, 86_401, 1e308):
            answer = client.post(prefix + "/clock/speed", headers=headers, json={"speed": speed})
            assert answer.status_code == 400, (speed, answer.text)
            assert "above 0 and at most 86400" in answer.json()["problems"][0]


@pytest.mark.parametrize("at", [FIRST, LAST])
def test_every_read_works_at_both_ends_of_the_range(
    client: TestClient, registered: App, at: str
) -> None:
    app = registered
    frozen = client.post(app.path("/clock/freeze"), headers=app.auth, json={"at": at})
    assert frozen.json()["now"] == at
    answer = connect(client, app)
    owner = bearer(answer)
    vehicles = client.get("/v2.0/vehicles", headers=owner)
    assert vehicles.status_code == 200, vehicles.text
    reads = [path for path, item in client.get("/openapi.json").json()["paths"].items()
             if path.startswith("/v{version}/vehicles/{vehicle_id}/") and "get" in item
             and "{rest}" not in path]
    assert len(reads) > 30
    for vehicle_id in vehicles.json()["vehicles"]:
        for path in reads:
            url = path.replace("{version}", "2.0").replace("{vehicle_id}", vehicle_id)
            read = client.get(url, headers=owner)
            assert read.status_code in (200, 400, 403, 409, 501), (url, read.text)
    for url in ("/_mockcar/state", app.path("/state"), "/", app.path("/vehicles"),
                (f"/oauth/authorize?client_id={app.client_id}&response_type=code"
                f"&redirect_uri={app.body['redirect_uris'][0]}&scope=read_odometer")):
        read = client.get(url, headers=app.auth if "applications" in url else {})
        assert read.status_code == 200, (url, read.text)
    refreshed = client.post("/oauth/token", headers=app.basic, data={
        "grant_type": "refresh_token", "refresh_token": answer["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text


def test_a_running_clock_at_full_speed_near_the_end_stays_readable(
    client: TestClient, registered: App
) -> None:
    app = registered
    client.post(app.path("/clock/set"), headers=app.auth, json={"at": "2199-12-31T23:59:59Z"})
    sped = client.post(app.path("/clock/speed"), headers=app.auth, json={"speed": 86_400})
    assert sped.status_code == 200, sped.text
    connect(client, app)
    for url in (app.path("/clock"), app.path("/state"), app.path("/vehicles")):
        read = client.get(url, headers=app.auth)
        assert read.status_code == 200, (url, read.text)
    assert client.get(app.path("/clock"), headers=app.auth).json()["now"] <= LAST

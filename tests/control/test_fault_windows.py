"""Fault rules by make and by a window of the World's clock through the control API, a
RATE_LIMIT that says when to come back, rules declared in a registered scenario, and
the pytest handle."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockcar.settings import Settings
from mockcar.testing import Mockcar, MockcarError, MockcarServer
from tests.control.helpers import App, Register, bearer, connect

NINE_55 = "2026-11-23T09:55:00Z"
TESLA_YAML = """
version: 1
owners:
  - email: erin@example.com
    password: erin-pw
    vehicles:
      - {make: TESLA, model: Model 3, vin: 5YJ3E1EA0NF000001}
      - {make: FORD, model: F-150}
faults:
  - {type: UPSTREAM, code: NO_RESPONSE, make: tesla, start: "10:00", end: "10:15"}
"""


def _add(client: TestClient, app: App, **rule: Any) -> dict[str, Any]:
    answer = client.post(app.path("/faults"), headers=app.auth, json=rule)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _advance(client: TestClient, app: App, minutes: int) -> None:
    assert client.post(app.path("/clock/advance"), headers=app.auth,
                       json={"minutes": minutes}).status_code == 200


def _reads(client: TestClient, answer: dict[str, Any], vehicles: list[str]) -> list[int]:
    return [client.get(f"/v2.0/vehicles/{v}/odometer", headers=bearer(answer)).status_code
            for v in vehicles]


def test_a_make_is_down_from_ten_to_a_quarter_past(client: TestClient,
                                                   register: Register) -> None:
    app = register()
    client.post(app.path("/clock/freeze"), headers=app.auth, json={"at": NINE_55})
    answer = connect(client, app)
    by_make = {client.get(f"/v2.0/vehicles/{v}", headers=bearer(answer)).json()["make"]: v
               for v in answer["vehicles"]}
    tesla, ford = by_make["TESLA"], by_make["FORD"]
    rule = _add(client, app, type="UPSTREAM", code="NO_RESPONSE", make="tesla", start="10:00",
                end="10:15")
    assert (rule["make"], rule["start"], rule["end"]) == ("TESLA", "10:00", "10:15")
    assert _reads(client, answer, [tesla, ford]) == [200, 200]
    _advance(client, app, 5)
    down = client.get(f"/v2.0/vehicles/{tesla}/odometer", headers=bearer(answer))
    assert (down.status_code, down.json()["type"], down.json()["code"]) == (
        502, "UPSTREAM", "NO_RESPONSE")
    assert _reads(client, answer, [ford]) == [200]
    _advance(client, app, 15)
    assert _reads(client, answer, [tesla, ford]) == [200, 200]
    listed = client.get(app.path("/faults"), headers=app.auth).json()["faults"]
    assert [(f["hits"], f["active"]) for f in listed] == [(1, True)]


def test_rate_limit_in_a_window_sends_retry_after_until_it_closes(
    client: TestClient, register: Register
) -> None:
    app = register()
    client.post(app.path("/clock/freeze"), headers=app.auth, json={"at": NINE_55})
    answer = connect(client, app)
    vehicle = answer["vehicles"][0]
    _add(client, app, type="RATE_LIMIT", code="VEHICLE", start="2026-11-23T09:50:00Z",
         end="2026-11-23T10:00:00Z", endpoint="/odometer")
    limited = client.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=bearer(answer))
    assert limited.status_code == 429 and limited.headers["retry-after"] == "300"
    _advance(client, app, 5)
    assert _reads(client, answer, [vehicle]) == [200]


@pytest.mark.parametrize(("rule", "text"), [
    ({"start": "25:61"}, "neither a time of day"),
    ({"start": "10:00", "end": "2026-11-23T10:00:00Z"}, "both be times of day"),
    ({"make": ""}, "make: must not be empty"),
    ({"start": 10}, "start: must be a string"),
])
def test_bad_windows_and_makes_are_refused(client: TestClient, register: Register,
                                           rule: dict[str, Any], text: str) -> None:
    app = register()
    refused = client.post(app.path("/faults"), headers=app.auth,
                          json={"type": "SERVER", "code": "INTERNAL", **rule})
    assert refused.status_code == 400
    assert text in refused.text


def test_a_scenarios_faults_come_with_its_world(client: TestClient, register: Register) -> None:
    app = register(scenario_yaml=TESLA_YAML)
    listed = client.get(app.path("/faults"), headers=app.auth).json()["faults"]
    assert [(f["type"], f["code"], f["make"], f["start"]) for f in listed] == [
        ("UPSTREAM", "NO_RESPONSE", "TESLA", "10:00")]


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        yield running


def test_the_handle_adds_rules_by_make_and_window(server: MockcarServer) -> None:
    with Mockcar.register(server.url, scenario_yaml=TESLA_YAML) as mockcar:
        mockcar.clock.freeze(datetime(2026, 11, 23, 10, 20, tzinfo=UTC))
        result = mockcar.connect("erin@example.com", scopes=["read_odometer"])
        rule = mockcar.faults.add("RATE_LIMIT.VEHICLE", make="FORD", start=time(10, 30),
                                  end=time(10, 45))
        assert (rule["make"], rule["start"], rule["end"]) == ("FORD", "10:30", "10:45")
        with httpx.Client(base_url=mockcar.url, headers=result.authorization) as http:
            statuses = [http.get(f"/v2.0/vehicles/{v}/odometer").status_code
                        for v in result.vehicles]
            assert statuses == [200, 200]  # 10:20: neither window
            mockcar.clock.advance(minutes=15)
            late = [http.get(f"/v2.0/vehicles/{v}/odometer") for v in result.vehicles]
        assert [r.status_code for r in late] == [200, 429]
        assert late[1].headers["retry-after"] == str(10 * 60)
        with pytest.raises(MockcarError) as refused:
            mockcar.faults.add("SERVER.INTERNAL", start="whenever")
        assert refused.value.status == 400

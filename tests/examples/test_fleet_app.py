"""The README's pytest example: an application's tests against mockcar's fixtures.

`mockcar` gives each test its own application on a session-wide server, with a World
copied from a scenario; nothing one test does is seen by another.
"""

from __future__ import annotations

import pytest
import smartcar
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mockcar.testing.handle import Mockcar
from tests.examples import fleet_app


def test_the_app_logs_in_and_reads_batteries(mockcar: Mockcar) -> None:
    code = mockcar.connect("alice@example.com", scopes=fleet_app.SCOPE, exchange=False).code
    tesla = next(v["id"] for v in mockcar.vehicles() if v["make"] == "TESLA")
    mockcar.vehicle(tesla).set(battery_level=0.05)

    with mockcar.sdk():
        session = fleet_app.login(mockcar.auth_client(), code or "")
        assert fleet_app.low_battery(session) == [tesla]

    mockcar.journal.assert_called("/oauth/token", times=1)
    mockcar.journal.assert_called("/v2.0/vehicles/{id}/battery", at_least=1)


def test_a_sleeping_car_is_skipped(mockcar: Mockcar) -> None:
    result = mockcar.connect("alice@example.com", scopes=fleet_app.SCOPE)
    mockcar.faults.add("VEHICLE_STATE.ASLEEP", endpoint="/battery")
    session = fleet_app.Session(str(result.access_token), str(result.refresh_token))
    with mockcar.sdk():
        assert fleet_app.low_battery(session) == []
    assert mockcar.faults.list()[0]["hits"] >= 1


def test_an_open_door_keeps_one_car_unlocked(mockcar: Mockcar) -> None:
    result = mockcar.connect("alice@example.com", scopes=fleet_app.SCOPE)
    first, second = result.vehicles[:2]
    mockcar.vehicle(first).set(doors_open=["frontLeft"], locked=False)
    mockcar.vehicle(second).set(doors_open=[], locked=False)
    session = fleet_app.Session(str(result.access_token), str(result.refresh_token))
    with mockcar.sdk():
        outcome = fleet_app.lock_everything(session)
    assert (outcome[first], outcome[second]) == ("DOOR_OPEN", "locked")
    assert mockcar.vehicle(first).state["locked"] is False
    assert mockcar.vehicle(second).state["locked"] is True


def test_tokens_expire_and_the_app_refreshes(mockcar: Mockcar) -> None:
    result = mockcar.connect("alice@example.com", scopes=fleet_app.SCOPE)
    session = fleet_app.Session(str(result.access_token), str(result.refresh_token))
    mockcar.clock.advance(hours=3)  # access tokens live 2 hours
    with mockcar.sdk():
        with pytest.raises(smartcar.SmartcarException) as expired:
            fleet_app.low_battery(session)
        assert expired.value.status_code == 401
        session = fleet_app.refresh(mockcar.auth_client(), session)
        assert fleet_app.low_battery(session, threshold=1.01)


@pytest.mark.mockcar_scenario("ev-fleet.yaml")
def test_a_scenario_of_your_own(mockcar: Mockcar) -> None:
    result = mockcar.connect("fleet@example.com", mode="simulated", password="fleet-password",
                             scopes=fleet_app.SCOPE)
    session = fleet_app.Session(str(result.access_token), str(result.refresh_token))
    with mockcar.sdk():
        low = fleet_app.low_battery(session)
    assert [v["model"] for v in mockcar.vehicles() if v["id"] in low] == ["Model Y"]


def test_in_process_without_a_server(mockcar_app: Starlette) -> None:
    """`mockcar_app` is the ASGI app itself, for an in-process HTTP client."""
    with TestClient(mockcar_app, base_url="http://localhost") as http:
        registered = http.post("/_mockcar/applications").json()
        auth = {"Authorization": f"Bearer {registered['management_token']}"}
        answer = http.post(f"/_mockcar/applications/{registered['client_id']}/connect",
                           headers=auth, json={"email": "bob@example.com", "exchange": True})
        token = answer.json()["access_token"]
        vehicles = http.get("/v2.0/vehicles", headers={"Authorization": f"Bearer {token}"})
    assert vehicles.json()["vehicles"] == answer.json()["vehicles"]

"""Fault rules: matching API requests answer a catalog error — every time, a number of
times, for one vehicle, endpoint or method, or with a seeded probability."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.control.helpers import App, Register, bearer, connect


def _add(client: TestClient, app: App, **rule: Any) -> dict[str, Any]:
    answer = client.post(app.path("/faults"), headers=app.auth, json=rule)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_rule_limited_to_an_endpoint_and_a_number_of_times(
    client: TestClient, register: Register
) -> None:
    app = register()
    answer = connect(client, app)
    vehicle = answer["vehicles"][0]
    rule = _add(client, app, type="vehicle_state", code="asleep", endpoint="odometer", times=2)
    assert (rule["type"], rule["code"], rule["endpoint"]) == ("VEHICLE_STATE", "ASLEEP",
                                                               "/odometer")
    odometer = f"/v2.0/vehicles/{vehicle}/odometer"
    for _ in range(2):
        failed = client.get(odometer, headers=bearer(answer))
        assert (failed.status_code, failed.json()["type"], failed.json()["code"]) == (
            409, "VEHICLE_STATE", "ASLEEP")
        assert "fault-1" in failed.headers["mockcar-hint"]
        assert failed.json()["requestId"] == failed.headers["sc-request-id"]
    assert client.get(odometer, headers=bearer(answer)).status_code == 200
    assert client.get(f"/v2.0/vehicles/{vehicle}/location",
                      headers=bearer(answer)).status_code == 200
    listed = client.get(app.path("/faults"), headers=app.auth).json()["faults"]
    assert [(f["hits"], f["active"]) for f in listed] == [(2, False)]


def test_rules_by_vehicle_and_method_with_retry_after(
    client: TestClient, register: Register
) -> None:
    app = register()
    answer = connect(client, app)
    first, second = answer["vehicles"][:2]
    _add(client, app, type="RATE_LIMIT", code="VEHICLE", vehicle_id=first, method="post",
         retry_after=7, message="Slow down.")
    lock = {"action": "LOCK"}
    limited = client.post(f"/v2.0/vehicles/{first}/security", headers=bearer(answer), json=lock)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    assert limited.headers["mockcar-hint"].endswith("Slow down.")
    assert client.get(f"/v2.0/vehicles/{first}/security",
                      headers=bearer(answer)).status_code == 200
    assert client.post(f"/v2.0/vehicles/{second}/security", headers=bearer(answer),
                       json=lock).status_code == 200


def test_top_level_endpoints_and_wildcards(client: TestClient, register: Register) -> None:
    app = register()
    answer = connect(client, app)
    _add(client, app, type="UPSTREAM", code="NO_RESPONSE", endpoint="/vehicles")
    assert client.get("/v2.0/vehicles", headers=bearer(answer)).status_code == 502
    assert client.get("/v2.0/user", headers=bearer(answer)).status_code == 200
    client.post(app.path("/faults/clear"), headers=app.auth)
    _add(client, app, type="SERVER", code="INTERNAL", endpoint="/charge*")
    vehicle = answer["vehicles"][0]
    assert client.get(f"/v2.0/vehicles/{vehicle}/charge/limit",
                      headers=bearer(answer)).status_code == 500
    assert client.get(f"/v2.0/vehicles/{vehicle}/odometer",
                      headers=bearer(answer)).status_code == 200


def test_a_probability_fails_the_same_requests_every_run(
    client: TestClient, register: Register
) -> None:
    def run() -> list[int]:
        app = register(seed=5)
        answer = connect(client, app)
        _add(client, app, type="UPSTREAM", code="UNKNOWN_ISSUE", probability=0.5)
        url = f"/v2.0/vehicles/{answer['vehicles'][0]}/odometer"
        return [client.get(url, headers=bearer(answer)).status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert 200 in first and 502 in first


def test_faults_need_a_valid_token_first_and_stay_in_their_world(
    client: TestClient, register: Register
) -> None:
    mine, theirs = register(), register()
    _add(client, mine, type="SERVER", code="INTERNAL")
    assert client.get("/v2.0/user", headers={"Authorization": "Bearer nope"}).status_code == 401
    other = connect(client, theirs)
    assert client.get("/v2.0/user", headers=bearer(other)).status_code == 200
    assert client.get("/v2.0/user", headers=bearer(connect(client, mine))).status_code == 500


def test_listing_removing_and_refusing_rules(client: TestClient, register: Register) -> None:
    app = register()
    rule = _add(client, app, type="PERMISSION")
    assert rule["code"] is None
    gone = client.post(app.path(f"/faults/{rule['id']}/delete"), headers=app.auth)
    assert gone.json() == {"deleted": rule["id"]}
    assert client.post(app.path(f"/faults/{rule['id']}/delete"),
                       headers=app.auth).status_code == 404
    for body, text in (
        ({"type": "VEHICLE_STATE", "code": "SLEEPY"}, "codes of VEHICLE_STATE: ASLEEP"),
        ({"type": "NOPE"}, "types: AUTHENTICATION"),
        ({"type": "SERVER", "code": "INTERNAL", "probability": 1.5}, "probability"),
        ({"type": "SERVER", "code": "INTERNAL", "times": 0}, "times"),
        ({"code": "INTERNAL"}, "type: required"),
    ):
        refused = client.post(app.path("/faults"), headers=app.auth, json=body)
        assert refused.status_code == 400, body
        assert text in str(refused.json()), refused.json()
    assert client.post(app.path("/faults/clear"), headers=app.auth).json() == {"cleared": 0}

"""One vehicle's detail routes over HTTP: its readings follow what is set by hand, its
timeline pauses, plays and skips stages while the clock is shared, its estimated
latencies follow its make and powertrain, its connected applications can be revoked,
and the webhooks it is subscribed to are listed; refusals come in the control API's
shape."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.control.helpers import App, Register, bearer, connect

COMMUTER = "5bc8fbbc-bde5-4099-8164-d8399f767c45"  # rosa's Tesla, timeline: commute
F150 = "14a03569-d26b-4496-92e5-dfe8cb1855fe"  # rosa's Ford, a written-out day (ICE)
ROSA = "rosa@example.com"
DEMO = App({"client_id": "d3e0a9b1-0000-4000-8000-000000000001",
            "management_token": "demo-management-token"})
DEMO_WEBHOOK = "5d2a2f6e-3b1c-4c8e-9a47-1f0b8e6d2c11"


def _get(client: TestClient, path: str, **headers: str) -> dict[str, Any]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _post(client: TestClient, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(path, json=body or {})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _v(vehicle_id: str, sub: str) -> str:
    return f"/_mockcar/vehicles/{vehicle_id}{sub}"


def test_readings_are_what_was_set_by_hand_and_what_the_api_answers(
        client: TestClient) -> None:
    _post(client, _v(COMMUTER, "/state"), {
        "battery_level": 0.42, "locked": False, "windows_open": ["backLeft"],
        "tire_pressures_kpa": [180, 240, 241, 242], "plugged_in": False})
    read = _get(client, _v(COMMUTER, "/readings"))
    assert read["battery"]["percent_remaining"] == 0.42
    assert read["battery"]["range_km"] > 0 and read["fuel"] is None
    assert read["charge"] == {"is_plugged_in": False, "state": "NOT_CHARGING",
                              "charge_limit": 0.9, "power_kw": 0.0, "port_open": False}
    assert read["security"]["is_locked"] is False
    assert {"type": "backLeft", "status": "OPEN"} in read["security"]["windows"]
    assert read["tire_pressures_kpa"]["front_left"] == 180
    assert read["oil_life"] is None  # a BEV has no engine oil
    # The Vehicle API answers the same.
    token = bearer(connect(client, DEMO, ROSA, vehicles=[COMMUTER]))
    battery = client.get(f"/v2.0/vehicles/{COMMUTER}/battery", headers=token).json()
    assert battery["percentRemaining"] == 0.42


def test_a_combustion_car_reads_fuel_and_a_hand_set_oil_life(client: TestClient) -> None:
    _post(client, _v(F150, "/state"), {"oil_life": 0.12, "fuel_level": 0.3})
    read = _get(client, _v(F150, "/readings"))
    assert read["battery"] is None and read["charge"] is None
    assert read["fuel"]["percent_remaining"] == 0.3 and read["oil_life"] == 0.12
    refused = client.post(_v(COMMUTER, "/state"), json={"oil_life": 0.5})
    assert refused.status_code == 400
    assert refused.json()["problems"] == ["oil_life: a BEV vehicle has no combustion engine"]


def test_pause_holds_the_car_while_the_clock_runs_and_play_goes_on(client: TestClient) -> None:
    playing = _get(client, _v(F150, "/timeline"))
    assert playing["has_timeline"] and not playing["paused"] and playing["repeats"]
    assert [s["kind"] for s in playing["stages"]][:2] == ["parked", "driving"]
    assert playing["stages"][1]["route"][0] == [47.6062, -122.3321]
    before = _get(client, _v(F150, "/readings"))
    assert _post(client, _v(F150, "/timeline/pause"))["paused"] is True
    _post(client, "/_mockcar/clock/advance", {"days": 1})
    held = _get(client, _v(F150, "/readings"))
    assert (held["odometer_km"], held["location"]) == (before["odometer_km"],
                                                       before["location"])
    assert _post(client, _v(F150, "/timeline/play"))["paused"] is False
    _post(client, "/_mockcar/clock/advance", {"days": 1})
    # A whole day of its routine later it has driven both ways again.
    assert _get(client, _v(F150, "/readings"))["odometer_km"] > before["odometer_km"]


def test_next_stage_moves_the_car_on_and_leaves_the_clock(client: TestClient) -> None:
    clock = _get(client, "/_mockcar/clock")
    now = _get(client, _v(F150, "/timeline"))
    current, kinds = now["current"], [s["kind"] for s in now["stages"]]
    # Skip to the next drive, then past it: the car arrives at the drive's end at once.
    while kinds[current] != "driving":
        current = _post(client, _v(F150, "/timeline/next"))["current"]
    start = _get(client, _v(F150, "/readings"))
    assert start["moving"] is True
    after = _post(client, _v(F150, "/timeline/next"))
    assert after["current"] == (current + 1) % len(kinds)
    arrived = _get(client, _v(F150, "/readings"))
    assert not arrived["moving"]
    end = now["stages"][current]["route"][-1]
    assert [arrived["location"]["latitude"], arrived["location"]["longitude"]] == end
    assert arrived["odometer_km"] > start["odometer_km"]
    assert _get(client, "/_mockcar/clock")["now"] == clock["now"]


def test_a_car_without_a_timeline_says_so_and_refuses_to_play(
        client: TestClient, register: Register) -> None:
    app = register()
    car = _get(client, app.path("/vehicles"), **app.auth)["vehicles"][0]["id"]
    shown = _get(client, app.path(f"/vehicles/{car}/timeline"), **app.auth)
    assert shown == {"vehicle_id": car, "has_timeline": False, "paused": False,
                     "repeats": False, "cycle": None, "current": None, "next": None,
                     "starts_at": None, "stages": []}
    for act in ("pause", "play", "next"):
        refused = client.post(app.path(f"/vehicles/{car}/timeline/{act}"), headers=app.auth,
                              json={})
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"] == "conflict"
        assert "has no timeline" in refused.json()["message"]
    unknown = client.post(_v("no-such-car", "/timeline/next"), json={})
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    typo = client.post(_v(F150, "/timeline/next"), json={"stage": 3})
    assert typo.status_code == 400 and typo.json()["problems"] == ["stage: unknown field"]


def test_estimated_latencies_list_what_the_car_answers(client: TestClient) -> None:
    tesla = _get(client, _v(COMMUTER, "/latencies"))
    paths = {(e["method"], e["path"]) for e in tesla["endpoints"]}
    assert ("GET", "/battery") in paths and ("GET", "/tesla/charge/ammeter") in paths
    assert ("GET", "/fuel") not in paths and ("GET", "/engine/oil") not in paths
    assert tesla["policy"] == "ideal"
    assert all(e["world_ms"] == 0 for e in tesla["endpoints"])
    lock = next(e for e in tesla["endpoints"] if (e["method"], e["path"]) == ("POST",
                                                                               "/security"))
    assert (lock["median_ms"], lock["p90_ms"], lock["feature"]) == (4200, 10500,
                                                                    "Lock & unlock")
    ford = _get(client, _v(F150, "/latencies"))
    ford_paths = {e["path"] for e in ford["endpoints"]}
    assert "/fuel" in ford_paths and "/battery" not in ford_paths
    assert not any(p.startswith("/tesla") for p in ford_paths)


def test_connected_applications_are_listed_and_revoked(client: TestClient) -> None:
    assert _get(client, _v(COMMUTER, "/connections"))["connections"] == []
    token = bearer(connect(client, DEMO, ROSA, vehicles=[COMMUTER, F150]))
    [shown] = _get(client, _v(COMMUTER, "/connections"))["connections"]
    assert shown["client_id"] == DEMO.client_id and shown["application"] == "Demo App"
    assert shown["owner"] == ROSA and "read_vehicle_info" in shown["permissions"]
    refused = client.post(_v(COMMUTER, "/connections/revoke"), json={"client_id": "nobody"})
    assert refused.status_code == 400
    revoked = _post(client, _v(COMMUTER, "/connections/revoke"),
                    {"client_id": DEMO.client_id})["revoked"]
    assert [(r["client_id"], r["vehicle_id"]) for r in revoked] == [(DEMO.client_id,
                                                                     COMMUTER)]
    assert _get(client, _v(COMMUTER, "/connections"))["connections"] == []
    # The token still reaches the other car, not this one.
    listed = client.get("/v2.0/vehicles", headers=token).json()["vehicles"]
    assert listed == [F150]
    assert client.get(f"/v2.0/vehicles/{COMMUTER}/odometer", headers=token).status_code >= 400


def test_the_webhooks_a_car_is_subscribed_to_are_listed(client: TestClient) -> None:
    assert _get(client, _v(COMMUTER, "/webhooks")) == {
        "vehicle_id": COMMUTER, "webhooks": [], "available": [], "deliveries": []}
    token = bearer(connect(client, DEMO, ROSA, vehicles=[COMMUTER]))
    subscribed = client.post(f"/v2.0/vehicles/{COMMUTER}/webhooks/{DEMO_WEBHOOK}",
                             headers=token)
    assert subscribed.status_code == 200, subscribed.text
    [webhook] = _get(client, _v(COMMUTER, "/webhooks"))["webhooks"]
    assert (webhook["id"], webhook["name"], webhook["application"]) == (
        DEMO_WEBHOOK, "Demo battery webhook", "Demo App")
    bad = client.get(_v(COMMUTER, "/webhooks"), params={"limit": "some"})
    assert bad.status_code == 400


def test_a_connected_car_is_subscribed_and_unsubscribed_here(client: TestClient) -> None:
    path = _v(COMMUTER, "/webhooks")
    refused = client.post(path + "/subscribe", json={"webhook_id": DEMO_WEBHOOK})
    assert refused.status_code == 409 and "not connected" in refused.json()["message"]
    connect(client, DEMO, ROSA, vehicles=[COMMUTER])
    offered = _get(client, path)
    assert [w["id"] for w in offered["available"]] == [DEMO_WEBHOOK]
    subscribed = _post(client, path + "/subscribe", {"webhook_id": DEMO_WEBHOOK})
    assert [w["id"] for w in subscribed["webhooks"]] == [DEMO_WEBHOOK]
    assert subscribed["available"] == []
    # The Management API sees the subscription too.
    listed = client.get(f"/_mockcar/applications/{DEMO.client_id}/webhooks/{DEMO_WEBHOOK}",
                        headers=DEMO.auth).json()
    assert COMMUTER in listed["subscribers"]
    ended = _post(client, path + "/unsubscribe", {"webhook_id": DEMO_WEBHOOK})
    assert ended["webhooks"] == [] and len(ended["available"]) == 1
    assert _post(client, path + "/unsubscribe", {"webhook_id": DEMO_WEBHOOK})["webhooks"] == []
    unknown = client.post(path + "/subscribe", json={"webhook_id": "nope"})
    assert unknown.status_code == 404
    missing = client.post(path + "/subscribe", json={})
    assert missing.status_code == 400 and missing.json()["problems"] == ["webhook_id: required"]

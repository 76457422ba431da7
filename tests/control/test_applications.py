"""Registering, authenticating, resetting and deleting applications; the server-wide
operations; the control API's error shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.tenants import Tenants
from mockcar.domain.world.world import World
from mockcar.settings import Settings
from tests.control.helpers import App, Register, bearer, connect

INLINE = """
version: 1
seed: 3
applications:
  - name: Inline Fleet
    client_id: inline-app
    client_secret: inline-secret
    redirect_uris: [https://fleet.example/callback]
owners:
  - email: dana@example.com
    password: dana-pw
    vehicles:
      - {make: TESLA, model: Model Y, powertrain: BEV, vin: 7SAYGDEE0PF000001}
"""


def test_health_answers_for_docker_and_the_cli(client: TestClient) -> None:
    health = client.get("/_mockcar/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert "default.yaml" in health.json()["scenarios"]


def test_registering_gives_fresh_credentials_over_a_copy_of_the_server_scenario(
    client: TestClient, register: Register, world: World
) -> None:
    app = register()
    body = app.body
    assert set(body) >= {"client_id", "client_secret", "management_token", "redirect_uris"}
    assert body["client_id"] not in world.applications
    assert body["scenario"] == {"source": "server", "name": None, "seed": None}
    template = next(iter(world.applications.values()))
    assert body["redirect_uris"] == list(template.redirect_uris)
    assert body["name"] == template.name
    vehicles = client.get(app.path("/vehicles"), headers=app.auth).json()["vehicles"]
    assert {v["id"] for v in vehicles} == set(world.vehicles)
    assert register().client_id != app.client_id


def test_an_inline_scenario_with_name_seed_and_redirect_uris(
    client: TestClient, register: Register
) -> None:
    app = register(scenario_yaml=INLINE, name="Mine", redirect_uris=["https://mine.example/cb"])
    assert app.body["name"] == "Mine"
    assert app.body["redirect_uris"] == ["https://mine.example/cb"]
    assert app.body["scenario"]["source"] == "inline"
    state = client.get(app.path("/state"), headers=app.auth).json()
    assert [v["vin"] for v in state["vehicles"]] == ["7SAYGDEE0PF000001"]
    assert state["seed"] == 3
    assert [a["client_id"] for a in state["applications"]] == [app.client_id]
    # Owners sign in with the scenario's passwords, but the app's secret is its own.
    answer = connect(client, app, "dana@example.com", mode="simulated", password="dana-pw")
    assert answer["vehicles"] == [state["vehicles"][0]["id"]]


def test_a_bundled_scenario_by_name_and_a_seed(client: TestClient, register: Register) -> None:
    app = register(scenario="default", seed=9)
    assert app.body["scenario"] == {"source": "bundled", "name": "default", "seed": 9}
    assert client.get(app.path("/state"), headers=app.auth).json()["seed"] == 9


def test_a_bad_scenario_is_refused_with_every_problem_located(client: TestClient) -> None:
    broken = client.post("/_mockcar/applications", json={
        "scenario_yaml": "version: 1\nowners:\n  - email: nobody\n    pasword: x\n"})
    assert broken.status_code == 422
    body = broken.json()
    assert body["error"] == "invalid_scenario" and body["status"] == 422
    assert any("owners[0].email" in p for p in body["problems"])
    assert any("did you mean 'password'" in p for p in body["problems"])

    unknown = client.post("/_mockcar/applications", json={"scenario": "../../etc/passwd"})
    assert unknown.status_code == 422
    assert "bundled: default.yaml" in unknown.json()["problems"][0]


def test_bad_registration_bodies_name_the_field(client: TestClient) -> None:
    cases = [
        ({"scenario": 3}, "scenario: must be a string"),
        ({"redirect_uris": ["not a url"]}, "redirect_uris"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"seed": -1}, "seed: must be at least 0"),
    ]
    for body, problem in cases:
        answer = client.post("/_mockcar/applications", json=body)
        assert answer.status_code == 400, body
        assert answer.json()["error"] == "invalid_request"
        assert any(problem in p for p in answer.json()["problems"]), answer.json()
    for raw in (b"{not json", b"[1, 2]"):
        answer = client.post("/_mockcar/applications", content=raw,
                             headers={"content-type": "application/json"})
        assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


def test_application_operations_need_that_application_s_credentials(
    client: TestClient, register: Register
) -> None:
    mine, theirs = register(), register()
    path = mine.path("/state")
    assert client.get(path).status_code == 401
    refused = client.get(path, headers=theirs.auth)
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorized"
    assert "management token" in refused.json()["message"]
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert client.get(path, headers=theirs.basic).status_code == 401
    assert client.get(path, headers={"Authorization": "Basic !!"}).status_code == 401
    assert client.get(path, headers=mine.auth).status_code == 200
    assert client.get(path, headers=mine.basic).status_code == 200
    # The answer names the application and repeats its credentials to their owner.
    shown = client.get(mine.path(), headers=mine.basic).json()
    assert shown["client_secret"] == mine.body["client_secret"]


def test_scenario_applications_are_reached_with_their_scenario_credentials(
    client: TestClient, world: World
) -> None:
    demo = next(iter(world.applications.values()))
    path = f"/_mockcar/applications/{demo.client_id}"
    auth = {"Authorization": f"Bearer {demo.management_token}"}
    answer = client.post(path + "/connect", headers=auth,
                         json={"email": "alice@example.com", "exchange": True})
    assert answer.status_code == 200
    assert answer.json()["access_token"] in world.tokens_by_access
    deleted = client.post(path + "/delete", headers=auth)
    assert (deleted.status_code, deleted.json()["error"]) == (409, "conflict")
    missing = client.get("/_mockcar/applications/no-such-app/state", headers=auth)
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")


def test_deleting_an_application_ends_its_tokens(
    client: TestClient, register: Register, app: Starlette
) -> None:
    mine = register()
    answer = connect(client, mine)
    assert client.get("/v2.0/user", headers=bearer(answer)).status_code == 200
    assert client.post(mine.path("/delete"), headers=mine.auth).json() == {
        "deleted": mine.client_id}
    assert client.get("/v2.0/user", headers=bearer(answer)).status_code == 401
    assert client.get(mine.path("/state"), headers=mine.auth).status_code == 404
    tenants: Tenants = app.state.tenants
    assert len(tenants) == 0


def test_resetting_an_application_rebuilds_its_world_and_keeps_its_credentials(
    client: TestClient, register: Register
) -> None:
    mine = register()
    answer = connect(client, mine)
    vehicle = answer["vehicles"][0]
    client.post(mine.path(f"/vehicles/{vehicle}/state"), headers=mine.auth,
                json={"locked": False})
    client.post(mine.path("/faults"), headers=mine.auth, json={"type": "SERVER",
                                                                "code": "INTERNAL"})
    assert client.post(mine.path("/reset"), headers=mine.auth).json() == {"status": "reset"}
    state = client.get(mine.path("/state"), headers=mine.auth).json()
    assert state["connections"] == [] and state["faults"] == []
    assert next(v for v in state["vehicles"] if v["id"] == vehicle)["state"]["locked"] is True
    assert client.get("/v2.0/user", headers=bearer(answer)).status_code == 401
    assert client.get(mine.path("/journal"), headers=mine.auth).json()["entries"] == []
    assert connect(client, mine)["access_token"]


def test_resetting_the_server_rebuilds_the_scenario_and_drops_applications(
    client: TestClient, register: Register, app: Starlette, world: World
) -> None:
    mine = register()
    vehicle = next(iter(world.vehicles))
    client.post(f"/_mockcar/vehicles/{vehicle}/state", json={"locked": False})
    assert world.vehicles[vehicle].state.locked is False
    reset = client.post("/_mockcar/reset")
    assert reset.json() == {"status": "reset", "applications_removed": 1}
    assert app.state.world is not world
    assert app.state.world.vehicles[vehicle].state.locked is True
    assert client.get(mine.path("/state"), headers=mine.auth).status_code == 404


def test_methods_and_paths_outside_the_table_answer_in_the_control_shape(
    client: TestClient, register: Register
) -> None:
    wrong = client.delete("/_mockcar/clock/advance")
    assert wrong.status_code == 405
    assert wrong.json() == {"error": "method_not_allowed", "status": 405,
                            "message": "DELETE is not allowed here; use POST."}
    assert wrong.headers["allow"] == "POST"
    assert client.get("/_mockcar/clock/advance").status_code == 405
    assert client.head("/_mockcar/clock").status_code == 200
    nowhere = client.get("/_mockcar/teleport")
    assert (nowhere.status_code, nowhere.json()["error"]) == (404, "not_found")
    app: App = register()
    assert client.post(app.path("/teleport"), headers=app.auth).status_code == 404


def test_a_server_reset_reads_an_edited_scenario_file(tmp_path: Path) -> None:
    scenario = tmp_path / "mine.yaml"
    scenario.write_text("version: 1\nseed: 1\n")
    with TestClient(create_app(Settings(scenario=scenario)), base_url="http://localhost") as client:
        assert client.get("/_mockcar/state").json()["owners"] == []
        scenario.write_text("version: 1\nseed: 1\nowners:\n  - email: gus@example.com\n"
                            "    password: pw\n")
        assert client.get("/_mockcar/state").json()["owners"] == []
        assert client.post("/_mockcar/reset").status_code == 200
        assert [o["email"] for o in client.get("/_mockcar/state").json()["owners"]] == [
            "gus@example.com"]
        scenario.write_text("version: 1\nowners: 3\n")
        broken = client.post("/_mockcar/reset")
        assert broken.status_code == 422
        assert any("owners" in p for p in broken.json()["problems"])


def test_resetting_through_a_scenario_application_rebuilds_the_scenario_world(
    client: TestClient, app: Starlette, world: World
) -> None:
    demo = next(iter(world.applications.values()))
    auth = {"Authorization": f"Bearer {demo.management_token}"}
    path = f"/_mockcar/applications/{demo.client_id}"
    answer = client.post(path + "/connect", headers=auth,
                         json={"email": "alice@example.com", "exchange": True}).json()
    client.get("/v2.0/user", headers={"Authorization": f"Bearer {answer['access_token']}"})
    assert client.get(path + "/journal/count", headers=auth).json() == {"count": 1}
    assert client.post(path + "/reset", headers=auth).json() == {"status": "reset"}
    assert app.state.world is not world
    assert client.get(path + "/journal/count", headers=auth).json() == {"count": 0}
    assert client.get("/v2.0/user", headers={
        "Authorization": f"Bearer {answer['access_token']}"}).status_code == 401


def test_an_unexpected_failure_is_a_500_in_the_control_shape(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(world: World) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr("mockcar.web.control.responses.state", broken)
    failed = client.get("/_mockcar/state")
    assert failed.status_code == 500
    assert failed.json() == {"error": "internal", "status": 500,
                             "message": "mockcar hit an unexpected error; its log has the "
                             "details."}

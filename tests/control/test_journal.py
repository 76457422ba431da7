"""The request journal: what the application under test sent, per tenant, queryable and
verifiable; never a secret in a dump."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from mockcar.domain.journal.journal import token_id
from mockcar.domain.world.tenants import Tenants
from mockcar.domain.world.world import World
from mockcar.errors import CATALOG
from tests.control.helpers import App, Register, bearer, connect


def _journal(client: TestClient, app: App, **query: str | int) -> dict[str, Any]:
    answer = client.get(app.path("/journal"), headers=app.auth, params=query)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_api_calls_are_recorded_with_application_vehicle_and_token(
    client: TestClient, register: Register
) -> None:
    app = register()
    answer = connect(client, app)
    vehicle = answer["vehicles"][0]
    client.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=bearer(answer))
    client.post(f"/v2.0/vehicles/{vehicle}/security", headers=bearer(answer),
                json={"action": "UNLOCK"})
    body = _journal(client, app)
    entries = body["entries"]
    # The headless Connect's exchange is not an HTTP request; control calls are not kept.
    assert [(e["method"], e["path"].rsplit("/", 1)[-1], e["status"]) for e in entries] == [
        ("GET", "odometer", 200), ("POST", "security", 200)]
    first, second = entries
    assert first["client_id"] == app.client_id and first["vehicle_id"] == vehicle
    assert first["token_id"] == token_id(answer["access_token"])
    assert first["request_id"] and first["duration_ms"] >= 0
    assert second["body"] == {"action": "UNLOCK"}
    assert body["count"] == 2 and body["dropped"] == 0


def test_filters_count_and_verify(client: TestClient, register: Register) -> None:
    app = register()
    answer = connect(client, app)
    vehicle = answer["vehicles"][0]
    for _ in range(3):
        client.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=bearer(answer))
    client.get(f"/v2.0/vehicles/{vehicle}/oil", headers=bearer(answer))
    client.get("/v2.0/vehicles", headers={"Authorization": "Bearer unknown"})

    def count(**query: str | int) -> int:
        return int(client.get(app.path("/journal/count"), headers=app.auth,
                              params=query).json()["count"])

    assert count(path="/v2.0/vehicles/{id}/odometer") == 3
    assert count(path="*/odometer/", method="get", status=200) == 3
    assert count(vehicle_id=vehicle) == 4
    assert count(token=answer["access_token"]) == 4
    assert count(status=404) == 1
    assert count() == 4  # the unknown token's request is nobody's
    newest = _journal(client, app, limit=1)["entries"]
    assert newest[0]["path"].endswith("/oil")
    assert count(since=newest[0]["seq"]) == 0

    def verify(**body: object) -> dict[str, object]:
        answer = client.post(app.path("/journal/verify"), headers=app.auth, json=body)
        assert answer.status_code == 200, answer.text
        result: dict[str, object] = answer.json()
        return result

    assert verify(path="*/odometer", times=3)["verified"] is True
    wrong = verify(path="*/odometer", times=2)
    assert (wrong["verified"], wrong["count"], wrong["expected"]) == (False, 3, "exactly 2")
    assert "3 request(s) matched (path=*/odometer)" in str(wrong["message"])
    assert verify(path="*/odometer", at_least=2, at_most=3)["verified"] is True
    assert verify(path="*/lock")["verified"] is False
    assert client.post(app.path("/journal/verify"), headers=app.auth,
                       json={"times": 1, "at_least": 1}).status_code == 400
    assert client.get(app.path("/journal/count"), headers=app.auth,
                      params={"status": "ok"}).status_code == 400
    assert client.post(app.path("/journal/clear"), headers=app.auth).json() == {"cleared": 4}
    assert count() == 0


def test_journals_are_per_tenant_scenario_and_unclaimed(
    client: TestClient, register: Register, world: World, app: Starlette
) -> None:
    mine, theirs = register(), register()
    mine_answer, their_answer = connect(client, mine), connect(client, theirs)
    client.get("/v2.0/user", headers=bearer(mine_answer))
    client.get("/v2.0/user", headers=bearer(their_answer))
    client.get("/v2.0/user", headers=bearer(their_answer))
    client.get("/v2.0/user", headers={"Authorization": "Bearer stranger"})
    demo = next(iter(world.applications.values()))
    client.get("/oauth/authorize", params={"response_type": "code", "client_id": demo.client_id})
    # A browser on mockcar's pages, not an application: its icon and /docs' document.
    assert client.get("/favicon.svg").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert len(_journal(client, mine)["entries"]) == 1
    assert len(_journal(client, theirs)["entries"]) == 2
    scenario = client.get("/_mockcar/journal").json()["entries"]
    assert [(e["path"], e["client_id"]) for e in scenario] == [
        ("/oauth/authorize", demo.client_id)]
    unclaimed = client.get("/_mockcar/journal/unclaimed").json()["entries"]
    assert [e["path"] for e in unclaimed] == ["/v2.0/user"]
    tenants: Tenants = app.state.tenants
    assert tenants.unclaimed_journal.count() == 1
    # Filtered like a World's journal (and its stream).
    client.get("/v2.0/vehicles", headers={"Authorization": "Bearer stranger"})
    filtered = client.get("/_mockcar/journal/unclaimed", params={"path": "*/vehicles"})
    assert [e["path"] for e in filtered.json()["entries"]] == ["/v2.0/vehicles"]
    newest = client.get("/_mockcar/journal/unclaimed", params={"limit": 1}).json()
    assert [e["path"] for e in newest["entries"]] == ["/v2.0/vehicles"]
    assert client.get("/_mockcar/journal/unclaimed", params={"status": "x"}).status_code == 400


def test_connect_pages_and_the_token_endpoint_land_in_the_tenant_journal(
    client: TestClient, register: Register
) -> None:
    app = register()
    preamble = client.get("/oauth/authorize", params={
        "response_type": "code", "client_id": app.client_id, "mode": "test"})
    assert preamble.status_code == 200
    step = preamble.text.split('action="', 1)[1].split('"', 1)[0]
    client.post(step, data={"csrf_token": "wrong"})
    code = client.post(app.path("/connect"), headers=app.auth,
                       json={"email": "a@example.com"}).json()["code"]
    client.post("/oauth/token", headers=app.basic,
                data={"grant_type": "authorization_code", "code": code})
    # The v3 application token, the client's credentials in the form body only.
    issued = client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": app.client_id,
        "client_secret": app.body["client_secret"]})
    assert issued.status_code == 200, issued.text
    entries = _journal(client, app)["entries"]
    paths = [e["path"] for e in entries]
    assert paths[0] == "/oauth/authorize"
    assert paths[1].startswith("/oauth/authorize/[REDACTED]/")
    assert paths[2:] == ["/oauth/token", "/oauth2/token"]
    assert entries[3]["client_id"] == app.client_id
    assert client.get("/_mockcar/journal/unclaimed").json()["entries"] == []


def test_secrets_never_appear_in_a_dump(client: TestClient, register: Register) -> None:
    app = register()
    answer = connect(client, app, exchange=False)
    code = answer["code"]
    pair = client.post("/oauth/token", headers=app.basic, data={
        "grant_type": "authorization_code", "code": code,
        "client_secret": "form-secret"}).json()
    refresh = pair.get("refresh_token", "")
    pair = connect(client, app)
    client.post("/oauth/token", headers=app.basic, data={
        "grant_type": "refresh_token", "refresh_token": pair["refresh_token"]})
    management = base64.b64encode(f"default:{app.body['management_token']}".encode()).decode()
    client.get("/v2.0/management/connections", headers={"Authorization": f"Basic {management}"})
    client.get("/v2.0/vehicles", params={"access_token": pair["access_token"], "limit": "5"},
               headers=bearer(pair))
    client.post(f"/v2.0/vehicles/{pair['vehicles'][0]}/security", headers=bearer(pair),
                json={"action": "LOCK", "nested": {"password": "hunter2", "apiToken": "t0k"}})
    client.post("/oauth/token", headers={"Authorization": bearer(pair)["Authorization"],
                                         "content-type": "text/plain"}, content=b"opaque")

    dumps = [client.get(app.path("/journal"), headers=app.auth).text,
             client.get(app.path("/state"), headers=app.auth).text]
    secrets = [app.body["client_secret"], app.body["management_token"], code,
               pair["access_token"], pair["refresh_token"], "form-secret", "hunter2", "t0k",
               base64.b64encode(f"{app.client_id}:{app.body['client_secret']}".encode()).decode(),
               management]
    if refresh:
        secrets.append(refresh)
    for dump in dumps:
        for secret in secrets:
            assert secret not in dump, secret
    entries = json.loads(dumps[0])["entries"]
    assert {e["headers"].get("authorization") for e in entries} >= {
        "Bearer [REDACTED]", "Basic [REDACTED]"}
    vehicles = next(e for e in entries if e["path"] == "/v2.0/vehicles")
    assert vehicles["query"] == "access_token=[REDACTED]&limit=5"
    lock = next(e for e in entries if e["path"].endswith("/security"))
    assert lock["body"] == {"action": "LOCK",
                            "nested": {"password": "[REDACTED]", "apiToken": "[REDACTED]"}}
    token_form = next(e for e in entries if e["path"] == "/oauth/token")
    assert token_form["body"]["grant_type"] == "authorization_code"
    assert token_form["body"]["code"] == "[REDACTED]"
    assert entries[-1]["body"] == "<6 bytes of text/plain, not shown>"


def test_an_error_answer_keeps_mockcars_hint_beside_smartcars_text(
    client: TestClient, register: Register
) -> None:
    app = register()
    answer = connect(client, app)
    vehicle = answer["vehicles"][0]
    refused = client.get(f"/v2.0/vehicles/{vehicle}/warp-drive", headers=bearer(answer))
    assert refused.status_code == 404
    assert refused.json()["description"] == CATALOG[("RESOURCE_NOT_FOUND", "PATH")].description
    hint = refused.headers["mockcar-hint"]
    assert "warp-drive" in hint
    entry = _journal(client, app, status=404)["entries"][-1]
    assert entry["hint"] == hint
    ok = client.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=bearer(answer))
    assert "mockcar-hint" not in ok.headers
    assert _journal(client, app, status=200)["entries"][-1]["hint"] is None

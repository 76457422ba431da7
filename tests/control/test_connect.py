"""Headless Connect: the same step machine as the pages, without them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from tests.control.helpers import ALICE, App, Register, bearer, connect


def _connect(client: TestClient, app: App, **body: object) -> tuple[int, dict[str, object]]:
    answer = client.post(app.path("/connect"), headers=app.auth, json=body)
    return answer.status_code, answer.json()


def test_a_code_that_the_real_token_endpoint_redeems(
    client: TestClient, register: Register
) -> None:
    app = register()
    status, answer = _connect(client, app, email=ALICE[0], state="xyz",
                              scopes="read_odometer required:read_vin")
    assert status == 200
    assert answer["permissions"] == ["read_odometer", "read_vin"]
    assert "access_token" not in answer
    redirect = urlsplit(str(answer["redirect_url"]))
    assert f"{redirect.scheme}://{redirect.netloc}{redirect.path}" == app.body["redirect_uris"][0]
    assert parse_qs(redirect.query) == {"code": [answer["code"]], "state": ["xyz"]}
    token = client.post("/oauth/token", headers=app.basic, data={
        "grant_type": "authorization_code", "code": answer["code"]})
    assert token.status_code == 200, token.text
    assert set(token.json()) == {"access_token", "token_type", "expires_in", "refresh_token"}
    again = client.post("/oauth/token", headers=app.basic, data={
        "grant_type": "authorization_code", "code": answer["code"]})
    assert again.status_code == 400  # single use, as from the pages


def test_exchange_returns_a_working_pair(client: TestClient, register: Register) -> None:
    app = register()
    answer = connect(client, app, scopes=["read_vehicle_info"])
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 7200
    vehicles = client.get("/v2.0/vehicles", headers=bearer(answer)).json()["vehicles"]
    assert vehicles == answer["vehicles"]
    refused = client.get(f"/v2.0/vehicles/{vehicles[0]}/odometer", headers=bearer(answer))
    assert (refused.status_code, refused.json()["type"]) == (403, "PERMISSION")
    refreshed = client.post("/oauth/token", headers=app.basic, data={
        "grant_type": "refresh_token", "refresh_token": answer["refresh_token"]})
    assert refreshed.status_code == 200


def test_choosing_vehicles_by_id_or_vin(
    client: TestClient, register: Register
) -> None:
    app = register()
    state = client.get(app.path("/state"), headers=app.auth).json()
    alice = next(o for o in state["owners"] if o["email"] == ALICE[0])
    vins = {v["id"]: v["vin"] for v in state["vehicles"]}
    first, second = alice["vehicle_ids"][:2]
    answer = connect(client, app, vehicles=[first, vins[second].lower()])
    assert answer["vehicles"] == [first, second]
    status, refused = _connect(client, app, email=ALICE[0], vehicles=["not-hers"])
    assert status == 400 and "has no vehicle not-hers" in str(refused["message"])


def test_deny_and_the_test_mode_error_accounts_return_the_redirect_error(
    client: TestClient, register: Register
) -> None:
    app = register()
    status, denied = _connect(client, app, email=ALICE[0], deny=True, state="s1")
    assert status == 200
    assert (denied["error"], denied["state"]) == ("access_denied", "s1")
    assert "error=access_denied" in str(denied["redirect_url"])
    state = client.get(app.path("/state"), headers=app.auth).json()
    assert state["connections"] == []
    status, incompatible = _connect(client, app, email="smartcar@vehicle-incompatible.com")
    assert (status, incompatible["error"]) == (200, "vehicle_incompatible")


def test_simulated_mode_checks_the_password(client: TestClient, register: Register) -> None:
    app = register()
    status, refused = _connect(client, app, email=ALICE[0], mode="simulated", password="wrong")
    assert (status, refused["error"]) == (400, "sign_in_refused")
    assert connect(client, app, mode="simulated", password=ALICE[1])["vehicles"]


def test_test_mode_makes_accounts_for_any_email(client: TestClient, register: Register) -> None:
    app = register()
    answer = connect(client, app, "7-vehicles@smartcar.com")
    assert len(answer["vehicles"]) == 7
    single = _connect(client, app, email="7-vehicles@smartcar.com", single_select=True)
    assert single[0] == 400  # several vehicles, and the request allows one


def test_the_request_is_checked_as_a_connect_url_would_be(
    client: TestClient, register: Register
) -> None:
    app = register()
    for body, text in (
        ({"email": ALICE[0], "redirect_uri": "https://evil.example/cb"}, "not registered"),
        ({"email": ALICE[0], "scopes": ["read_minds"]}, "read_minds"),
        ({"email": ALICE[0], "mode": "party"}, "mode"),
        ({"email": ["alice"]}, "email"),
        ({"email": ALICE[0], "exchange": "yes"}, "exchange: must be true or false"),
    ):
        status, refused = _connect(client, app, **body)
        assert status == 400, body
        assert text in str(refused), refused


def test_without_an_email_the_scenarios_first_owner_signs_in(
    client: TestClient, register: Register
) -> None:
    app = register()
    state = client.get(app.path("/state"), headers=app.auth).json()
    first = next(o for o in state["owners"] if not o["generated"] and o["vehicle_ids"])
    # Simulated mode checks the password: the owner's own from the scenario is used.
    for mode in ("test", "simulated"):
        status, answer = _connect(client, app, mode=mode)
        assert status == 200, answer
        assert answer["user_id"] == first["id"] and first["email"] == ALICE[0]
        assert answer["vehicles"] == first["vehicle_ids"]
    status, refused = _connect(client, app, mode="simulated", password="wrong")
    assert (status, refused["error"]) == (400, "sign_in_refused")


def test_make_signs_in_at_that_brand(client: TestClient, register: Register) -> None:
    app = register()

    def at(email: str, make: str) -> Any:
        status, answer = _connect(client, app, email=email, make=make)
        assert status == 200, answer
        return answer

    kias = at("3-vehicles@smartcar.com", "kia")["vehicles"]
    state = client.get(app.path("/state"), headers=app.auth).json()
    makes = {v["id"]: v["make"] for v in state["vehicles"]}
    assert len(kias) == 3 and {makes[v] for v in kias} == {"KIA"}
    alice = next(o for o in state["owners"] if o["email"] == ALICE[0])
    fords = [v for v in alice["vehicle_ids"] if makes[v] == "FORD"]
    assert fords and len(fords) < len(alice["vehicle_ids"])
    assert at(ALICE[0], "FORD")["vehicles"] == fords
    assert at(ALICE[0], "CHEVROLET")["error"] == "no_vehicles"

"""The official Python SDK against a live mockcar: every top-level function and the
account-level `Vehicle` methods turn mockcar's answers into their typed responses.

AuthClient (get_auth_url with every option, exchange_code, exchange_refresh_token),
get_user, get_vehicles, get_compatibility, get_compatibility_matrix, get_connections,
delete_connections, hash_challenge, verify_payload, Vehicle.subscribe / unsubscribe /
disconnect, set_api_version / get_api_version. (Vehicle reads and commands:
test_sdk_vehicle_conformance.py; the Connect walk: test_sdk_flow.py.)
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import smartcar

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.webhooks import signatures
from mockcar.domain.world.world import Application, Connection, Owner, World
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at

SCOPE = ["read_vehicle_info", "read_odometer", "read_battery"]


@pytest.fixture
def server() -> Iterator[MockcarServer]:
    """A server per test: connections made or deleted by one test are not another's."""
    with MockcarServer() as running, smartcar_sdk_pointed_at(running.url):
        yield running


@pytest.fixture
def world(server: MockcarServer) -> World:
    return server.world


@pytest.fixture
def app(world: World) -> Application:
    return next(iter(world.applications.values()))


@pytest.fixture
def client(app: Application) -> smartcar.AuthClient:
    return smartcar.AuthClient(app.client_id, app.client_secret, app.redirect_uris[0],
                               mode="simulated")


def owner_with_several(world: World) -> Owner:
    return max((o for o in world.owners.values() if not o.generated),
               key=lambda o: len(o.vehicle_ids))


def consent(world: World, app: Application, owner: Owner) -> tuple[Connection, str]:
    """An owner's consent and its authorization code, as Connect would make them (the
    Connect pages themselves are walked in test_sdk_flow.py)."""
    connection = world.connect(app.client_id, owner, owner.vehicle_ids, SCOPE, "simulated")
    return connection, world.issue_code(connection, app.redirect_uris[0]).code


def access_token(world: World, app: Application, client: smartcar.AuthClient,
                 owner: Owner) -> str:
    _, code = consent(world, app, owner)
    return str(client.exchange_code(code).access_token)


def test_get_auth_url_with_every_option(server: MockcarServer, client: smartcar.AuthClient,
                                        world: World) -> None:
    vehicle = next(iter(world.vehicles.values()))
    url = client.get_auth_url(SCOPE, {
        "force_prompt": True, "state": "s-1", "make_bypass": "TESLA",
        "single_select": {"vin": vehicle.vin}, "flags": {"country": "DE", "beta": True},
        "user": "user-42",
    })
    assert url.startswith(server.url + "/oauth/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query == {
        "response_type": "code", "client_id": client.client_id, "approval_prompt": "force",
        "mode": "simulated", "redirect_uri": client.redirect_uri, "scope": " ".join(SCOPE),
        "state": "s-1", "make": "TESLA", "single_select_vin": vehicle.vin,
        "single_select": "true", "flags": "country:DE beta:true", "user": "user-42",
    }
    enabled = client.get_auth_url(SCOPE, {"single_select": {"enabled": True}})
    disabled = client.get_auth_url(None, {"single_select": {"enabled": False}})
    assert "single_select=true" in enabled and "single_select=false" in disabled
    with httpx.Client(timeout=10) as http:
        for each in (url, enabled, disabled):
            page = http.get(each)
            assert page.status_code == 200, page.text[:300]
            assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("mode", ["test", "live", "simulated"])
def test_every_connect_mode_is_accepted(app: Application, mode: str) -> None:
    client = smartcar.AuthClient(app.client_id, app.client_secret, app.redirect_uris[0],
                                 mode=mode)
    with httpx.Client(timeout=10) as http:
        assert http.get(client.get_auth_url(SCOPE)).status_code == 200


def test_deprecated_test_mode_flag_still_builds_a_test_url(app: Application) -> None:
    with pytest.warns(DeprecationWarning, match="testMode"):
        client = smartcar.AuthClient(app.client_id, app.client_secret, app.redirect_uris[0],
                                     test_mode=True)
    assert "mode=test" in client.get_auth_url(SCOPE)


def test_exchange_code_and_refresh(world: World, app: Application,
                                   client: smartcar.AuthClient) -> None:
    owner = owner_with_several(world)
    _, code = consent(world, app, owner)
    access = client.exchange_code(code, {"flags": {"beta": True}})
    assert (access.token_type, access.expires_in) == ("Bearer", 7200)
    assert isinstance(access.expiration, datetime.datetime)
    assert access.refresh_expiration > access.expiration
    refreshed = client.exchange_refresh_token(access.refresh_token, {"flags": {"beta": True}})
    assert refreshed.access_token != access.access_token
    assert refreshed.refresh_token != access.refresh_token
    assert smartcar.get_user(refreshed.access_token).id == owner.id


def test_get_user_and_get_vehicles_paging(world: World, app: Application,
                                          client: smartcar.AuthClient) -> None:
    owner = owner_with_several(world)
    token = access_token(world, app, client, owner)
    user = smartcar.get_user(token)
    assert user.id == owner.id and len(user.meta.request_id) == 36
    everything = smartcar.get_vehicles(token)
    assert everything.vehicles == owner.vehicle_ids
    assert (everything.paging.count, everything.paging.offset) == (len(owner.vehicle_ids), 0)
    page = smartcar.get_vehicles(token, {"limit": 2, "offset": 1})
    assert page.vehicles == owner.vehicle_ids[1:3]
    assert (page.paging.count, page.paging.offset) == (len(owner.vehicle_ids), 1)


def test_api_version_is_checked_and_kept() -> None:
    assert smartcar.get_api_version() == "2.0"
    with pytest.raises(ValueError):
        smartcar.set_api_version("two")
    assert smartcar.get_api_version() == "2.0"


def test_get_compatibility(world: World, app: Application,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    tesla = next(v for v in world.vehicles.values()
                 if v.make == "TESLA" and v.powertrain is Powertrain.BEV)
    credentials = {"client_id": app.client_id, "client_secret": app.client_secret}
    answer = smartcar.get_compatibility(tesla.vin, ["read_odometer", "read_fuel"], "US",
                                        {**credentials, "flags": {"beta": True}})
    assert answer.compatible is True and answer.reason is None
    assert [(c.permission, c.endpoint, c.capable, c.reason) for c in answer.capabilities] == [
        ("read_odometer", "/odometer", True, None),
        ("read_fuel", "/fuel", False, "VEHICLE_NOT_CAPABLE"),
    ]
    assert len(answer.meta.request_id) == 36

    monkeypatch.setenv("SMARTCAR_CLIENT_ID", app.client_id)
    monkeypatch.setenv("SMARTCAR_CLIENT_SECRET", app.client_secret)
    unknown = smartcar.get_compatibility("ZZZ00000000000000", ["read_vin"])
    assert (unknown.compatible, unknown.reason, unknown.capabilities) == (
        False, "MAKE_NOT_COMPATIBLE", [])
    abroad = smartcar.get_compatibility(tesla.vin, ["read_vin"], "DE", credentials)
    assert (abroad.compatible, abroad.capabilities) == (True, [])
    # (version "1.0" is not tried: SDK 6.19.1 reads `params.mode` off a dict there and
    # fails before sending; tests/web/v2/test_compatibility.py covers /v1.0/.)

    with pytest.raises(smartcar.SmartcarException) as refused:
        smartcar.get_compatibility(tesla.vin, ["read_vin"], "US",
                                   {"client_id": app.client_id, "client_secret": "wrong"})
    assert (refused.value.status_code, refused.value.type) == (401, "AUTHENTICATION")


def test_get_compatibility_matrix(app: Application) -> None:
    # SDK 6.19.1 defines it in smartcar.smartcar without exporting it from `smartcar`.
    options = {"client_id": app.client_id, "client_secret": app.client_secret,
               "type": "BEV", "scope": ["read_battery", "read_charge"]}
    matrix = smartcar.smartcar.get_compatibility_matrix("US", "NISSAN TESLA", options)
    assert sorted(matrix) == ["NISSAN", "TESLA"]
    leaf = matrix["NISSAN"][0]
    assert (leaf.model, leaf.type) == ("LEAF", "BEV")
    assert leaf.startYear <= leaf.endYear
    assert {"read_battery", "read_charge"} <= set(leaf.permissions)
    assert "EV battery" in leaf.endpoints
    everything = smartcar.smartcar.get_compatibility_matrix(
        "EUROPE", "", {"client_id": app.client_id, "client_secret": app.client_secret})
    assert len(everything) > 5


def test_get_and_delete_connections(world: World, app: Application,
                                    client: smartcar.AuthClient) -> None:
    owner = owner_with_several(world)
    token = access_token(world, app, client, owner)
    amt = app.management_token
    mine = smartcar.get_connections(amt, {"user_id": owner.id})
    assert {c.vehicle_id for c in mine.connections} == set(owner.vehicle_ids)
    assert all(c.user_id == owner.id for c in mine.connections)
    assert all(c.connected_at.endswith("Z") for c in mine.connections)
    assert len(mine.meta.request_id) == 36

    seen = []
    cursor = None
    while True:
        paging = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = smartcar.get_connections(amt, {"user_id": owner.id}, paging)
        seen += page.connections
        cursor = page.paging.cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(mine.connections)
    one = smartcar.get_connections(amt, {"vehicle_id": owner.vehicle_ids[0]})
    assert {c.vehicle_id for c in one.connections} == {owner.vehicle_ids[0]}

    gone = smartcar.delete_connections(amt, {"vehicle_id": owner.vehicle_ids[0]})
    assert {(c.vehicle_id, c.user_id) for c in gone.connections} == {
        (owner.vehicle_ids[0], owner.id)}
    assert all(c.connected_at is None for c in gone.connections)
    assert owner.vehicle_ids[0] not in smartcar.get_vehicles(token).vehicles
    ended = smartcar.delete_connections(amt, {"user_id": owner.id})
    assert {c.vehicle_id for c in ended.connections} == set(owner.vehicle_ids[1:])
    with pytest.raises(smartcar.SmartcarException) as revoked:
        smartcar.get_vehicles(token)
    assert revoked.value.status_code == 401
    with pytest.raises(smartcar.SmartcarException) as wrong:
        smartcar.get_connections("not-the-amt")
    assert (wrong.value.status_code, wrong.value.type) == (401, "AUTHENTICATION")


def test_hash_challenge_and_verify_payload_agree_with_mockcar_signatures(
    app: Application
) -> None:
    amt = app.management_token
    challenge = "6b1f4c1e-challenge"
    assert smartcar.hash_challenge(amt, challenge) == signatures.challenge_response(amt,
                                                                                    challenge)
    body = signatures.compact_json({"version": "2.0", "eventName": "verify",
                                    "payload": {"challenge": challenge}})
    signature = signatures.sign(amt, body)
    assert smartcar.verify_payload(amt, signature, body)
    assert json.dumps(json.loads(body), separators=(",", ":")) == body
    assert not smartcar.verify_payload(amt, signature, body + " ")
    assert not smartcar.verify_payload("another-amt", signature, body)


def test_subscribe_unsubscribe_and_disconnect(world: World, app: Application,
                                              client: smartcar.AuthClient) -> None:
    owner = owner_with_several(world)
    token = access_token(world, app, client, owner)
    webhook = app.webhooks[0]
    first, second = owner.vehicle_ids[:2]
    vehicle = smartcar.Vehicle(first, token)

    subscribed = vehicle.subscribe(webhook.id)
    assert (subscribed.webhook_id, subscribed.vehicle_id) == (webhook.id, first)
    assert len(subscribed.meta.request_id) == 36
    assert first in world.subscriptions[webhook.id]
    with pytest.raises(smartcar.SmartcarException) as unknown:
        vehicle.subscribe("not-a-webhook")
    assert (unknown.value.status_code, unknown.value.type, unknown.value.code) == (
        400, "VALIDATION", None)

    assert vehicle.unsubscribe(app.management_token, webhook.id).status == "success"
    assert first not in world.subscriptions[webhook.id]
    with pytest.raises(smartcar.SmartcarException) as bad_amt:
        vehicle.unsubscribe("not-the-amt", webhook.id)
    assert (bad_amt.value.status_code, bad_amt.value.type, bad_amt.value.code) == (
        401, "AUTHENTICATION", None)
    assert len(bad_amt.value.request_id) == 36

    disconnected = vehicle.disconnect()
    assert disconnected.status == "success"
    with pytest.raises(smartcar.SmartcarException):
        vehicle.attributes()
    assert smartcar.Vehicle(second, token).attributes().id == second

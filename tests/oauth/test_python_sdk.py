"""The token endpoint through the official Python SDK (PyPI `smartcar`), unchanged,
against a live server: what a user's app actually runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import smartcar
import smartcar.config

from mockcar.domain.world.world import Connection, World
from mockcar.testing import MockcarServer
from tests.oauth.helpers import APP, EXCHANGE, IssueCode


@pytest.fixture
def server(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[MockcarServer]:
    with MockcarServer(world=world) as running:
        # The SDK read SMARTCAR_AUTH_ORIGIN (the full token URL) at import.
        monkeypatch.setattr(smartcar.config, "AUTH_ORIGIN", running.url + "/oauth/token")
        monkeypatch.delenv("SMARTCAR_REDIRECT_URI", raising=False)
        yield running


@pytest.mark.parametrize("redirect_uri", [EXCHANGE, None])
def test_exchange_code_then_refresh(
    server: MockcarServer, issue_code: IssueCode, world: World, connection: Connection,
    redirect_uri: str | None,
) -> None:
    auth = smartcar.AuthClient(APP.client_id, APP.client_secret, redirect_uri, mode="test")

    access = auth.exchange_code(issue_code(EXCHANGE).code, {"flags": {"country": "DE"}})

    assert access.token_type == "Bearer"
    assert access.expires_in == 7200
    assert world.authenticate(access.access_token).id == connection.id

    refreshed = auth.exchange_refresh_token(access.refresh_token)

    assert refreshed.refresh_token != access.refresh_token
    assert world.authenticate(refreshed.access_token).id == connection.id


def test_a_bad_code_raises_the_servers_message(server: MockcarServer) -> None:
    auth = smartcar.AuthClient(APP.client_id, APP.client_secret, EXCHANGE)

    with pytest.raises(smartcar.SmartcarException) as raised:
        auth.exchange_code("THIS_SHOULD_NOT_WORK")

    assert raised.value.status_code == 400
    assert raised.value.type == "invalid_grant"
    assert raised.value.message == "Invalid code: THIS_SHOULD_NOT_WORK."


def test_bad_credentials_raise_invalid_client(server: MockcarServer) -> None:
    auth = smartcar.AuthClient(APP.client_id, "wrong-secret", EXCHANGE)

    with pytest.raises(smartcar.SmartcarException) as raised:
        auth.exchange_refresh_token("whatever")

    assert raised.value.status_code == 401
    assert raised.value.type == "invalid_client"
    assert "Wrong client secret" in raised.value.message


def test_a_replayed_code_ends_the_tokens_it_gave_and_a_retried_refresh_repeats_itself(
    server: MockcarServer, issue_code: IssueCode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RFC 6749 §4.1.2 and rotation's grace minute, as the SDK sees them."""
    monkeypatch.setattr(smartcar.config, "API_ORIGIN", server.url)
    auth = smartcar.AuthClient(APP.client_id, APP.client_secret, EXCHANGE, mode="test")
    code = issue_code(EXCHANGE).code
    access = auth.exchange_code(code)

    refreshed = auth.exchange_refresh_token(access.refresh_token)
    retried = auth.exchange_refresh_token(access.refresh_token)

    assert (retried.access_token, retried.refresh_token) == (
        refreshed.access_token, refreshed.refresh_token)
    assert smartcar.get_vehicles(refreshed.access_token).vehicles

    with pytest.raises(smartcar.SmartcarException) as replayed:
        auth.exchange_code(code)
    assert (replayed.value.type, replayed.value.message) == (
        "invalid_grant", f"Invalid code: {code}.")
    for token in (access.access_token, refreshed.access_token):
        with pytest.raises(smartcar.SmartcarException) as refused:
            smartcar.get_vehicles(token)
        assert (refused.value.status_code, refused.value.type) == (401, "AUTHENTICATION")
    with pytest.raises(smartcar.SmartcarException) as dead:
        auth.exchange_refresh_token(refreshed.refresh_token)
    assert dead.value.type == "invalid_grant"

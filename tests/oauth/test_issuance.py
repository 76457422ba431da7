"""A code redeemed without an HTTP request (mockcar.oauth.issuance, headless Connect's
`exchange`) goes through the token endpoint's own grant: the pair works at
`POST /oauth/token`'s refresh, the code is single-use, and a replay revokes the pair
(https://smartcar.com/docs/api-reference/authorization/auth-code-exchange)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mockcar.domain.world.world import World
from mockcar.oauth.issuance import ExchangeRefused, exchange_code
from mockcar.oauth.server import MockcarAuthorizationServer, build_authorization_server
from mockcar.settings import Settings
from tests.oauth.helpers import APP, CALLBACK, EXCHANGE, OTHER_APP, IssueCode, TokenClient


@pytest.fixture
def server(world: World) -> MockcarAuthorizationServer:
    return build_authorization_server(
        lambda client_id: world if world.application(client_id) else None, Settings())


def test_the_pair_is_stored_and_refreshes_at_the_token_endpoint(
    world: World, server: MockcarAuthorizationServer, issue_code: IssueCode,
    client: TokenClient,
) -> None:
    code = issue_code()
    pair = exchange_code(server, APP, code.code, EXCHANGE)
    assert (pair.token_type, pair.expires_in) == ("Bearer", 7200)
    stored = world.tokens_by_access[pair.access_token]
    assert stored.refresh_token == pair.refresh_token and stored.code == code.code
    assert code.used
    refreshed = client.refresh(pair.refresh_token)
    assert refreshed.status_code == 200, refreshed.text


def test_a_code_is_single_use_and_a_replay_revokes_its_pair(
    world: World, server: MockcarAuthorizationServer, issue_code: IssueCode,
) -> None:
    code = issue_code()
    pair = exchange_code(server, APP, code.code)
    with pytest.raises(ExchangeRefused) as refused:
        exchange_code(server, APP, code.code)
    assert refused.value.error == "invalid_grant"
    assert refused.value.description == f"Invalid code: {code.code}."
    assert world.tokens_by_access[pair.access_token].revoked


def test_the_grant_s_checks_apply(
    world: World, server: MockcarAuthorizationServer, issue_code: IssueCode,
) -> None:
    with pytest.raises(ExchangeRefused, match="Unauthorized redirect_uri"):
        exchange_code(server, APP, issue_code(EXCHANGE).code, CALLBACK)
    with pytest.raises(ExchangeRefused, match="invalid_grant"):
        exchange_code(server, OTHER_APP, issue_code().code)  # another client's code
    late = issue_code()
    world.clock.advance(timedelta(minutes=10))
    with pytest.raises(ExchangeRefused, match="invalid_grant"):
        exchange_code(server, APP, late.code)

"""grant_type=authorization_code (RFC 6749 §4.1.3;
https://smartcar.com/docs/api-reference/authorization/auth-code-exchange)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mockcar.domain.world.world import Connection, World
from mockcar.errors import SmartcarError
from tests.oauth.helpers import (
    CALLBACK,
    EXCHANGE,
    OTHER_AUTH,
    IssueCode,
    TokenClient,
    assert_oauth_error,
    is_uuid4,
)


def test_success_has_smartcars_shape_and_headers(
    client: TokenClient, issue_code: IssueCode, world: World, connection: Connection
) -> None:
    response = client.exchange(issue_code().code, redirect_uri=EXCHANGE)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert list(body) == ["access_token", "token_type", "expires_in", "refresh_token"]
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 7200
    assert is_uuid4(body["access_token"]) and is_uuid4(body["refresh_token"])
    assert body["access_token"] != body["refresh_token"]
    assert world.authenticate(body["access_token"]).id == connection.id


def test_a_code_is_single_use(client: TokenClient, issue_code: IssueCode) -> None:
    code = issue_code().code
    assert client.exchange(code, redirect_uri=EXCHANGE).status_code == 200

    again = client.exchange(code, redirect_uri=EXCHANGE)

    assert_oauth_error(again, 400, "invalid_grant", f"Invalid code: {code}.")


def test_a_code_lives_ten_minutes_on_the_world_clock(
    client: TokenClient, issue_code: IssueCode, world: World
) -> None:
    fresh, stale = issue_code().code, issue_code().code
    world.clock.advance(timedelta(minutes=9, seconds=59))
    assert client.exchange(fresh, redirect_uri=EXCHANGE).status_code == 200

    world.clock.advance(timedelta(seconds=2))  # 10 min + 1 s after issue
    response = client.exchange(stale, redirect_uri=EXCHANGE)

    assert_oauth_error(response, 400, "invalid_grant", f"Invalid code: {stale}.")


def test_unknown_code(client: TokenClient) -> None:
    response = client.exchange("THIS_SHOULD_NOT_WORK")

    assert_oauth_error(response, 400, "invalid_grant", "Invalid code: THIS_SHOULD_NOT_WORK.")


def test_another_clients_code_is_unknown_to_it_and_stays_unspent(
    client: TokenClient, issue_code: IssueCode
) -> None:
    code = issue_code().code

    stolen = client.post({"grant_type": "authorization_code", "code": code}, auth=OTHER_AUTH)

    assert_oauth_error(stolen, 400, "invalid_grant", f"Invalid code: {code}.")
    assert client.exchange(code, redirect_uri=EXCHANGE).status_code == 200


def test_a_different_redirect_uri_is_refused_and_the_code_survives(
    client: TokenClient, issue_code: IssueCode
) -> None:
    code = issue_code(EXCHANGE).code

    response = client.exchange(code, redirect_uri=CALLBACK)

    assert_oauth_error(response, 400, "invalid_grant", f"Unauthorized redirect_uri: {CALLBACK}")
    assert client.exchange(code, redirect_uri=EXCHANGE).status_code == 200


@pytest.mark.parametrize("issued_with", [None, EXCHANGE])
def test_nodes_literal_undefined_redirect_uri_counts_as_absent(
    client: TokenClient, issue_code: IssueCode, issued_with: str | None
) -> None:
    response = client.exchange(issue_code(issued_with).code, redirect_uri="undefined")

    assert response.status_code == 200, response.text


def test_an_omitted_redirect_uri_is_accepted(client: TokenClient, issue_code: IssueCode) -> None:
    # The Python and Java SDKs omit it when the AuthClient has none.
    assert client.exchange(issue_code(EXCHANGE).code).status_code == 200


def test_without_a_bound_uri_a_sent_one_must_be_registered(
    client: TokenClient, issue_code: IssueCode
) -> None:
    assert client.exchange(issue_code(None).code, redirect_uri=CALLBACK).status_code == 200

    response = client.exchange(issue_code(None).code, redirect_uri="https://evil.example/cb")

    assert_oauth_error(response, 400, "invalid_grant",
                       "Unauthorized redirect_uri: https://evil.example/cb")


def test_missing_code_is_an_invalid_request(client: TokenClient) -> None:
    response = client.post({"grant_type": "authorization_code", "redirect_uri": EXCHANGE})

    assert_oauth_error(response, 400, "invalid_request")


def test_a_code_whose_connection_is_gone_is_invalid(
    client: TokenClient, issue_code: IssueCode, world: World, connection: Connection
) -> None:
    code = issue_code().code
    del world.connections[connection.id]

    assert_oauth_error(client.exchange(code), 400, "invalid_grant", f"Invalid code: {code}.")


def test_echoed_codes_are_cut_short_and_made_safe(client: TokenClient) -> None:
    code = '"\\é' + "x" * 5000

    body = assert_oauth_error(client.exchange(code), 400, "invalid_grant")

    assert body["error_description"].startswith("Invalid code: ???xxx")
    assert len(body["error_description"]) < 120


def test_flags_query_is_tolerated(client: TokenClient, issue_code: IssueCode) -> None:
    response = client.exchange(issue_code().code, params={"flags": "country:DE beta:true"})

    assert response.status_code == 200, response.text


def test_the_access_token_lives_two_hours(
    client: TokenClient, issue_code: IssueCode, world: World, connection: Connection
) -> None:
    access = client.exchange(issue_code().code).json()["access_token"]

    world.clock.advance(timedelta(hours=2) - timedelta(seconds=1))
    assert world.authenticate(access).id == connection.id
    world.clock.advance(timedelta(seconds=1))
    with pytest.raises(SmartcarError) as refused:
        world.authenticate(access)
    assert refused.value.type == "AUTHENTICATION"


def _vehicles(client: TokenClient, access_token: str) -> int:
    response = client.request("GET", "/v2.0/vehicles",
                              headers={"Authorization": f"Bearer {access_token}"})
    return response.status_code


def test_a_replayed_code_revokes_every_token_issued_from_it(
    client: TokenClient, issue_code: IssueCode
) -> None:
    """RFC 6749 §4.1.2: a code used twice may have been stolen, so the tokens issued from
    it go, the pairs its refresh token was rotated into too."""
    code = issue_code().code
    pair = client.exchange(code).json()
    rotated = client.refresh(pair["refresh_token"]).json()
    assert _vehicles(client, pair["access_token"]) == 200
    assert _vehicles(client, rotated["access_token"]) == 200

    replay = client.exchange(code)

    assert_oauth_error(replay, 400, "invalid_grant", f"Invalid code: {code}.")
    for access_token in (pair["access_token"], rotated["access_token"]):
        assert _vehicles(client, access_token) == 401
    for refresh_token in (pair["refresh_token"], rotated["refresh_token"]):
        assert_oauth_error(client.refresh(refresh_token), 400, "invalid_grant",
                           f"Invalid refresh_token: {refresh_token}.")


def test_a_replay_leaves_the_tokens_of_other_codes_alone(
    client: TokenClient, issue_code: IssueCode
) -> None:
    replayed, other = issue_code().code, issue_code().code
    client.exchange(replayed)
    kept = client.exchange(other).json()

    assert client.exchange(replayed).status_code == 400

    assert _vehicles(client, kept["access_token"]) == 200
    assert client.refresh(kept["refresh_token"]).status_code == 200


def test_another_client_presenting_a_used_code_revokes_nothing(
    client: TokenClient, issue_code: IssueCode
) -> None:
    code = issue_code().code
    pair = client.exchange(code).json()
    stranger = client.post({"grant_type": "authorization_code", "code": code}, auth=OTHER_AUTH)

    assert_oauth_error(stranger, 400, "invalid_grant", f"Invalid code: {code}.")

    assert _vehicles(client, pair["access_token"]) == 200

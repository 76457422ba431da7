"""grant_type=refresh_token with rotation (RFC 6749 §6;
https://smartcar.com/docs/api-reference/authorization/refreshing-access-token)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from mockcar.domain.world.world import Connection, World
from mockcar.errors import SmartcarError
from tests.oauth.helpers import (
    OTHER_AUTH,
    IssueCode,
    TokenClient,
    assert_oauth_error,
    is_uuid4,
)


@pytest.fixture
def pair(client: TokenClient, issue_code: IssueCode) -> dict[str, Any]:
    response = client.exchange(issue_code().code)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_refresh_returns_a_new_pair_for_the_same_connection(
    client: TokenClient, pair: dict[str, Any], world: World, connection: Connection
) -> None:
    response = client.refresh(pair["refresh_token"])

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    new = response.json()
    assert list(new) == ["access_token", "token_type", "expires_in", "refresh_token"]
    assert (new["token_type"], new["expires_in"]) == ("Bearer", 7200)
    assert is_uuid4(new["access_token"]) and is_uuid4(new["refresh_token"])
    assert new["access_token"] != pair["access_token"]
    assert new["refresh_token"] != pair["refresh_token"]
    assert world.authenticate(new["access_token"]).id == connection.id


def test_the_old_access_token_lives_out_its_own_two_hours(
    client: TokenClient, pair: dict[str, Any], world: World, connection: Connection
) -> None:
    world.clock.advance(timedelta(hours=1))
    new = client.refresh(pair["refresh_token"]).json()

    assert world.authenticate(pair["access_token"]).id == connection.id
    world.clock.advance(timedelta(hours=1))  # old pair is 2 h old, new one 1 h
    with pytest.raises(SmartcarError):
        world.authenticate(pair["access_token"])
    assert world.authenticate(new["access_token"]).id == connection.id


def test_a_used_refresh_token_works_for_one_minute_more(
    client: TokenClient, pair: dict[str, Any], world: World
) -> None:
    old = pair["refresh_token"]
    first = client.refresh(old)
    assert first.status_code == 200

    world.clock.advance(timedelta(seconds=59))
    retry = client.refresh(old)
    assert retry.status_code == 200, retry.text
    assert retry.json()["refresh_token"] == first.json()["refresh_token"] != old

    world.clock.advance(timedelta(seconds=1))  # 60 s after first use
    assert_oauth_error(client.refresh(old), 400, "invalid_grant",
                       f"Invalid refresh_token: {old}.")


def test_the_newest_refresh_token_keeps_working_after_the_old_ones_grace(
    client: TokenClient, pair: dict[str, Any], world: World
) -> None:
    newest = client.refresh(pair["refresh_token"]).json()["refresh_token"]
    world.clock.advance(timedelta(minutes=5))

    assert client.refresh(newest).status_code == 200


def test_a_refresh_token_lives_sixty_days(
    client: TokenClient, pair: dict[str, Any], world: World, issue_code: IssueCode
) -> None:
    other = client.exchange(issue_code().code).json()["refresh_token"]
    world.clock.advance(timedelta(days=60) - timedelta(seconds=1))
    assert client.refresh(other).status_code == 200

    world.clock.advance(timedelta(seconds=1))
    expired = pair["refresh_token"]
    assert_oauth_error(client.refresh(expired), 400, "invalid_grant",
                       f"Invalid refresh_token: {expired}.")


def test_unknown_refresh_token(client: TokenClient) -> None:
    assert_oauth_error(client.refresh("nope"), 400, "invalid_grant",
                       "Invalid refresh_token: nope.")


def test_another_clients_refresh_token_is_unknown_to_it(
    client: TokenClient, pair: dict[str, Any]
) -> None:
    token = pair["refresh_token"]
    response = client.post({"grant_type": "refresh_token", "refresh_token": token},
                           auth=OTHER_AUTH)

    assert_oauth_error(response, 400, "invalid_grant", f"Invalid refresh_token: {token}.")
    assert client.refresh(token).status_code == 200


def test_missing_refresh_token_is_an_invalid_request(client: TokenClient) -> None:
    assert_oauth_error(client.post({"grant_type": "refresh_token"}), 400, "invalid_request")


def test_a_revoked_connection_cannot_refresh(
    client: TokenClient, pair: dict[str, Any], world: World, connection: Connection
) -> None:
    del world.connections[connection.id]

    token = pair["refresh_token"]
    assert_oauth_error(client.refresh(token), 400, "invalid_grant",
                       f"Invalid refresh_token: {token}.")


def test_a_scope_beyond_the_grant_is_refused(client: TokenClient, pair: dict[str, Any]) -> None:
    response = client.refresh(pair["refresh_token"], scope="control_security")

    assert_oauth_error(response, 400, "invalid_scope")


def test_flags_query_is_tolerated(client: TokenClient, pair: dict[str, Any]) -> None:
    response = client.refresh(pair["refresh_token"], params={"flags": "country:DE"})

    assert response.status_code == 200, response.text


def test_a_retry_inside_the_grace_minute_gets_the_same_pair_not_a_second_chain(
    client: TokenClient, pair: dict[str, Any], world: World, connection: Connection
) -> None:
    """A client that lost the answer to its refresh and sends it again gets the pair it
    missed; the chain of rotations stays one chain, with one live refresh token."""
    old = pair["refresh_token"]
    first = client.refresh(old).json()
    world.clock.advance(timedelta(seconds=30))

    retry = client.refresh(old)

    assert retry.status_code == 200, retry.text
    again = retry.json()
    assert list(again) == ["access_token", "token_type", "expires_in", "refresh_token"]
    assert (again["access_token"], again["refresh_token"]) == (
        first["access_token"], first["refresh_token"])
    assert again["token_type"] == "Bearer"
    assert again["expires_in"] == 7200 - 30  # what is left of the pair's two hours
    assert len(world.tokens_by_access) == 2  # the code's pair and one rotation
    world.clock.advance(timedelta(minutes=5))
    assert_oauth_error(client.refresh(old), 400, "invalid_grant",
                       f"Invalid refresh_token: {old}.")
    newest = client.refresh(first["refresh_token"])
    assert newest.status_code == 200, newest.text
    assert world.authenticate(newest.json()["access_token"]).id == connection.id


def test_a_retry_after_the_next_rotation_still_gets_the_first_answer(
    client: TokenClient, pair: dict[str, Any], world: World
) -> None:
    first = client.refresh(pair["refresh_token"]).json()
    second = client.refresh(first["refresh_token"]).json()
    world.clock.advance(timedelta(seconds=10))

    retry = client.refresh(pair["refresh_token"]).json()

    assert retry["refresh_token"] == first["refresh_token"] != second["refresh_token"]
    assert len(world.tokens_by_access) == 3

"""A World keeps a bounded number of authorization codes (World.code_capacity, 10,000 by
default): under a frozen clock none expires, and every Connect flow makes one. The
oldest goes first; a code pushed out is refused at the token endpoint as an expired one
is, and a replay of one already redeemed still revokes the pairs it led to."""

from __future__ import annotations

from mockcar.domain.world.world import CODE_CAPACITY, World
from tests.oauth.helpers import EXCHANGE, IssueCode, TokenClient, assert_oauth_error


def test_the_oldest_codes_go_first_and_are_refused_as_expired_ones(
    client: TokenClient, issue_code: IssueCode, world: World
) -> None:
    assert CODE_CAPACITY == 10_000
    world.code_capacity = 5
    redeemed = issue_code().code
    pair = client.exchange(redeemed, redirect_uri=EXCHANGE)
    assert pair.status_code == 200, pair.text
    codes = [issue_code().code for _ in range(12)]
    assert len(world.codes) == 5
    for old in codes[:7]:
        assert_oauth_error(client.exchange(old, redirect_uri=EXCHANGE), 400,
                           "invalid_grant", f"Invalid code: {old}.")
    for kept in codes[7:]:
        assert client.exchange(kept, redirect_uri=EXCHANGE).status_code == 200
    # The first code was pushed out long ago; replayed, it still ends what it gave.
    bearer = {"Authorization": f"Bearer {pair.json()['access_token']}"}
    assert client.request("GET", "/v2.0/vehicles", headers=bearer).status_code == 200
    assert_oauth_error(client.exchange(redeemed, redirect_uri=EXCHANGE), 400,
                       "invalid_grant")
    assert client.request("GET", "/v2.0/vehicles", headers=bearer).status_code == 401

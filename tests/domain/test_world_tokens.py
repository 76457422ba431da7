"""Authorization codes and token pairs as a World ages: each is kept while it can still
do something, then dropped from the front when the next one is issued, so the stores
do not grow with the server's age; what a client sees does not change."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from mockcar.domain.world.records import CODE_LIFETIME, REFRESH_TOKEN_LIFETIME, Connection
from mockcar.domain.world.world import World
from mockcar.errors import SmartcarError
from mockcar.scenario import load_world
from mockcar.settings import default_scenario

SECOND = timedelta(seconds=1)


@pytest.fixture
def world() -> World:
    return load_world(default_scenario())


@pytest.fixture
def connection(world: World) -> Connection:
    owner = next(iter(world.owners.values()))
    client_id = next(iter(world.applications))
    return world.connect(client_id, owner, owner.vehicle_ids, ["read_vin"], "test")


def _pair(world: World, connection: Connection, code: str | None = None) -> str:
    token = world.issue_token(connection.id, connection.client_id, str(uuid.uuid4()),
                              str(uuid.uuid4()), code=code)
    return token.access_token


def _redeemed_code(world: World, connection: Connection) -> tuple[str, str]:
    code = world.issue_code(connection, None)
    world.spend_code(code)
    return code.code, _pair(world, connection, code.code)


def test_codes_past_their_ten_minutes_are_dropped_when_the_next_is_issued(
        world: World, connection: Connection) -> None:
    old = [world.issue_code(connection, None).code for _ in range(40)]
    world.clock.advance(CODE_LIFETIME)
    fresh = world.issue_code(connection, None).code
    assert list(world.codes) == [fresh]
    assert all(world.redeemable_code(c, connection.client_id) is None for c in old)


def test_a_code_still_redeemable_is_kept(world: World, connection: Connection) -> None:
    code = world.issue_code(connection, None).code
    world.clock.advance(CODE_LIFETIME - SECOND)
    world.issue_code(connection, None)
    assert world.redeemable_code(code, connection.client_id) is not None


def test_a_replayed_code_revokes_its_pairs_after_it_was_dropped(
        world: World, connection: Connection) -> None:
    code, access = _redeemed_code(world, connection)
    world.clock.advance(CODE_LIFETIME)
    world.issue_code(connection, None)
    assert code not in world.codes
    assert world.replay_code(code, "another-client") == 0
    assert world.replay_code(code, connection.client_id) == 1
    assert world.tokens_by_access[access].revoked


def test_pairs_past_their_refresh_tokens_sixty_days_are_dropped_everywhere(
        world: World, connection: Connection) -> None:
    old = [_redeemed_code(world, connection) for _ in range(30)]
    world.clock.advance(REFRESH_TOKEN_LIFETIME)
    fresh = _pair(world, connection)
    assert list(world.tokens_by_access) == [fresh]
    assert [t.access_token for t in world.tokens_by_refresh.values()] == [fresh]
    assert world.tokens_by_code == {}
    for _, access in old:  # answered as any unknown token is
        with pytest.raises(SmartcarError, match="unknown or has expired"):
            world.authenticate(access)


def test_a_pair_whose_refresh_token_still_works_is_kept(
        world: World, connection: Connection) -> None:
    token = world.tokens_by_access[_pair(world, connection)]
    world.clock.advance(REFRESH_TOKEN_LIFETIME - SECOND)
    _pair(world, connection)
    assert world.refreshable_token(token.refresh_token, connection.client_id) is token


def test_a_rotated_chain_keeps_its_code_family_while_one_pair_lives(
        world: World, connection: Connection) -> None:
    code, first = _redeemed_code(world, connection)
    world.clock.advance(REFRESH_TOKEN_LIFETIME / 2)
    second = _pair(world, connection, code)  # the refresh of the first pair
    world.clock.advance(REFRESH_TOKEN_LIFETIME / 2)
    _pair(world, connection)
    assert first not in world.tokens_by_access
    assert [t.access_token for t in world.tokens_by_code[code]] == [second]
    assert world.replay_code(code, connection.client_id) == 1

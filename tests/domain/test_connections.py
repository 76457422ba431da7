"""Connections as the Management API sees them: entries, cursor paging, deletion and
disconnecting a vehicle
(https://smartcar.com/docs/api-reference/management/get-vehicle-connections)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mockcar.domain.webhooks.webhook import Webhook
from mockcar.domain.world import connections
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import Application, Connection, Owner, World
from mockcar.errors import SmartcarError
from mockcar.scenario import load_world
from mockcar.settings import default_scenario

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(frozen_at=START)


@pytest.fixture
def world(clock: Clock) -> World:
    return load_world(default_scenario(), clock=clock)


def app_of(world: World) -> Application:
    return next(iter(world.applications.values()))


def owners(world: World) -> list[Owner]:
    return [o for o in world.owners.values() if o.vehicle_ids]


def connect(world: World, owner: Owner, vehicles: list[str] | None = None) -> Connection:
    return world.connect(app_of(world).client_id, owner, vehicles or owner.vehicle_ids,
                         ["read_vin"], "simulated")


def token_for(world: World, connection: Connection) -> str:
    token = world.issue_token(connection.id, connection.client_id, str(uuid.uuid4()),
                              str(uuid.uuid4()))
    return token.access_token


def test_one_entry_per_connection_and_vehicle_newest_first(world: World, clock: Clock) -> None:
    alice, chloe = owners(world)[:2]
    older = connect(world, alice)
    clock.set(START + timedelta(hours=1))
    newer = connect(world, chloe)
    found = connections.entries(world, app_of(world).client_id)
    assert [(e.connection_id, e.vehicle_id) for e in found] == [
        *((newer.id, v) for v in sorted(chloe.vehicle_ids)),
        *((older.id, v) for v in sorted(alice.vehicle_ids)),
    ]
    assert found[0].connected_at == START + timedelta(hours=1)
    assert {e.mode for e in found} == {"simulated"}
    assert connections.entries(world, "another-client") == []


def test_filters_by_user_vehicle_and_mode(world: World) -> None:
    alice, chloe = owners(world)[:2]
    connect(world, alice)
    connect(world, chloe)
    app = app_of(world).client_id
    assert {e.user_id for e in connections.entries(world, app, user_id=chloe.id)} == {chloe.id}
    only = connections.entries(world, app, vehicle_id=alice.vehicle_ids[1])
    assert [e.vehicle_id for e in only] == [alice.vehicle_ids[1]]
    assert connections.entries(world, app, mode="live") == []


def test_cursor_pages_cover_everything_once(world: World) -> None:
    for owner in owners(world):
        connect(world, owner)
    found = connections.entries(world, app_of(world).client_id)
    seen: list[connections.ConnectionEntry] = []
    cursor: str | None = None
    while True:
        page = connections.page(found, 2, cursor)
        seen += page.entries
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == found and len(found) > 4


def test_paging_survives_deletion_between_pages(world: World) -> None:
    alice = owners(world)[0]
    connect(world, alice)
    app = app_of(world).client_id
    first = connections.page(connections.entries(world, app), 2, None)
    assert first.cursor is not None
    connections.delete(world, app, vehicle_id=first.entries[0].vehicle_id)
    rest = connections.page(connections.entries(world, app), 10, first.cursor)
    assert rest.cursor is None
    assert {e.vehicle_id for e in rest.entries} == (
        set(alice.vehicle_ids) - {e.vehicle_id for e in first.entries})


# Not base64; "abc"; another version ("v1|..."); a bad date ("c1|not-a-date|x|y").
@pytest.mark.parametrize(
    "cursor", ["garbage!", "YWJj", "djF8bm90LWEtZGF0ZXx4fHk", "YzF8bm90LWEtZGF0ZXx4fHk"])
def test_a_cursor_mockcar_did_not_give_is_a_validation_error(cursor: str) -> None:
    with pytest.raises(SmartcarError) as error:
        connections.page([], 10, cursor)
    assert (error.value.type, error.value.code) == ("VALIDATION", "PARAMETER")
    assert error.value.detail == [{"field": ["cursor"], "message": "is not a valid cursor"}]


def test_delete_by_vehicle_stops_tokens_for_that_vehicle_only(world: World) -> None:
    alice = owners(world)[0]
    connection = connect(world, alice)
    token = token_for(world, connection)
    gone, kept = alice.vehicle_ids[0], alice.vehicle_ids[1]
    ended = connections.delete(world, app_of(world).client_id, vehicle_id=gone)
    assert [(e.vehicle_id, e.user_id) for e in ended] == [(gone, alice.id)]
    still = world.authenticate(token)
    assert world.vehicle_for(still, kept).id == kept
    with pytest.raises(SmartcarError) as refused:
        world.vehicle_for(still, gone)
    assert refused.value.type == "VALIDATION"


def test_delete_by_user_ends_the_connection_and_its_tokens(world: World) -> None:
    alice, chloe = owners(world)[:2]
    token = token_for(world, connect(world, alice))
    other = token_for(world, connect(world, chloe))
    app = app_of(world).client_id
    ended = connections.delete(world, app, user_id=alice.id)
    assert sorted(e.vehicle_id for e in ended) == sorted(alice.vehicle_ids)
    with pytest.raises(SmartcarError) as refused:
        world.authenticate(token)
    assert refused.value.type == "AUTHENTICATION"
    assert world.authenticate(other).user_id == chloe.id
    assert connections.delete(world, app, user_id=alice.id) == []


def test_delete_by_user_and_vehicle_takes_only_that_pair(world: World) -> None:
    alice, chloe = owners(world)[:2]
    connect(world, alice)
    connect(world, chloe)
    app = app_of(world).client_id
    assert connections.delete(world, app, user_id=chloe.id,
                              vehicle_id=alice.vehicle_ids[0]) == []
    ended = connections.delete(world, app, user_id=alice.id, vehicle_id=alice.vehicle_ids[0])
    assert [e.vehicle_id for e in ended] == [alice.vehicle_ids[0]]


def test_delete_needs_a_filter(world: World) -> None:
    with pytest.raises(SmartcarError) as error:
        connections.delete(world, app_of(world).client_id)
    assert (error.value.type, error.value.code, error.value.status) == ("VALIDATION", None, 400)


def test_disconnect_removes_the_vehicle_from_every_consent_of_that_owner(world: World) -> None:
    alice, chloe = owners(world)[:2]
    first = connect(world, alice)
    second = connect(world, alice, alice.vehicle_ids[:2])
    bystander = connect(world, chloe)
    connections.disconnect(world, first, alice.vehicle_ids[0])
    assert alice.vehicle_ids[0] not in first.vehicle_ids + second.vehicle_ids
    assert first.vehicle_ids == tuple(alice.vehicle_ids[1:])
    assert bystander.vehicle_ids == tuple(chloe.vehicle_ids)


def test_disconnecting_the_last_vehicle_ends_the_connection(world: World) -> None:
    alice = owners(world)[0]
    connection = connect(world, alice, alice.vehicle_ids[:1])
    token = token_for(world, connection)
    connections.disconnect(world, connection, alice.vehicle_ids[0])
    assert connection.id not in world.connections
    with pytest.raises(SmartcarError) as refused:
        world.authenticate(token)
    assert refused.value.status == 401


def test_disconnect_refuses_a_vehicle_the_token_does_not_cover(world: World) -> None:
    alice, chloe = owners(world)[:2]
    connection = connect(world, alice)
    with pytest.raises(SmartcarError) as refused:
        connections.disconnect(world, connection, chloe.vehicle_ids[0])
    assert (refused.value.type, refused.value.code) == ("VALIDATION", "PARAMETER")


def test_ending_access_ends_webhook_subscriptions(world: World) -> None:
    app = app_of(world)
    webhook = Webhook("wh", "Battery")
    world.applications[app.client_id] = Application(
        app.client_id, app.client_secret, app.name, app.redirect_uris, app.management_token,
        (webhook,))
    alice = owners(world)[0]
    connection = connect(world, alice)
    world.subscriptions["wh"] = set(alice.vehicle_ids[:2])
    connections.disconnect(world, connection, alice.vehicle_ids[0])
    assert world.subscriptions["wh"] == {alice.vehicle_ids[1]}


def test_management_token_names_its_application(world: World) -> None:
    app = app_of(world)
    assert connections.application_by_management_token(world, app.management_token) is app
    assert connections.application_by_management_token(world, "nope") is None
    assert connections.application_by_management_token(world, None) is None


def test_a_users_connections_follow_every_connection_made_and_removed(world: World) -> None:
    alice, chloe = owners(world)[:2]
    client_id = app_of(world).client_id
    assert world.user_connections(client_id, alice.id) == []
    first = connect(world, alice)
    assert world.user_connections(client_id, alice.id) == [first]
    second = connect(world, alice, alice.vehicle_ids[:1])
    theirs = connect(world, chloe)
    assert world.user_connections(client_id, alice.id) == [first, second]
    assert world.user_connections(client_id, chloe.id) == [theirs]
    assert world.user_connections("another-client", alice.id) == []
    connections.delete(world, client_id, user_id=alice.id)
    assert world.user_connections(client_id, alice.id) == []
    assert world.user_connections(client_id, chloe.id) == [theirs]

"""Webhook subscriptions (https://smartcar.com/docs/api-reference/webhooks/subscribe-webhook) and
signatures (https://smartcar.com/docs/integrations/webhooks/payload-verification)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
import smartcar

from mockcar.domain.webhooks import membership as webhooks
from mockcar.domain.webhooks import signatures
from mockcar.domain.webhooks.webhook import Webhook
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import Application, Connection, World
from mockcar.errors import SmartcarError
from mockcar.scenario import load_world
from mockcar.settings import default_scenario

HOOK = Webhook("wh-battery", "Battery", "https://app.example/hook")


@pytest.fixture
def world() -> World:
    world = load_world(default_scenario(), clock=Clock(frozen_at=datetime(2026, 1, 5, tzinfo=UTC)))
    app = next(iter(world.applications.values()))
    world.applications[app.client_id] = dataclasses.replace(app, webhooks=(HOOK,))
    return world


@pytest.fixture
def app(world: World) -> Application:
    return next(iter(world.applications.values()))


@pytest.fixture
def connection(world: World, app: Application) -> Connection:
    owner = max(world.owners.values(), key=lambda o: len(o.vehicle_ids))
    return world.connect(app.client_id, owner, owner.vehicle_ids[:2], ["read_vin"], "test")


def test_subscribe_then_unsubscribe(world: World, app: Application,
                                    connection: Connection) -> None:
    first, second = connection.vehicle_ids
    assert webhooks.subscribe(world, connection, first, HOOK.id) == HOOK
    webhooks.subscribe(world, connection, second, HOOK.id)
    webhooks.subscribe(world, connection, second, HOOK.id)  # twice is once
    assert webhooks.subscribers(world, HOOK.id) == {first, second}
    webhooks.unsubscribe(world, app.management_token, first, HOOK.id)
    assert webhooks.subscribers(world, HOOK.id) == {second}
    webhooks.unsubscribe(world, app.management_token, first, HOOK.id)  # idempotent
    assert webhooks.subscribers(world, HOOK.id) == {second}


def test_unknown_webhook_is_validation_with_code_null(world: World,
                                                      connection: Connection) -> None:
    with pytest.raises(SmartcarError) as error:
        webhooks.subscribe(world, connection, connection.vehicle_ids[0], "nope")
    assert (error.value.type, error.value.code, error.value.status) == ("VALIDATION", None, 400)
    assert "wh-battery (Battery)" in str(error.value.hint)


def test_subscribe_needs_a_vehicle_the_token_covers(world: World,
                                                    connection: Connection) -> None:
    stranger = next(v for v in world.vehicles if v not in connection.vehicle_ids)
    with pytest.raises(SmartcarError) as error:
        webhooks.subscribe(world, connection, stranger, HOOK.id)
    assert (error.value.type, error.value.code) == ("VALIDATION", "PARAMETER")
    assert webhooks.subscribers(world, HOOK.id) == frozenset()


def test_unsubscribe_needs_the_management_token(world: World, connection: Connection) -> None:
    with pytest.raises(SmartcarError) as error:
        webhooks.unsubscribe(world, "an-access-token", connection.vehicle_ids[0], HOOK.id)
    assert (error.value.type, error.value.code, error.value.status) == (
        "AUTHENTICATION", None, 401)


def test_unsubscribe_checks_webhook_and_vehicle(world: World, app: Application) -> None:
    with pytest.raises(SmartcarError) as webhook:
        webhooks.unsubscribe(world, app.management_token, next(iter(world.vehicles)), "x")
    assert webhook.value.type == "VALIDATION"
    with pytest.raises(SmartcarError) as vehicle:
        webhooks.unsubscribe(world, app.management_token, "no-such-vehicle", HOOK.id)
    assert vehicle.value.detail == [{"field": ["vehicle_id"], "message": "is not a known vehicle"}]


@pytest.mark.parametrize("body", ['{"version":"2.0","payload":{"ü":1}}', "", "challenge-42"])
def test_signatures_match_the_official_sdk(body: str) -> None:
    amt = "demo-management-token"
    signature = signatures.sign(amt, body)
    assert signature == smartcar.hash_challenge(amt, body)
    assert smartcar.verify_payload(amt, signature, body)
    assert signatures.verify(amt, signature.upper(), body.encode())
    assert not signatures.verify("another-token", signature, body)
    assert signatures.challenge_response(amt, body) == smartcar.hash_challenge(amt, body)


def test_compact_json_is_what_json_stringify_gives_back() -> None:
    # Node's verifyPayload signs JSON.stringify(parsed body): compact, keys in order,
    # non-ASCII as is. Known HMAC-SHA256 digest computed independently of mockcar.
    payload = {"eventName": "verify", "payload": {"challenge": "héllo"}}
    body = signatures.compact_json(payload)
    assert body == '{"eventName":"verify","payload":{"challenge":"héllo"}}'
    assert signatures.sign("key", "The quick brown fox jumps over the lazy dog") == (
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")

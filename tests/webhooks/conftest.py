"""Webhook tests: the default scenario with a frozen clock, its application's webhook
pointed at a real receiver, a live server whose dispatcher delivers to it, and tokens for
chosen vehicles without walking Connect."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from mockcar.domain.webhooks.deliveries import DeliveryPolicy
from mockcar.domain.webhooks.webhook import Webhook
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Application, Connection, World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario
from mockcar.testing.server import MockcarServer
from tests.webhooks.receiver import Receiver

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
HOOK_ID = "7f0c5c1e-2d3b-4a5c-9e8f-0a1b2c3d4e5f"
TESLA = "5bc4f833-1351-4bdf-8185-277afcd07e25"  # charging, plugged in, in San Francisco
# Retries a blink of World time apart (a test advances the frozen clock through them);
# timeouts generous enough for a loaded machine (a test of a dead receiver shortens its
# own: `HANGING`).
FAST = DeliveryPolicy(timeout_seconds=5, verify_timeout_seconds=5,
                      retry_base_seconds=0.02, max_attempts=3)
HANGING = dataclasses.replace(FAST, timeout_seconds=0.3)

Hook = Callable[..., Webhook]


@pytest.fixture
def world() -> World:
    world = load_world(default_scenario(), clock=Clock(frozen_at=START))
    world.deliveries.policy = FAST
    return world


@pytest.fixture
def app(world: World) -> Application:
    return next(iter(world.applications.values()))


@pytest.fixture
def receiver(app: Application) -> Iterator[Receiver]:
    with Receiver(app.management_token) as started:
        yield started


@pytest.fixture
def hook(world: World, app: Application, receiver: Receiver) -> Hook:
    """`hook(**fields)`: give the application one webhook, to the receiver by default."""

    def make(**fields: Any) -> Webhook:
        fields.setdefault("url", receiver.url)
        webhook = Webhook(HOOK_ID, "Test webhook", **fields)
        world.applications[app.client_id] = dataclasses.replace(
            world.applications[app.client_id], webhooks=(webhook,))
        return webhook

    return make


@pytest.fixture
def server(world: World) -> Iterator[MockcarServer]:
    with MockcarServer(world=world) as running:
        yield running


def advance(server: MockcarServer, seconds: float) -> None:
    """Move the scenario World's clock through the control API, as a test suite would;
    the request wakes the dispatcher, which sends the retries now due."""
    moved = httpx.post(f"{server.url}/_mockcar/clock/advance", json={"seconds": seconds})
    assert moved.status_code == 200, moved.text


def connect(world: World, vehicle_id: str, permissions: tuple[str, ...] | None = None
            ) -> tuple[Connection, dict[str, str]]:
    """The vehicle's owner connects it to the application; its bearer header."""
    owner = next(o for o in world.owners.values() if vehicle_id in o.vehicle_ids)
    app = next(iter(world.applications.values()))
    connection = world.connect(app.client_id, owner, [vehicle_id],
                               sorted(PERMISSIONS) if permissions is None else permissions,
                               "test")
    token = world.issue_token(connection.id, app.client_id, str(uuid.uuid4()),
                              str(uuid.uuid4()))
    return connection, {"Authorization": f"Bearer {token.access_token}"}


def subscribe_vehicle(server: MockcarServer, world: World, vehicle_id: str,
                      webhook_id: str) -> dict[str, str]:
    """The owner connects the vehicle and subscribes it to the webhook through API v2;
    the owner's bearer header."""
    _, headers = connect(world, vehicle_id)
    response = httpx.post(f"{server.url}/v2.0/vehicles/{vehicle_id}/webhooks/{webhook_id}",
                          headers=headers)
    assert response.status_code == 200, response.text
    return headers


ICE = "548dcff7-656d-4795-ac7f-03b02884ed32"  # no traction battery: that signal errors
LEAF = "a90d22d7-bf02-4e65-9a6e-8a3767cf49fc"  # plugged in, not charging, in Toronto

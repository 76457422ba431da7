"""The control API over HTTP: an app over the default scenario (its clock frozen), a
client, and registering applications the way a test run would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from tests.control.helpers import App, Register

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def world() -> World:
    return load_world(default_scenario(), clock=Clock(frozen_at=START))


@pytest.fixture
def app(world: World) -> Starlette:
    return create_app(Settings(), world)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture
def register(client: TestClient) -> Register:
    """`register(**body)` → a new application (201 checked)."""

    def make(**body: Any) -> App:
        response = client.post("/_mockcar/applications", json=body)
        assert response.status_code == 201, response.text
        return App(response.json())

    return make

"""An app over the default scenario with a frozen clock, and a way to hold a token
for chosen vehicles and permissions without walking Connect (that is tested elsewhere)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.clock import Clock
from mockcar.domain.scopes import PERMISSIONS
from mockcar.domain.vehicle import Powertrain, Vehicle
from mockcar.domain.world import Owner, World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

Grant = Callable[..., dict[str, str]]


@pytest.fixture
def world() -> World:
    return load_world(default_scenario(), clock=Clock(frozen_at=START))


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), world)) as test_client:
        yield test_client


def owner_of(world: World, vehicle: Vehicle) -> Owner:
    return next(o for o in world.owners.values() if vehicle.id in o.vehicle_ids)


def vehicle_with(world: World, powertrain: Powertrain) -> Vehicle:
    return next(v for v in world.vehicles.values() if v.powertrain is powertrain)


@pytest.fixture
def grant(world: World) -> Grant:
    """`grant(vehicle, permissions=...)` → Authorization headers for a fresh token
    covering that vehicle (default: every permission)."""

    def make(vehicle: Vehicle, permissions: tuple[str, ...] | None = None,
             **headers: str) -> dict[str, str]:
        app = next(iter(world.applications.values()))
        connection = world.connect(
            app.client_id, owner_of(world, vehicle), [vehicle.id],
            sorted(PERMISSIONS) if permissions is None else permissions, "test",
        )
        token = world.issue_token(connection.id, app.client_id, str(uuid.uuid4()),
                                  str(uuid.uuid4()))
        return {"Authorization": f"Bearer {token.access_token}", **headers}

    return make

"""An app over the default scenario with a frozen clock, and a way to hold a token
for chosen vehicles and permissions without walking Connect (that is tested elsewhere)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.vehicles.vehicle import Powertrain, Region, Vehicle
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Owner, World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

Grant = Callable[..., dict[str, str]]


@pytest.fixture
def world() -> World:
    return load_world(default_scenario(), clock=Clock(frozen_at=START))


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as test_client:
        yield test_client


def owner_of(world: World, vehicle: Vehicle) -> Owner:
    owner = world.owner_of(vehicle.id)
    assert owner is not None, f"{vehicle.id} belongs to no owner"
    return owner


def vehicle_with(world: World, powertrain: Powertrain) -> Vehicle:
    return next(v for v in world.vehicles.values() if v.powertrain is powertrain)


def add_vehicle(world: World, make: str, powertrain: Powertrain = Powertrain.BEV,
                region: Region = Region.US, **state: object) -> Vehicle:
    """A vehicle of any make (the default scenario has a handful), owned by the owner of
    a vehicle of the same powertrain; `state` sets VehicleState fields."""
    template = vehicle_with(world, powertrain)
    vehicle = copy.deepcopy(template)
    # Numbered among the vehicles without a timeline, so that the default scenario's
    # moving vehicles left the ids, and the values drawn from them, as they were.
    standing = sum(1 for v in world.vehicles.values() if v.motion is None)
    vehicle.id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"test-vehicle:{make}:{powertrain}:"
                                f"{standing}"))
    vehicle.make, vehicle.model, vehicle.region = make, f"{make.title()} Test", region
    vehicle.vin = (make[:3] + vehicle.id.replace("-", "").upper())[:17]
    for name, value in state.items():
        setattr(vehicle.state, name, value)
    owner_of(world, template).vehicle_ids.append(vehicle.id)
    world.vehicles[vehicle.id] = vehicle
    return vehicle


def login_as(world: World, email: str, permissions: tuple[str, ...] | None = None
               ) -> tuple[Vehicle, dict[str, str]]:
    """Sign in with a test-mode email (its conventions apply, as through Connect) and
    hold a token for its first vehicle."""
    owner = world.sign_in(email, "any-password", "test")
    app = next(iter(world.applications.values()))
    vehicle = world.vehicles[owner.vehicle_ids[0]]
    connection = world.connect(
        app.client_id, owner, [vehicle.id],
        sorted(PERMISSIONS) if permissions is None else permissions, "test",
    )
    token = world.issue_token(connection.id, app.client_id, str(uuid.uuid4()),
                              str(uuid.uuid4()))
    return vehicle, {"Authorization": f"Bearer {token.access_token}"}


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

"""API v3 over the default scenario with a frozen clock, plus an application configured
for the v3 Connect redirect; helpers to connect a vehicle for a user (as Connect would)
and to hold an application token."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Application, Connection, World
from mockcar.errors import CATALOG
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.web.v3.errors import V3_CODES
from tests.web.v2.conftest import owner_of

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
V3_APP = Application(
    client_id="0b7a3c52-5f1e-4d0a-9e39-3c6f0d9a7b21", client_secret="v3-client-secret",
    name="V3 App", redirect_uris=("http://localhost:8000/v3/callback",),
    management_token="v3-management-token", connect_redirect="user_id",
)

Connect = Callable[..., Connection]


@pytest.fixture
def world() -> World:
    found = load_world(default_scenario(), clock=Clock(frozen_at=START))
    found.add_application(V3_APP)
    return found


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as test_client:
        yield test_client


def vehicle_with(world: World, powertrain: Powertrain) -> Vehicle:
    """A vehicle of that powertrain without a timeline: its state moves only when a test
    or a command moves it (test_time.py covers vehicles that move in time)."""
    return next(v for v in world.vehicles.values()
                if v.powertrain is powertrain and v.motion is None)


@pytest.fixture
def connect(world: World) -> Connect:
    """`connect(vehicle, permissions=None, mode="live")`: the vehicle's owner connects it
    to V3_APP (default: every permission); the connection carries the user id."""

    def make(vehicle: Vehicle, permissions: tuple[str, ...] | None = None,
             mode: str = "live") -> Connection:
        return world.connect(V3_APP.client_id, owner_of(world, vehicle), [vehicle.id],
                             sorted(PERMISSIONS) if permissions is None else permissions, mode)

    return make


def app_token(client: TestClient, application: Application = V3_APP) -> str:
    response = client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": application.client_id,
        "client_secret": application.client_secret})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
def token(client: TestClient) -> str:
    return app_token(client)


def as_user(token: str, user_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "sc-user-id": user_id}


def connect_token(world: World, connection: Connection) -> dict[str, str]:
    """An owner's Connect access token for `connection` (what the SDKs send)."""
    issued = world.issue_token(connection.id, connection.client_id, str(uuid.uuid4()),
                               str(uuid.uuid4()))
    return {"Authorization": f"Bearer {issued.access_token}"}


def only_error(body: dict[str, object]) -> dict[str, object]:
    """The single error of a v3 error envelope."""
    assert set(body) == {"errors"}, body
    errors = body["errors"]
    assert isinstance(errors, list) and len(errors) == 1, errors
    first: dict[str, object] = errors[0]
    # `detail` is Smartcar's text for the error, exactly; mockcar's own explanation
    # travels in the mockcar-hint header.
    error_type, code = first["type"], first["code"]
    key = (error_type, None if code == V3_CODES.get(str(error_type)) else code)
    assert key in CATALOG and first["detail"] == CATALOG[key].description, first
    return first

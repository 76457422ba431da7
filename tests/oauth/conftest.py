"""Fixtures for the token-endpoint tests: a fresh World with one connection, a code
factory, and a client for the app over that World."""

from __future__ import annotations

import pytest

from mockcar.app import create_app
from mockcar.domain.world.world import AuthorizationCode, Connection, World
from mockcar.settings import Settings
from tests.oauth.helpers import APP, EXCHANGE, IssueCode, TokenClient, make_world


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def connection(world: World) -> Connection:
    owner = world.owners["driver@example.com"]
    return world.connect(APP.client_id, owner, owner.vehicle_ids,
                         ["read_vin", "read_odometer"], "test")


@pytest.fixture
def issue_code(world: World, connection: Connection) -> IssueCode:
    """`issue_code(redirect_uri=EXCHANGE)`: a code as Connect would hand it out."""

    def issue(redirect_uri: str | None = EXCHANGE) -> AuthorizationCode:
        return world.issue_code(connection, redirect_uri)

    return issue


@pytest.fixture
def client(world: World) -> TokenClient:
    return TokenClient(create_app(Settings(), world=world))

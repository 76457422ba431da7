"""What the token-endpoint tests share: a hand-built World (two applications, one owner)
and a synchronous HTTP client for `create_app(settings, world)`.

The client is Starlette's TestClient, which runs the app on an event loop in a portal
thread: the session's Playwright (sync API) keeps a loop running on the main thread.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle, VehicleState
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import Application, AuthorizationCode, Owner, World

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
EXCHANGE = "http://localhost:8000/exchange"
CALLBACK = "https://app.example.com/callback"
TOKEN_PATH = "/oauth/token"

APP = Application(
    client_id="8229df9f-91a0-4ff0-a1ae-a1f38ee24d07",
    client_secret="s3cret-one",
    name="Fleet Demo",
    redirect_uris=(EXCHANGE, CALLBACK),
    management_token="amt-one",
)
OTHER_APP = Application(
    client_id="0b7e4a8e-2f44-4f5a-9d8e-6f0c3b6a1c11",
    client_secret="s3cret-two",
    name="Other Tenant",
    redirect_uris=("http://localhost:9000/cb",),
    management_token="amt-two",
)


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


APP_AUTH = basic(APP.client_id, APP.client_secret)
OTHER_AUTH = basic(OTHER_APP.client_id, OTHER_APP.client_secret)


def make_world() -> World:
    world = World(clock=Clock(frozen_at=START), seed=0)
    world.add_application(APP)
    world.add_application(OTHER_APP)
    vehicle = Vehicle(
        id="36ab27d0-fd9d-4455-823a-ce30af709ffc", make="TESLA", model="Model 3", year=2022,
        vin="5YJ3E1EA7NF000001", powertrain=Powertrain.BEV, region=Region.US,
        state=VehicleState(odometer_km=12000.0, location=Location(37.77, -122.42),
                           battery_level=0.8),
        updated_at=START, battery_capacity_kwh=75.0, range_km_full=500.0,
    )
    owner = Owner(id="e0514ef4-5226-11e8-8c13-8f6e8f02e27e", email="driver@example.com",
                  password="pw", country="US", vehicle_ids=[vehicle.id])
    world.add_owner(owner, [vehicle])
    return world


IssueCode = Callable[..., AuthorizationCode]


@dataclass
class TokenClient:
    """Synchronous HTTP against the ASGI app."""

    app: Starlette
    base_url: str = "http://testserver"

    def request(self, method: str, url: str = TOKEN_PATH, **kwargs: Any) -> httpx2.Response:
        with TestClient(self.app, base_url=self.base_url) as client:
            return client.request(method, url, **kwargs)

    def post(self, data: dict[str, Any] | None = None, *, auth: dict[str, str] | None = None,
             **kwargs: Any) -> httpx2.Response:
        headers = {**(APP_AUTH if auth is None else auth), **kwargs.pop("headers", {})}
        return self.request("POST", data=data, headers=headers, **kwargs)

    def exchange(self, code: str, *, params: dict[str, str] | None = None,
                 **form: str) -> httpx2.Response:
        return self.post({"grant_type": "authorization_code", "code": code, **form},
                         params=params)

    def refresh(self, refresh_token: str, *, params: dict[str, str] | None = None,
                **form: str) -> httpx2.Response:
        return self.post({"grant_type": "refresh_token", "refresh_token": refresh_token,
                          **form}, params=params)


def assert_oauth_error(response: httpx2.Response, status: int, error: str,
                       description: str | None = None) -> dict[str, Any]:
    """The RFC 6749 §5.2 shape every token-endpoint failure has."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error
    assert body["error_description"]
    if description is not None:
        assert body["error_description"] == description
    return body


def is_uuid4(value: str) -> bool:
    return str(uuid.UUID(value)) == value and uuid.UUID(value).version == 4

"""API v3 and API v2 read one state as the clock moves: a vehicle driving on a timeline
(mockcar.domain.timelines.timeline) reads the same odometer and position through both, at every
frozen clock time, and the signals move with it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import Settings
from tests.web.v3.conftest import START, as_user, connect_token

SCENARIO = """\
version: 1
applications:
  - name: V3 App
    client_id: v3-app
    client_secret: v3-secret
    redirect_uris: [http://localhost:8000/callback]
    connect_redirect: user_id
owners:
  - email: driver@example.com
    password: pw
    vehicles:
      - id: 1f0e7c2a-8a4b-4c1e-9d55-0a2b3c4d5e6f
        make: TESLA
        powertrain: BEV
        timeline:
          start: 2026-11-23T09:00:00Z
          repeat: false
          segments:
            - kind: driving
              speed: 60
              route: [{latitude: 37.77, longitude: -122.42},
                      {latitude: 34.05, longitude: -118.24}]
            - kind: parked
"""
VEHICLE = "1f0e7c2a-8a4b-4c1e-9d55-0a2b3c4d5e6f"


@pytest.fixture
def world(tmp_path: Path) -> World:
    path = tmp_path / "driving.yaml"
    path.write_text(SCENARIO)
    return load_world(path, clock=Clock(frozen_at=START))


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as test_client:
        yield test_client


def application_token(client: TestClient) -> str:
    response = client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": "v3-app", "client_secret": "v3-secret"})
    token: str = response.json()["access_token"]
    return token


def test_v2_and_v3_read_the_same_moving_vehicle_at_each_clock_time(
    client: TestClient, world: World
) -> None:
    owner = world.owners["driver@example.com"]
    connection = world.connect("v3-app", owner, [VEHICLE], ["read_odometer", "read_location",
                                                            "read_speedometer"], "live")
    v2 = connect_token(world, connection)
    v3 = as_user(application_token(client), connection.user_id)
    seen = []
    for _ in range(3):
        odometer = client.get(f"/v2.0/vehicles/{VEHICLE}/odometer", headers=v2).json()
        location = client.get(f"/v2.0/vehicles/{VEHICLE}/location", headers=v2).json()
        by_code = {s["id"]: s["attributes"] for s in client.get(
            f"/v3/vehicles/{VEHICLE}/signals", headers=v3).json()["data"]}
        assert by_code["odometer-traveleddistance"]["body"]["value"] == odometer["distance"]
        precise = by_code["location-preciselocation"]["body"]
        assert (precise["latitude"], precise["longitude"]) == (location["latitude"],
                                                              location["longitude"])
        assert precise["locationType"] == "CURRENT"
        assert by_code["motion-currentspeed"]["body"] == {"unit": "km/h", "value": 60.0}
        seen.append(odometer["distance"])
        world.clock.advance(timedelta(minutes=20))  # within the token's hour
    # 60 km/h: 20 km further every 20 minutes, read alike by both APIs.
    assert seen[1] - seen[0] == pytest.approx(20, abs=0.05)
    assert seen[2] - seen[1] == pytest.approx(20, abs=0.05)
    # The clock is now an hour on: the application token has expired; get another.
    expired = client.post(f"/v3/vehicles/{VEHICLE}/commands/security/unlock", headers=v3)
    assert expired.status_code == 401
    v3 = as_user(application_token(client), connection.user_id)
    unlock = client.post(f"/v3/vehicles/{VEHICLE}/commands/security/unlock", headers=v3)
    assert unlock.status_code == 403  # no control_security; below, the state refuses
    world.connect("v3-app", owner, [VEHICLE], ["control_security"], "live")
    moving = client.post(f"/v3/vehicles/{VEHICLE}/commands/security/unlock", headers=v3)
    assert moving.status_code == 409
    assert moving.json()["errors"][0]["code"] == "IN_MOTION"

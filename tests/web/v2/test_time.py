"""Vehicles that move with the clock, read and commanded over HTTP: the default scenario's
hand-written F-150 day in Seattle and generated Tesla commute, with the clock advanced
through the control API and the domain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.timelines.route import distance_km
from mockcar.domain.vehicles.vehicle import Location, Vehicle
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.latency import Sleep
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario
from tests.support.timelines import timeline_of
from tests.web.v2.conftest import START, Grant

F150 = "14a03569-d26b-4496-92e5-dfe8cb1855fe"
MODEL_Y = "5bc8fbbc-bde5-4099-8164-d8399f767c45"
BALLARD, DOWNTOWN = Location(47.6687, -122.3847), Location(47.6062, -122.3321)


@pytest.fixture
def world() -> World:
    """The default scenario at START, its asleep cars woken at once: a read of the F-150
    asleep in Ballard would otherwise wait the scenario's 12 s of real time."""
    world = load_world(default_scenario(), clock=Clock(frozen_at=START))
    world.latency.sleep = Sleep(wake_ms=0)
    return world


def base(vehicle_id: str) -> str:
    return f"/v2.0/vehicles/{vehicle_id}"


def advance(client: TestClient, **parts: float) -> None:
    response = client.post("/_mockcar/clock/advance", json=parts)
    assert response.status_code == 200, response.text


Auth = Callable[[], dict[str, str]]


def auth(world: World, grant: Grant, vehicle_id: str) -> Auth:
    """Fresh headers per request: an access token lives 2 hours, and these tests move
    the clock by days."""
    return lambda: grant(world.vehicles[vehicle_id])


def read(client: TestClient, headers: Auth, vehicle_id: str, path: str
         ) -> tuple[dict[str, Any], dict[str, str]]:
    response = client.get(base(vehicle_id) + path, headers=headers())
    assert response.status_code == 200, response.text
    return response.json(), dict(response.headers)


def action(client: TestClient, headers: Auth, vehicle_id: str, path: str,
           body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.post(base(vehicle_id) + path, json=body, headers=headers())
    return response.status_code, response.json()


def test_asleep_at_home_reads_stale_data(client: TestClient, world: World,
                                         grant: Grant) -> None:
    """09:30 UTC is 01:30 in Seattle: home in Ballard, asleep since 23:00 local."""
    headers = auth(world, grant, F150)
    where, data = read(client, headers, F150, "/location")
    assert (where["latitude"], where["longitude"]) == (BALLARD.latitude, BALLARD.longitude)
    assert data["sc-data-age"] == "2026-11-23T07:00:00.000Z"
    assert data["sc-fetched-at"] == "2026-11-23T09:30:00.000Z"


def test_driving_to_work_moves_the_odometer_and_location(
    client: TestClient, world: World, grant: Grant
) -> None:
    car = world.vehicles[F150]
    headers = auth(world, grant, car.id)
    before, _ = read(client, headers, F150, "/odometer")
    fuel_before, _ = read(client, headers, F150, "/fuel")
    advance(client, hours=6, minutes=45)  # 16:15 UTC: halfway to work
    halfway, data = read(client, headers, F150, "/odometer")
    assert car.motion is not None
    route = timeline_of(car).segments[5].route
    assert route is not None
    assert halfway["distance"] == pytest.approx(before["distance"] + route.length_km / 2, abs=0.01)
    assert data["sc-data-age"] == data["sc-fetched-at"] == "2026-11-23T16:15:00.000Z"
    here, _ = read(client, headers, F150, "/location")
    spot = Location(here["latitude"], here["longitude"])
    assert distance_km(spot, BALLARD) > 1 and distance_km(spot, DOWNTOWN) > 1
    fuel, _ = read(client, headers, F150, "/fuel")
    assert fuel["percentRemaining"] < fuel_before["percentRemaining"]
    advance(client, minutes=20)  # arrived
    there, _ = read(client, headers, F150, "/location")
    assert (there["latitude"], there["longitude"]) == (DOWNTOWN.latitude, DOWNTOWN.longitude)


def test_a_driving_vehicle_refuses_unlock_with_in_motion(
    client: TestClient, world: World, grant: Grant
) -> None:
    headers = auth(world, grant, F150)
    world.clock.advance(timedelta(hours=6, minutes=40))  # the domain's clock, this time
    status, body = action(client, headers, F150, "/security", {"action": "UNLOCK"})
    assert (status, body["type"], body["code"]) == (409, "VEHICLE_STATE", "IN_MOTION")
    lock, _ = read(client, headers, F150, "/security")
    assert lock["isLocked"] is True
    world.clock.advance(timedelta(minutes=30))
    assert action(client, headers, F150, "/security", {"action": "UNLOCK"})[0] == 200
    world.clock.advance(timedelta(hours=7))  # parked at work all day: stays unlocked
    assert read(client, headers, F150, "/security")[0]["isLocked"] is False
    world.clock.advance(timedelta(hours=1))  # 00:55 UTC: driving home, locked again
    assert read(client, headers, F150, "/security")[0]["isLocked"] is True


def test_the_commute_charges_at_home_and_commands_apply_on_top(
    client: TestClient, world: World, grant: Grant
) -> None:
    car = world.vehicles[MODEL_Y]
    headers = auth(world, grant, car.id)
    charge, _ = read(client, headers, MODEL_Y, "/charge")
    assert charge == {"isPluggedIn": True, "state": "FULLY_CHARGED"}  # charged overnight
    assert car.motion is not None
    evening = timeline_of(car).start + timedelta(days=1, hours=10.5)  # home, plugged in
    world.clock.set(evening)
    charge, _ = read(client, headers, MODEL_Y, "/charge")
    assert charge["state"] == "CHARGING"
    first, _ = read(client, headers, MODEL_Y, "/battery")
    assert action(client, headers, MODEL_Y, "/charge", {"action": "STOP"})[0] == 200
    advance(client, hours=1)
    paused, _ = read(client, headers, MODEL_Y, "/battery")
    assert paused["percentRemaining"] == first["percentRemaining"]
    assert read(client, headers, MODEL_Y, "/charge")[0]["state"] == "NOT_CHARGING"
    assert action(client, headers, MODEL_Y, "/charge", {"action": "START"})[0] == 200
    advance(client, hours=1)
    resumed, _ = read(client, headers, MODEL_Y, "/battery")
    assert resumed["percentRemaining"] > first["percentRemaining"]
    assert resumed["range"] > first["range"]
    status, _ = action(client, headers, MODEL_Y, "/charge/limit",
                       {"limit": resumed["percentRemaining"] - 0.01})
    assert status == 200
    advance(client, hours=1)
    assert read(client, headers, MODEL_Y, "/charge")[0]["state"] == "FULLY_CHARGED"
    assert read(client, headers, MODEL_Y, "/battery")[0] == resumed


def test_v2_reads_and_the_control_api_agree_at_any_clock_time(
    client: TestClient, world: World, grant: Grant
) -> None:
    headers = auth(world, grant, MODEL_Y)
    for _ in range(6):
        advance(client, hours=4, minutes=7)
        odometer, data = read(client, headers, MODEL_Y, "/odometer")
        shown = client.get(f"/_mockcar/vehicles/{MODEL_Y}").json()
        assert shown["state"]["odometer_km"] == pytest.approx(odometer["distance"], abs=0.01)
        assert shown["updated_at"] == data["sc-data-age"]
        where, _ = read(client, headers, MODEL_Y, "/location")
        assert shown["state"]["location"] == where
        battery, _ = read(client, headers, MODEL_Y, "/battery")
        assert shown["state"]["battery_level"] == pytest.approx(battery["percentRemaining"],
                                                                abs=1e-4)


def test_a_whole_year_is_one_read_away(client: TestClient, world: World, grant: Grant) -> None:
    car: Vehicle = world.vehicles[MODEL_Y]
    headers = auth(world, grant, car.id)
    today, _ = read(client, headers, MODEL_Y, "/odometer")
    advance(client, days=365)
    next_year, _ = read(client, headers, MODEL_Y, "/odometer")
    assert car.motion is not None
    per_day = timeline_of(car).cycle_km
    assert next_year["distance"] == pytest.approx(today["distance"] + 365 * per_day, abs=0.01)
    assert START + timedelta(days=365) == world.now()


def test_a_vehicle_added_through_the_control_api_may_carry_a_timeline(
    client: TestClient, world: World
) -> None:
    body = {"owner": "nina@example.com", "vehicle": {
        "make": "NISSAN", "model": "LEAF",
        "location": {"latitude": 45.5019, "longitude": -73.5674},
        "timeline": {"repeat": True, "segments": [
            {"kind": "parked", "duration": "1h"},
            {"kind": "driving", "duration": "30m", "route": [
                {"latitude": 45.5019, "longitude": -73.5674},
                {"latitude": 45.5500, "longitude": -73.6000}]},
            {"kind": "charging", "duration": "22h30m", "power": 7.2}]},
    }}
    made = client.post("/_mockcar/vehicles", json=body)
    assert made.status_code == 201, made.text
    vehicle_id = made.json()["id"]
    first = made.json()["state"]
    world.clock.set(timeline_of(world.vehicles[vehicle_id]).start
                    + timedelta(days=3, hours=1, minutes=15))
    driving = client.get(f"/_mockcar/vehicles/{vehicle_id}").json()["state"]
    assert driving["moving"] is True and driving["odometer_km"] > first["odometer_km"]
    refused = client.post("/_mockcar/vehicles", json={
        "owner": "nina@example.com",
        "vehicle": {"timeline": {"segments": [{"kind": "parked", "duration": "-1h"}]}}})
    assert refused.status_code == 400
    assert any("timeline.segments[0].duration: must be positive" in p
               for p in refused.json()["problems"])


def test_a_timeline_vehicle_is_walked_once_per_read(
    client: TestClient, world: World, grant: Grant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wait (is it asleep?), the body and sc-data-age read one snapshot."""
    vehicle = world.vehicles[F150]
    assert vehicle.motion is not None
    motion = type(vehicle.motion)
    walks: list[object] = []
    original = motion.state_at

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        walks.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(motion, "state_at", counted)
    headers = auth(world, grant, F150)()
    response = client.get(base(F150) + "/odometer", headers=headers)
    assert response.status_code == 200, response.text
    assert len(walks) == 1

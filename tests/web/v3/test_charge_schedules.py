"""API v3 charge schedules through HTTP with an application token and sc-user-id: per
make (Tesla daily/weekly/workweek, Volvo daily, others VEHICLE_NOT_CAPABLE), read back
from the ChargeTimers signal by scheduleId, deleted by it; long-running ones reach the
signal when the World clock passes their completion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from mockcar.domain.vehicles import charge_schedules
from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle
from mockcar.domain.world.executions import CommandPolicy
from mockcar.domain.world.world import World
from tests.web.v3.conftest import Connect, app_token, as_user, only_error

WINDOW = {"location": {"latitude": 37.7749, "longitude": -122.4194},
          "startTime": "22:00", "stopTime": "06:00"}


def car(world: World, make: str) -> Vehicle:
    return next(v for v in world.vehicles.values()
                if v.make == make and v.powertrain is Powertrain.BEV and v.motion is None)


def schedule(client: TestClient, vehicle_id: str, kind: str, headers: dict[str, str],
             attributes: dict[str, Any]) -> Any:
    return client.post(f"/v3/vehicles/{vehicle_id}/charge-schedules/{kind}", headers=headers,
                       json={"data": {"attributes": attributes}})


def location_timers(client: TestClient, vehicle_id: str, headers: dict[str, str]) -> Any:
    signal = client.get(f"/v3/vehicles/{vehicle_id}/signals/charge-chargetimers",
                        headers=headers).json()
    return [t for t in signal["attributes"]["body"]["values"] if t["type"] == "LOCATION"]


def test_tesla_takes_all_three_kinds_read_back_and_deleted_through_charge_timers(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    tesla = car(world, "TESLA")
    headers = as_user(token, connect(tesla).user_id)
    daily = schedule(client, tesla.id, "daily", headers, WINDOW)
    assert daily.status_code == 200
    data = daily.json()["data"]
    assert data["type"] == "charge-schedule-execution"
    attributes = data["attributes"]
    assert (attributes["action"], attributes["scheduleType"], attributes["executionMode"]) == (
        "create", "daily", "sync")
    assert attributes["status"] == {"value": "SUCCESS"}
    assert attributes["parameters"] == WINDOW
    daily_id = attributes["scheduleId"]
    assert data["links"]["schedule"] == f"/vehicles/{tesla.id}/charge-schedules/{daily_id}"
    weekly = schedule(client, tesla.id, "weekly", headers,
                      {**WINDOW, "days": ["SATURDAY", "SUNDAY"]})
    workweek = schedule(client, tesla.id, "workweek", headers, WINDOW)
    assert weekly.status_code == workweek.status_code == 200
    timers = location_timers(client, tesla.id, headers)
    assert [(t["scheduleType"], t["scheduleId"]) for t in timers] == [
        ("daily", daily_id),
        ("weekly", weekly.json()["data"]["attributes"]["scheduleId"]),
        ("workweek", workweek.json()["data"]["attributes"]["scheduleId"])]
    assert timers[0]["condition"] == WINDOW["location"]
    assert timers[1]["schedules"] == [{"start": "22:00", "end": "06:00",
                                       "days": ["SATURDAY", "SUNDAY"]}]
    assert timers[2]["schedules"][0]["days"] == [
        "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
    deleted = client.delete(f"/v3/vehicles/{tesla.id}/charge-schedules/{daily_id}",
                            headers=headers)
    assert deleted.status_code == 200
    assert deleted.json()["data"]["attributes"]["action"] == "delete"
    assert [t["scheduleType"] for t in location_timers(client, tesla.id, headers)] == [
        "weekly", "workweek"]
    again = client.delete(f"/v3/vehicles/{tesla.id}/charge-schedules/{daily_id}",
                          headers=headers)
    assert again.status_code == 404
    assert only_error(again.json())["type"] == "RESOURCE_NOT_FOUND"


def test_volvo_takes_daily_only_and_other_makes_none(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    volvo = car(world, "NISSAN")
    volvo.make = "VOLVO"  # the default scenario has no Volvo; the make is what counts
    headers = as_user(token, connect(volvo).user_id)
    assert schedule(client, volvo.id, "daily", headers, WINDOW).status_code == 200
    for kind in ("weekly", "workweek"):
        refused = schedule(client, volvo.id, kind, headers, {**WINDOW, "days": ["MONDAY"]})
        assert refused.status_code == 501
        error = only_error(refused.json())
        assert (error["type"], error["code"]) == ("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")
    vw = car(world, "VOLKSWAGEN")
    refused = schedule(client, vw.id, "daily", as_user(token, connect(vw).user_id), WINDOW)
    assert refused.status_code == 501
    assert only_error(refused.json())["code"] == "VEHICLE_NOT_CAPABLE"


def test_a_schedule_body_is_validated_and_needs_control_charge(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    tesla = car(world, "TESLA")
    reader = as_user(token, connect(tesla, ("read_charge",)).user_id)
    refused = schedule(client, tesla.id, "daily", reader, WINDOW)
    assert refused.status_code == 403 and "control_charge" in refused.headers["mockcar-hint"]
    headers = as_user(token, connect(tesla).user_id)
    bad = schedule(client, tesla.id, "daily", headers, {**WINDOW, "startTime": "25:00"})
    assert bad.status_code == 400
    assert "data.attributes.startTime" in bad.headers["mockcar-hint"]
    no_days = schedule(client, tesla.id, "weekly", headers, WINDOW)
    assert no_days.status_code == 400
    assert location_timers(client, tesla.id, headers) == []


def test_a_long_running_schedule_reaches_charge_timers_when_the_clock_passes(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    world.command_policy = CommandPolicy({"TESLA": frozenset({"charge-schedule-daily"})},
                                         seconds=20)
    tesla = car(world, "TESLA")
    headers = as_user(token, connect(tesla).user_id)
    answered = schedule(client, tesla.id, "daily", headers, WINDOW)
    assert answered.status_code == 202
    assert answered.json()["data"]["attributes"]["status"] == {"value": "PENDING"}
    assert location_timers(client, tesla.id, headers) == []
    world.clock.advance(timedelta(seconds=20))
    execution = client.get(f"/v3/vehicles/{tesla.id}/commands/executions/"
                           f"{answered.json()['data']['id']}", headers=headers).json()["data"]
    assert execution["attributes"]["status"] == {"value": "SUCCESS"}
    assert [t["scheduleId"] for t in location_timers(client, tesla.id, headers)] == [
        answered.json()["data"]["attributes"]["scheduleId"]]


def test_windows_cross_midnight_and_follow_their_days() -> None:
    from datetime import UTC, datetime

    tesla_night, _ = charge_schedules.parse("workweek", WINDOW)
    friday_late = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    saturday_early = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    saturday_late = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    noon = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert charge_schedules.in_window((tesla_night,), friday_late)
    assert charge_schedules.in_window((tesla_night,), saturday_early)
    assert not charge_schedules.in_window((tesla_night,), saturday_late)
    assert not charge_schedules.in_window((tesla_night,), noon)
    assert charge_schedules.in_window((), noon)


def test_a_plugged_in_car_charges_only_inside_its_schedule_windows(
    client: TestClient, world: World, connect: Connect, token: str
) -> None:
    tesla = car(world, "TESLA")
    tesla.state.plugged_in, tesla.state.charging = True, True
    tesla.state.battery_level, tesla.state.charge_limit = 0.4, 0.9
    user_id = connect(tesla).user_id
    headers = as_user(token, user_id)
    status = f"/v3/vehicles/{tesla.id}/signals/charge-detailedchargingstatus"

    def charging() -> Any:
        # A fresh application token: one lasts an hour of World time.
        found = client.get(status, headers=as_user(app_token(client), user_id)).json()
        assert "attributes" in found, found
        return found["attributes"]["body"]["value"]

    assert charging() == "CHARGING"  # 09:30 UTC, no schedule yet
    assert schedule(client, tesla.id, "daily", headers, WINDOW).status_code == 200
    assert charging() != "CHARGING"  # outside 22:00-06:00
    world.clock.advance(timedelta(hours=13))  # 22:30
    assert charging() == "CHARGING"
    world.clock.advance(timedelta(hours=8))  # 06:30 the next day
    assert charging() != "CHARGING"

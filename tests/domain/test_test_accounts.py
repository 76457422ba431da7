"""Test-mode login conventions: which emails trigger errors or pick a VIN and level."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockcar.domain.connect.test_accounts import (
    error_trigger,
    reauthenticate_path,
    trigger_email,
    triggered_error,
    vin_account,
)
from mockcar.domain.world.clock import Clock
from mockcar.errors import CATALOG
from mockcar.scenario import load_world
from mockcar.settings import default_scenario


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("VEHICLE_STATE.ASLEEP@smartcar.com", ("VEHICLE_STATE", "ASLEEP")),
        (" rate_limit.vehicle@SmartCar.com ", ("RATE_LIMIT", "VEHICLE")),
        ("PERMISSION@smartcar.com", ("PERMISSION", None)),
        ("VALIDATION@smartcar.com", ("VALIDATION", None)),
        ("VALIDATION.PARAMETER@smartcar.com", ("VALIDATION", "PARAMETER")),
        ("VEHICLE_STATE@smartcar.com", None),  # that type has no null code
        ("VEHICLE_STATE.ASLEEP@smartcar.co", None),
        ("VEHICLE_STATE.ASLEEP@example.com", None),
        ("5-vehicles@smartcar.com", None),
        ("@smartcar.com", None),
        ("not an email", None),
    ],
)
def test_error_trigger(email: str, expected: tuple[str, str | None] | None) -> None:
    assert error_trigger(email) == expected


def test_every_catalog_error_has_an_email_that_triggers_it() -> None:
    for key in CATALOG:
        assert error_trigger(trigger_email(key)) == key


@pytest.mark.parametrize(
    ("email", "vin", "level"),
    [("0SCLR0002E8896323@bev.smartcar.com", "0SCLR0002E8896323", "bev"),
     ("5yjsa1e14ff101307@Incompatible.smartcar.com", "5YJSA1E14FF101307", "incompatible")],
)
def test_vin_account(email: str, vin: str, level: str) -> None:
    account = vin_account(email)
    assert account is not None and (account.vin, account.level) == (vin, level)


@pytest.mark.parametrize("email", ["0SCLR0002E8896323@hybrid.smartcar.com",
                                   "0SCLR0002E889632@bev.smartcar.com",
                                   "0SCLR0002E8896323@bev.example.com"])
def test_not_a_vin_account(email: str) -> None:
    assert vin_account(email) is None


def test_triggered_errors_carry_what_their_type_needs() -> None:
    limited = triggered_error(("RATE_LIMIT", "VEHICLE"), "x@smartcar.com", "app", "car")
    assert limited.retry_after == 60 and limited.status == 429
    failed = triggered_error(("CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED"),
                             "x@smartcar.com", "app-1", "car-2")
    assert failed.resolution_url == reauthenticate_path("app-1", "car-2") == (
        "/oauth/reauthenticate?response_type=vehicle_id&client_id=app-1&vehicle_id=car-2")
    key = triggered_error(("CONNECTED_SERVICES_ACCOUNT", "VIRTUAL_KEY_REQUIRED"), "e", "a", "c")
    assert key.resolution_url == "https://www.tesla.com/_ak/smartcar.com"
    asleep = triggered_error(("VEHICLE_STATE", "ASLEEP"), "me@smartcar.com", "a", "c")
    assert asleep.retry_after is None and "me@smartcar.com" in str(asleep.hint)


def test_a_test_mode_login_records_the_trigger_and_the_level() -> None:
    world = load_world(default_scenario(), clock=Clock(datetime(2026, 1, 1, tzinfo=UTC)))
    app = next(iter(world.applications.values()))
    owner = world.sign_in("UPSTREAM.KNOWN_ISSUE@smartcar.com", "", "test")
    connection = world.connect(app.client_id, owner, owner.vehicle_ids, ["read_vin"], "test")
    assert connection.error_trigger == ("UPSTREAM", "KNOWN_ISSUE")
    assert connection.owner_email == "UPSTREAM.KNOWN_ISSUE@smartcar.com"
    vin_owner = world.sign_in("0SCAUDI012FE3B132@incompatible.smartcar.com", "", "test")
    vehicle = world.vehicles[vin_owner.vehicle_ids[0]]
    assert (vehicle.vin, vehicle.test_level) == ("0SCAUDI012FE3B132", "incompatible")
    assert vin_owner.error_trigger is None

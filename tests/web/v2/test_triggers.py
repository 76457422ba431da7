"""Test-mode login emails (https://smartcar.com/docs/errors/testing-errors):
`TYPE.CODE@smartcar.com` makes every
non-static request answer that error; `<VIN>@<level>.smartcar.com` shapes capabilities."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from mockcar.domain.connect.test_accounts import trigger_email
from mockcar.domain.world.world import World
from mockcar.errors import CATALOG
from tests.web.v2.conftest import login_as
from tests.web.v2.test_errors import assert_envelope
from tests.web.v2.test_reads import base


@pytest.mark.parametrize("key", sorted(CATALOG, key=str), ids=lambda k: f"{k[0]}.{k[1]}")
def test_every_catalog_error_can_be_triggered(
    client: TestClient, world: World, key: tuple[str, str | None]
) -> None:
    spec = CATALOG[key]
    vehicle, headers = login_as(world, trigger_email(key))
    response = client.get(base(vehicle.id) + "/odometer", headers=headers)
    body = assert_envelope(response, spec.status, spec.type, spec.code)
    assert body["resolution"]["type"] == spec.resolution
    assert trigger_email(key) in response.headers["mockcar-hint"]
    if spec.retry_after is not None:
        assert response.headers["retry-after"] == str(spec.retry_after)
    else:
        assert "retry-after" not in response.headers


def test_static_endpoints_are_never_triggered(client: TestClient, world: World) -> None:
    vehicle, headers = login_as(world, "VEHICLE_STATE.ASLEEP@smartcar.com")
    for path in ("", "/vin", "/permissions"):
        assert client.get(base(vehicle.id) + path, headers=headers).status_code == 200
    asleep = client.post(base(vehicle.id) + "/security", json={"action": "LOCK"},
                         headers=headers)
    assert (asleep.status_code, asleep.json()["code"]) == (409, "ASLEEP")
    assert asleep.json()["suggestedUserMessage"].startswith("Your vehicle is in a sleep state")


def test_permission_is_checked_before_the_trigger(client: TestClient, world: World) -> None:
    vehicle, headers = login_as(world, "UPSTREAM.NO_RESPONSE@smartcar.com", ("read_vin",))
    response = client.get(base(vehicle.id) + "/odometer", headers=headers)
    assert response.status_code == 403


def test_emails_are_case_insensitive_and_only_catalog_pairs_trigger(
    client: TestClient, world: World
) -> None:
    vehicle, headers = login_as(world, "vehicle_state.unreachable@SMARTCAR.com")
    assert client.get(base(vehicle.id) + "/odometer", headers=headers).json()["code"] == \
        "UNREACHABLE"
    for email in ("VEHICLE_STATE.SNOOZING@smartcar.com", "PERMISSION@example.com",
                  "3-vehicles@smartcar.com"):
        vehicle, headers = login_as(world, email)
        assert client.get(base(vehicle.id) + "/odometer", headers=headers).status_code == 200


def test_authentication_failed_points_at_reauthentication(
    client: TestClient, world: World
) -> None:
    vehicle, headers = login_as(world, "CONNECTED_SERVICES_ACCOUNT.AUTHENTICATION_FAILED"
                                       "@smartcar.com")
    body = client.get(base(vehicle.id) + "/location", headers=headers).json()
    url = urlsplit(body["resolution"]["url"])
    assert (url.scheme, url.netloc, url.path) == ("http", "localhost", "/oauth/reauthenticate")
    assert parse_qs(url.query) == {"response_type": ["vehicle_id"],
                                   "client_id": [next(iter(world.applications))],
                                   "vehicle_id": [vehicle.id]}
    assert body["resolution"]["type"] == "REAUTHENTICATE"


def test_multiple_records_found_details_the_capacities(client: TestClient, world: World) -> None:
    vehicle, headers = login_as(world, "SERVER.MULTIPLE_RECORDS_FOUND@smartcar.com")
    body = client.get(base(vehicle.id) + "/odometer", headers=headers).json()
    assert body["detail"] == [{"capacities": [83.9, 70.2]}]


VIN = "0SCLR0002E8896323"


@pytest.mark.parametrize(
    ("level", "powertrain"),
    [("compatible", "PHEV"), ("phev", "PHEV"), ("bev", "BEV"), ("fuel", "ICE")],
)
def test_vin_accounts_get_that_vin_and_powertrain(
    client: TestClient, world: World, level: str, powertrain: str
) -> None:
    vehicle, headers = login_as(world, f"{VIN.lower()}@{level}.smartcar.com")
    assert client.get(base(vehicle.id) + "/vin", headers=headers).json() == {"vin": VIN}
    assert vehicle.powertrain == powertrain and vehicle.test_level == level
    battery = client.get(base(vehicle.id) + "/battery", headers=headers)
    fuel = client.get(base(vehicle.id) + "/fuel", headers=headers)
    assert battery.status_code == (501 if level == "fuel" else 200)
    assert fuel.status_code == (501 if level == "bev" else 200)
    # The level, not the make, decides the general endpoints Smartcar limits by make.
    assert client.get(base(vehicle.id) + "/diagnostics/dtcs",
                      headers=headers).status_code == 200
    assert client.get(base(vehicle.id) + "/service/history",
                      headers=headers).status_code == 200


def test_an_incompatible_vin_account_answers_only_static_endpoints(
    client: TestClient, world: World
) -> None:
    vehicle, headers = login_as(world, f"{VIN}@incompatible.smartcar.com")
    assert client.get(base(vehicle.id) + "/vin", headers=headers).json() == {"vin": VIN}
    assert client.get(base(vehicle.id), headers=headers).status_code == 200
    response = client.get(base(vehicle.id) + "/odometer", headers=headers)
    assert_envelope(response, 501, "COMPATIBILITY", "VEHICLE_NOT_CAPABLE")
    assert "incompatible" in response.headers["mockcar-hint"]

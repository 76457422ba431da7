"""A user's project for the plugin's tests: files pytester writes into a fresh
directory, using the fixtures as the README tells people to."""

from __future__ import annotations

CONFTEST = '''
import os
import pathlib

import pytest

from mockcar.settings import Settings


@pytest.fixture(scope="session")
def mockcar_settings():
    return Settings(seed=99)


@pytest.fixture(autouse=True)
def record_server(request):
    """Note which server each test ran against (the outer test reads these)."""
    yield
    if "mockcar_server" in request.fixturenames:
        url = request.getfixturevalue("mockcar_server").url
        name = f"{os.getpid()}-{request.node.name}"
        (pathlib.Path(os.environ["RECORD_DIR"]) / name).write_text(url)
'''

USAGE = '''
import os

import pytest
import smartcar

SCOPES = ["read_odometer", "read_vehicle_info", "control_security"]


def test_connect_and_read_with_the_sdk(mockcar, mockcar_server):
    result = mockcar.connect("alice@example.com", scopes=SCOPES)
    vehicle = result.vehicles[0]
    mockcar.vehicle(vehicle).set(odometer_km=4242.0)
    with mockcar.sdk():
        assert smartcar.Vehicle(vehicle, result.access_token).odometer().distance == 4242.0
    mockcar.journal.assert_called("/v2.0/vehicles/{id}/odometer", times=1)
    assert mockcar.url == mockcar_server.url
    if os.environ.get("MOCKCAR_URL"):
        assert mockcar.url == os.environ["MOCKCAR_URL"]


def test_each_test_has_a_fresh_world(mockcar):
    result = mockcar.connect("alice@example.com", scopes=SCOPES)
    assert mockcar.journal.count() == 0
    with mockcar.sdk():
        distance = smartcar.Vehicle(result.vehicles[0], result.access_token).odometer().distance
    assert distance != 4242.0
    assert mockcar.state()["seed"] == 99  # the project's mockcar_settings


def test_faults_reach_the_sdk(mockcar):
    result = mockcar.connect("alice@example.com", scopes=SCOPES)
    mockcar.faults.add("VEHICLE_STATE.ASLEEP", endpoint="/odometer", times=1)
    with mockcar.sdk():
        vehicle = smartcar.Vehicle(result.vehicles[0], result.access_token)
        with pytest.raises(smartcar.SmartcarException) as asleep:
            vehicle.odometer()
        assert (asleep.value.type, asleep.value.code, asleep.value.status_code) == (
            "VEHICLE_STATE", "ASLEEP", 409)
        assert vehicle.odometer().distance > 0


def test_the_clock_expires_tokens(mockcar):
    result = mockcar.connect("alice@example.com", scopes=SCOPES)
    mockcar.clock.advance(hours=2, minutes=1)
    with mockcar.sdk():
        with pytest.raises(smartcar.SmartcarException) as expired:
            smartcar.get_vehicles(result.access_token)
    assert expired.value.status_code == 401


def test_deny(mockcar):
    result = mockcar.connect("alice@example.com", deny=True, state="s")
    assert (result.error, result.code, result.state) == ("access_denied", None, "s")


@pytest.mark.mockcar_scenario("small.yaml", seed=5)
def test_a_scenario_file_by_marker(mockcar):
    result = mockcar.connect("dora@example.com", mode="simulated", password="dora-pw")
    [vehicle] = mockcar.vehicles()
    assert (vehicle["make"], result.vehicles) == ("NISSAN", [vehicle["id"]])
    assert mockcar.state()["seed"] == 5


def test_the_in_process_app(mockcar_app):
    from starlette.testclient import TestClient

    with TestClient(mockcar_app) as http:
        assert http.get("/_mockcar/health").json()["status"] == "ok"
'''

SMALL = '''
version: 1
owners:
  - email: dora@example.com
    password: dora-pw
    vehicles:
      - {make: NISSAN, model: Leaf, powertrain: BEV}
'''

SUB_CONFTEST = '''
import pytest


@pytest.fixture
def mockcar_scenario():
    return "version: 1\\nowners:\\n  - email: sub@example.com\\n    password: pw\\n" \\
        "    vehicles: [{make: KIA, model: EV6}]\\n"
'''

SUB_TEST = '''
def test_a_directory_overrides_the_scenario(mockcar):
    result = mockcar.connect("sub@example.com")
    assert [v["model"] for v in mockcar.vehicles()] == ["EV6"]
    assert len(result.vehicles) == 1
'''

PASSING = 8  # tests in USAGE and SUB_TEST
ON_THE_SERVER = PASSING - 1  # all but test_the_in_process_app

FAILING = '''
import pytest


def test_an_assertion_that_fails_explains_itself(mockcar):
    result = mockcar.connect("alice@example.com")
    import urllib.request
    request = urllib.request.Request(mockcar.url + "/v2.0/user",
                                     headers=result.authorization)
    urllib.request.urlopen(request).close()
    mockcar.journal.assert_called("/v2.0/vehicles/{id}/odometer", times=1)


@pytest.mark.mockcar_scenario("version: 1\\nowners:\\n  - email: bad\\n    password: x\\n")
def test_a_broken_scenario(mockcar):
    pass
'''

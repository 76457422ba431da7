"""The fixture's SDK helpers in a user's project (pytester, a pytest subprocess), run
from a shell that holds a developer's real Smartcar credentials and origins: inside
`mockcar.sdk()` the official SDK's no-argument `AuthClient()` is mockcar's application,
nothing of the shell leaks in, and the shell's values are back afterwards. And
`mockcar.connect()` needs no arguments."""

from __future__ import annotations

import pytest

# What a developer working on a real integration has exported.
SHELL = {
    "SMARTCAR_CLIENT_ID": "real-client-id",
    "SMARTCAR_CLIENT_SECRET": "real-client-secret",
    "SMARTCAR_REDIRECT_URI": "https://app.example.com/callback",
    "SMARTCAR_API_ORIGIN": "https://api.smartcar.com",
    "SMARTCAR_AUTH_ORIGIN": "https://auth.smartcar.com/oauth/token",
}

TESTS = '''
import os
import subprocess
import sys

import pytest
import smartcar
import smartcar.config

from mockcar.domain.world.scopes import PERMISSIONS

SHELL = __SHELL__


def test_auth_client_without_arguments_is_mockcars_application(mockcar):
    assert {k: os.environ[k] for k in SHELL} == SHELL  # the developer's shell
    result = mockcar.connect("alice@example.com", scopes=["read_odometer"], exchange=False)
    with mockcar.sdk():
        client = smartcar.AuthClient()
        assert (client.client_id, client.client_secret, client.redirect_uri) == (
            mockcar.client_id, mockcar.client_secret, mockcar.redirect_uri)
        assert client.get_auth_url(["read_odometer"]).startswith(mockcar.url + "/oauth/")
        # The SDK redeems the code at mockcar with these credentials: real ones would be
        # refused (invalid_client), and would never leave for smartcar.com.
        access = client.exchange_code(result.code)
        vehicles = smartcar.get_vehicles(access.access_token)
        assert vehicles.vehicles == result.vehicles
    assert {k: os.environ[k] for k in SHELL} == SHELL
    assert smartcar.config.API_ORIGIN == SHELL["SMARTCAR_API_ORIGIN"]


def test_sdk_env_for_a_subprocess_replaces_the_shells_credentials(mockcar):
    code = "import smartcar; c = smartcar.AuthClient(); print(c.client_id, c.redirect_uri)"
    shown = subprocess.run([sys.executable, "-c", code], env={**os.environ, **mockcar.sdk_env},
                           capture_output=True, text=True, check=True).stdout.split()
    assert shown == [mockcar.client_id, mockcar.redirect_uri]
    assert mockcar.sdk_env["SMARTCAR_API_ORIGIN"] == mockcar.url


def test_connect_without_arguments(mockcar):
    result = mockcar.connect()
    alice = next(o for o in mockcar.state()["owners"] if o["email"] == "alice@example.com")
    assert result.user_id == alice["id"]  # the scenario's first owner
    assert sorted(result.vehicles) == sorted(alice["vehicle_ids"])
    assert sorted(result.permissions) == sorted(PERMISSIONS)
    with mockcar.sdk():
        vehicle = smartcar.Vehicle(result.vehicles[0], result.access_token)
        assert vehicle.odometer().distance > 0
        assert vehicle.lock_status().is_locked in (True, False)


@pytest.mark.mockcar_scenario("version: 1\\n")
def test_connect_without_arguments_and_without_scenario_owners(mockcar):
    result = mockcar.connect()
    assert result.access_token and 1 <= len(result.vehicles) <= 3
    assert sorted(result.permissions) == sorted(PERMISSIONS)
'''.replace("__SHELL__", repr(SHELL))


def test_sdk_helpers_ignore_a_developers_credentials(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOCKCAR_URL", raising=False)
    for name, value in SHELL.items():
        monkeypatch.setenv(name, value)
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n"
                     "    ignore:datetime.datetime.utcnow:DeprecationWarning\n")
    pytester.makepyfile(test_sdk=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=4)

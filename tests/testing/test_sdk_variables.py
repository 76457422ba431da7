"""Every official SDK's variable for each Smartcar host is set by `mockcar.sdk()` and
printed by the server's banner: Python's v3 SMARTCAR_VEHICLE_API_V3_ORIGIN, Node's and
Java's SMARTCAR_API_V3_ORIGIN, Ruby's SMARTCAR_VEHICLE_API_ORIGIN, beside the v2, auth,
Connect and management origins."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from mockcar.server import banner
from mockcar.settings import Settings, sdk_environment
from mockcar.testing import Mockcar, MockcarServer

V3_NAMES = ("SMARTCAR_VEHICLE_API_V3_ORIGIN", "SMARTCAR_API_V3_ORIGIN",
            "SMARTCAR_VEHICLE_API_ORIGIN")


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running:
        yield running


def test_every_sdk_v3_variable_points_at_the_origin() -> None:
    environment = sdk_environment("http://127.0.0.1:9")
    for name in (*V3_NAMES, "SMARTCAR_API_ORIGIN", "SMARTCAR_MANAGEMENT_API_ORIGIN",
                 "SMARTCAR_CONNECT_ORIGIN"):
        assert environment[name] == "http://127.0.0.1:9", name
    # Python's is the token URL itself (smartcar/config.py).
    assert environment["SMARTCAR_AUTH_ORIGIN"] == "http://127.0.0.1:9/oauth/token"


def test_mockcar_sdk_sets_them_and_restores_them(server: MockcarServer) -> None:
    before = {name: os.environ.get(name) for name in V3_NAMES}
    with Mockcar.register(server.url) as handle, handle.sdk():
        for name in V3_NAMES:
            assert os.environ[name] == server.url, name
    assert {name: os.environ.get(name) for name in V3_NAMES} == before


def test_the_banner_exports_each(server: MockcarServer) -> None:
    settings = Settings(port=8123)
    lines = [line.strip() for line in banner(settings, server.world).splitlines()]
    for name in V3_NAMES:
        assert f"export {name}={settings.base_url}" in lines, name

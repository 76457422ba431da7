"""The pytest plugin (entry point `pytest11`, name `mockcar`): fixtures that give each
test an isolated Smartcar of its own.

Fixtures (scope · type):

* `mockcar` (function · `mockcar.testing.handle.Mockcar`): registers a fresh application
  on the session's server, whose World is a copy of the chosen scenario, and deletes it
  after the test. Exposes `url`, `sdk_env`, `sdk()`, `client_id`, `client_secret`,
  `management_token`, `connect(...)`, `clock`, `faults`, `journal`, `vehicle(id)`.
* `mockcar_server` (session · `MockcarServer`, or `RemoteServer` under `MOCKCAR_URL`):
  one live server per test process (each pytest-xdist worker has its own, on its own
  port). With `MOCKCAR_URL` set, the tests use that server instead (mockcar in docker);
  tenants keep the runs sharing it apart.
* `mockcar_app` (function · `starlette.applications.Starlette`): a fresh in-process ASGI
  app over the chosen scenario, for `httpx.ASGITransport` or Starlette's `TestClient`.
* `mockcar_scenario` (function · `str | None`): the scenario; override it in a conftest,
  or mark a test `@pytest.mark.mockcar_scenario("fleet.yaml", seed=7)`. A path to a YAML
  file (absolute, or relative to the test's file or the working directory) is sent as
  YAML, so it works against a remote server too; a multi-line string is YAML itself;
  anything else names a scenario bundled with mockcar. None: the server's own.
* `mockcar_settings` (session · `mockcar.settings.Settings`): how the session's server
  and `mockcar_app` are configured; override it in a conftest.

A state that takes long to build (Connect walked for many owners, vehicles set up, the
clock moved) is built once and each test starts from it: `mockcar.snapshot()` returns the
test's World as a snapshot document, and `mockcar.restore(snap)` replaces the test's World
by it, re-keyed to the test's own application, so the tokens it holds work with that
application's credentials. A restore costs about what the `mockcar` fixture's own
registration does (~10 ms on the default scenario: a World built afresh and the records
applied), whatever it took to build the state:

    @pytest.fixture(scope="session")
    def prepared(mockcar_server):
        with Mockcar.register(mockcar_server.url) as builder:
            result = builder.connect("alice@example.com")
            builder.vehicle(result.vehicles[0]).set(locked=False)
            return result, builder.snapshot()

    def test_unlocked(mockcar, prepared):
        result, snap = prepared
        mockcar.restore(snap)  # result.access_token works here, as this application's

Heavy imports happen in the fixtures, so loading the plugin costs a project nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mockcar.settings import Settings, sdk_environment

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from mockcar.testing.client import ControlClient
    from mockcar.testing.handle import Mockcar

URL_VARIABLE = "MOCKCAR_URL"
MARKER = "mockcar_scenario"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(scenario, seed=None): the scenario the `mockcar` fixture's World copies: "
        "a YAML file path, YAML text, or the name of a scenario bundled with mockcar.",
    )


class RemoteServer:
    """A mockcar this session did not start (`MOCKCAR_URL`)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    @property
    def sdk_environment(self) -> dict[str, str]:
        return sdk_environment(self.url)


@pytest.fixture(scope="session")
def mockcar_settings() -> Settings:
    """The session server's settings; override to serve another scenario or seed."""
    return Settings()


@pytest.fixture(scope="session")
def mockcar_server(mockcar_settings: Settings) -> Iterator[Any]:
    """One live mockcar per test process, or the one at `MOCKCAR_URL`."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if url:
        from mockcar.testing.client import ControlClient, MockcarError

        probe = ControlClient(url, timeout=10)
        try:
            probe.get("/_mockcar/health")
        except (OSError, MockcarError) as error:
            pytest.fail(f"{URL_VARIABLE}={url}: mockcar is not answering ({error})")
        finally:
            probe.close()
        yield RemoteServer(url)
        return
    from mockcar.testing.server import MockcarServer

    with MockcarServer(mockcar_settings) as server:
        yield server


@pytest.fixture(scope="session")
def _mockcar_control(mockcar_server: Any) -> Iterator[ControlClient]:
    from mockcar.testing.client import ControlClient

    # The session's own server says its control token ("": none); a remote one's is in
    # the environment (MOCKCAR_CONTROL_TOKEN), where ControlClient looks when given None.
    settings = getattr(mockcar_server, "settings", None)
    control = ControlClient(mockcar_server.url, token=(
        settings.control_token or "") if settings is not None else None)
    yield control
    control.close()


@pytest.fixture
def mockcar_scenario(request: pytest.FixtureRequest) -> str | None:
    """The marker's scenario, else None (the server's own). Override to choose one for
    a whole directory."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is None or not marker.args:
        return None
    return str(marker.args[0])


def _seed(request: pytest.FixtureRequest) -> int | None:
    marker = request.node.get_closest_marker(MARKER)
    seed = marker.kwargs.get("seed") if marker is not None else None
    return int(seed) if seed is not None else None


def scenario_request(scenario: str | Path | None, base: Path) -> dict[str, str]:
    """What to ask the server for: `scenario_yaml` for a file or YAML text, `scenario`
    for a bundled name, nothing for the server's own."""
    if scenario is None:
        return {}
    text = str(scenario)
    if "\n" in text:
        return {"scenario_yaml": text}
    for candidate in (Path(text), base / text, Path.cwd() / text):
        if candidate.is_file():
            try:
                return {"scenario_yaml": candidate.read_text(encoding="utf-8")}
            except UnicodeDecodeError as error:
                pytest.fail(f"{candidate}: not UTF-8 text (byte {error.start}: "
                            f"{error.reason}); save the scenario as UTF-8", pytrace=False)
    return {"scenario": text}


@pytest.fixture
def mockcar(
    _mockcar_control: ControlClient, mockcar_scenario: str | Path | None,
    request: pytest.FixtureRequest,
) -> Iterator[Mockcar]:
    """A fresh application with its own World on the session's server; deleted after
    the test."""
    from mockcar.testing.handle import Mockcar

    choice: dict[str, Any] = scenario_request(mockcar_scenario, request.path.parent)
    seed = _seed(request)
    if seed is not None:
        choice["seed"] = seed
    handle = Mockcar.register(_mockcar_control, **choice)
    try:
        yield handle
    finally:
        handle.delete()


@pytest.fixture
def mockcar_app(
    mockcar_settings: Settings, mockcar_scenario: str | Path | None,
    request: pytest.FixtureRequest,
) -> Starlette:
    """A fresh in-process app over the chosen scenario."""
    from mockcar.app import create_app
    from mockcar.domain.world.tenants import ScenarioChoice
    from mockcar.scenario.library import ScenarioLibrary
    from mockcar.settings import bundled_scenarios

    choice = scenario_request(mockcar_scenario, request.path.parent)
    library = ScenarioLibrary(mockcar_settings.scenario, bundled_scenarios(),
                              mockcar_settings.seed)
    world = library.build(ScenarioChoice(name=choice.get("scenario"),
                                         yaml=choice.get("scenario_yaml"), seed=_seed(request)))
    # For Starlette's TestClient, whose requests say `Host: testserver`: an in-process
    # app is no page's to reach, so the Host guard (mockcar.web.guard) lets it through.
    settings = mockcar_settings.with_(
        allowed_hosts=(*mockcar_settings.allowed_hosts, "testserver"))
    return create_app(settings, world)

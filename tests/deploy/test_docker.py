"""The docker recipe, checked without a Docker engine (none runs on our machines):
hadolint on both Dockerfiles, the files parsed and held to what compose users rely on,
and the containers' commands run as subprocesses with compose's environment: mockcar's
entrypoint, driven by the example app under test through the official SDK, and a real
browser on the host walking Connect from the example app's page.

Compose's network is played so: a published port is a free port on 127.0.0.1 (for 8765
and for the app's 8000), and the service name `mockcar` resolves to 127.0.0.1 inside the
app's process (compose_dns.py), so its requests carry the Host header they carry under
compose. The browser resolves nothing of compose: it gets `localhost` only."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx2
import pytest
import yaml

from mockcar.settings import sdk_environment
from mockcar.testing.server import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, Route

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
APP = ROOT / "examples" / "app-under-test" / "app.py"
APP_DOCKERFILE = APP.parent / "Dockerfile"
COMPOSE_DNS = Path(__file__).resolve().parent / "compose_dns.py"
COMPOSE = ROOT / "docker-compose.yml"
BIN = Path(sys.executable).parent


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the final stage, continuation lines joined."""
    joined = path.read_text().replace("\\\n", " ")
    pairs: list[tuple[str, str]] = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            if keyword.upper() == "FROM":
                pairs = []  # a new stage: only the last one ships
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def single(pairs: list[tuple[str, str]], keyword: str) -> str:
    found = [rest for key, rest in pairs if key == keyword]
    assert len(found) == 1, f"expected one {keyword}, found {found}"
    return found[0]


def dockerfile_env(pairs: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for key, rest in pairs:
        if key == "ENV":
            for item in shlex.split(rest):
                name, _, value = item.partition("=")
                env[name] = value
    return env


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.mark.parametrize("path", [DOCKERFILE, APP_DOCKERFILE], ids=["mockcar", "example-app"])
def test_hadolint_passes(path: Path) -> None:
    result = subprocess.run([str(BIN / "hadolint"), str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_runs_as_non_root_with_healthcheck_and_entrypoint() -> None:
    final = instructions(DOCKERFILE)
    assert single(final, "FROM").startswith("python:3.11-slim")
    user = single(final, "USER")
    assert user.isdigit() and int(user) >= 1000, "a numeric, non-root user"
    assert single(final, "EXPOSE") == "8765"
    assert single(final, "ENTRYPOINT") == '["mockcar", "serve"]'
    healthcheck = single(final, "HEALTHCHECK")
    assert healthcheck.endswith('CMD ["mockcar", "health"]')
    env = dockerfile_env(final)
    assert env["MOCKCAR_HOST"] == "0.0.0.0"
    assert env["MOCKCAR_PORT"] == "8765"
    assert env["MOCKCAR_INSECURE_TRANSPORT"] == "1"
    # The build stage packs the scenarios into the wheel the final stage installs.
    whole = DOCKERFILE.read_text()
    assert "COPY scenarios ./scenarios" in whole and "pip wheel" in whole
    # The state volume's folder belongs to that user (a new named volume copies it).
    assert "mkdir /data" in whole and f"chown {user} /data" in whole


def test_compose_publishes_mounts_and_checks_health(compose: dict[str, Any]) -> None:
    service = compose["services"]["mockcar"]
    env = service["environment"]
    assert service["ports"] == [f"{env['MOCKCAR_PORT']}:{env['MOCKCAR_PORT']}"]
    assert env["MOCKCAR_HOST"] == "0.0.0.0"
    assert env["MOCKCAR_INSECURE_TRANSPORT"] == "1"
    assert env["MOCKCAR_PUBLIC_URL"] == f"http://localhost:{env['MOCKCAR_PORT']}"
    # Containers call it by the service name, a Host the control API must answer to.
    assert "mockcar" in env["MOCKCAR_ALLOWED_HOSTS"].split(",")
    assert service["volumes"] == ["./scenarios:/scenarios:ro", "mockcar-state:/data"]
    # The state file lives in the named volume, which `docker compose down -v` removes.
    assert Path(env["MOCKCAR_STATE"]).parent == Path("/data")
    assert "mockcar-state" in compose["volumes"]
    scenario = Path(env["MOCKCAR_SCENARIO"])
    assert scenario.parent == Path("/scenarios")
    assert (ROOT / "scenarios" / scenario.name).is_file(), "the mounted scenario exists"
    assert service["healthcheck"]["test"] == ["CMD", "mockcar", "health"]


def test_example_app_points_its_sdk_at_the_mockcar_service(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    mockcar = compose["services"]["mockcar"]
    port = mockcar["environment"]["MOCKCAR_PORT"]
    env = app["environment"]
    # Server to server by the service name; Connect where the host's browser reaches it,
    # the very origin mockcar writes into its own links.
    published = mockcar["environment"]["MOCKCAR_PUBLIC_URL"]
    assert mockcar["ports"] == [f"{urlsplit(published).port}:{port}"]
    expected = sdk_environment(f"http://mockcar:{port}") | {
        "SMARTCAR_CONNECT_ORIGIN": published}
    for name, value in expected.items():
        assert env[name] == value
    assert urlsplit(env["SMARTCAR_REDIRECT_URI"]).port == 8000
    assert app["ports"] == ["8000:8000"], "the redirect URI's port is published"
    assert app["depends_on"]["mockcar"]["condition"] == "service_healthy"
    assert (ROOT / app["build"] / "Dockerfile").is_file()
    assert single(instructions(APP_DOCKERFILE), "EXPOSE") == "8000"
    assert app["profiles"] == ["example"]


# -- the entrypoint, as the container runs it ----------------------------------------


def compose_env(compose: dict[str, Any], service: str, port: int,
                data: Path | None = None) -> dict[str, str]:
    """A service's compose environment, moved onto this machine: mockcar's free port for
    8765 (tests bind 127.0.0.1 only), the repo's scenarios for the mount, `data` for the
    state volume."""
    env = {k: str(v) for k, v in compose["services"][service]["environment"].items()}
    for name, value in env.items():
        for host in ("mockcar", "localhost"):
            value = value.replace(f"{host}:8765", f"{host}:{port}")
        if data is not None:
            value = value.replace("/data/", f"{data}/")
        env[name] = value.replace("/scenarios/", f"{ROOT / 'scenarios'}/")
    if service == "mockcar":
        env |= {"MOCKCAR_HOST": "127.0.0.1", "MOCKCAR_PORT": str(port)}
    return {**os.environ, **env}


def health(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "mockcar"), "health", "--timeout", "1"], env=env,
                          capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture
def container(
    compose: dict[str, Any], tmp_path: Path
) -> Iterator[tuple[int, dict[str, str]]]:
    port = free_port()
    env = compose_env(compose, "mockcar", port, tmp_path)
    log = tmp_path / "mockcar.log"
    with log.open("w") as log_file:
        server = subprocess.Popen([str(BIN / "mockcar"), "serve"], env=env, stdout=log_file,
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 20
            while health(env).returncode != 0:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "mockcar serve did not become healthy"
                time.sleep(0.1)
            yield port, env
        finally:
            # `docker stop`: SIGTERM. uvicorn shuts down gracefully, then re-raises the
            # signal so the exit status says why it stopped (143 under docker).
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=15) in (0, -signal.SIGTERM)
    output = log.read_text()
    assert "Application shutdown complete" in output, output
    assert "Traceback" not in output, output
    assert health(env).returncode == 1, "health fails once the server is gone"
    assert "Demo App" in output, "the banner names the scenario's application"


def test_entrypoint_serves_the_mounted_scenario_to_the_example_app(
    compose: dict[str, Any], container: tuple[int, dict[str, str]]
) -> None:
    port, _ = container
    ran = subprocess.run(
        [sys.executable, str(COMPOSE_DNS), str(APP), "headless"],
        env=compose_env(compose, "app", port), capture_output=True, text=True, timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "unlock then lock: ok" in ran.stdout
    assert " km" in ran.stdout


def test_plain_http_behind_a_service_name_is_accepted(
    container: tuple[int, dict[str, str]]
) -> None:
    """What MOCKCAR_INSECURE_TRANSPORT is for: authlib refuses plain http to a host that
    is not localhost, and other containers call `http://mockcar:8765`."""
    port, _ = container
    response = httpx2.post(
        f"http://127.0.0.1:{port}/oauth/token", headers={"Host": "mockcar:8765"},
        data={"grant_type": "authorization_code", "code": "nope"},
        auth=("d3e0a9b1-0000-4000-8000-000000000001", "demo-client-secret"),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant", "not insecure_transport"


# -- Connect from the host's browser -------------------------------------------------


@pytest.fixture
def example_app(
    compose: dict[str, Any], container: tuple[int, dict[str, str]], tmp_path: Path
) -> Iterator[int]:
    """The app service's command, on a free port instead of the published 8000."""
    port, _ = container
    app_port = free_port()
    env = compose_env(compose, "app", port) | {"APP_HOST": "127.0.0.1",
                                               "APP_PORT": str(app_port)}
    log = tmp_path / "app.log"
    with log.open("w") as log_file:
        app = subprocess.Popen([sys.executable, str(COMPOSE_DNS), str(APP)], env=env,
                               stdout=log_file, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 20
            while True:
                assert app.poll() is None, log.read_text()
                try:
                    httpx2.get(f"http://127.0.0.1:{app_port}/exchange", timeout=1)
                    break
                except httpx2.TransportError:
                    assert time.monotonic() < deadline, "the example app did not start"
                    time.sleep(0.1)
            yield app_port
        finally:
            app.send_signal(signal.SIGTERM)
            app.wait(timeout=15)
    assert "Traceback" not in log.read_text(), log.read_text()


def test_a_browser_on_the_host_connects_a_car_to_the_example_app(
    compose: dict[str, Any], container: tuple[int, dict[str, str]], example_app: int,
    browser_page: Page,
) -> None:
    port, _ = container
    page = browser_page
    hosts: list[str] = []

    def record(request: Request) -> None:
        hosts.append(urlsplit(request.url).netloc)

    def published_app(route: Route) -> None:
        # localhost:8000, the app's published port: on this machine, its free port.
        url = route.request.url.replace("localhost:8000", f"127.0.0.1:{example_app}", 1)
        route.fulfill(response=route.fetch(url=url))

    page.on("request", record)
    page.route("http://localhost:8000/**", published_app)
    page.goto("http://localhost:8000/")
    connect = page.get_attribute("#connect", "href")
    assert connect is not None
    assert connect.startswith(f"http://localhost:{port}/oauth/authorize?")
    page.click("#connect")

    page.click("#continue-button")
    page.click("button#TESLA.brand-list-item")
    page.fill("#username", "3-vehicles@smartcar.com")  # test mode: three cars
    page.fill("#password", "any password")
    page.click("#sign-in-button")
    # The vehicles are chosen on the permissions page.
    page.locator("input[name=vehicle]").nth(1).uncheck()
    with page.expect_request(lambda r: r.url.startswith("http://localhost:8000/")) as back:
        page.click("#approval-button")
    # Connect's redirect to the app's published port: Chromium follows a redirect past
    # Playwright's routing (to whatever listens on this machine's 8000, if anything), so
    # the test opens it in a tab of its own, routed to the app, as the browser would have.
    redirect = back.value.url
    assert redirect.startswith("http://localhost:8000/exchange?code=")
    tab = page.context.new_page()
    tab.route("http://localhost:8000/**", published_app)
    tab.goto(redirect)

    # Back at the redirect URI, the app exchanged the code and read every car by the
    # service name.
    tab.wait_for_selector("#vehicles")
    cars = tab.locator("#vehicles li")
    assert cars.count() == 2
    assert " km" in cars.first.inner_text()
    assert set(hosts) == {"localhost:8000", f"localhost:{port}"}, "no service name"


def test_the_docker_page_gives_your_app_the_example_apps_environment(
    compose: dict[str, Any],
) -> None:
    """docs/docker.md's service snippet is the compose file's `app`, less what only the
    example uses (MOCKCAR_URL, its headless mode's control-API address)."""
    page = (ROOT / "docs" / "docker.md").read_text(encoding="utf-8")
    snippet = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    yours = yaml.safe_load(snippet)["your-app"]
    app = compose["services"]["app"]
    assert yours["environment"] == {k: v for k, v in app["environment"].items()
                                    if k != "MOCKCAR_URL"}
    assert yours["ports"] == app["ports"]
    assert yours["depends_on"] == app["depends_on"]


def test_a_restart_keeps_tokens_in_the_state_volume(compose: dict[str, Any],
                                                    tmp_path: Path) -> None:
    """`docker compose restart`: SIGTERM, then the same environment and volume again; the
    access token an app stored before works after."""
    port = free_port()
    env = compose_env(compose, "mockcar", port, tmp_path)
    base = f"http://127.0.0.1:{port}"

    def serve() -> subprocess.Popen[bytes]:
        server = subprocess.Popen([str(BIN / "mockcar"), "serve", "--quiet"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while health(env).returncode != 0:
            assert server.poll() is None, "mockcar serve exited"
            assert time.monotonic() < deadline, "mockcar serve did not become healthy"
            time.sleep(0.1)
        return server

    def restart(server: subprocess.Popen[bytes]) -> None:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) in (0, -signal.SIGTERM)

    server = serve()
    try:
        client_id = compose["services"]["app"]["environment"]["SMARTCAR_CLIENT_ID"]
        pair = httpx2.post(f"{base}/_mockcar/applications/{client_id}/connect",
                          json={"exchange": True}, headers={
                              "Authorization": "Bearer demo-management-token",
                              "Host": "localhost"}, timeout=30)
        assert pair.status_code == 200, pair.text
    finally:
        restart(server)
    assert (tmp_path / "mockcar.db").is_file()
    server = serve()
    try:
        vehicle = pair.json()["vehicles"][0]
        answer = httpx2.get(f"{base}/v2.0/vehicles/{vehicle}/odometer", timeout=30,
                           headers={"Authorization": f"Bearer {pair.json()['access_token']}"})
        assert answer.status_code == 200, answer.text
    finally:
        restart(server)

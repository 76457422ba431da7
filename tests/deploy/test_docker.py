"""The docker recipe, checked without a Docker engine (none runs on our machines):
hadolint on both Dockerfiles, the files parsed and held to what compose users rely on,
and the container's entrypoint run as a subprocess with compose's environment, driven by
the example app under test through the official SDK."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from mockcar.settings import sdk_environment
from mockcar.testing.server import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
APP_DOCKERFILE = ROOT / "examples" / "app-under-test" / "Dockerfile"
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


def test_compose_publishes_mounts_and_checks_health(compose: dict[str, Any]) -> None:
    service = compose["services"]["mockcar"]
    env = service["environment"]
    assert service["ports"] == [f"{env['MOCKCAR_PORT']}:{env['MOCKCAR_PORT']}"]
    assert env["MOCKCAR_HOST"] == "0.0.0.0"
    assert env["MOCKCAR_INSECURE_TRANSPORT"] == "1"
    assert env["MOCKCAR_PUBLIC_URL"] == f"http://localhost:{env['MOCKCAR_PORT']}"
    assert service["volumes"] == ["./scenarios:/scenarios:ro"]
    scenario = Path(env["MOCKCAR_SCENARIO"])
    assert scenario.parent == Path("/scenarios")
    assert (ROOT / "scenarios" / scenario.name).is_file(), "the mounted scenario exists"
    assert service["healthcheck"]["test"] == ["CMD", "mockcar", "health"]


def test_example_app_points_its_sdk_at_the_mockcar_service(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    port = compose["services"]["mockcar"]["environment"]["MOCKCAR_PORT"]
    env = app["environment"]
    for name, value in sdk_environment(f"http://mockcar:{port}").items():
        assert env[name] == value
    assert app["depends_on"]["mockcar"]["condition"] == "service_healthy"
    assert (ROOT / app["build"] / "Dockerfile").is_file()
    assert app["profiles"] == ["example"]


# -- the entrypoint, as the container runs it ----------------------------------------


def compose_env(compose: dict[str, Any], service: str, port: int) -> dict[str, str]:
    """A service's compose environment, moved onto this machine: loopback instead of the
    docker network (tests bind 127.0.0.1 only), the repo's scenarios for the mount."""
    env = {k: str(v) for k, v in compose["services"][service]["environment"].items()}
    for name, value in env.items():
        value = value.replace("http://mockcar:8765", f"http://127.0.0.1:{port}")
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
    env = compose_env(compose, "mockcar", port)
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
        [sys.executable, str(ROOT / "examples" / "app-under-test" / "app.py")],
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

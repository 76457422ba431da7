"""The clock's speed from the edge: `mockcar serve --speed N` and MOCKCAR_SPEED → Settings
→ every World the server builds (its scenario World, resets, registered applications).
No timed assertions: the speed is read back, and the clock math is Clock's own tests'."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockcar import cli
from mockcar.app import create_app
from mockcar.server import banner
from mockcar.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_settings_read_the_speed_from_the_flag_and_the_environment() -> None:
    assert Settings().speed == 1.0
    assert Settings.from_env({"MOCKCAR_SPEED": "60"}).speed == 60.0
    assert Settings.from_env({"MOCKCAR_SPEED": "60"}, speed=2.5).speed == 2.5
    with pytest.raises(ValueError, match="MOCKCAR_SPEED must be a number"):
        Settings.from_env({"MOCKCAR_SPEED": "fast"})
    parsed = cli._parser().parse_args(["serve", "--speed", "120"])
    assert cli._settings(parsed).speed == 120.0


def test_every_world_of_the_server_runs_at_its_speed() -> None:
    settings = Settings(speed=60.0)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        assert client.get("/_mockcar/clock").json()["speed"] == 60.0
        registered = client.post("/_mockcar/applications", json={}).json()
        path = f"/_mockcar/applications/{registered['client_id']}/clock"
        auth = {"Authorization": f"Bearer {registered['management_token']}"}
        assert client.get(path, headers=auth).json()["speed"] == 60.0
        assert client.post("/_mockcar/reset").status_code == 200
        assert client.get("/_mockcar/clock").json()["speed"] == 60.0
    assert "the clock at 60x real time" in banner(settings, create_app(settings).state.world)
    with TestClient(create_app(Settings()), base_url="http://localhost") as client:
        assert client.get("/_mockcar/clock").json()["speed"] == 1.0


@pytest.mark.parametrize(("speed", "text"), [
    ("0", "--speed must be above 0 and at most 86400"),
    ("-3", "--speed must be above 0"),
    ("1e9", "at most 86400 (a day per second)"),
    ("warp", "--speed must be a number, got 'warp'"),
])
def test_serve_refuses_a_bad_speed_before_listening(speed: str, text: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    result = subprocess.run(
        [sys.executable, "-m", "mockcar.cli", "serve", "--port", "0", "--speed", speed],
        capture_output=True, text=True, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
        timeout=60, check=False,
    )
    assert result.returncode == 2
    assert text in result.stderr and "Traceback" not in result.stderr

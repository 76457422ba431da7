"""The `mockcar` command as a user runs it (validate, serve, scenarios, health): in a separate
process, judged by exit code and output, never showing a traceback."""

from __future__ import annotations

import base64
import os
import pty
import queue
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Self

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "default.yaml"
BAD = ROOT / "tests" / "scenario" / "bad"


def mockcar(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env = {k: v for k, v in env.items() if not k.startswith("MOCKCAR_")}
    result = subprocess.run(
        [sys.executable, "-m", "mockcar.cli", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout, check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_validate_good_file() -> None:
    result = mockcar("validate", DEFAULT)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{DEFAULT}: ok\n", "")


def test_validate_bad_file_prints_located_error_on_stderr() -> None:
    result = mockcar("validate", "tests/scenario/bad/bad_enum.yaml")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "tests/scenario/bad/bad_enum.yaml:9: owners[0].vehicles[1].powertrain: "
        "must be one of BEV, PHEV, HEV, ICE, got 'EV'\n"
    )


def test_validate_reports_every_problem_of_a_file() -> None:
    result = mockcar("validate", "tests/scenario/bad/several_problems.yaml")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        "tests/scenario/bad/several_problems.yaml:3",
        "tests/scenario/bad/several_problems.yaml:6",
        "tests/scenario/bad/several_problems.yaml:7",
    ]


def test_validate_many_files_checks_them_all() -> None:
    bad = sorted(BAD.glob("*.yaml"))
    result = mockcar("validate", DEFAULT, *bad)
    assert result.returncode == 1
    assert result.stdout == f"{DEFAULT}: ok\n"
    for path in bad:
        assert f"{path}:" in result.stderr


# kind -> (file name, bytes or None for "do not create", expected stderr fragment)
UNUSABLE = {
    "missing": ("missing.yaml", None, "missing.yaml: no such file"),
    "directory": ("", None, ": is a directory, not a scenario file"),
    "binary": ("junk.yaml", bytes(range(256)), "junk.yaml:1: looks like a binary file"),
    "not-utf8": ("latin.yaml", b"owners: j\xf6rg\n", "latin.yaml:1: not UTF-8 text"),
    "empty": ("empty.yaml", b"", "empty.yaml:1: the file is empty"),
    "syntax": ("bad.yaml", b"version: 1\nowners: [\n", "bad.yaml:3: not valid YAML"),
}


@pytest.mark.parametrize("kind", list(UNUSABLE))
def test_validate_unusable_files_in_one_line(tmp_path: Path, kind: str) -> None:
    name, content, expected = UNUSABLE[kind]
    target = tmp_path / name if name else tmp_path
    if content is not None:
        target.write_bytes(content)
    result = mockcar("validate", target)
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert expected in result.stderr


def test_validate_without_files_is_a_usage_error() -> None:
    result = mockcar("validate")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_serve_refuses_a_bad_scenario_before_listening() -> None:
    result = mockcar("serve", "--scenario", "tests/scenario/bad/battery_on_ice.yaml", "--port", "0")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "mockcar: tests/scenario/bad/battery_on_ice.yaml:10: owners[0].vehicles[0].battery: "
    )


def test_serve_refuses_a_missing_scenario(tmp_path: Path) -> None:
    result = mockcar("serve", "--scenario", tmp_path / "gone.yaml", "--port", "0")
    assert result.returncode == 1
    assert result.stderr == f"mockcar: {tmp_path / 'gone.yaml'}: no such file\n"


# -- serve, scenarios, health, --version -------------------------------------------------

STARTUP = 60.0  # seconds a loaded machine may take to load a scenario and listen


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


class Served:
    """`mockcar serve` in a subprocess: its stdout read line by line in a thread."""

    def __init__(self, *args: str, **env: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mockcar.cli", "serve", *args], cwd=ROOT,
            env=environment(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self.lines.put(raw.rstrip("\n"))
        self.lines.put(None)

    def until(self, fragment: str) -> str:
        """The first line from here on containing `fragment`."""
        while True:
            try:
                found = self.lines.get(timeout=STARTUP)
            except queue.Empty:
                raise AssertionError(f"no line with {fragment!r}; seen: {self.seen}") from None
            if found is None:
                raise AssertionError(f"exited before {fragment!r}; seen: {self.seen}")
            self.seen.append(found)
            if fragment in found:
                return found

    @property
    def port(self) -> int:
        found = re.search(r"on http://127\.0\.0\.1:(\d+)", self.seen[0])
        assert found, self.seen[0]
        return int(found.group(1))

    def ready(self) -> Self:
        self.until("mockcar serving")
        self.until("Connect: ")
        # Up once its health endpoint answers (the banner is printed just before).
        for _ in range(600):
            if mockcar("health", "--port", str(self.port)).returncode == 0:
                return self
            threading.Event().wait(0.1)
        raise AssertionError("the server never answered its health endpoint")

    def stop(self) -> str:
        self.process.terminate()
        _, stderr = self.process.communicate(timeout=STARTUP)
        return stderr

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.stop()


def get(port: int, path: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=STARTUP) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_version() -> None:
    result = mockcar("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"mockcar \d+\.\d+\.\d+\S*\n", result.stdout)


def test_scenarios_lists_each_bundled_one_with_its_purpose() -> None:
    result = mockcar("scenarios")
    assert result.returncode == 0 and result.stderr == ""
    rows = dict(line.split(None, 1) for line in result.stdout.splitlines())
    bundled = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    assert sorted(rows) == bundled
    assert rows["ev-fleet"].startswith("EV fleet: 500 battery-electric cars")
    assert rows["ev-fleet"].endswith("one commutes).")  # the sentence across two lines
    assert all(purpose.endswith(".") and "#" not in purpose for purpose in rows.values())


@pytest.mark.parametrize("flag", ["99999", "-1", "65536", "http"])
def test_serve_refuses_a_port_out_of_range(flag: str) -> None:
    result = mockcar("serve", "--port", flag)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("mockcar serve: error: argument --port: ")
    assert flag in result.stderr.splitlines()[-1]


def test_serve_port_from_the_environment_is_checked_too() -> None:
    env = environment(MOCKCAR_PORT="70000")
    result = subprocess.run([sys.executable, "-m", "mockcar.cli", "serve"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=STARTUP, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("mockcar: MOCKCAR_PORT must be 1-65535 (0 picks a free port), "
                             "got 70000\n")


def test_serve_refuses_an_unknown_scenario_name_listing_the_bundled_ones() -> None:
    result = mockcar("serve", "--scenario", "ev-flet", "--port", "0")
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1
    assert "'ev-flet'" in result.stderr
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert path.stem in result.stderr


def test_serve_says_in_one_line_that_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = mockcar("serve", "--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""  # no banner, no Connect URL of a server that is not this one
    assert result.stderr == (f"mockcar: 127.0.0.1:{port} is in use; pass --port or set "
                             "MOCKCAR_PORT\n")


def test_serve_a_bundled_scenario_by_name_on_a_free_port_and_log_requests() -> None:
    with Served("--scenario", "default", "--port", "0") as served:
        served.ready()
        port = served.port
        assert port != 0
        assert served.seen[0] == f"mockcar serving default.yaml on http://127.0.0.1:{port}"
        banner = "\n".join(served.seen)
        assert f"Connect: http://127.0.0.1:{port}/oauth/authorize?" in banner
        assert "management token: demo-management-token" in banner
        assert "webhook:          5d2a2f6e-3b1c-4c8e-9a47-1f0b8e6d2c11" in banner

        vehicle = "5bc4f833-1351-4bdf-8185-277afcd07e25"
        assert get(port, f"/v2.0/vehicles/{vehicle}/odometer",
                   {"Authorization": "Bearer not-a-token"}) == 401
        logged = served.until(f"/v2.0/vehicles/{vehicle}/odometer")
        assert re.fullmatch(
            rf"\d\d:\d\d:\d\d GET /v2\.0/vehicles/{vehicle}/odometer 401 \d+\.\d ms "
            r"hint: The access token is unknown.*", logged)
        assert "\033[" not in logged  # no colour when stdout is not a terminal

        # The demo application's management token: the line names the application.
        assert get(port, "/v2.0/management/connections",
                   {"Authorization": "Basic " + base64.b64encode(
                       b"default:demo-management-token").decode()}) == 200
        logged = served.until("/v2.0/management/connections")
        assert " 200 " in logged and logged.endswith('app="Demo App"')
        stderr = served.stop()
    assert "Traceback" not in stderr


def test_serve_quiet_logs_no_request_and_health_checks_a_running_server() -> None:
    with Served("--scenario", "default.yaml", "--port", "0", MOCKCAR_QUIET="1") as served:
        served.ready()
        port = served.port
        assert "Requests are logged" not in "\n".join(served.seen)
        for args in (("--port", str(port)), (f"http://127.0.0.1:{port}",),
                     ("--host", "127.0.0.1", "--port", str(port))):
            result = mockcar("health", *args)
            assert result.returncode == 0, result.stderr
            assert result.stdout == f"http://127.0.0.1:{port}/_mockcar/health: 200\n"
        assert get(port, "/v2.0/vehicles/x/odometer") == 401
        served.stop()
    everything = served.seen + list(iter(lambda: served.lines.get(timeout=STARTUP), None))
    assert everything[0].startswith("mockcar serving default.yaml")
    assert not [line for line in everything if "/v2.0/" in line or "/_mockcar/" in line]


def test_health_of_a_server_that_is_not_there_exits_1() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: connections are refused
        result = mockcar("health", "--port", str(port))
        by_url = mockcar("health", f"http://127.0.0.1:{port}")
    assert (result.returncode, by_url.returncode) == (1, 1)
    assert result.stderr.startswith(f"mockcar: http://127.0.0.1:{port}/_mockcar/health is "
                                    "not answering")


def test_health_refuses_a_url_and_a_port_together() -> None:
    result = mockcar("health", "http://127.0.0.1:8765", "--port", "8765")
    assert result.returncode == 2
    assert result.stderr == "mockcar: health: give a URL or --host/--port, not both\n"


def test_the_request_log_is_coloured_on_a_terminal() -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockcar.cli", "serve", "--port", "0"], cwd=ROOT,
        env=environment(), stdout=terminal, stderr=subprocess.DEVNULL, text=True)
    os.close(terminal)
    shown = ""
    try:
        while "Requests are logged" not in shown:
            shown += os.read(controller, 65536).decode()
        port = int(re.search(r"on http://127\.0\.0\.1:(\d+)", shown).group(1))  # type: ignore[union-attr]
        assert get(port, "/v2.0/vehicles/x/odometer") == 401
        while "/v2.0/vehicles/x/odometer" not in shown:
            shown += os.read(controller, 65536).decode()
    finally:
        process.terminate()
        process.wait(timeout=STARTUP)
        os.close(controller)
    logged = next(line for line in shown.splitlines() if "/v2.0/vehicles/x/odometer" in line)
    assert " \033[33m401\033[0m " in logged  # a client error in yellow
    assert "\033[2mhint: " in logged


def test_postman_takes_a_bundled_scenario_by_name(tmp_path: Path) -> None:
    result = mockcar("postman", "--scenario", "ev-fleet", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    written = {Path(line).name: Path(line).read_text() for line in result.stdout.splitlines()}
    assert any("7c1f5a2e-0000-4000-8000-00000000e001" in text for text in written.values())


def test_serve_on_an_address_this_machine_does_not_have_says_so_in_one_line() -> None:
    result = mockcar("serve", "--host", "192.0.2.1", "--port", "0")  # TEST-NET-1
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("mockcar: cannot listen on 192.0.2.1:0: Cannot assign requested "
                             "address\n")


def test_the_scenario_variable_takes_a_bundled_name_too() -> None:
    def serve(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mockcar.cli", "postman", "--out", "/dev/null/x"], cwd=ROOT,
            env=environment(MOCKCAR_SCENARIO=name), capture_output=True, text=True,
            timeout=STARTUP, check=False)

    unknown = serve("ev-flet")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("mockcar: MOCKCAR_SCENARIO: no scenario file or bundled "
                                     "scenario 'ev-flet'; bundled: default, ")
    known = serve("error-showcase")  # found and loaded; only the folder is unusable
    assert known.returncode == 1
    assert known.stderr.startswith("mockcar: cannot write to /dev/null/x")

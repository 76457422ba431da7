"""`mockcar serve --state PATH` as a user runs it: a subprocess on a free port, killed with
SIGKILL mid-traffic and started again on the same file. Every change that was answered
2xx is there after the restart; a change whose answer never came is there whole or not at
all. Tokens, the clock, fault rules and their counters, and webhook subscriptions
survive; a changed scenario, a damaged or foreign file and a read-only folder are one line
and exit 1 at start."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.test_cli import ROOT, Served, mockcar
from tests.webhooks.receiver import Receiver

DEFAULT = ROOT / "scenarios" / "default.yaml"
CLIENT_ID = "d3e0a9b1-0000-4000-8000-000000000001"
MANAGEMENT = {"Authorization": "Bearer demo-management-token", "Host": "localhost"}
CONTROL = {"Host": "localhost"}


class Server:
    """`mockcar serve --state PATH --port 0` and an HTTP client for it."""

    def __init__(self, state: Path, *args: str | Path) -> None:
        self.served = Served("--state", str(state), "--port", "0", "--quiet", *map(str, args))
        self.served.ready()
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.served.port}", timeout=30)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no lifespan, nothing flushed on the way out."""
        self.http.close()
        process = self.served.process
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        while self.served.lines.get(timeout=30) is not None:
            pass  # the reader reached the end of the killed server's output
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()

    def stop(self) -> None:
        self.http.close()
        if self.served.process.poll() is None:
            self.served.stop()

    def connect(self) -> dict[str, Any]:
        """Connect headlessly through the control API, the token pair exchanged."""
        answer = self.http.post(f"/_mockcar/applications/{CLIENT_ID}/connect",
                                json={"exchange": True}, headers=MANAGEMENT)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "mockcar.db"


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def start(servers: list[Server], state: Path, *args: str | Path) -> Server:
    server = Server(state, *args)
    servers.append(server)
    return server


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_kill_9_mid_traffic_loses_no_acknowledged_change(state: Path,
                                                         servers: list[Server]) -> None:
    """One client per car, all at once (their changes share transactions), killed while
    they send."""
    server = start(servers, state)
    pair = server.connect()
    headers = bearer(pair["access_token"])
    vehicles: list[str] = pair["vehicles"]
    acked_limit: dict[str, float] = {}
    acked_lock: dict[str, bool] = {}
    in_flight: dict[str, tuple[str, Any]] = {}  # by car: what its client sent last, unanswered
    errors: list[str] = []
    stop = threading.Event()
    steps = [0]
    enough = threading.Event()
    # Charge limits on the electric cars (an ICE car answers 501), each write a value the
    # car's previous one was not, so a restored limit names the request that set it;
    # locks toggle on every car.
    chargeable = {v for v in vehicles if server.http.post(
        f"/v2.0/vehicles/{v}/charge/limit", json={"limit": 0.9}, headers=headers
    ).status_code == 200}
    assert chargeable
    acked_limit.update(dict.fromkeys(chargeable, 0.9))
    # A car with a door open refuses to lock (409): it only sets charge limits, if any.
    lockable = {v for v in vehicles if server.http.post(
        f"/v2.0/vehicles/{v}/security", json={"action": "LOCK"}, headers=headers
    ).status_code == 200}
    vehicles = [v for v in vehicles if v in lockable or v in chargeable]
    acked_lock.update(dict.fromkeys(lockable, True))

    def send(http: httpx.Client, kind: str, vehicle: str, value: Any) -> bool:
        in_flight[vehicle] = (kind, value)
        try:
            if kind == "limit":
                answer = http.post(f"/v2.0/vehicles/{vehicle}/charge/limit",
                                   json={"limit": value}, headers=headers)
            else:
                answer = http.post(f"/v2.0/vehicles/{vehicle}/security",
                                   json={"action": "LOCK" if value else "UNLOCK"},
                                   headers=headers)
        except httpx.TransportError:
            return False  # killed: this one is in flight, its answer never came
        if answer.status_code != 200:
            errors.append(answer.text)
            return False
        (acked_limit if kind == "limit" else acked_lock)[vehicle] = value
        del in_flight[vehicle]
        return True

    def drive(vehicle: str) -> None:
        with httpx.Client(base_url=str(server.http.base_url), timeout=30) as http:
            step = 0
            while not stop.is_set():
                if vehicle in chargeable and (step % 2 or vehicle not in lockable):
                    # Two decimals, as the API answers.
                    ok = send(http, "limit", vehicle, round(0.5 + (step // 2 % 50) / 100, 2))
                else:
                    ok = send(http, "lock", vehicle, step % 4 == 0)
                if not ok:
                    break
                step += 1
                steps[0] += 1
                if steps[0] >= 120:
                    enough.set()
        enough.set()

    drivers = [threading.Thread(target=drive, args=(v,)) for v in vehicles]
    for driver in drivers:
        driver.start()
    assert enough.wait(120)
    assert not errors, errors
    server.kill()  # while the drivers are sending
    stop.set()
    for driver in drivers:
        driver.join(60)
    assert not errors, errors
    assert acked_lock

    after = start(servers, state)
    for vehicle, locked in acked_lock.items():
        allowed = {locked}
        if in_flight.get(vehicle, ("",))[0] == "lock":
            allowed.add(bool(in_flight[vehicle][1]))
        answer = after.http.get(f"/v2.0/vehicles/{vehicle}/security", headers=headers)
        assert answer.status_code == 200, answer.text  # the token from before the kill
        assert answer.json()["isLocked"] in allowed
    for vehicle, limit in acked_limit.items():
        allowed_limits = {limit}
        if in_flight.get(vehicle, ("",))[0] == "limit":
            allowed_limits.add(float(in_flight[vehicle][1]))
        answer = after.http.get(f"/v2.0/vehicles/{vehicle}/charge/limit", headers=headers)
        assert answer.json()["limit"] in allowed_limits


def test_tokens_clock_faults_and_subscriptions_survive_a_restart(state: Path,
                                                                 servers: list[Server]) -> None:
    server = start(servers, state)
    pair = server.connect()
    vehicle = pair["vehicles"][0]
    http = server.http
    assert http.post("/_mockcar/clock/freeze", json={}, headers=CONTROL).status_code == 200
    assert http.post("/_mockcar/clock/advance", json={"seconds": 3600},
                     headers=CONTROL).status_code == 200
    clock = http.get("/_mockcar/clock", headers=CONTROL).json()
    fault = http.post("/_mockcar/faults", json={
        "endpoint": "/odometer", "type": "VEHICLE_STATE", "code": "ASLEEP", "times": 3}, headers=CONTROL)
    assert fault.status_code in (200, 201), fault.text
    tripped = http.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=bearer(pair["access_token"]))
    assert tripped.status_code == 409, tripped.text
    webhook = "5d2a2f6e-3b1c-4c8e-9a47-1f0b8e6d2c11"
    subscribed = http.post(f"/v2.0/vehicles/{vehicle}/webhooks/{webhook}",
                           headers=bearer(pair["access_token"]))
    assert subscribed.status_code == 200, subscribed.text
    refreshed = http.post("/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
        auth=(CLIENT_ID, "demo-client-secret"))
    assert refreshed.status_code == 200, refreshed.text
    new_pair = refreshed.json()
    server.kill()

    after = start(servers, state).http
    # The pair from before, and the clock where it was (frozen, an hour on).
    assert after.get("/_mockcar/clock", headers=CONTROL).json() == clock
    headers = bearer(new_pair["access_token"])
    # The fault rule has two of its three answers left, then the odometer answers.
    assert after.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=headers).status_code == 409
    assert after.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=headers).status_code == 409
    assert after.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=headers).status_code == 200
    # The rotated-out refresh token's grace is World time: an hour later it is spent.
    again = after.post("/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": new_pair["refresh_token"]},
        auth=(CLIENT_ID, "demo-client-secret"))
    assert again.status_code == 200, again.text
    # Subscribed still: unsubscribing with the management token finds it.
    gone = after.delete(f"/v2.0/vehicles/{vehicle}/webhooks/{webhook}",
                        headers=bearer("demo-management-token"))
    assert gone.status_code == 200, gone.text


def test_a_scenario_that_lost_a_vehicle_the_state_uses_refuses_to_start(
        tmp_path: Path, state: Path, servers: list[Server]) -> None:
    scenario = tmp_path / "scenario.yaml"
    shutil.copy(DEFAULT, scenario)
    server = start(servers, state, "--scenario", scenario)
    pair = server.connect()
    server.stop()

    # A comment changes the file, not what the state uses: it starts and says so.
    scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = start(servers, state, "--scenario", scenario)
    assert any("changed since" in line for line in edited.served.seen + [
        edited.served.until("changed since")])
    edited.stop()

    # The owner's first vehicle is gone from the scenario: refused, naming it.
    text = scenario.read_text(encoding="utf-8")
    gone = pair["vehicles"][0]
    assert gone in text
    lines = text.splitlines()
    start_at = next(i for i, line in enumerate(lines) if gone in line)
    # The vehicle's entry: from its `- id:` line to the next entry of the same indent.
    indent = len(lines[start_at]) - len(lines[start_at].lstrip())
    end = next(i for i in range(start_at + 1, len(lines))
               if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent)
    scenario.write_text("\n".join(lines[:start_at] + lines[end:]) + "\n", encoding="utf-8")
    result = mockcar("serve", "--scenario", scenario, "--state", state, "--port", "0")
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert gone in message and "--reset-state" in message

    fresh = start(servers, state, "--scenario", scenario, "--reset-state")
    assert fresh.http.get(f"/v2.0/vehicles/{pair['vehicles'][1]}/security",
                          headers=bearer(pair["access_token"])).status_code == 401


def test_a_damaged_or_foreign_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database at all " * 200)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    for path, words in ((damaged, "--reset-state"), (foreign, "not a mockcar state file")):
        result = mockcar("serve", "--state", path, "--port", "0")
        assert result.returncode == 1, result
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
        assert words in result.stderr
    # --reset-state replaces a damaged file, never another program's database.
    refused = mockcar("serve", "--state", foreign, "--reset-state", "--port", "0")
    assert refused.returncode == 1 and "not a mockcar state file" in refused.stderr
    with sqlite3.connect(foreign) as db:
        assert db.execute("SELECT count(*) FROM notes").fetchone() == (0,)


def read_only(folder: Path) -> None:
    """No file can be made in `folder`, even by root (who ignores permission bits)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)


def writable(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "saved state"])
def test_a_read_only_folder_is_one_line_and_exit_1(tmp_path: Path, existing: bool) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    state = folder / "mockcar.db"
    if existing:  # a state saved before; its write-ahead log cannot be made now
        server = Server(state)
        server.connect()
        server.stop()
        for leftover in folder.glob("mockcar.db-*"):
            leftover.unlink()
    read_only(folder)
    try:
        result = mockcar("serve", "--state", state, "--port", "0")
    finally:
        writable(folder)
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "writable" in result.stderr, result.stderr


def test_registered_applications_survive_a_restart_and_a_deleted_one_stays_gone(
        state: Path, servers: list[Server]) -> None:
    server = start(servers, state)
    http = server.http
    kept, dropped = (http.post("/_mockcar/applications", json={"scenario": "ev-fleet"},
                               headers=CONTROL).json() for _ in range(2))
    # At 03:00 in Palo Alto its first car (overnight_charge) is parked at its charger;
    # at the server's own time of day it may be driving and refuse to unlock.
    assert http.post(f"/_mockcar/applications/{kept['client_id']}/clock/freeze",
                     json={"at": "2026-06-01T10:00:00Z"}, headers={
                         "Authorization": f"Bearer {kept['management_token']}",
                         "Host": "localhost"}).status_code == 200
    pairs = {}
    for app in (kept, dropped):
        answer = http.post(f"/_mockcar/applications/{app['client_id']}/connect",
                           json={"exchange": True}, headers={
                               "Authorization": f"Bearer {app['management_token']}",
                               "Host": "localhost"})
        assert answer.status_code == 200, answer.text
        pairs[app["client_id"]] = answer.json()
    vehicle = pairs[kept["client_id"]]["vehicles"][0]
    token = pairs[kept["client_id"]]["access_token"]
    unlocked = http.post(f"/v2.0/vehicles/{vehicle}/security", json={"action": "UNLOCK"},
                         headers=bearer(token))
    assert unlocked.status_code == 200, unlocked.text
    assert http.post(f"/_mockcar/applications/{dropped['client_id']}/delete", json={},
                     headers={"Authorization": f"Bearer {dropped['management_token']}",
                              "Host": "localhost"}).status_code == 200
    server.kill()

    after = start(servers, state).http
    assert after.get(f"/v2.0/vehicles/{vehicle}/security",
                     headers=bearer(token)).json()["isLocked"] is False
    # Its credentials are its own still: the secret gets a token for its World.
    issued = after.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": kept["client_id"],
        "client_secret": kept["client_secret"]})
    assert issued.status_code == 200, issued.text
    gone = pairs[dropped["client_id"]]
    assert after.get(f"/v2.0/vehicles/{gone['vehicles'][0]}/security",
                     headers=bearer(gone["access_token"])).status_code == 401
    assert after.get(f"/_mockcar/applications/{dropped['client_id']}", headers={
        "Authorization": f"Bearer {dropped['management_token']}",
        "Host": "localhost"}).status_code == 404


def test_a_webhook_retry_due_while_the_server_was_down_is_sent_after_a_restart(
        state: Path, servers: list[Server]) -> None:
    with Receiver("demo-management-token", statuses=[500]) as receiver:
        server = start(servers, state)
        http = server.http
        owner = {"Authorization": "Bearer demo-management-token", "Host": "localhost"}
        assert http.post("/_mockcar/clock/freeze", json={}, headers=CONTROL).status_code == 200
        made = http.post(f"/_mockcar/applications/{CLIENT_ID}/webhooks", headers=owner,
                         json={"id": "kept-hook", "url": receiver.url})
        assert made.status_code == 201, made.text
        receiver.wait_for(lambda seen: any(r.kind == "VERIFY" for r in seen))
        sent = http.post(f"/_mockcar/applications/{CLIENT_ID}/webhooks/kept-hook/test",
                         json={}, headers=owner)
        assert sent.status_code == 202, sent.text
        event = sent.json()["event_id"]
        # The first attempt fails (500): a retry is due 25 s of World time later.
        receiver.wait_for(lambda seen: any(r.kind != "VERIFY" for r in seen))
        log = {}
        for _ in range(200):  # the attempt is saved once the dispatcher recorded it
            log = http.get(f"/_mockcar/applications/{CLIENT_ID}/deliveries",
                           headers=owner).json()
            if any(a.get("retry_at") for a in log.get("deliveries", [])):
                break
            threading.Event().wait(0.05)
        assert any(a.get("retry_at") for a in log["deliveries"]), log
        server.kill()

        after = start(servers, state).http
        assert after.post("/_mockcar/clock/advance", json={"seconds": 30},
                          headers=CONTROL).status_code == 200
        attempts = receiver.wait_for(lambda seen: len(
            [r for r in seen if r.kind != "VERIFY"]) >= 2)
        again = [r for r in attempts if r.kind != "VERIFY"]
        assert again[1].json["eventId"] == event == again[0].json["eventId"]
        assert again[1].status == 200

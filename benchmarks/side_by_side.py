"""`make bench`: every HTTP row in one run, measured by wrk against real servers on
loopback, in alternating rounds so drift on a shared machine hits every row alike.

Rows (one uvicorn process, benchmarks/serve_rows.py, serves mockcar and a bare Starlette
app whose one route returns the same JSON, so the ratio compares like with like):

* bare Starlette route; mockcar `GET /v2.0/vehicles/{id}/odometer` with a bearer token;
  `GET /v3/vehicles/{id}/signals/odometer-traveleddistance` with an application token;
* the same two reads through the Starlette path alone (the same World served by a second
  app without mockcar.web.fast_reads): before and after in one run;
* a Connect page GET (`/oauth/authorize`, which starts a session) after 10,000 sessions;
* the token endpoints after 10,000 tokens: a refresh (each request spends a new refresh
  token) and client credentials;
* WireMock serving a fixed odometer stub, with `--wiremock` (needs `java`; the jar comes
  from the npm package `wiremock`, installed by `make bench WIREMOCK=1`), warmed ten
  times longer than the other rows so its JIT has compiled the path;
* cold start: process start to the first 200, `mockcar serve` against bare Starlette.

Each row prints req/s (mean of the rounds, and each round: a row that slows as the server
ages shows it), p50 and p99 (median of the rounds), the server's CPU per request (utime +
stime from /proc/<pid>/stat over the rounds, divided by the requests) and the throughput
ratio to the bare route. Defaults are wrk -t1 -c32, a 3 s warm-up, 3 rounds of 10 s;
`--seconds 2 --warmup 1` makes a quick run, `--rows v2,v3` measures only those rows
(with the bare route).
"""

from __future__ import annotations

import argparse
import base64
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.serve_rows import STARLETTE_PATH
from mockcar.testing.server import free_port

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk_request.lua"
WIREMOCK_DIR = HERE.parent / ".wiremock"
TICKS = os.sysconf("SC_CLK_TCK")
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
# The rows `--rows` picks from (the bare route is always measured; `cold` is the
# cold-start comparison after the rounds).
ROWS = ("v2", "v3", "v2-starlette", "v3-starlette", "connect", "refresh", "credentials",
        "cold")


@dataclass
class Row:
    label: str
    url: str
    pid: int
    headers: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    refresh: bool = False  # spends refresh tokens: the offset moves on after each run
    warmup_factor: float = 1.0  # WireMock's JIT needs ~30 s to be warm
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    requests: int = 0
    cpu_seconds: float = 0.0
    failed: int = 0


@dataclass
class Run:
    requests: int
    rps: float
    p50: float
    p99: float
    failed: int


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process, in seconds (/proc/<pid>/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(row: Row, seconds: float, connections: int, offset: int) -> Run:
    env = {**os.environ, **row.env, "MOCKCAR_REFRESH_OFFSET": str(offset)}
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
               "-s", str(LUA)]
    for name, value in row.headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [row.url], env=env, capture_output=True, text=True,
                         check=True).stdout
    latency = dict(re.findall(r"^\s*(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if "50" not in latency or "99" not in latency:
        raise SystemExit(f"bench: {row.label}: no latency distribution in wrk's output:\n{out}")
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    return Run(done, float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
               _ms(latency["50"]), _ms(latency["99"]),
               (int(failed.group(1)) if failed else 0)
               + (sum(int(n) for n in errors.groups()) if errors else 0))


def measure(row: Row, seconds: float, connections: int, offsets: dict[str, int]) -> None:
    before = cpu_seconds(row.pid)
    run = wrk(row, seconds, connections, offsets.get(row.label, 0))
    row.cpu_seconds += cpu_seconds(row.pid) - before
    row.requests += run.requests
    row.rps.append(run.rps)
    row.p50.append(run.p50)
    row.p99.append(run.p99)
    row.failed += run.failed
    if row.refresh:  # the next run starts past every token this one could have spent
        offsets[row.label] = offsets.get(row.label, 0) + run.requests + 10 * connections


def warm(row: Row, seconds: float, connections: int, offsets: dict[str, int]) -> None:
    run = wrk(row, seconds, connections, offsets.get(row.label, 0))
    if row.refresh:
        offsets[row.label] = offsets.get(row.label, 0) + run.requests + 10 * connections
    # More than 1% failed: a broken row. Fewer are socket timeouts while a JIT compiles
    # (WireMock) or the machine is busy: a warm-up's business, not a reason to stop.
    if run.failed > run.requests // 100:
        raise SystemExit(f"bench: {row.label}: {run.failed} of {run.requests} requests "
                         "failed during the warm-up")


def wait_for_200(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.005)
    raise SystemExit(f"bench: no 200 from {url}")


def cold_start(command: list[str], port: int, path: str = "/") -> float:
    """Seconds from starting `command` to its first 200 on `path`."""
    started = time.monotonic()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_200(f"http://127.0.0.1:{port}{path}", started + 30)
        return time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)


def check(row: Row) -> None:
    """One request first: a row that does not answer 200 is a broken bench, not a figure."""
    data = row.env.get("MOCKCAR_BODY")
    if row.refresh:
        token = Path(row.env["MOCKCAR_REFRESH_FILE"]).read_text().splitlines()[-1]
        data = f"grant_type=refresh_token&refresh_token={token}"
    request = urllib.request.Request(
        row.url, data=data.encode() if data else None, headers=row.headers,
        method=row.env.get("MOCKCAR_METHOD", "GET"))
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200:
            raise SystemExit(f"bench: {row.label} answered {response.status}")


def start_wiremock(body: dict[str, float], path: str) -> tuple[subprocess.Popen[bytes], Row]:
    jars = sorted(glob.glob(str(WIREMOCK_DIR / "node_modules" / "wiremock" / "**" / "*.jar"),
                            recursive=True))
    if not jars or shutil.which("java") is None:
        raise SystemExit("bench: --wiremock needs java and `make bench WIREMOCK=1` (the jar)")
    port = free_port()
    server = subprocess.Popen(["java", "-jar", jars[-1], "--port", str(port),
                               "--disable-banner", "--no-request-journal"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    mapping = json.dumps({"request": {"method": "GET", "url": path},
                          "response": {"status": 200, "jsonBody": body}}).encode()
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{port}/__admin/mappings", data=mapping,
                headers={"Content-Type": "application/json"}), timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                server.terminate()
                raise SystemExit("bench: WireMock did not come up") from None
            time.sleep(0.2)
    return server, Row("WireMock fixed odometer stub", f"http://127.0.0.1:{port}{path}",
                       server.pid, warmup_factor=10.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per round")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up a row")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--aged", type=int, default=10_000,
                        help="Connect sessions and tokens the World holds before measuring")
    parser.add_argument("--wiremock", action="store_true")
    parser.add_argument("--rows", default=",".join(ROWS),
                        help="comma-separated rows besides the bare route: "
                        f"{', '.join(ROWS)} (default: all)")
    args = parser.parse_args()
    chosen = {key.strip() for key in args.rows.split(",") if key.strip()}
    if chosen - set(ROWS):
        parser.error(f"--rows: unknown {', '.join(sorted(chosen - set(ROWS)))}; "
                     f"known: {', '.join(ROWS)}")
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk; make bench "
                         "installs it where apt-get works)")

    tmp = Path(tempfile.mkdtemp(prefix="mockcar-bench-"))
    refresh_file = tmp / "refresh_tokens"
    port = free_port()
    # Refresh tokens for the refresh row to spend, one a request, at up to 4,000 req/s.
    spendable = int(4_000 * (args.warmup + args.rounds * args.seconds)) + 10_000
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.serve_rows", str(port), "--aged", str(args.aged),
         "--refresh-tokens", str(spendable),
         "--refresh-file", str(refresh_file)],
        stdout=subprocess.PIPE, text=True)
    wiremock: subprocess.Popen[bytes] | None = None
    try:
        assert server.stdout is not None
        setup = json.loads(server.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        wait_for_200(f"{base}/bare/odometer", time.monotonic() + 60)
        basic = base64.b64encode(
            f"{setup['client_id']}:{setup['client_secret']}".encode()).decode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        authorize = urllib.parse.urlencode({
            "response_type": "code", "client_id": setup["client_id"],
            "redirect_uri": setup["redirect_uri"], "scope": "read_odometer", "mode": "test"})
        credentials = urllib.parse.urlencode({
            "grant_type": "client_credentials", "client_id": setup["client_id"],
            "client_secret": setup["client_secret"]})
        vehicle = setup["vehicle_id"]
        pid = server.pid
        bearer = {"Authorization": f"Bearer {setup['access_token']}"}
        application = {"Authorization": f"Bearer {setup['application_token']}",
                       "sc-user-id": setup["user_id"]}
        odometer = f"/v2.0/vehicles/{vehicle}/odometer"
        signal = f"/v3/vehicles/{vehicle}/signals/odometer-traveleddistance"
        every = {
            "v2": Row("v2 odometer, bearer token", base + odometer, pid, bearer),
            "v3": Row("v3 signal, application token", base + signal, pid, application),
            "v2-starlette": Row("v2 odometer, Starlette path only",
                                base + STARLETTE_PATH + odometer, pid, bearer),
            "v3-starlette": Row("v3 signal, Starlette path only",
                                base + STARLETTE_PATH + signal, pid, application),
            "connect": Row(f"Connect page GET ({args.aged:,} sessions)",
                           f"{base}/oauth/authorize?{authorize}", pid),
            "refresh": Row(f"token: refresh ({args.aged:,} pairs)", f"{base}/oauth/token", pid,
                           {"Authorization": f"Basic {basic}", **form},
                           {"MOCKCAR_METHOD": "POST",
                            "MOCKCAR_REFRESH_FILE": str(refresh_file)},
                           refresh=True),
            "credentials": Row(f"token: client credentials ({args.aged:,})",
                               f"{base}/oauth2/token", pid, form,
                               {"MOCKCAR_METHOD": "POST", "MOCKCAR_BODY": credentials}),
        }
        rows = [Row("bare Starlette route", f"{base}/bare/odometer", pid),
                *(row for key, row in every.items() if key in chosen)]
        if args.wiremock:
            wiremock, row = start_wiremock({"distance": 0.0},
                                           f"/v2.0/vehicles/{vehicle}/odometer")
            rows.append(row)
        offsets: dict[str, int] = {}
        for row in rows:
            check(row)
            if row.refresh:
                offsets[row.label] = 0
            warm(row, args.warmup * row.warmup_factor, args.connections, offsets)
        for _ in range(args.rounds):
            for row in rows:
                measure(row, args.seconds, args.connections, offsets)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if wiremock is not None:
            wiremock.terminate()
            wiremock.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

    colds = cold_starts(args.rounds) if "cold" in chosen else None
    report(rows, colds, args)
    if any(row.failed for row in rows):
        raise SystemExit("bench: some requests failed")


def cold_starts(rounds: int) -> dict[str, list[float]]:
    mockcar = [str(Path(sys.executable).with_name("mockcar")), "serve", "--quiet", "--port"]
    bare = [sys.executable, "-m", "benchmarks.serve_bare"]
    # Bytecode as an installed wheel has it (pip compiles at install): a checkout run
    # under PYTHONDONTWRITEBYTECODE would otherwise compile every module at each start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "mockcar")],
                   check=True, stdout=subprocess.DEVNULL)
    # One start first, untimed: it fills the user's cache folder (dataclass methods, the
    # validated scenario, compiled templates), as a user's first start after an install
    # does.
    port = free_port()
    cold_start([*mockcar, str(port)], port)
    # `mockcar health`: the first 200 of its health check, before any page is rendered
    # (`/` is the dashboard, the first page brings Jinja2 in).
    found: dict[str, list[float]] = {"bare": [], "mockcar": [], "mockcar health": []}
    for _ in range(rounds):
        port = free_port()
        found["bare"].append(cold_start([*bare, str(port)], port))
        port = free_port()
        found["mockcar"].append(cold_start([*mockcar, str(port)], port))
        port = free_port()
        found["mockcar health"].append(
            cold_start([*mockcar, str(port)], port, "/_mockcar/health"))
    return found


def report(rows: list[Row], colds: dict[str, list[float]] | None,
           args: argparse.Namespace) -> None:
    load = os.getloadavg()
    print(f"wrk -t1 -c{args.connections}, {args.warmup:g} s warm-up a row, {args.rounds} "
          f"alternating rounds of {args.seconds:g} s; uvicorn (uvloop, httptools), 1 worker; "
          f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    bare = statistics.fmean(rows[0].rps)
    print(f"| {'target':<40} | {'req/s':>7} | {'rounds':<23} | {'p50 ms':>6} | {'p99 ms':>6} "
          f"| {'CPU/req':>8} | {'ratio':>5} |")
    print(f"|{'-' * 42}|{'-' * 8}:|{'-' * 25}|{'-' * 7}:|{'-' * 7}:|{'-' * 9}:|{'-' * 6}:|")
    for row in rows:
        rps = statistics.fmean(row.rps)
        cpu = f"{1e6 * row.cpu_seconds / row.requests:,.0f} µs" if row.requests else "—"
        rounds = " / ".join(f"{r:,.0f}" for r in row.rps)
        print(f"| {row.label:<40} | {rps:>7,.0f} | {rounds:<23} | "
              f"{statistics.median(row.p50):>6.2f} | {statistics.median(row.p99):>6.2f} | "
              f"{cpu:>8} | {rps / bare:>5.2f} |")
    if colds is None:
        return _failed(rows)
    bare_cold, mockcar_cold = statistics.median(colds["bare"]), statistics.median(colds["mockcar"])
    print(f"cold start to the first 200 (median of {args.rounds}): bare Starlette "
          f"{1000 * bare_cold:.0f} ms, mockcar serve {1000 * mockcar_cold:.0f} ms "
          f"({mockcar_cold / bare_cold:.2f}x), first health-check 200 "
          f"{1000 * statistics.median(colds['mockcar health']):.0f} ms")
    _failed(rows)


def _failed(rows: list[Row]) -> None:
    failed = [f"{row.label}: {row.failed}" for row in rows if row.failed]
    if failed:
        print("failed requests (non-2xx or socket errors): " + ", ".join(failed))


if __name__ == "__main__":
    main()

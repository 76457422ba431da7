"""`make bench`'s rows for `mockcar serve --state`: what saving every change before its
answer costs, measured by wrk against two real servers on loopback, one keeping its state
in memory only and one with `--state` (a SQLite file in a temporary folder), in
alternating rounds.

Rows: `POST /v2.0/vehicles/{id}/security` alternating LOCK and UNLOCK (each request
changes the vehicle, so the --state server commits one transaction per request), the same
with `--state-sync full` (an fsync per commit), and `GET /v2.0/vehicles/{id}/odometer`
(a read, served from memory: the same with or without --state). The ratio column is
req/s with --state over req/s without; the goal for commands is >= 0.7.

Each server first issues `--tokens` token pairs (1,000 by default; each a connection, a
code and a pair, through the control API), so the rows show a server that has been in
use: a commit's cost must not grow with what the World holds. The in-process rows of
benchmarks/commit_cost.py (a commit's reading at 1,000 and 5,000 pairs) follow.

`python -m benchmarks.state_store --seconds 2 --warmup 1` makes a quick run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks import commit_cost
from benchmarks.side_by_side import Row, measure, wait_for_200, wrk
from mockcar.testing.server import free_port

HERE = Path(__file__).resolve().parent
TOGGLE = HERE / "wrk_toggle.lua"
CLIENT_ID = "d3e0a9b1-0000-4000-8000-000000000001"
LOCK, UNLOCK = '{"action":"LOCK"}', '{"action":"UNLOCK"}'


def serve(*flags: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "mockcar.cli", "serve", "--port", str(port), "--quiet",
         *flags], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for_200(f"{base}/", time.monotonic() + 60)
    return server, base


def connect(base: str) -> tuple[str, str]:
    """An access token and a vehicle it reaches, through the control API."""
    request = urllib.request.Request(
        f"{base}/_mockcar/applications/{CLIENT_ID}/connect",
        data=json.dumps({"exchange": True}).encode(), method="POST",
        headers={"Content-Type": "application/json", "Host": "localhost",
                 "Authorization": "Bearer demo-management-token"})
    with urllib.request.urlopen(request, timeout=30) as response:
        pair = json.load(response)
    return str(pair["access_token"]), str(pair["vehicles"][0])


def rows_for(label: str, server: subprocess.Popen[bytes], base: str,
             tokens: int = 0) -> tuple[Row, Row]:
    for _ in range(tokens):
        connect(base)
    token, vehicle = connect(base)
    headers = {"Authorization": f"Bearer {token}"}
    command = Row(f"lock/unlock POST, {label}", f"{base}/v2.0/vehicles/{vehicle}/security",
                  server.pid, headers, {"MOCKCAR_BODY": LOCK, "MOCKCAR_BODY_2": UNLOCK})
    read = Row(f"odometer GET, {label}", f"{base}/v2.0/vehicles/{vehicle}/odometer",
               server.pid, headers)
    return command, read


def run_command(row: Row, seconds: float, connections: int) -> None:
    """wrk with the toggling script: `measure` runs the shared GET/POST script, so the
    command rows swap it in for their run."""
    from benchmarks import side_by_side

    lua = side_by_side.LUA
    side_by_side.LUA = TOGGLE
    try:
        measure(row, seconds, connections, {})
    finally:
        side_by_side.LUA = lua


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per round")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up a row")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=1000,
                        help="token pairs each server issues before the rows")
    # `make bench` hands every script BENCH_ARGS; the side-by-side rows' own flags
    # (--rows, --aged, --wiremock) mean nothing here.
    args, _ = parser.parse_known_args()
    folder = Path(tempfile.mkdtemp(prefix="mockcar-bench-state-"))
    servers = []
    try:
        memory = serve()
        kept = serve("--state", str(folder / "normal.db"))
        full = serve("--state", str(folder / "full.db"), "--state-sync", "full")
        servers = [memory[0], kept[0], full[0]]
        memory_rows = rows_for("in memory", *memory, tokens=args.tokens)
        kept_rows = rows_for("--state", *kept, tokens=args.tokens)
        full_rows = rows_for("--state-sync full", *full, tokens=args.tokens)
        commands = [memory_rows[0], kept_rows[0], full_rows[0]]
        reads = [memory_rows[1], kept_rows[1]]
        for row in commands:
            run_command(Row(row.label, row.url, row.pid, row.headers, row.env),
                        args.warmup, args.connections)
        for row in reads:
            wrk(row, args.warmup, args.connections, 0)
        for _ in range(args.rounds):
            for row in commands:
                run_command(row, args.seconds, args.connections)
            for row in reads:
                measure(row, args.seconds, args.connections, {})
        report(commands, reads, args)
        commit_cost.report()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()


def report(commands: list[Row], reads: list[Row], args: argparse.Namespace) -> None:
    print(f"\nmockcar serve --state: wrk -t1 -c{args.connections}, {args.rounds} rounds of "
          f"{args.seconds:g} s, {args.tokens} token pairs issued before")
    print(f"{'row':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU us/req':>11} "
          f"{'ratio':>6}")
    for group in (commands, reads):
        base = statistics.mean(group[0].rps)
        for row in group:
            rps = statistics.mean(row.rps)
            cpu = row.cpu_seconds / row.requests * 1e6 if row.requests else 0.0
            print(f"{row.label:<40} {rps:>9.0f} {statistics.median(row.p50):>8.2f} "
                  f"{statistics.median(row.p99):>8.2f} {cpu:>11.0f} {rps / base:>6.2f}")
            if row.failed:
                print(f"  {row.failed} requests failed")


if __name__ == "__main__":
    main()

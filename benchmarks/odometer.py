"""`make bench`: GET /v2.0/vehicles/{id}/odometer through the full token path, against
a bare Starlette route serving the same JSON on the same uvicorn, in one run.

The token comes from the real token endpoint (authorization code exchanged with HTTP
Basic client auth), so each measured request pays for bearer lookup, expiry check,
vehicle and permission checks, unit handling and the sc-* headers.
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from benchmarks import load
from mockcar.testing.server import free_port


def _exchange(port: int, setup: dict[str, str]) -> str:
    basic = base64.b64encode(f"{setup['client_id']}:{setup['client_secret']}".encode()).decode()
    form = urllib.parse.urlencode({
        "grant_type": "authorization_code", "code": setup["code"],
        "redirect_uri": setup["redirect_uri"],
    }).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/oauth/token", data=form,
        headers={"Authorization": f"Basic {basic}",
                 "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["access_token"])


def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bare/odometer", timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("bench: the server did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.serve_odometer", str(port)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        setup = json.loads(server.stdout.readline())
        _wait_ready(port)
        token = _exchange(port, setup)
        mockcar_path = f"/v2.0/vehicles/{setup['vehicle_id']}/odometer"
        auth = {"Authorization": f"Bearer {token}"}
        # Warm both paths up, then measure them back to back on the same server.
        load.run("127.0.0.1", port, "/bare/odometer", {}, 1.0, args.connections)
        load.run("127.0.0.1", port, mockcar_path, auth, 1.0, args.connections)
        # Alternate rounds so drift on a shared machine hits both sides alike.
        bares, fulls = [], []
        for _ in range(args.rounds):
            bares.append(load.run("127.0.0.1", port, "/bare/odometer", {}, args.seconds,
                                  args.connections))
            fulls.append(load.run("127.0.0.1", port, mockcar_path, auth, args.seconds,
                                  args.connections))
    finally:
        server.terminate()
        server.wait(timeout=10)
    bare, full = load.median(bares), load.median(fulls)
    print(f"{args.connections} keep-alive connections, {args.rounds} alternating rounds of "
          f"{args.seconds:.0f} s, uvicorn (uvloop, httptools), 1 worker; median round shown")
    print(bare.line("bare Starlette route"))
    print(full.line("mockcar odometer (token)"))
    print(f"ratio mockcar/bare throughput: {full.rps / bare.rps:.2f} "
          f"(mockcar serves {100 * full.rps / bare.rps:.0f}% of the bare rate)")
    if any(r.errors for r in bares + fulls):
        raise SystemExit("bench: some requests failed")


if __name__ == "__main__":
    main()

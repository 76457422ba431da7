"""`make bench`, part three: fleets of 10, 10,000 and 100,000 vehicles.

For each size, a scenario with one application and one `fleet:` of that many vehicles:

* load: parse, validate and build the World (`load_world`), wall time, best of 3;
* memory: what the built World holds (tracemalloc, a separate build), then after 1,000
  vehicles were made by lookups;
* read: `GET /v2.0/vehicles/{id}/odometer` through the whole app in process (the ASGI
  app called directly, no socket), with a token per vehicle for 200 vehicles spread over
  the fleet, requests going round them; the first read of each (which makes the vehicle)
  and the steady state are reported apart.

Reads should not depend on the fleet's size: every lookup on the request path is a
dictionary lookup.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from benchmarks.in_process import get
from mockcar.app import create_app
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Mode, World
from mockcar.scenario import load_world
from mockcar.settings import Settings

SIZES = (10, 10_000, 100_000)
SCENARIO = """\
version: 1
seed: 7
applications:
  - {{name: Bench, client_id: bench, client_secret: s, redirect_uris: ['http://localhost/cb']}}
fleet: {{count: {count}, name: bench, powertrains: {{BEV: 0.5, PHEV: 0.1, HEV: 0.1, ICE: 0.3}},
        vehicles_per_owner: {{min: 1, max: 3}}}}
"""


def build(path: Path) -> World:
    return load_world(path, clock=Clock())


def load_seconds(path: Path, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        started = time.perf_counter()
        build(path)
        best = min(best, time.perf_counter() - started)
    return best


def memory_mb(path: Path) -> tuple[float, float]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    world = build(path)
    built = tracemalloc.get_traced_memory()[0] - before
    for vehicle_id in list(world.vehicles)[:: max(1, len(world.vehicles) // 1000)][:1000]:
        world.vehicles[vehicle_id].odometer_km()
    touched = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return built / 2**20, touched / 2**20


def tokens(world: World, count: int = 200) -> list[tuple[str, bytes]]:
    """(vehicle id, authorization header) for `count` vehicles spread over the fleet."""
    fleet = world.vehicles.fleets()[0]
    step = max(1, fleet.size // count)
    made = []
    for index in range(0, fleet.size, step)[:count]:
        vehicle_id = fleet.vehicle_id(index)
        owner = world.owner_of(vehicle_id)
        assert owner is not None
        connection = world.connect("bench", owner, [vehicle_id], sorted(PERMISSIONS), Mode.TEST)
        token = world.issue_token(connection.id, "bench", f"access-{index}", f"refresh-{index}")
        made.append((vehicle_id, f"Bearer {token.access_token}".encode()))
    return made


async def reads(world: World, requests: int) -> tuple[list[float], list[float]]:
    app = create_app(Settings(), world)
    pairs = tokens(world)
    first, steady = [], []
    for vehicle_id, authorization in pairs:  # the first read makes the vehicle
        started = time.perf_counter()
        assert await get(app, f"/v2.0/vehicles/{vehicle_id}/odometer", (b"authorization", authorization)) == 200
        first.append((time.perf_counter() - started) * 1e6)
    for round_ in range(requests):
        vehicle_id, authorization = pairs[round_ % len(pairs)]
        started = time.perf_counter()
        status = await get(app, f"/v2.0/vehicles/{vehicle_id}/odometer", (b"authorization", authorization))
        steady.append((time.perf_counter() - started) * 1e6)
        assert status == 200
    return first, steady


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    print(f"fleets: load (best of 3), memory (tracemalloc), {args.requests} in-process "
          "odometer reads round 200 vehicles (first read of each shown apart)")
    print(f"{'vehicles':>9} {'load':>9} {'memory':>9} {'+1000 made':>11} "
          f"{'first read p50':>15} {'read p50':>9} {'read p99':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"fleet-{size}.yaml"
            path.write_text(SCENARIO.format(count=size))
            seconds = load_seconds(path)
            built, touched = memory_mb(path)
            first, steady = asyncio.run(reads(build(path), args.requests))
            print(f"{size:>9,} {seconds:>8.2f}s {built:>7.1f}MB {touched:>9.1f}MB "
                  f"{statistics.median(first):>13.0f}us {statistics.median(steady):>7.0f}us "
                  f"{percentile(steady, 0.99):>7.0f}us")


if __name__ == "__main__":
    main()

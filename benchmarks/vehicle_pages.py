"""`make bench`: one page of a 100,000-vehicle fleet, as the dashboard's Vehicles page and
the control API's listing serve it (mockcar.domain.world.vehicle_listing).

A scenario with one `fleet:` of 100,000 vehicles (half of them on a trip profile), the app
called in process (no socket). For each query: the first request (which scans the fleet's
columns) and the median and p90 of the next 20 (the scan kept), wall time; the target is
under 100 ms a page. Pages read only their 50 vehicles: none of the others is made.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from starlette.types import ASGIApp

from benchmarks.in_process import get
from mockcar.app import create_app
from mockcar.scenario import load_world
from mockcar.settings import Settings

SCENARIO = """\
version: 1
seed: 7
applications:
  - {{name: Bench, client_id: bench, client_secret: s, redirect_uris: ['http://localhost/cb']}}
fleet: {{count: {count}, name: bench, powertrains: {{BEV: 0.5, PHEV: 0.1, HEV: 0.1, ICE: 0.3}},
        vehicles_per_owner: {{min: 1, max: 3}}, profiles: {{commute: 0.3, parked: 0.2}}}}
"""
QUERIES = (
    "/_mockcar/vehicles?limit=50",
    "/_mockcar/vehicles?offset=99950&limit=50",
    "/_mockcar/vehicles?q=ford&limit=50",
    "/_mockcar/vehicles?powertrain=BEV&region=US&offset=40000",
    "/vehicles",
    "/vehicles?page=2000",
    "/vehicles?q=mercedes+2022",
    "/vehicles?make=TESLA&powertrain=BEV&page=5",
)


async def measure(app: ASGIApp, target: str, rounds: int) -> tuple[float, list[float]]:
    started = time.perf_counter()
    assert await get(app, target) == 200, target
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        assert await get(app, target) == 200, target
        times.append((time.perf_counter() - started) * 1000)
    return first, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fleet.yaml"
        path.write_text(SCENARIO.format(count=args.count))
        world = load_world(path)
        app = create_app(Settings(), world)
        asyncio.run(get(app, "/vehicles"))  # warm: name pools, templates
        print(f"vehicle pages of a {args.count:,}-vehicle fleet, in process "
              f"(first request, then median and p90 of {args.rounds})")
        print(f"{'page':<58} {'first':>8} {'p50':>8} {'p90':>8}")
        for target in QUERIES:
            first, times = asyncio.run(measure(app, target, args.rounds))
            ordered = sorted(times)
            print(f"{target:<58} {first:>6.1f}ms {statistics.median(times):>6.1f}ms "
                  f"{ordered[int(0.9 * (len(ordered) - 1))]:>6.1f}ms")


if __name__ == "__main__":
    main()

"""`make bench`: what a timeline costs a read. A vehicle with a timeline
computes its state at the clock's time on every read, in closed form: the cost should
not grow with the time since its anchor (a day, a year or a century of commuting fold
into the same few steps).

* domain: `Vehicle.at(t)` for a standing vehicle (no timeline), and for the default
  scenario's commuting Model Y a few hours, a year and a century after its anchor;
* HTTP: `GET /v2.0/vehicles/{id}/odometer` through the whole app in process, for the
  standing vehicle and the commuter at the same clock times.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from benchmarks.in_process import get
from mockcar.app import create_app
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Mode, World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
STANDING = "5bc4f833-1351-4bdf-8185-277afcd07e25"  # alice's Model 3: no timeline
COMMUTER = "5bc8fbbc-bde5-4099-8164-d8399f767c45"  # rosa's Model Y: {profile: commute}
LATER = {"same day": timedelta(hours=3), "a year on": timedelta(days=365),
         "a century on": timedelta(days=36_525)}


def per_call_us(call: Callable[[], object], seconds: float) -> float:
    """Median of 5 batches, each as many calls as fit in `seconds` / 5."""
    batches = []
    for _ in range(5):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds / 5:
            call()
            count += 1
        batches.append((time.perf_counter() - started) / count * 1e6)
    return statistics.median(batches)


def authorization(world: World, vehicle_id: str) -> bytes:
    owner = world.owner_of(vehicle_id)
    assert owner is not None
    connection = world.connect("bench", owner, [vehicle_id], sorted(PERMISSIONS), Mode.TEST)
    token = world.issue_token(connection.id, "bench", str(uuid.uuid4()), str(uuid.uuid4()))
    return f"Bearer {token.access_token}".encode()


async def http_us(world: World, vehicle_id: str, requests: int) -> float:
    app = create_app(Settings(), world)
    header = authorization(world, vehicle_id)
    path = f"/v2.0/vehicles/{vehicle_id}/odometer"
    took = []
    for _ in range(requests):
        started = time.perf_counter()
        assert await get(app, path, (b"authorization", header)) == 200
        took.append((time.perf_counter() - started) * 1e6)
    return statistics.median(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    world = load_world(default_scenario(), clock=Clock(frozen_at=START))
    standing, commuter = world.vehicles[STANDING], world.vehicles[COMMUTER]
    print("timelines: median cost of a read (domain Vehicle.at, and an in-process "
          "HTTP odometer read)")
    print(f"{'vehicle':<24} {'clock':<14} {'Vehicle.at':>11} {'HTTP read':>10}")
    rows = [("standing (no timeline)", standing, "any", timedelta())]
    rows += [("commuter", commuter, label, delta) for label, delta in LATER.items()]
    for name, vehicle, label, delta in rows:
        moment = START + delta
        domain = per_call_us(lambda v=vehicle, m=moment: v.at(m), args.seconds)  # type: ignore[misc]
        world.clock.set(moment)
        http = asyncio.run(http_us(world, vehicle.id, args.requests))
        print(f"{name:<24} {label:<14} {domain:>9.1f}us {http:>8.0f}us")


if __name__ == "__main__":
    main()

"""What one `--state` commit costs in process, on Worlds holding 1,000 and 5,000 token
pairs: the records read for the Ledger after a command changed one car, and after
nothing changed. The cost must not grow with the tokens held (mockcar.state.pending).

`python -m benchmarks.commit_cost` prints the rows; benchmarks/state_store.py prints
them too, so `make bench` shows them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping, Sequence

from mockcar.domain.world.world import Mode, World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario
from mockcar.state.pending import acknowledge, checkpoint
from mockcar.state.records import world_changes, world_records
from mockcar.state.store import Change, Ledger


class Discard:
    """A store that keeps nothing: the rows time the reading, not SQLite."""

    @property
    def meta(self) -> dict[str, str]:
        return {}

    def load(self) -> dict[str, dict[str, dict[str, dict[str, object]]]]:
        return {}

    def apply(self, changes: Sequence[Change], meta: Mapping[str, str] | None = None) -> None:
        return None

    def clear(self) -> None:
        return None

    def close(self) -> None:
        return None


def aged(tokens: int) -> tuple[World, str]:
    """The default World with `tokens` connections, codes and pairs, and a car to lock."""
    world = load_world(default_scenario())
    owner = next(world.owners.added())
    app = next(iter(world.applications.values()))
    for i in range(tokens):
        connection = world.connect(app.client_id, owner, owner.vehicle_ids,
                                   ["control_security"], Mode.TEST)
        code = world.issue_code(connection, None)
        world.spend_code(code)
        world.issue_token(connection.id, app.client_id, f"access-{i}", f"refresh-{i}",
                          code=code.code)
    return world, owner.vehicle_ids[0]


def commit(world: World, ledger: Ledger) -> list[Change]:
    whole, delta, mark = world_changes(world)
    changes = ledger.changes_since("", whole, delta)
    ledger.commit(changes)
    acknowledge(world, mark)
    return changes


def row(tokens: int, rounds: int = 200) -> tuple[float, float]:
    """Median seconds of a commit after a lock or unlock, and of one with no change."""
    world, car = aged(tokens)
    ledger = Ledger(Discard())
    ledger.commit(ledger.changes("", world_records(world)))
    acknowledge(world, checkpoint(world))
    changed: list[float] = []
    idle: list[float] = []
    for i in range(rounds):
        vehicle = world.vehicles[car]
        (vehicle.unlock if i % 2 == 0 else vehicle.lock)(world.now())
        start = time.perf_counter()
        assert [c.section for c in commit(world, ledger)] == ["vehicles"]
        changed.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert commit(world, ledger) == []
        idle.append(time.perf_counter() - start)
    return statistics.median(changed), statistics.median(idle)


def report() -> None:
    print("\n--state commit in process (median of 200):")
    print(f"{'token pairs held':<20} {'after a lock us':>16} {'no change us':>13}")
    for tokens in (1000, 5000):
        changed, idle = row(tokens)
        print(f"{tokens:<20} {changed * 1e6:>16.0f} {idle * 1e6:>13.0f}")


if __name__ == "__main__":
    report()

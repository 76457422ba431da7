"""`mockcar serve --state PATH`: the server's Worlds kept in a `Store`.

At start, `open_state` opens the store, checks it was written against this scenario (or
says what differs), and applies the records onto the scenario World; `StateKeeper`
then commits what each request changed (mockcar.web.persistence calls it before the
response goes out) and what the webhook dispatcher changes in the background.

The scenario is the base and the store holds the changes on top. A scenario file edited
since the state was written is fine as long as every vehicle and application the state
names still exists (the start-up says the file changed); otherwise the server refuses to
start, naming what is gone, and `--reset-state` starts from the scenario alone.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockcar.domain.world.world import World
from mockcar.state import drift
from mockcar.state.records import RecordError, apply_records, world_records
from mockcar.state.sqlite_store import SQLiteStore, reset
from mockcar.state.store import SCENARIO, Change, Ledger, ServerRecords, Store, StoreError

log = logging.getLogger("mockcar.state")


class ScenarioChanged(StoreError):
    """The scenario no longer has what the saved state names; `problems` one line each."""

    def __init__(self, path: Path, scenario: Path, problems: list[str]) -> None:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more"
                                            if len(problems) > 5 else "")
        super().__init__(f"the scenario {scenario.name} changed since {path} was written and "
                         f"no longer has what the saved state uses: {shown}. Start with "
                         "--reset-state to discard the saved state, or restore the scenario")
        self.problems = problems


def fingerprint(scenario: Path, seed: int | None) -> str:
    """What the state was written against: the scenario file's bytes and the seed."""
    try:
        digest = hashlib.sha256(scenario.read_bytes()).hexdigest()
    except OSError:
        digest = "unreadable"
    return f"sha256:{digest};seed:{seed}"


@dataclass
class StateKeeper:
    """Commits the Worlds' changes to `store`, one transaction per request."""

    store: Store
    ledger: Ledger
    path: Path
    # Start-up notes for the console (the scenario changed, what was restored).
    notes: list[str] = field(default_factory=list)
    # The app's state (scenario World, tenants), set by `attach`.
    _app_state: Any = None

    def attach(self, app_state: Any) -> None:
        self._app_state = app_state

    # -- commits ------------------------------------------------------------------------

    def commit_world(self, key: str, world: World) -> None:
        """What `world` (the tenant `key`'s) changed since the last commit, in one
        transaction. StoreError when it cannot be written: nothing is then remembered as
        written, so the next commit writes it again."""
        self.ledger.commit(self.ledger.changes(key, world_records(world)))

    def commit_all(self) -> None:
        """Every World of the server, and the removal of tenants that are gone: after a
        control request, which may register, reset or delete applications."""
        changes: list[Change] = []
        live: set[str] = set()
        for key, world in self.worlds():
            live.add(key)
            changes += self.ledger.changes(key, world_records(world))
        changes += self.ledger.removed(set(self.ledger.written) - live)
        self.ledger.commit(changes)

    def commit_background(self, world: World) -> None:
        """A change made outside any request (a webhook attempt): committed at once; a
        failure is logged, and the change is written with the next commit that works."""
        key = self.key_of(world)
        if key is None:
            return  # a World reset or removed meanwhile
        try:
            self.commit_world(key, world)
        except StoreError as error:
            log.error("mockcar: could not save a webhook delivery's state: %s", error)

    def worlds(self) -> list[tuple[str, World]]:
        state = self._app_state
        if state is None:
            return []
        found: list[tuple[str, World]] = [(SCENARIO, state.world)]
        # Registered applications' Worlds join here once their registration is a record.
        return found

    def key_of(self, world: World) -> str | None:
        return next((key for key, w in self.worlds() if w is world), None)

    def close(self) -> None:
        self.store.close()


def open_state(path: Path, scenario: Path, seed: int | None, world: World, *,
               reset_state: bool = False, sync: str = "normal",
               version: str = "unknown") -> StateKeeper:
    """Open (or create) the state at `path` and apply it onto `world`, the scenario's
    World as just built. StoreError (one line) when the file cannot be used;
    ScenarioChanged when the scenario lost what the state names."""
    store = reset(path, sync) if reset_state else SQLiteStore(path, sync)
    try:
        return _restore(store, path, scenario, seed, world, version)
    except BaseException:
        store.close()
        raise


def _restore(store: SQLiteStore, path: Path, scenario: Path, seed: int | None, world: World,
             version: str) -> StateKeeper:
    records: ServerRecords = store.load()
    notes: list[str] = []
    mark = fingerprint(scenario, seed)
    written = store.meta.get("scenario")
    changed = bool(records) and written is not None and written != mark
    try:
        apply_records(world, records.get(SCENARIO, {}))
    except RecordError as error:
        if changed:
            raise ScenarioChanged(path, scenario, [str(error)]) from None
        raise StoreError(f"{path} holds state this mockcar cannot apply ({error}); start with "
                         "--reset-state to discard it") from None
    if changed:
        # Checked on the World the records were applied to: vehicles they create count.
        problems = drift.dangling(world, records.get(SCENARIO, {}))
        if problems:
            raise ScenarioChanged(path, scenario, problems)
        notes.append(f"The scenario {scenario.name} changed since {path} was written; every "
                     "vehicle and application the saved state uses is still there, so it "
                     "applies (--reset-state starts from the scenario alone).")
    if records:
        notes.append(f"State restored from {path}: {_summary(records)}.")
    else:
        notes.append(f"State is kept in {path} (a change is saved before its answer is sent).")
    store.apply([], {"scenario": mark, "written_by": version})
    return StateKeeper(store, Ledger(store, written=records), path, notes)


def _summary(records: ServerRecords) -> str:
    counts: dict[str, int] = {}
    for sections in records.values():
        for section, entries in sections.items():
            counts[section] = counts.get(section, 0) + len(entries)
    tenants = sum(1 for key in records if key != SCENARIO)
    parts = [f"{n} {section}" for section, n in sorted(counts.items()) if n]
    if tenants:
        parts.append(f"{tenants} registered applications")
    return ", ".join(parts) or "nothing yet"


def tenants_of(records: ServerRecords) -> Iterable[str]:
    return (key for key in records if key != SCENARIO)

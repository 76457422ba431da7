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

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mockcar.domain.world.tenants import Tenant, Tenants
from mockcar.domain.world.world import World
from mockcar.scenario.library import ScenarioLibrary
from mockcar.settings import bundled_scenarios
from mockcar.state import drift
from mockcar.state.pending import acknowledge, checkpoint
from mockcar.state.records import RecordError, apply_records, world_changes, world_records
from mockcar.state.snapshot import (
    TENANT,
    Rebuilt,
    SnapshotError,
    rebuild_tenant,
    register,
    registration,
    tenant_records,
)
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


class _Written(asyncio.Future[None]):
    """A batch's write, which every request of the batch awaits directly. A request
    cancelled meanwhile (the server stopping) must not cancel the write the others
    wait for: cancelling this does nothing, and the cancelled request ends when the
    write has."""

    def cancel(self, msg: Any | None = None) -> bool:
        return False


class Staged(Protocol):
    """A store whose `apply` comes in two halves (mockcar.state.sqlite_store)."""

    def stage(self, changes: Sequence[Change]) -> None: ...

    def finish(self) -> None: ...


@dataclass
class _Batch:
    """The Worlds requests of one event-loop turn wait to see written."""

    done: asyncio.Future[None]
    claims: dict[int, tuple[Tenant | None, World]] = field(default_factory=dict)
    everything: bool = False
    # Once written: each World's records noted up to this generation are acknowledged
    # (mockcar.state.pending), and the World is the one its tenant's records came from.
    read: list[tuple[str, World, int]] = field(default_factory=list)


@dataclass
class StateKeeper:
    """Commits the Worlds' changes to `store` before requests are answered."""

    store: Store
    ledger: Ledger
    path: Path
    # Start-up notes for the console (the scenario changed, what was restored).
    notes: list[str] = field(default_factory=list)
    # Registered applications rebuilt from the state, registered by `attach`.
    rebuilt: list[Rebuilt] = field(default_factory=list)
    # The app's state (scenario World, tenants), set by `attach`.
    _app_state: Any = None
    _next: _Batch | None = None  # the batch requests join while a write is in flight
    _writing: bool = False
    _closed: bool = False
    # The World each tenant's written records were last read from: a commit of the same
    # World reads only what changed since (mockcar.state.pending); another World (reset,
    # restored) is read whole once.
    _synced: dict[str, World] = field(default_factory=dict)
    # Set (the store's checkpoint) when a transaction only writes into the OS's cache
    # (SQLite's synchronous=NORMAL in WAL): batches are then written on the loop, and
    # what waits for the disk (the checkpoint, and the transaction after it, which
    # restarts the log and syncs its header) on the writer thread, every
    # `CHECKPOINT_EVERY` transactions. None: every transaction waits for the disk
    # (synchronous=FULL, or a store that says nothing), and the writer thread writes it.
    checkpoint: Callable[[], None] | None = None
    _since_checkpoint: int = 0
    # Set when every transaction waits for the disk and the store can split one
    # (SQLiteStore.stage, .finish): the statements run on the loop and only the COMMIT,
    # which fsyncs, on the writer thread, so a batch hands the GIL over to it once
    # rather than at every statement.
    staged: Staged | None = None
    # One thread writes what blocks on the disk, so the loop does not.
    _writer: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="mockcar-state"))

    def attach(self, app_state: Any) -> None:
        """Serve `app_state`'s Worlds: register the applications the state holds."""
        self._app_state = app_state
        for rebuilt in self.rebuilt:
            register(app_state.tenants, rebuilt)
        self.rebuilt = []

    # -- commits ------------------------------------------------------------------------
    #
    # A group commit, pipelined. A request that may have changed a World waits, before
    # its answer starts, until that World is written. Requests answered within two turns
    # of the event loop, or while a write is in flight, form the next batch: its Worlds
    # are diffed on the loop (the only place Worlds change, so the diff sees each
    # whole) and written in one transaction. A transaction that waits for the disk (an
    # fsync) is written by the writer thread while the loop goes on serving; one that
    # only hands pages to the OS (WAL, synchronous=NORMAL: some 50 us) is written on
    # the loop, which costs less than handing it to a thread and back. Under load the
    # diff and the transaction are paid once per batch, and the disk's latency never
    # stalls the loop; each answer still waits for its own changes to be written.

    async def commit(self, tenant: Tenant | None, world: World | None) -> None:
        """Wait until the request's World (`tenant`'s, the scenario World's when None;
        every World when `world` is None) is written. StoreError when the transaction
        that held it failed: nothing of it is then remembered as written, so the next
        commit writes it again."""
        await self._enqueue(tenant, world).done

    def commit_background(self, world: World) -> None:
        """A change made outside any request (a webhook attempt): written with the next
        batch; a failure is logged, and the change is written with the next commit that
        works."""
        state = self._app_state
        if state is None:
            return
        if world is state.world:
            self._enqueue(None, world)
            return
        tenant = next((t for t in state.tenants if t.world is world), None)
        if tenant is not None:  # else reset or removed meanwhile
            self._enqueue(tenant, world)

    def _enqueue(self, tenant: Tenant | None, world: World | None) -> _Batch:
        batch = self._next
        if batch is None:
            loop = asyncio.get_running_loop()
            batch = self._next = _Batch(_Written(loop=loop))
            batch.done.add_done_callback(_logged)
            if not self._writing:
                # Two turns of the loop on: the requests read in the next poll for I/O
                # join this batch too. Under load a batch then holds about every
                # connection's request, not half of them, and the diff and the
                # transaction are paid half as often; an idle loop turns at once.
                loop.call_soon(loop.call_soon, self._flush)
        if world is None:
            batch.everything = True
        else:
            batch.claims[id(world)] = (tenant, world)
        return batch

    def _flush(self) -> None:
        """Diff the waiting batch and hand its changes to the writer thread."""
        if self._next is None or self._writing:
            return
        batch, self._next = self._next, None
        if self._closed:  # the app is served again after its lifespan ended
            batch.done.set_exception(StoreError(f"the state file {self.path} is closed"))
            return
        try:
            changes = self._changes(batch)
        except Exception as error:  # its requests must get an answer, and the log why
            log.exception("mockcar: reading the Worlds' records failed")
            batch.done.set_exception(error)
            return
        if not changes:  # no transaction: nothing to remember as written
            self._acknowledge(batch)
            batch.done.set_result(None)
            return
        write: Callable[[], None]
        if self.checkpoint is not None:
            if self._since_checkpoint < CHECKPOINT_EVERY:
                self._since_checkpoint += 1
                self._write_here(batch, changes)
                return
            self._since_checkpoint = 0
            write = lambda: self._checkpoint_and_apply(changes)
        elif self.staged is not None:
            try:
                self.staged.stage(changes)
            except StoreError as error:
                self._settle(batch, changes, error)
                return
            write = self.staged.finish
        else:
            write = lambda: self.store.apply(changes)
        self._writing = True
        loop = asyncio.get_running_loop()
        written = loop.run_in_executor(self._writer, write)
        written.add_done_callback(lambda ended: self._written(batch, changes, ended))

    def _write_here(self, batch: _Batch, changes: list[Change]) -> None:
        """The batch written on the loop: a transaction that waits for no disk."""
        try:
            self.store.apply(changes)
        except StoreError as error:
            self._settle(batch, changes, error)
        except Exception as error:  # its requests must get an answer, and the log why
            log.exception("mockcar: writing the state file failed")
            self._settle(batch, changes, error)
        else:
            self._settle(batch, changes, None)

    def _checkpoint_and_apply(self, changes: list[Change]) -> None:
        """On the writer thread: the log copied into the file, then the batch."""
        assert self.checkpoint is not None
        try:
            self.checkpoint()
        except StoreError as error:  # the log grows until one works; the batch may
            log.error("mockcar: could not checkpoint the state file: %s", error)
        self.store.apply(changes)

    def _written(self, batch: _Batch, changes: list[Change],
                 ended: asyncio.Future[None]) -> None:
        self._writing = False
        error = ended.exception() if not ended.cancelled() else StoreError("write cancelled")
        self._settle(batch, changes, error)
        if self._next is not None:
            self._flush()

    def _settle(self, batch: _Batch, changes: list[Change],
                error: BaseException | None) -> None:
        """A batch's write ended: its changes remembered as written and its requests
        answered, or (`error`) nothing remembered and the error theirs."""
        if error is None:
            self.ledger.remember(changes)
            self._acknowledge(batch)
            batch.done.set_result(None)
        else:
            batch.done.set_exception(error)

    def _acknowledge(self, batch: _Batch) -> None:
        for key, world, mark in batch.read:
            acknowledge(world, mark)
            self._synced[key] = world

    def _changes(self, batch: _Batch) -> list[Change]:
        if batch.everything:
            return self._all_changes(batch)
        return [change for tenant, world in batch.claims.values()
                for change in self._claim_changes(batch, tenant, world)]

    def _claim_changes(self, batch: _Batch, tenant: Tenant | None,
                       world: World) -> list[Change]:
        if tenant is None:
            if self._app_state is not None and world is not self._app_state.world:
                return []  # a scenario World replaced meanwhile (a restored snapshot)
            return self._world_changes(batch, SCENARIO, world, None)
        tenants: Tenants | None = getattr(self._app_state, "tenants", None)
        if tenants is not None and tenants.get(tenant.client_id) is not tenant:
            return []  # deleted meanwhile: the control request that did it wrote that
        return self._world_changes(batch, tenant.client_id, world, tenant)

    def _world_changes(self, batch: _Batch, key: str, world: World,
                       tenant: Tenant | None) -> list[Change]:
        """The World's changes since it was last written: only the records it noted as
        changed when it is the World last written for `key`, else read whole."""
        if self._synced.get(key) is world:
            whole, delta, mark = world_changes(world)
            if tenant is not None:
                whole[TENANT] = {"registration": registration(tenant.choice)}
            changes = self.ledger.changes_since(key, whole, delta)
        else:
            records = world_records(world) if tenant is None else tenant_records(tenant)
            mark = checkpoint(world)
            changes = self.ledger.changes(key, records)
        batch.read.append((key, world, mark))
        return changes

    def _all_changes(self, batch: _Batch) -> list[Change]:
        state = self._app_state
        if state is None:
            return []
        changes = self._world_changes(batch, SCENARIO, state.world, None)
        current = {SCENARIO}
        for tenant in state.tenants:
            current.add(tenant.client_id)
            changes += self._world_changes(batch, tenant.client_id, tenant.world, tenant)
        gone = set(self.ledger.written) - current
        for key in gone:
            self._synced.pop(key, None)
        changes += self.ledger.removed(gone)
        return changes

    def close(self) -> None:
        """After the server stopped: finish the write in flight, write what is still
        waiting, then close the file."""
        self._closed = True
        self._writer.shutdown(wait=True)
        batch, self._next = self._next, None
        if batch is not None:
            try:
                self.ledger.commit(self._changes(batch))
                self._acknowledge(batch)
            except StoreError as error:
                log.error("mockcar: could not save the last changes: %s", error)
                if not batch.done.done():
                    batch.done.set_exception(error)
            if not batch.done.done():
                batch.done.set_result(None)
        self.store.close()


# Transactions written on the loop between two checkpoints on the writer thread (each
# writes a page or two into the log: SQLite's own default is a checkpoint every 1,000
# pages).
CHECKPOINT_EVERY = 500


def _logged(done: asyncio.Future[None]) -> None:
    """A batch nobody waits for (background changes, requests that hung up): its
    failure goes to the log, and its changes to the next batch."""
    if not done.cancelled() and done.exception() is not None:
        log.error("mockcar: could not save changes to the state file: %s", done.exception())


def open_state(path: Path, scenario: Path, seed: int | None, world: World, *,
               reset_state: bool = False, sync: str = "normal", speed: float = 1.0,
               version: str = "unknown") -> StateKeeper:
    """Open (or create) the state at `path` and apply it onto `world`, the scenario's
    World as just built; registered applications' Worlds are rebuilt now and registered
    by `StateKeeper.attach`. StoreError (one line) when the file cannot be used;
    ScenarioChanged when the scenario lost what the state names."""
    store = reset(path, sync) if reset_state else SQLiteStore(path, sync)
    try:
        library = ScenarioLibrary(scenario, bundled_scenarios(), seed, speed=speed)
        return _restore(store, path, scenario, seed, world, library, version, sync)
    except BaseException:
        store.close()
        raise


def _restore(store: SQLiteStore, path: Path, scenario: Path, seed: int | None, world: World,
             library: ScenarioLibrary, version: str, sync: str) -> StateKeeper:
    records: ServerRecords = store.load()
    notes: list[str] = []
    mark = fingerprint(scenario, seed)
    written = store.meta.get("scenario")
    changed = bool(records) and written is not None and written != mark
    rebuilt: list[Rebuilt] = []
    declared = set(world.applications)
    try:
        apply_records(world, records.get(SCENARIO, {}))
        for client_id, saved in records.items():
            if client_id != SCENARIO:
                rebuilt.append(rebuild_tenant(library, client_id, saved))
    except (RecordError, SnapshotError) as error:
        if changed:
            raise ScenarioChanged(path, scenario, [str(error)]) from None
        raise StoreError(f"{path} holds state this mockcar cannot apply ({error}); start with "
                         "--reset-state to discard it") from None
    if changed:
        # Checked on the Worlds the records were applied to: vehicles they create count.
        problems = drift.applications(declared, records.get(SCENARIO, {}))
        problems += drift.dangling(world, records.get(SCENARIO, {}))
        for made in rebuilt:  # those copied from the server's own scenario
            if made.choice.name is None and made.choice.yaml is None:
                problems += [f"application {made.client_id}: {problem}" for problem in
                             drift.dangling(made.world, records[made.client_id])]
        if problems:
            raise ScenarioChanged(path, scenario, problems)
        notes.append(f"The scenario {scenario.name} changed since {path} was written; every "
                     "vehicle and application the saved state uses is still there, so it "
                     "applies (--reset-state starts from the scenario alone).")
    # Read once now: from here on the records note each fleet car's base as it is made,
    # so a car only read costs nothing at a commit (mockcar.state.fleet_records).
    world_records(world)
    for made in rebuilt:
        world_records(made.world)
    if records:
        notes.append(f"State restored from {path}: {_summary(records)}.")
    else:
        notes.append(f"State is kept in {path} (a change is saved before its answer is sent).")
    store.apply([], {"scenario": mark, "written_by": version})
    keeper = StateKeeper(store, Ledger(store, written=records), path, notes, rebuilt)
    if sync == "normal":
        keeper.checkpoint = store.checkpoint_separately()
    else:
        keeper.staged = store
    return keeper


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

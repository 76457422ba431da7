"""With `--state`, a response goes out only after its changes are written: the
middleware holds the handler's response until the commit is done (a streamed one
commits at its first chunk and then streams), requests of one batch all wait for the
same write and a cancelled one does not cancel it, and with `synchronous=NORMAL` the
transactions are written on the event loop while checkpoints (which fsync) run on the
writer thread; with `synchronous=FULL` only the COMMIT (which fsyncs) does."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from mockcar.domain.world.tenants import Tenant, Tenants
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario
from mockcar.state import keeper as keeper_module
from mockcar.state.keeper import StateKeeper, open_state
from mockcar.state.store import StoreError
from mockcar.web.persistence import CommitBeforeAnswer

Events = list[tuple[str, Any]]


class Keeper:
    """A keeper that notes when a commit begins and ends, and can fail."""

    def __init__(self, events: Events, fail: bool = False) -> None:
        self.events = events
        self.fail = fail

    async def commit(self, tenant: Tenant | None, world: World | None) -> None:
        self.events.append(("commit", None))
        await asyncio.sleep(0)  # a write in flight: the handler's messages must wait
        if self.fail:
            raise StoreError("database or disk is full")
        self.events.append(("written", None))


def handler(events: Events, chunks: int) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for i in range(chunks):
            more = i < chunks - 1
            events.append(("handler sends", i))
            await send({"type": "http.response.body", "body": b"%d" % i, "more_body": more})
    return app


def run(chunks: int, fail: bool = False) -> tuple[Events, list[Message]]:
    events: Events = []
    sent: list[Message] = []
    middleware = CommitBeforeAnswer(handler(events, chunks))
    scope = {"type": "http", "method": "POST", "path": "/_mockcar/clock/freeze",
             "headers": [], "query_string": b"", "root_path": "",
             "app": SimpleNamespace(state=SimpleNamespace(keeper=Keeper(events, fail)))}

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        events.append(("client gets", message["type"]))
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    return events, sent


def test_a_response_is_held_until_its_changes_are_written() -> None:
    events, sent = run(chunks=1)
    assert events == [("handler sends", 0), ("commit", None), ("written", None),
                      ("client gets", "http.response.start"),
                      ("client gets", "http.response.body")]
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"0"


def test_a_streamed_response_commits_at_its_first_chunk_then_streams() -> None:
    events, sent = run(chunks=3)
    assert events == [("handler sends", 0), ("commit", None), ("written", None),
                      ("client gets", "http.response.start"),
                      ("client gets", "http.response.body"),
                      ("handler sends", 1), ("client gets", "http.response.body"),
                      ("handler sends", 2), ("client gets", "http.response.body")]
    assert [m.get("body") for m in sent[1:]] == [b"0", b"1", b"2"]


@pytest.mark.parametrize("chunks", [1, 3])
def test_a_change_that_cannot_be_written_is_answered_503_and_nothing_else(chunks: int) -> None:
    events, sent = run(chunks=chunks, fail=True)
    assert ("written", None) not in events
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 503
    bodies = b"".join(m.get("body", b"") for m in sent[1:])
    assert b"state_unavailable" in bodies
    assert not any(m.get("body") in (b"0", b"1", b"2") for m in sent[1:])


@pytest.fixture
def served(tmp_path: Path) -> tuple[StateKeeper, World]:
    world = load_world(default_scenario())
    keeper = open_state(tmp_path / "mockcar.db", default_scenario(), None, world)
    keeper.attach(SimpleNamespace(world=world, tenants=Tenants()))
    return keeper, world


def lock_and_unlock(world: World, i: int) -> None:
    vehicle = next(iter(world.vehicles.values()))
    (vehicle.lock if i % 2 else vehicle.unlock)(world.now())
    world.vehicles.touched.add(vehicle.id)


def test_a_cancelled_request_does_not_cancel_the_write_its_batch_waits_for(
        served: tuple[StateKeeper, World]) -> None:
    keeper, world = served

    async def scenario() -> None:
        lock_and_unlock(world, 0)
        first = asyncio.create_task(keeper.commit(None, world))
        second = asyncio.create_task(keeper.commit(None, world))
        await asyncio.sleep(0)  # both wait for the same batch
        first.cancel()
        await second  # written, although a request of its batch was cancelled
        with pytest.raises(asyncio.CancelledError):
            await first  # cancelled once the write it waited for ended

    before = keeper.ledger.commits
    asyncio.run(scenario())
    assert keeper.ledger.commits == before + 1
    assert keeper.store.load()[""]["vehicles"]  # the unlocked car is in the file
    keeper.close()


def test_transactions_are_written_on_the_loop_and_checkpoints_on_the_writer_thread(
        served: tuple[StateKeeper, World], monkeypatch: pytest.MonkeyPatch) -> None:
    keeper, world = served
    assert keeper.checkpoint is not None  # synchronous=NORMAL
    monkeypatch.setattr(keeper_module, "CHECKPOINT_EVERY", 3)
    loop_thread = threading.get_ident()
    applied: list[bool] = []
    checkpoints: list[bool] = []
    store_apply, checkpoint = keeper.store.apply, keeper.checkpoint

    def apply(changes: Any, meta: Any = None) -> None:
        applied.append(threading.get_ident() == loop_thread)
        store_apply(changes, meta)

    def checkpointing() -> None:
        checkpoints.append(threading.get_ident() == loop_thread)
        checkpoint()

    monkeypatch.setattr(keeper.store, "apply", apply)
    keeper.checkpoint = checkpointing

    async def commands() -> None:
        for i in range(8):
            lock_and_unlock(world, i)
            await keeper.commit(None, world)

    asyncio.run(commands())
    keeper.close()
    # Three on the loop, then the checkpoint and the next transaction on the thread.
    assert applied == [True, True, True, False, True, True, True, False]
    assert checkpoints == [False, False]
    restored = load_world(default_scenario())
    again = open_state(keeper.path, default_scenario(), None, restored)
    vehicle = next(iter(world.vehicles.values()))
    assert restored.vehicles[vehicle.id].state.locked == vehicle.state.locked
    again.close()


def test_with_sync_full_only_the_commit_waits_on_the_writer_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = load_world(default_scenario())
    keeper = open_state(tmp_path / "mockcar.db", default_scenario(), None, world, sync="full")
    keeper.attach(SimpleNamespace(world=world, tenants=Tenants()))
    assert keeper.staged is not None and keeper.checkpoint is None
    loop_thread = threading.get_ident()
    calls: list[tuple[str, bool]] = []
    stage, finish = keeper.staged.stage, keeper.staged.finish

    def staging(changes: Any) -> None:
        calls.append(("stage", threading.get_ident() == loop_thread))
        stage(changes)

    def finishing() -> None:
        calls.append(("finish", threading.get_ident() == loop_thread))
        finish()

    monkeypatch.setattr(keeper.staged, "stage", staging)
    monkeypatch.setattr(keeper.staged, "finish", finishing)

    async def commands() -> None:
        for i in range(3):
            lock_and_unlock(world, i)
            await keeper.commit(None, world)

    asyncio.run(commands())
    keeper.close()
    assert calls == [("stage", True), ("finish", False)] * 3
    restored = load_world(default_scenario())
    again = open_state(keeper.path, default_scenario(), None, restored, sync="full")
    vehicle = next(iter(world.vehicles.values()))
    assert restored.vehicles[vehicle.id].state.locked == vehicle.state.locked
    again.close()


def test_a_request_answered_a_turn_of_the_loop_later_joins_the_same_transaction(
        served: tuple[StateKeeper, World]) -> None:
    keeper, world = served

    async def later() -> None:
        await asyncio.sleep(0)  # answered in the next turn (read in the next poll, say)
        other = list(world.vehicles.values())[1]
        other.unlock(world.now())
        world.vehicles.touched.add(other.id)
        await keeper.commit(None, world)

    async def scenario() -> None:
        await keeper.commit(None, world)  # the first commit reads the World whole
        lock_and_unlock(world, 0)
        await asyncio.gather(keeper.commit(None, world), later())

    before = keeper.ledger.commits
    asyncio.run(scenario())
    assert keeper.ledger.commits == before + 2  # the whole read, then one for both cars
    assert len(keeper.store.load()[""]["vehicles"]) == 2
    keeper.close()

"""The dispatcher's pass on its own event loop (in a thread of the test, never the main
one): a long evaluation yields to other tasks between subscriptions, and wake() from
another thread runs a pass."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest

from mockcar.delivery import dispatcher as module
from mockcar.delivery.dispatcher import Dispatcher
from mockcar.domain.webhooks import watch as deliveries_watch
from mockcar.domain.world.world import World
from tests.webhooks.conftest import Hook
from tests.webhooks.receiver import DEADLINE


def run(coroutine_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run `coroutine_factory()` to completion on a fresh loop in another thread."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine_factory())
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            failure.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive(), "the loop did not finish"
    if failure:
        raise failure[0]


def test_a_long_evaluation_lets_other_tasks_run(world: World, hook: Hook,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    webhook = hook(signals=("closure-islocked",))
    world.deliveries.verified(webhook.id, True, "", world.now())
    world.subscriptions[webhook.id] = set(list(world.vehicles)[:4])
    order: list[str] = []

    def stepping(target: World) -> Iterator[int]:
        for made in deliveries_watch.evaluation(target):
            order.append("step")
            yield made

    monkeypatch.setattr(module, "evaluation", stepping)
    monkeypatch.setattr(module, "SLICE", 0.0)  # yield after every subscription

    async def main() -> None:
        found = Dispatcher(lambda: [world], "http://127.0.0.1", tick=3600)
        await found.start()

        async def other() -> None:
            for _ in range(3):
                order.append("other")
                await asyncio.sleep(0)

        task = asyncio.create_task(other())
        await found._pass()
        await task
        await found.stop()

    run(main)
    assert order.count("step") == 4
    first, last = order.index("step"), len(order) - 1 - order[::-1].index("step")
    assert "other" in order[first:last]  # other work ran in the middle of the pass


def test_wake_from_another_thread_runs_a_pass(world: World) -> None:
    ready, woken = threading.Event(), threading.Event()
    found = Dispatcher(lambda: [world], "http://127.0.0.1", tick=3600, gap=0)

    async def main() -> None:
        await found.start()
        ready.set()
        while found.passes == 0:
            await asyncio.sleep(0.01)
        woken.set()
        await found.stop()

    def wake_when_ready() -> None:
        assert ready.wait(DEADLINE)
        found.wake()

    waker = threading.Thread(target=wake_when_ready)
    waker.start()
    run(main)
    waker.join()
    assert woken.is_set()
    found.wake()  # stopped: a wake is ignored, not an error


def test_stop_ends_even_when_woken_as_it_stops(world: World) -> None:
    """A request answered just before shutdown wakes the pump as stop() cancels it; the
    pump must not swallow that cancellation (asyncio.wait_for did, on Python 3.11)."""
    stopped = []

    async def main() -> None:
        for _ in range(50):
            found = Dispatcher(lambda: [world], "http://127.0.0.1", tick=1.0)
            await found.start()
            await asyncio.sleep(0)
            found.wake()
            await asyncio.sleep(0)
            found.wake()
            async with asyncio.timeout(module.STOP_TIMEOUT / 2):
                await found.stop()
            stopped.append(found)

    run(main)
    assert len(stopped) == 50

"""The webhook dispatcher: an asyncio background service that turns each World's
webhook events into signed HTTP POSTs, with retries
(https://smartcar.com/docs/api-reference/webhooks/delivery-behavior; the rules themselves are
mockcar.domain.webhooks.deliveries').

It runs on the server's event loop, started and stopped by the app's lifespan, and
never blocks a request: evaluating what is due is O(subscriptions) on each pass
(mockcar.domain.webhooks.watch, about 150 us per subscription of five signals) and
yields to the loop every `SLICE`; sending is done by `concurrency` worker tasks with an
async HTTP client, each attempt bounded by the World's policy timeout. A slow or dead
receiver therefore holds at most one worker per attempt, for at most its timeout; API
requests keep being served meanwhile on the same loop.

A pass runs every `tick` seconds of wall time and as soon as `wake()` is called — after
every request that may change state (mockcar.delivery.lifespan.WakeOnChange), so a
control-API clock advance, a command or a subscription is delivered promptly — but at
most once per `gap`. Retries wait until their World's clock reaches their due time
(World time, as the schedule of mockcar.domain.webhooks.deliveries.DeliveryPolicy): a
running clock brings them in its own time (the pump sleeps the wall time that takes at
the clock's speed), a frozen one when a test advances it. The queue of attempts is
bounded (`queue_size`), events beyond it wait in their World's outbox.

Every delivery carries `Content-Type: application/json`, `User-Agent: Smartcar/{version}`
(the envelope's version: 4.0, or 2.0 for a legacy webhook) and, except VERIFY,
`SC-Signature`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mockcar import jsontext
from mockcar.delivery import payloads, v2items
from mockcar.domain.webhooks import membership as webhooks
from mockcar.domain.webhooks import signatures
from mockcar.domain.webhooks.deliveries import (
    DELIVERED,
    FAILED,
    TIMEOUT,
    UNREACHABLE,
    VERIFY,
    Attempt,
    Challenge,
    Event,
    Retry,
    new_id,
)
from mockcar.domain.webhooks.watch import ScheduledContent, evaluation
from mockcar.domain.world.world import World

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("mockcar.webhooks")

BODY_KEPT = 32 * 1024  # characters of a sent body kept in the log (bodies are ~1-15 kB)
RESPONSE_KEPT = 2048  # characters of a receiver's answer kept in the log
SLICE = 0.005  # seconds of evaluation before the pass yields to the event loop
STOP_TIMEOUT = 5.0  # seconds stop() waits for its tasks to end


@dataclass(frozen=True)
class Answer:
    outcome: str
    status: int | None
    detail: str
    text: str | None
    duration_ms: float


@dataclass(frozen=True)
class Job:
    world: World
    event: Event
    attempt: int  # 1 for the first try
    due: datetime | None = None  # a retry: the World time it may go


class Dispatcher:
    """Sends the webhook events of the Worlds `worlds()` returns (called once per pass,
    so Worlds replaced by a reset or added as tenants are picked up)."""

    def __init__(
        self, worlds: Callable[[], Iterable[World]], base_url: str, *, tick: float = 1.0,
        gap: float = 0.05, concurrency: int = 8, queue_size: int = 256,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._worlds = worlds
        self.base_url = base_url
        self.tick = tick
        self.gap = gap  # the least time between two passes
        self.concurrency = concurrency
        self.queue_size = queue_size
        self._transport = transport
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._queue: asyncio.Queue[Job] | None = None
        self._client: httpx.AsyncClient | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._live: set[int] = set()  # ids of the Worlds of the last pass
        self.passes = 0  # completed passes, for tests that wait for one
        self._stopping = False
        # Told after each attempt has been recorded in its World (`mockcar serve --state`
        # saves the World then): an event taken from the outbox is saved as gone only
        # together with its attempt, so a kill in between sends it again (at least once).
        self.on_change: Callable[[World], None] | None = None

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping = False
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._queue = asyncio.Queue(self.queue_size)
        self._tasks = [asyncio.create_task(self._pump(), name="webhooks:pump")]
        self._tasks += [asyncio.create_task(self._worker(), name=f"webhooks:worker{i}")
                        for i in range(self.concurrency)]

    async def stop(self) -> None:
        """Cancel everything in flight; events not yet sent stay in their outbox."""
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # Bounded: a task that ignored its cancellation must not hold up shutdown.
            _, stuck = await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT)
            for task in stuck:
                log.warning("webhooks: %s did not stop within %s s", task.get_name(),
                            STOP_TIMEOUT)
        self._tasks = []
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self._loop = None

    def _http(self) -> httpx.AsyncClient:
        """The client, made for the first delivery: a server that never sends a webhook
        does not pay for importing httpx (and the CLI it pulls in) at start-up."""
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(
                transport=self._transport, trust_env=False, follow_redirects=False,
                limits=httpx.Limits(max_connections=self.concurrency),
            )
        return self._client

    def wake(self) -> None:
        """Run a pass now. Safe from any thread."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            wake.set()
        else:
            loop.call_soon_threadsafe(wake.set)

    # -- the pump: evaluate, then feed the queue ----------------------------------------

    async def _pump(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            # Retries wait in their World (World.deliveries.retries), for its clock.
            delay = min([self.tick, *(self._wall_wait(world, due)
                                      for world in self._worlds()
                                      if (due := world.deliveries.next_retry()) is not None)])
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that arrives as the event is set, and the pump would outlive stop().
            try:
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self._pass()
            except Exception:  # a bug must not end deliveries for good
                log.exception("webhooks: a dispatcher pass failed")
            self.passes += 1
            # Wakes that come meanwhile make one more pass, not one each: a burst of
            # requests costs one evaluation per gap.
            await asyncio.sleep(self.gap)

    async def _pass(self) -> None:
        assert self._queue is not None
        worlds = list(self._worlds())
        self._live = {id(w) for w in worlds}
        for world in worlds:
            space = self._queue.maxsize - self._queue.qsize()
            for retry in world.deliveries.due_retries(world.now(), space):
                self._queue.put_nowait(Job(world, retry.event, retry.attempt, retry.due))
        for world in worlds:
            slice_ends = time.perf_counter() + SLICE
            try:
                for _ in evaluation(world):
                    if time.perf_counter() > slice_ends:
                        # Let requests (and sends) run: evaluation is CPU work on the
                        # server's own loop.
                        self._feed(world)
                        await asyncio.sleep(0)
                        slice_ends = time.perf_counter() + SLICE
            except Exception:
                log.exception("webhooks: evaluating a World failed")
            self._feed(world)

    def _wall_wait(self, world: World, due: datetime) -> float:
        """Wall seconds until a retry is due at its World clock's pace; a frozen clock
        moves only when told to, and that wakes the pump."""
        clock = world.clock
        if clock.frozen:
            return self.tick
        left = (due - clock.now()).total_seconds()
        return max(0.0, left / clock.speed)

    def _feed(self, world: World) -> None:
        """Move the World's waiting events into the queue, as far as it has room."""
        assert self._queue is not None
        book = world.deliveries
        space = self._queue.maxsize - self._queue.qsize()
        if space > 0 and book.outbox:
            for event in book.take(space):
                self._queue.put_nowait(Job(world, event, 1))

    # -- workers: one attempt each ------------------------------------------------------

    async def _worker(self) -> None:
        assert self._queue is not None
        while not self._stopping:
            job = await self._queue.get()
            try:
                await self._attempt(job)
            except Exception:
                log.exception("webhooks: sending event %s failed", job.event.id)
            finally:
                self._queue.task_done()

    async def _attempt(self, job: Job) -> None:
        world, event = job.world, job.event
        if id(world) not in self._live:
            return  # the World was reset or removed; its events went with it
        book = world.deliveries
        found = webhooks.owner_of(world, event.webhook_id)
        if found is None or found[1].url_for(event.kind) is None:
            book.record(Attempt(book.next_seq(), event.id, None, event.kind, event.webhook_id,
                                event.vehicle_id, job.attempt, None, "skipped",
                                detail="the webhook was deleted or has no url"))
            if self.on_change is not None:
                self.on_change(world)
            return
        application, webhook = found
        url = webhook.url_for(event.kind)
        assert url is not None
        delivery_id, now = new_id(), world.now()

        def scheduled(e: Event, content: ScheduledContent) -> list[dict[str, object]]:
            return v2items.vehicles(world, self.base_url, e, content)

        body = signatures.compact_json(
            payloads.envelope(event, webhook, delivery_id, now, scheduled))
        headers = {"Content-Type": "application/json",
                   "User-Agent": payloads.user_agent(webhook)}
        signature = None
        if payloads.signed(event):
            signature = signatures.sign(application.management_token, body)
            headers["SC-Signature"] = signature
        answer = await self._post(url, body, headers, book.policy.timeout(event.kind))
        outcome, detail = answer.outcome, answer.detail
        if event.kind == VERIFY:
            outcome, detail = self._check_challenge(application.management_token, event,
                                                    answer)
        retry_in = retry_at = None
        if outcome != DELIVERED and event.kind != VERIFY:
            retry_in = book.policy.delay_after(job.attempt)
            # Counted from the attempt's start, as Smartcar's table counts elapsed time
            # (0, 25, 75, 175 s).
            retry_at = now + timedelta(seconds=retry_in) if retry_in is not None else None
        text = answer.text[:RESPONSE_KEPT] if answer.text is not None else None
        book.record(Attempt(
            book.next_seq(), event.id, delivery_id, event.kind, webhook.id, event.vehicle_id,
            job.attempt, url, outcome, answer.status, detail, now, answer.duration_ms,
            retry_in_seconds=retry_in, retry_at=retry_at, signature=signature,
            body=body[:BODY_KEPT], response=text,
        ))
        if event.kind == VERIFY:
            state = book.status(webhook.id)
            content = event.content
            if isinstance(content, Challenge) and state.challenge == content.challenge:
                book.verified(webhook.id, outcome == DELIVERED, detail, now)
                self.wake()  # what waited for the verdict can go now
        elif retry_at is not None:
            book.add_retry(Retry(event, job.attempt + 1, retry_at))
            self.wake()  # the pump recomputes how long to sleep
        if self.on_change is not None:
            self.on_change(world)

    async def _post(self, url: str, body: str, headers: dict[str, str],
                    timeout: float) -> Answer:
        """One POST, never raising."""
        import httpx

        client = self._http()
        started = time.perf_counter()

        def elapsed() -> float:
            return round((time.perf_counter() - started) * 1000, 1)

        try:
            async with asyncio.timeout(timeout):
                response = await client.post(url, content=body.encode(),
                                            headers=headers, timeout=timeout)
        except (TimeoutError, httpx.TimeoutException):
            return Answer(TIMEOUT, None, f"no answer within {timeout:g} s", None, elapsed())
        except (httpx.HTTPError, OSError) as error:
            why = f"{type(error).__name__}: {error}".rstrip(": ")
            return Answer(UNREACHABLE, None, why, None, elapsed())
        except AttributeError:
            # A receiver that resets the connection while it is being set up can surface
            # from httpcore as an AttributeError (it asks the already closed socket for
            # its peer): to the sender that is a connection reset.
            return Answer(UNREACHABLE, None, "ConnectionResetError: the receiver reset the "
                          "connection", None, elapsed())
        status = response.status_code
        if 200 <= status < 300:
            return Answer(DELIVERED, status, "", response.text, elapsed())
        return Answer(FAILED, status, f"answered HTTP {status}", response.text, elapsed())

    @staticmethod
    def _check_challenge(amt: str, event: Event, answer: Answer) -> tuple[str, str]:
        """A VERIFY passes only with HTTP 200 and `{"challenge": HMAC-SHA256 hex}`."""
        if answer.outcome not in (DELIVERED, FAILED):
            return answer.outcome, answer.detail
        content = event.content
        assert isinstance(content, Challenge)
        expected = signatures.challenge_response(amt, content.challenge)
        if answer.status != 200:
            return FAILED, f"answered HTTP {answer.status}; the challenge needs 200"
        try:
            given = jsontext.loads(answer.text or "")
        except ValueError:
            return FAILED, 'the answer is not JSON; send {"challenge": "<HMAC-SHA256 hex>"}'
        value = given.get("challenge") if isinstance(given, dict) else None
        if value != expected:
            return FAILED, ("the answer's challenge is not HMAC-SHA256(management token, "
                            "challenge) in hex (smartcar.hash_challenge)")
        return DELIVERED, "verified"

"""What a World owes its webhooks: events waiting to be sent, the verification of each
webhook, what every subscription has been told so far, and the log of every attempt
(https://smartcar.com/docs/api-reference/webhooks/delivery-behavior,
https://smartcar.com/docs/integrations/webhooks/callback-verification).

Pure bookkeeping, no I/O: mockcar.domain.webhooks.watch makes events as signals change
and schedules come due; mockcar.delivery takes them from the outbox (`take`), sends them
over HTTP, and reports each attempt back (`record`, `verified`). The rules kept here:

* **Verification gates delivery.** A webhook must answer the VERIFY challenge before it
  gets anything else, as at Smartcar ("data will only be sent after your webhook has been
  verified"). Smartcar challenges a webhook when it is created in the Dashboard; a
  scenario's webhooks exist before any receiver listens, so mockcar challenges a webhook
  the first time it has something to deliver (or when the control API creates or
  re-verifies it). Events made meanwhile wait (`held`) and go out once it is verified;
  if it fails, they are logged as `skipped` and the webhook gets nothing more until it is
  verified again through the control API. Smartcar sends nothing before verification,
  so what waits is mockcar's courtesy: the newest `HELD_CAPACITY` events of a webhook,
  the older ones logged as `skipped`, so a webhook whose challenge never gets an answer
  does not hold more with every change.
* **At least once, eventId stable.** An event keeps its id across retries; each attempt
  has its own deliveryId. A retry is due `policy.delay_after(attempt)` seconds of World
  time after the failed attempt was sent, at most `policy.max_attempts` attempts in all;
  then the event is dropped, and later events still go. No ordering is promised (as
  at Smartcar): a retried event may arrive after a newer one.
"""

from __future__ import annotations

import heapq
import itertools
import secrets
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Event types, as the envelopes name them (v3 `eventType`; v2 `eventName` in lower case).
VERIFY = "VERIFY"
VEHICLE_STATE = "VEHICLE_STATE"
VEHICLE_ERROR = "VEHICLE_ERROR"
SCHEDULED = "SCHEDULED"  # v2 `scheduled`
CHARGING_EVENT = "EVENT_BASED"  # v2 `eventBased`

# Attempt outcomes in the log.
DELIVERED = "delivered"  # 2xx (VERIFY: 200 with the right challenge)
FAILED = "failed"  # any other answer
TIMEOUT = "timeout"  # no answer within policy.timeout_seconds
UNREACHABLE = "unreachable"  # no connection (refused, DNS, TLS)
SKIPPED = "skipped"  # not sent: the webhook is not verified, or is gone
OUTCOMES = (DELIVERED, FAILED, TIMEOUT, UNREACHABLE, SKIPPED)

# Verification states of a webhook.
UNVERIFIED, PENDING, VERIFIED, REJECTED = "unverified", "pending", "verified", "failed"

LOG_CAPACITY = 1000  # attempts kept per World, oldest dropped first (as the journal)
OUTBOX_CAPACITY = 10_000  # events waiting per World; beyond it the oldest are dropped
HELD_CAPACITY = 1000  # events waiting for a webhook's verification; the oldest skipped


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard mockcar tries, as Smartcar documents it
    (https://smartcar.com/docs/api-reference/webhooks/delivery-behavior): an answer within
    15 s, and on failure up to 3 retries with exponential backoff from 25 s — waits of
    25, 50 and 100 s, 4 attempts over 2 min 55 s — after which the event is dropped.
    The waits are World time: a retry is due when the World's clock has passed the
    attempt's time plus the wait, so a test with a frozen clock advances the clock
    through the retries instead of sleeping. Tests may change all of it for their World
    through the control API (`POST …/deliveries/policy`)."""

    timeout_seconds: float = 15.0
    verify_timeout_seconds: float = 15.0
    retry_base_seconds: float = 25.0
    max_attempts: int = 4

    def delay_after(self, attempt: int) -> float | None:
        """Seconds of World time between attempt `attempt` and the next, or None when
        `attempt` was the last."""
        if attempt >= self.max_attempts:
            return None
        return float(self.retry_base_seconds * 2 ** (attempt - 1))

    def timeout(self, kind: str) -> float:
        return self.verify_timeout_seconds if kind == VERIFY else self.timeout_seconds


@dataclass(frozen=True)
class Event:
    """Something to tell one webhook. `content` is one of the *Content classes of
    mockcar.domain.webhooks.watch (or `Challenge`), captured when the event was made,
    so every retry carries the same data."""

    id: str
    kind: str
    client_id: str
    webhook_id: str
    vehicle_id: str | None
    created_at: datetime  # World time
    content: Any


@dataclass(frozen=True)
class Retry:
    """An event whose attempt failed, sent again (attempt `attempt`) once the World's
    clock reaches `due`. Held by the World, not the sender, so a snapshot or a restart
    keeps it."""

    event: Event
    attempt: int
    due: datetime

    def __lt__(self, other: Retry) -> bool:
        """The earlier due first: `Deliveries.retries` is a heap by due time."""
        return self.due < other.due


@dataclass(frozen=True)
class Challenge:
    challenge: str


@dataclass(frozen=True)
class Attempt:
    """One try at sending one event (or, `attempt` 0, an event not sent at all)."""

    seq: int
    event_id: str
    delivery_id: str | None
    kind: str
    webhook_id: str
    vehicle_id: str | None
    attempt: int
    url: str | None
    outcome: str
    status: int | None = None  # the receiver's HTTP status
    detail: str = ""  # why it failed, in words
    sent_at: datetime | None = None  # World time of the attempt
    duration_ms: float | None = None
    retry_in_seconds: float | None = None  # when the next attempt goes; None: no more
    retry_at: datetime | None = None  # World time the next attempt is due
    signature: str | None = None
    body: str | None = None  # exactly what was sent
    response: str | None = None  # the start of what came back


@dataclass
class Verification:
    status: str = UNVERIFIED
    challenge: str | None = None
    detail: str = ""
    checked_at: datetime | None = None


@dataclass
class Watch:
    """One subscription (webhook, vehicle) and what it has been told: the signal values
    of its last VEHICLE_STATE (`baseline`, None until the FIRST_DELIVERY), the errors of
    its last VEHICLE_ERROR, and (v2 charging events) the last charging status."""

    id: str
    webhook_id: str
    vehicle_id: str
    user_id: str | None
    created_at: datetime
    baseline: dict[str, object] | None = None
    errors: dict[tuple[str, str | None], tuple[str, ...]] = field(default_factory=dict)
    charging: str | None = None


@dataclass
class Deliveries:
    """One World's webhook bookkeeping (`World.deliveries`)."""

    policy: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    outbox: deque[Event] = field(default_factory=lambda: deque(maxlen=OUTBOX_CAPACITY))
    held: dict[str, list[Event]] = field(default_factory=dict)  # by webhook id
    verification: dict[str, Verification] = field(default_factory=dict)
    watches: dict[tuple[str, str], Watch] = field(default_factory=dict)
    slots: dict[str, int] = field(default_factory=dict)  # webhook id -> last schedule slot
    log: deque[Attempt] = field(default_factory=lambda: deque(maxlen=LOG_CAPACITY))
    # Failed attempts waiting their turn, never dropped: a heap by due time (heapq), so
    # finding what is due looks at the earliest only, however many wait.
    retries: list[Retry] = field(default_factory=list)
    held_capacity: int = HELD_CAPACITY
    _seq: Iterator[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    # -- subscriptions ------------------------------------------------------------------

    def subscribed(self, webhook_id: str, vehicle_id: str, user_id: str | None,
                   now: datetime) -> Watch:
        """A new subscription: its next evaluation sends a FIRST_DELIVERY."""
        watch = Watch(subscription_id(webhook_id, vehicle_id), webhook_id, vehicle_id,
                      user_id, now)
        self.watches[(webhook_id, vehicle_id)] = watch
        return watch

    def unsubscribed(self, webhook_id: str, vehicle_id: str) -> None:
        self.watches.pop((webhook_id, vehicle_id), None)

    def watch(self, webhook_id: str, vehicle_id: str) -> Watch | None:
        return self.watches.get((webhook_id, vehicle_id))

    def forget_webhook(self, webhook_id: str) -> None:
        """A webhook deleted or given a new URL: it must be verified again, and what
        waited for it is dropped."""
        self.verification.pop(webhook_id, None)
        for event in self.held.pop(webhook_id, []):
            self._skip(event, None, "the webhook was deleted or changed before it was verified")
        self.slots.pop(webhook_id, None)
        self._start_over(webhook_id)

    def _start_over(self, webhook_id: str) -> None:
        """The webhook's subscriptions were told nothing that arrived: once it is verified
        (again), each gets a FIRST_DELIVERY with the state of the moment."""
        for (hook, _), watch in self.watches.items():
            if hook == webhook_id:
                watch.baseline, watch.errors, watch.charging = None, {}, None

    # -- events -------------------------------------------------------------------------

    def status(self, webhook_id: str) -> Verification:
        return self.verification.setdefault(webhook_id, Verification())

    def deliverable(self, webhook_id: str) -> bool:
        """Whether events may be made for this webhook: not while it failed to verify."""
        return self.status(webhook_id).status != REJECTED

    def emit(self, event: Event, url: str | None, now: datetime) -> None:
        """Queue an event, through the verification gate."""
        state = self.status(event.webhook_id)
        if state.status == VERIFIED:
            self._queue(event)
        elif state.status == REJECTED:
            self._skip(event, url, "the webhook failed verification; verify it again "
                       "(POST …/webhooks/{id}/verify)")
        else:
            waiting = self.held.setdefault(event.webhook_id, [])
            waiting.append(event)
            if len(waiting) > self.held_capacity:
                self._skip(waiting.pop(0), url, f"more than {self.held_capacity:,} events "
                           "waited for the webhook's verification; the oldest are dropped")
            if state.status == UNVERIFIED:
                self.challenge(event.client_id, event.webhook_id, now)

    def challenge(self, client_id: str, webhook_id: str, now: datetime) -> Event:
        """Send the webhook a VERIFY challenge; until it answers, its events wait."""
        state = self.status(webhook_id)
        state.status, state.challenge = PENDING, secrets.token_hex(16)
        state.detail, state.checked_at = "challenge sent", None
        event = Event(new_id(), VERIFY, client_id, webhook_id, None, now,
                      Challenge(state.challenge))
        self._queue(event)
        return event

    def verified(self, webhook_id: str, ok: bool, detail: str, now: datetime) -> None:
        """The answer to a challenge: release what waited, or skip it."""
        state = self.status(webhook_id)
        state.status = VERIFIED if ok else REJECTED
        state.detail, state.checked_at = detail, now
        waiting = self.held.pop(webhook_id, [])
        for event in waiting:
            if ok:
                self._queue(event)
            else:
                self._skip(event, None, f"the webhook failed verification: {detail}")
        if not ok:
            self._start_over(webhook_id)

    def _queue(self, event: Event) -> None:
        """Into the outbox, which holds OUTBOX_CAPACITY events: when it is full, the oldest
        is logged as skipped and dropped, and a challenge dropped so is sent again with
        the webhook's next event (else the webhook would wait for its answer for ever)."""
        if self.outbox.maxlen is not None and len(self.outbox) >= self.outbox.maxlen:
            dropped = self.outbox.popleft()
            state = self.verification.get(dropped.webhook_id)
            if (dropped.kind == VERIFY and state is not None and state.status == PENDING
                    and isinstance(dropped.content, Challenge)
                    and state.challenge == dropped.content.challenge):
                state.status, state.detail = UNVERIFIED, "the challenge was never sent"
            self._skip(dropped, None, f"more than {self.outbox.maxlen:,} events waited to "
                       "be sent; the oldest are dropped")
        self.outbox.append(event)

    def take(self, limit: int) -> list[Event]:
        """Up to `limit` events, oldest first, for the sender."""
        taken: list[Event] = []
        while self.outbox and len(taken) < limit:
            taken.append(self.outbox.popleft())
        return taken

    def put_back(self, events: list[Event]) -> None:
        """Events the sender could not take after all go back to the front."""
        self.outbox.extendleft(reversed(events))

    # -- retries ------------------------------------------------------------------------

    def add_retry(self, retry: Retry) -> None:
        heapq.heappush(self.retries, retry)

    def next_retry(self) -> datetime | None:
        """When the earliest retry is due (World time), or None."""
        return self.retries[0].due if self.retries else None

    def due_retries(self, now: datetime, limit: int) -> list[Retry]:
        """Up to `limit` retries due at `now`, earliest first, taken out."""
        taken: list[Retry] = []
        while self.retries and len(taken) < limit and self.retries[0].due <= now:
            taken.append(heapq.heappop(self.retries))
        return taken

    # -- the log ------------------------------------------------------------------------

    def next_seq(self) -> int:
        return next(self._seq)

    def record(self, attempt: Attempt) -> None:
        self.log.append(attempt)

    def attempts(self, **match: object) -> list[Attempt]:
        """Logged attempts, oldest first, whose fields equal every given value (None
        values are ignored)."""
        wanted = {k: v for k, v in match.items() if v is not None}
        return [a for a in self.log if all(getattr(a, k) == v for k, v in wanted.items())]

    def _skip(self, event: Event, url: str | None, why: str) -> None:
        self.record(Attempt(self.next_seq(), event.id, None, event.kind, event.webhook_id,
                            event.vehicle_id, 0, url, SKIPPED, detail=why))


def new_id() -> str:
    return str(uuid.uuid4())


def subscription_id(webhook_id: str, vehicle_id: str) -> str:
    """Stable per (webhook, vehicle): a subscription is that pair."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mockcar:subscription:{webhook_id}:{vehicle_id}"))

"""The outbox holds a bounded number of events (mockcar.domain.webhooks.deliveries): when
it is full the oldest is dropped and logged as skipped, never silently, and a
verification challenge dropped so is sent again with its webhook's next event, rather
than leaving the webhook waiting for an answer to a challenge nobody sent."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime

from mockcar.domain.webhooks.deliveries import (
    PENDING,
    SKIPPED,
    UNVERIFIED,
    VEHICLE_STATE,
    VERIFIED,
    VERIFY,
    Deliveries,
    Event,
)

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def event(n: int, webhook_id: str) -> Event:
    return Event(f"event-{n}", VEHICLE_STATE, "app", webhook_id, "car", START, None)


def test_a_full_outbox_logs_what_it_drops_and_a_lost_challenge_is_sent_again() -> None:
    book = Deliveries(outbox=deque(maxlen=3))
    book.status("open").status = VERIFIED
    challenge = book.challenge("app", "new", START)
    assert book.status("new").status == PENDING
    for n in range(3):
        book.emit(event(n, "open"), "http://receiver", START)
    assert [e.id for e in book.outbox] == ["event-0", "event-1", "event-2"]
    [dropped] = book.attempts(outcome=SKIPPED)
    assert (dropped.event_id, dropped.kind) == (challenge.id, VERIFY)
    assert "3 events" in dropped.detail
    assert book.status("new").status == UNVERIFIED  # nobody will answer a lost challenge
    # Its next event waits and asks again.
    book.emit(event(9, "new"), "http://receiver", START)
    assert [e.id for e in book.held["new"]] == ["event-9"]
    assert book.status("new").status == PENDING
    assert book.outbox[-1].kind == VERIFY and book.outbox[-1].webhook_id == "new"
    assert [a.event_id for a in book.attempts(outcome=SKIPPED)] == [challenge.id, "event-0"]

"""Retries wait in their World by due time (mockcar.domain.webhooks.deliveries): the
dispatcher finds what is due, earliest first, by looking at the earliest only, and a
retry not due stays, however many wait; none is ever dropped."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from mockcar.domain.webhooks.deliveries import VEHICLE_STATE, Deliveries, Event, Retry

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def retry(n: int, seconds: float) -> Retry:
    event = Event(f"event-{n}", VEHICLE_STATE, "app", "hook", "car", START, None)
    return Retry(event, 2, START + timedelta(seconds=seconds))


def test_due_retries_come_earliest_first_and_the_rest_wait() -> None:
    book = Deliveries()
    dues = [float(n) for n in range(1000)]
    random.Random(7).shuffle(dues)
    for n, seconds in enumerate(dues):
        book.add_retry(retry(n, seconds))
    assert book.next_retry() == START
    assert book.due_retries(START - timedelta(seconds=1), 10) == []
    first = book.due_retries(START + timedelta(seconds=99), 30)  # room for 30 only
    assert [r.due for r in first] == [START + timedelta(seconds=s) for s in range(30)]
    rest = book.due_retries(START + timedelta(seconds=99.5), 1000)
    assert [r.due for r in rest] == [START + timedelta(seconds=s) for s in range(30, 100)]
    assert len(book.retries) == 900
    assert book.next_retry() == START + timedelta(seconds=100)
    assert len(book.due_retries(START + timedelta(days=1), 10_000)) == 900
    assert book.next_retry() is None

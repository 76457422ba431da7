"""Records of webhook events not sent yet: the outbox, the events held until their
webhook is verified, and the retries of failed attempts with the World time each is due
(https://smartcar.com/docs/api-reference/webhooks/delivery-behavior). A restored World
sends them as the one they were read from would have: a retry already due goes at once.

An event carries what it reports as it was when it was made (signals, errors), so each
is recorded whole; its content names its kind (`class`).
"""

from __future__ import annotations

from typing import Any

from mockcar.domain.signals.catalog import BY_CODE, SignalSpec
from mockcar.domain.webhooks.deliveries import Challenge, Event, Retry
from mockcar.domain.webhooks.watch import (
    ChargingContent,
    ErrorContent,
    ScheduledContent,
    StateContent,
)
from mockcar.domain.world.world import World
from mockcar.state.codec import SPECIAL, RecordError, decode_dataclass, encode, parse_time

Record = dict[str, Any]

CONTENTS: dict[str, type] = {c.__name__: c for c in (
    StateContent, ErrorContent, ScheduledContent, ChargingContent, Challenge)}


def _spec(code: Any, where: str) -> SignalSpec:
    found = BY_CODE.get(code) if isinstance(code, str) else None
    if found is None:
        raise RecordError(f"{where}: no signal {code!r} in the catalogue")
    return found


# A signal's catalogue entry holds its reader (code): recorded by the signal's code.
SPECIAL[SignalSpec] = (lambda spec: spec.code, _spec)


def event_record(event: Event) -> Record:
    record: Record = {f: encode(getattr(event, f)) for f in (
        "id", "kind", "client_id", "webhook_id", "vehicle_id", "created_at")}
    record["content"] = {"class": type(event.content).__name__,
                         "data": encode(event.content)}
    return record


def read_event(record: Any, where: str) -> Event:
    if not isinstance(record, dict) or not isinstance(record.get("content"), dict):
        raise RecordError(f"{where}: expected an event with a content object")
    content = record["content"]
    kind = CONTENTS.get(content.get("class"))
    if kind is None:
        raise RecordError(f"{where}: unknown event content {content.get('class')!r}")
    data = {k: v for k, v in record.items() if k != "content"}
    event: Event = decode_dataclass(Event, data, where, content=decode_dataclass(
        kind, content.get("data"), f"{where}.content"))
    return event


_ENCODED = "webhook_queue:events"  # record_cache: id(event) -> (event, its record)


def queue_records(world: World) -> dict[str, Record]:
    """The section, read at every `--state` commit. Events are frozen, so each is
    encoded once while it waits (the queue can hold thousands: a webhook never verified,
    a receiver failing under a frozen clock) and its record handed again, the very
    object, which the Ledger's comparison passes at a glance."""
    book = world.deliveries
    before: dict[int, tuple[Event, Record]] = world.record_cache.get(_ENCODED, {})
    encoded: dict[int, tuple[Event, Record]] = {}

    def record_of(event: Event) -> Record:
        held = before.get(id(event))
        if held is None or held[0] is not event:
            held = (event, event_record(event))
        encoded[id(event)] = held
        return held[1]

    records: dict[str, Record] = {}
    if book.outbox:
        records["outbox"] = {"events": [record_of(e) for e in book.outbox]}
    for hook, events in book.held.items():
        if events:
            records[f"held:{hook}"] = {"events": [record_of(e) for e in events]}
    if book.retries:
        records["retries"] = {"retries": [
            {"event": record_of(r.event), "attempt": r.attempt, "due": encode(r.due)}
            for r in book.retries]}
    world.record_cache[_ENCODED] = encoded  # the events waiting now, no others
    return records


def apply_queue(world: World, section: dict[str, Record]) -> None:
    book = world.deliveries
    book.outbox.clear()
    book.held.clear()
    book.retries.clear()
    for key, record in section.items():
        where = f"webhook_queue/{key}"
        if key == "outbox":
            book.outbox.extend(read_event(e, f"{where}[{i}]")
                               for i, e in enumerate(record["events"]))
        elif key.startswith("held:"):
            book.held[key.removeprefix("held:")] = [
                read_event(e, f"{where}[{i}]") for i, e in enumerate(record["events"])]
        elif key == "retries":
            for i, item in enumerate(record["retries"]):
                attempt = item.get("attempt")
                if not isinstance(attempt, int) or isinstance(attempt, bool) or attempt < 2:
                    raise RecordError(f"{where}[{i}]: attempt must be a whole number from 2")
                book.add_retry(Retry(read_event(item.get("event"), f"{where}[{i}]"),
                                     attempt, parse_time(item.get("due"), where)))
        else:
            raise RecordError(f"{where}: unknown record")

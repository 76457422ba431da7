"""Webhook events not sent yet (the outbox, events held for an unverified webhook, retries
with the World time each is due) as records: restored, they are the same events, and
their payloads render byte for byte alike."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mockcar.delivery import payloads
from mockcar.domain.webhooks import membership
from mockcar.domain.webhooks.deliveries import VERIFIED, Event, Retry
from mockcar.domain.webhooks.watch import ErrorContent, StateContent, evaluate
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario.build import load_world
from mockcar.state.records import apply_records, world_records
from mockcar.state.webhook_records import event_record, queue_records

DEFAULT = Path(__file__).parents[2] / "scenarios" / "default.yaml"
START = datetime(2030, 1, 7, 10, 30, tzinfo=UTC)
ICE = "548dcff7-656d-4795-ac7f-03b02884ed32"  # no traction battery: that signal errors
LEAF = "a90d22d7-bf02-4e65-9a6e-8a3767cf49fc"


def build() -> World:
    return load_world(DEFAULT, clock=Clock(frozen_at=START))


def rendered(world: World, event: Event) -> str:
    found = membership.owner_of(world, event.webhook_id)
    assert found is not None
    return json.dumps(payloads.envelope(event, found[1], "delivery", START,
                                        lambda e, c: []), sort_keys=True)


def test_the_outbox_held_events_and_retries_come_back_alike() -> None:
    world = build()
    app = next(iter(world.applications.values()))
    hook = app.webhooks[0].id
    owner = world.owner_of(ICE)
    assert owner is not None
    for car in (ICE, LEAF):
        world.subscriptions.setdefault(hook, set()).add(car)
        world.deliveries.subscribed(hook, car, owner.id, world.now())
    world.deliveries.status(hook).status = VERIFIED
    assert evaluate(world) > 0
    events = list(world.deliveries.take(100))
    assert any(isinstance(e.content, ErrorContent) for e in events)
    assert any(isinstance(e.content, StateContent) for e in events)
    world.deliveries.outbox.extend(events[:-1])
    world.deliveries.retries.append(Retry(events[-1], 2, START + timedelta(seconds=25)))
    world.deliveries.held["later"] = [events[0]]

    records = json.loads(json.dumps(world_records(world)))
    restored = build()
    apply_records(restored, records)

    assert world_records(restored) == records
    assert [rendered(restored, e) for e in restored.deliveries.outbox] == [
        rendered(world, e) for e in world.deliveries.outbox]
    [retry] = restored.deliveries.retries
    assert (retry.attempt, retry.due) == (2, START + timedelta(seconds=25))
    assert rendered(restored, retry.event) == rendered(world, events[-1])
    assert restored.deliveries.held["later"] == world.deliveries.held["later"]


def test_a_waiting_event_is_encoded_once_and_the_queue_read_again_is_current() -> None:
    world = build()
    app = next(iter(world.applications.values()))
    hook = app.webhooks[0].id
    owner = world.owner_of(ICE)
    assert owner is not None
    world.subscriptions.setdefault(hook, set()).add(LEAF)
    world.deliveries.subscribed(hook, LEAF, owner.id, world.now())
    world.deliveries.status(hook).status = VERIFIED
    assert evaluate(world) > 0
    events = list(world.deliveries.take(100))
    world.deliveries.held["later"] = list(events)
    first = queue_records(world)["held:later"]["events"]
    again = queue_records(world)["held:later"]["events"]
    # The same records, not encoded again (a Ledger compares them at a glance).
    assert all(a is b for a, b in zip(first, again, strict=True))
    # The queue changed: what is read is the queue now, each event as it is.
    newer = replace(events[0], id="another-event")
    world.deliveries.held["later"] = [newer, *events[1:]]
    world.deliveries.outbox.append(events[0])
    now = queue_records(world)
    assert now["held:later"]["events"] == [event_record(e) for e in [newer, *events[1:]]]
    assert now["outbox"]["events"] == [event_record(events[0])]
    assert now["held:later"]["events"][0]["id"] == "another-event"

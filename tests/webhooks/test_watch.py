"""What fires when (mockcar.domain.webhooks.watch) and the verification gate
(mockcar.domain.webhooks.deliveries), without HTTP: events appear in the World's outbox."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from mockcar.domain.webhooks import membership as webhooks
from mockcar.domain.webhooks.deliveries import (
    CHARGING_EVENT,
    SCHEDULED,
    SKIPPED,
    VEHICLE_ERROR,
    VEHICLE_STATE,
    VERIFY,
    DeliveryPolicy,
    Event,
)
from mockcar.domain.webhooks.watch import (
    ChargingContent,
    ErrorContent,
    ScheduledContent,
    StateContent,
    evaluate,
)
from mockcar.domain.webhooks.webhook import V2, Trigger
from mockcar.domain.world.world import World
from tests.webhooks.conftest import ICE, LEAF, TESLA, Hook, connect


def verified(world: World, webhook_id: str) -> None:
    world.deliveries.verified(webhook_id, True, "verified", world.now())


def drain(world: World) -> list[Event]:
    """Evaluate, then take everything but VERIFY challenges."""
    evaluate(world)
    return [e for e in world.deliveries.take(1000) if e.kind != VERIFY]


def subscribe(world: World, vehicle_id: str, webhook_id: str,
              permissions: tuple[str, ...] | None = None) -> None:
    connection, _ = connect(world, vehicle_id, permissions)
    webhooks.subscribe(world, connection, vehicle_id, webhook_id)


def state(event: Event) -> StateContent:
    assert isinstance(event.content, StateContent)
    return event.content


def test_delay_schedule_is_smartcars_by_default_exponential_and_bounded() -> None:
    # https://smartcar.com/docs/api-reference/webhooks/delivery-behavior: 4 attempts,
    # waits of 25, 50 and 100 s, 15 s to answer.
    documented = DeliveryPolicy()
    assert [documented.delay_after(n) for n in range(1, 5)] == [25, 50, 100, None]
    assert documented.timeout(VERIFY) == 15 and documented.timeout(VEHICLE_STATE) == 15
    policy = DeliveryPolicy(retry_base_seconds=2, max_attempts=6)
    assert [policy.delay_after(n) for n in range(1, 7)] == [2, 4, 8, 16, 32, None]


def test_events_wait_for_verification_then_go(world: World, hook: Hook) -> None:
    webhook = hook(signals=("closure-islocked",))
    subscribe(world, TESLA, webhook.id)
    evaluate(world)
    book = world.deliveries
    [challenge] = book.take(10)  # only the challenge goes out; the first delivery waits
    assert challenge.kind == VERIFY and book.status(webhook.id).status == "pending"
    assert [e.kind for e in book.held[webhook.id]] == [VEHICLE_STATE]
    verified(world, webhook.id)
    [first] = book.take(10)
    assert first.kind == VEHICLE_STATE and state(first).triggers == (("FIRST_DELIVERY", None),)


def test_a_failed_challenge_skips_what_waited_and_starts_over(world: World, hook: Hook) -> None:
    webhook = hook(signals=("closure-islocked",))
    subscribe(world, TESLA, webhook.id)
    evaluate(world)
    book = world.deliveries
    book.take(10)
    book.verified(webhook.id, False, "wrong challenge", world.now())
    assert [(a.kind, a.outcome) for a in book.log] == [(VEHICLE_STATE, SKIPPED)]
    assert drain(world) == []  # a failed webhook gets nothing
    verified(world, webhook.id)  # verified again: the subscription starts over
    [first] = drain(world)
    assert state(first).triggers == (("FIRST_DELIVERY", None),)


def test_only_changes_fire_and_name_what_changed(world: World, hook: Hook) -> None:
    webhook = hook(signals=("odometer-traveleddistance", "closure-islocked"))
    verified(world, webhook.id)
    subscribe(world, TESLA, webhook.id)
    assert len(drain(world)) == 1  # FIRST_DELIVERY
    assert drain(world) == []  # nothing changed (the clock is frozen)
    world.vehicles[TESLA].unlock(world.now())
    [update] = drain(world)
    content = state(update)
    assert [(kind, s.code if s else None) for kind, s in content.triggers] == [
        ("SIGNAL_UPDATED", "closure-islocked")]
    assert [s.code for s in content.signals] == ["odometer-traveleddistance",
                                                 "closure-islocked"]
    assert drain(world) == []


def test_resubscribing_sends_a_first_delivery_again(world: World, hook: Hook) -> None:
    webhook = hook(signals=("closure-islocked",))
    verified(world, webhook.id)
    subscribe(world, TESLA, webhook.id)
    drain(world)
    webhooks.remove_subscription(world, webhook.id, TESLA)
    assert drain(world) == []
    subscribe(world, TESLA, webhook.id)
    [again] = drain(world)
    assert state(again).triggers == (("FIRST_DELIVERY", None),)


def test_a_webhook_without_url_sends_nothing(world: World, hook: Hook) -> None:
    webhook = hook(url=None)
    subscribe(world, TESLA, webhook.id)
    assert evaluate(world) == 0 and not world.deliveries.outbox


def test_errors_appear_and_resolve(world: World, hook: Hook) -> None:
    webhook = hook(signals=("odometer-traveleddistance", "tractionbattery-stateofcharge"))
    verified(world, webhook.id)
    subscribe(world, LEAF, webhook.id, permissions=("read_odometer",))
    first, error = drain(world)
    assert first.kind == VEHICLE_STATE and error.kind == VEHICLE_ERROR
    assert isinstance(error.content, ErrorContent)
    [change] = error.content.errors
    assert (change.error.type, change.state) == ("PERMISSION", "ERROR")
    assert [s.code for s in change.signals] == ["tractionbattery-stateofcharge"]

    connection = next(iter(world.connections.values()))
    connection.permissions = ("read_odometer", "read_battery")  # the owner re-consents
    update, resolved = drain(world)
    assert state(update).triggers[0][0] == "SIGNAL_UPDATED"
    assert isinstance(resolved.content, ErrorContent)
    [change] = resolved.content.errors
    assert (change.error.type, change.state) == ("PERMISSION", "RESOLVED")
    assert [s.code for s in change.signals] == ["tractionbattery-stateofcharge"]


def test_a_test_mode_error_login_errors_every_signal(world: World, hook: Hook) -> None:
    webhook = hook(signals=("odometer-traveleddistance", "vehicleidentification-vin"))
    verified(world, webhook.id)
    owner = world.sign_in("VEHICLE_STATE.ASLEEP@smartcar.com", "x", "test")
    app = next(iter(world.applications.values()))
    vehicle_id = owner.vehicle_ids[0]
    connection = world.connect(app.client_id, owner, [vehicle_id], ["read_odometer",
                                                                     "read_vin"], "test")
    webhooks.subscribe(world, connection, vehicle_id, webhook.id)
    first, error = drain(world)
    odometer, vin = state(first).signals
    assert odometer.error is not None and odometer.error.code == "ASLEEP"
    assert vin.error is None  # static signals answer, as on the API
    assert isinstance(error.content, ErrorContent)
    assert [(c.error.type, c.error.code) for c in error.content.errors] == [
        ("VEHICLE_STATE", "ASLEEP")]


def test_schedules_fire_once_per_slot_even_when_the_clock_jumps(world: World,
                                                                hook: Hook) -> None:
    webhook = hook(signals=("closure-islocked",), trigger=Trigger(every_seconds=3600))
    verified(world, webhook.id)
    subscribe(world, TESLA, webhook.id)
    assert [state(e).triggers[0][0] for e in drain(world)] == ["FIRST_DELIVERY"]
    world.clock.advance(timedelta(minutes=29))  # 09:30 -> 09:59
    assert drain(world) == []
    world.clock.advance(timedelta(minutes=1))  # 10:00
    assert [state(e).triggers[0][0] for e in drain(world)] == ["SCHEDULED"]
    world.clock.advance(timedelta(hours=5))  # over 11:00 ... 15:00: one delivery
    assert len(drain(world)) == 1
    assert drain(world) == []


def test_v2_schedules_batch_every_subscribed_vehicle(world: World, hook: Hook) -> None:
    webhook = hook(version=V2, trigger=Trigger(every_seconds=900), signals=("/odometer",))
    verified(world, webhook.id)
    for vehicle_id in (TESLA, ICE):
        subscribe(world, vehicle_id, webhook.id)
    assert drain(world) == []  # v2 has no first delivery
    world.clock.advance(timedelta(minutes=15))
    [event] = drain(world)
    assert event.kind == SCHEDULED and event.vehicle_id is None
    assert isinstance(event.content, ScheduledContent)
    assert sorted(v for v, _ in event.content.vehicles) == sorted((TESLA, ICE))
    assert event.content.paths == ("/odometer",)


@pytest.mark.parametrize(("steps", "expected"), [
    (("start",), ["CHARGING_STARTED"]),
    (("start", "stop"), ["CHARGING_STARTED", "CHARGING_STOPPED"]),
])
def test_v2_charging_events(world: World, hook: Hook, steps: tuple[str, ...],
                            expected: list[str]) -> None:
    webhook = hook(version=V2)
    verified(world, webhook.id)
    subscribe(world, LEAF, webhook.id)
    assert drain(world) == []  # the first look only learns the status
    seen = []
    leaf = world.vehicles[LEAF]
    for step in steps:
        (leaf.start_charge if step == "start" else leaf.stop_charge)(world.now())
        for event in drain(world):
            assert event.kind == CHARGING_EVENT and isinstance(event.content, ChargingContent)
            seen.append(event.content.event_type)
    assert seen == expected


def test_charging_to_the_limit_completes(world: World, hook: Hook) -> None:
    webhook = hook(version=V2)
    verified(world, webhook.id)
    subscribe(world, TESLA, webhook.id)  # charging at 76 % towards 90 %
    drain(world)
    world.vehicles[TESLA].set_charge_limit(0.7, world.now())
    events = drain(world)
    assert [e.content.event_type for e in events
            if isinstance(e.content, ChargingContent)] == ["CHARGING_COMPLETED"]


def test_changing_a_webhooks_url_asks_for_verification_again(world: World, hook: Hook) -> None:
    webhook = hook(signals=("closure-islocked",))
    verified(world, webhook.id)
    subscribe(world, TESLA, webhook.id)
    drain(world)
    app = next(iter(world.applications.values()))
    moved = dataclasses.replace(webhook, url="http://127.0.0.1:9/elsewhere")
    webhooks.add_webhook(world, app.client_id, moved)
    assert world.deliveries.status(webhook.id).status == "pending"
    evaluate(world)
    kinds = [e.kind for e in world.deliveries.take(10)]
    assert kinds == [VERIFY]  # the new receiver must answer before it gets anything
    assert [e.kind for e in world.deliveries.held[webhook.id]] == [VEHICLE_STATE]

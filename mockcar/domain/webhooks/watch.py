"""When webhooks fire: compare each subscribed vehicle's signals with what its
subscription was last told, and look at the schedules
(https://smartcar.com/docs/api-reference/webhooks/events/vehicle-state).

`evaluate(world)` is called by the dispatcher on every tick and whenever a request may
have changed something (a command, a control-API clock or state change, a subscription).
It costs O(subscriptions): only subscribed vehicles are read, and a scheduled webhook's
vehicles only when a slot comes due. Vehicle state is a pure function of the clock
(DESIGN principle 2), so comparing snapshots taken at successive clock times is how
"signals change as the vehicles evolve" is seen.

What fires:

* v3, any trigger: a new subscription gets VEHICLE_STATE with `FIRST_DELIVERY`.
* v3 `on_change`: VEHICLE_STATE when any carried signal's value (or error) differs from
  the last delivery's, its triggers naming each changed signal (`SIGNAL_UPDATED`).
* v3 schedule: VEHICLE_STATE at each due slot, triggered by `SCHEDULED` (mockcar's name:
  Smartcar documents scheduled v3 deliveries but not their trigger type).
* v3, with either trigger: VEHICLE_ERROR when the errors among the carried signals
  change — an error appearing (state ERROR, with the signals it affects) or going away
  (state RESOLVED). The first delivery reports the errors present, as Smartcar reports
  compatibility issues "when processing the initial payload".
* v2 schedule: one `scheduled` delivery per due slot with every subscribed vehicle.
* v2 `on_change`: `eventBased` charging events (CHARGING_STARTED / _STOPPED /
  _COMPLETED) when a vehicle's charging status changes.

A clock that jumps over several slots fires once, for the latest. A signal that errors
for the subscription's connection (a permission it lacks, a test-mode error login)
errors in the delivery too, as the API would answer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mockcar.domain.connect.test_accounts import triggered_error
from mockcar.domain.signals import reading as catalogue
from mockcar.domain.signals.reading import Signal
from mockcar.domain.webhooks.deliveries import (
    CHARGING_EVENT,
    SCHEDULED,
    VEHICLE_ERROR,
    VEHICLE_STATE,
    Deliveries,
    Event,
    Watch,
    new_id,
)
from mockcar.domain.webhooks.webhook import V2, Webhook
from mockcar.errors import SmartcarError

if TYPE_CHECKING:
    from mockcar.domain.vehicles.vehicle import Vehicle
    from mockcar.domain.world.world import Application, Connection, World

FIRST_DELIVERY, SIGNAL_UPDATED, SCHEDULE = "FIRST_DELIVERY", "SIGNAL_UPDATED", "SCHEDULED"
ERROR_STATE, RESOLVED = "ERROR", "RESOLVED"
CHARGING_EVENTS = {
    ("NOT_CHARGING", "CHARGING"): "CHARGING_STARTED",
    ("FULLY_CHARGED", "CHARGING"): "CHARGING_STARTED",
    ("CHARGING", "NOT_CHARGING"): "CHARGING_STOPPED",
    ("CHARGING", "FULLY_CHARGED"): "CHARGING_COMPLETED",
}
CHARGING_STATUS = "charge-detailedchargingstatus"


@dataclass(frozen=True)
class VehicleRef:
    id: str
    make: str
    model: str
    year: int
    vin: str
    mode: str  # the subscriber's connection's: live, simulated or test


@dataclass(frozen=True)
class StateContent:
    """A VEHICLE_STATE: every carried signal, and why it was sent (`triggers`: the
    trigger type, and the changed signal for SIGNAL_UPDATED)."""

    user_id: str | None
    vehicle: VehicleRef
    signals: tuple[Signal, ...]
    triggers: tuple[tuple[str, Signal | None], ...]


@dataclass(frozen=True)
class ErrorChange:
    error: SmartcarError
    state: str  # ERROR or RESOLVED
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class ErrorContent:
    user_id: str | None
    vehicle: VehicleRef
    errors: tuple[ErrorChange, ...]


@dataclass(frozen=True)
class ScheduledContent:
    """A v2 `scheduled` delivery: these vehicles' endpoint paths, read at the event's
    time through each vehicle's connection (rendered by mockcar.delivery)."""

    vehicles: tuple[tuple[str, str | None], ...]  # (vehicle id, connection id)
    paths: tuple[str, ...]
    mode: str  # the first vehicle's connection's mode


@dataclass(frozen=True)
class ChargingContent:
    event_type: str  # CHARGING_STARTED | CHARGING_STOPPED | CHARGING_COMPLETED
    mode: str


def evaluate(world: World) -> int:
    """Make the events due now; how many were made."""
    return sum(evaluation(world))


def evaluation(world: World) -> Iterator[int]:
    """`evaluate` one subscription (or one v2 webhook) at a time, yielding how many
    events each made, so a caller can let other work run between them (the dispatcher
    does: a World with thousands of subscriptions never holds its event loop for long).
    The World may change between two steps; each step checks its subscription is still
    there."""
    book = world.deliveries
    if not world.subscriptions:
        return
    now = world.now()
    for application in list(world.applications.values()):
        for webhook in application.webhooks:
            members = world.subscriptions.get(webhook.id)
            if not members or webhook.url is None or not book.deliverable(webhook.id):
                continue
            due = _due(book, webhook, now)
            if webhook.version == V2:
                yield _v2(world, application, webhook, sorted(members), due, now)
                continue
            for vehicle_id in sorted(members):
                if vehicle_id in world.subscriptions.get(webhook.id, ()):
                    yield _v3(world, application, webhook, vehicle_id, due, now)


def _due(book: Deliveries, webhook: Webhook, now: datetime) -> bool:
    """Whether a scheduled webhook's next slot has come (never on first sight)."""
    every = webhook.trigger.every_seconds
    if every is None:
        return False
    slot = math.floor(now.timestamp() / every)
    last = book.slots.setdefault(webhook.id, slot)
    if slot > last:
        book.slots[webhook.id] = slot
        return True
    return False


def _watch(world: World, application: Application, webhook: Webhook, vehicle_id: str) -> Watch:
    found = world.deliveries.watch(webhook.id, vehicle_id)
    if found is None:  # subscribed without mockcar.domain.webhooks.webhook (a test's hand)
        connection = _connection(world, application.client_id, None, vehicle_id)
        found = world.deliveries.subscribed(
            webhook.id, vehicle_id, connection.user_id if connection else None, world.now())
    return found


def _connection(world: World, client_id: str, user_id: str | None,
                vehicle_id: str) -> Connection | None:
    """The application's connection reaching the vehicle (the subscriber's, if any)."""
    if user_id is not None:
        # Every pass asks for every subscription: the subscriber's own connections in
        # one lookup, every connection only when none of them reaches the vehicle.
        for connection in world.user_connections(client_id, user_id):
            if vehicle_id in connection.vehicle_ids:
                return connection
    found = None
    for connection in world.connections.values():
        if connection.client_id == client_id and vehicle_id in connection.vehicle_ids:
            if user_id is None or connection.user_id == user_id:
                return connection
            found = found or connection
    return found


def read(connection: Connection | None, vehicle: Vehicle, codes: tuple[str, ...],
         now: datetime) -> list[Signal]:
    """The carried signals as the subscriber's connection reads them: its permissions
    apply, and a test-mode error login errors every non-static signal. Without a
    connection (a test subscribed the vehicle by hand) nothing is refused. In the
    webhook's order."""
    permissions = connection.permissions if connection is not None else None
    snapshot = vehicle.at(now)  # the timeline is walked once for every signal
    found = [catalogue.signal(snapshot, code, now, permissions)
             for code in codes if code.lower() in catalogue.BY_CODE]
    if connection is None or connection.error_trigger is None:
        return found
    error = triggered_error(connection.error_trigger, connection.owner_email or "email",
                            connection.client_id, vehicle.id)
    return [s if s.spec.static else dataclasses.replace(s, body=None, error=error)
            for s in found]


def _v3(world: World, application: Application, webhook: Webhook, vehicle_id: str,
        due: bool, now: datetime) -> int:
    vehicle = world.vehicles.get(vehicle_id)
    if vehicle is None:
        return 0
    watch = _watch(world, application, webhook, vehicle_id)
    first = watch.baseline is None
    if not first and not webhook.trigger.on_change and not due:
        return 0
    connection = _connection(world, application.client_id, watch.user_id, vehicle_id)
    found = read(connection, vehicle, webhook.carried, now)
    values: dict[str, object] = {s.code: s.value_key for s in found}
    if first:
        triggers: list[tuple[str, Signal | None]] = [(FIRST_DELIVERY, None)]
    elif webhook.trigger.on_change:
        baseline = watch.baseline or {}
        triggers = [(SIGNAL_UPDATED, s) for s in found if baseline.get(s.code) != values[s.code]]
    else:
        triggers = [(SCHEDULE, None)]
    watch.baseline = values
    if not triggers:
        return 0
    ref = VehicleRef(vehicle.id, vehicle.make, vehicle.model, vehicle.year, vehicle.vin,
                     connection.mode if connection is not None else "live")
    book = world.deliveries
    content = StateContent(watch.user_id, ref, tuple(found), tuple(triggers))
    book.emit(Event(new_id(), VEHICLE_STATE, application.client_id, webhook.id, vehicle_id,
                    now, content), webhook.url, now)
    changes = _error_changes(watch, found)
    if not changes:
        return 1
    book.emit(Event(new_id(), VEHICLE_ERROR, application.client_id, webhook.id, vehicle_id,
                    now, ErrorContent(watch.user_id, ref, changes)), webhook.url, now)
    return 2


def _error_changes(watch: Watch, found: list[Signal]) -> tuple[ErrorChange, ...]:
    """Errors that appeared or changed (ERROR) and went away (RESOLVED) since the last
    report; updates the watch."""
    now_errors: dict[tuple[str, str | None], list[Signal]] = {}
    for signal in found:
        if signal.error is not None:
            now_errors.setdefault((signal.error.type, signal.error.code), []).append(signal)
    by_code = {s.code: s for s in found}
    changes: list[ErrorChange] = []
    for key, affected in now_errors.items():
        codes = tuple(s.code for s in affected)
        if watch.errors.get(key) != codes:
            assert affected[0].error is not None
            changes.append(ErrorChange(affected[0].error, ERROR_STATE, tuple(affected)))
    for key, codes in watch.errors.items():
        if key not in now_errors:
            gone = tuple(by_code[c] for c in codes if c in by_code)
            changes.append(ErrorChange(SmartcarError(*key), RESOLVED, gone))
    watch.errors = {k: tuple(s.code for s in v) for k, v in now_errors.items()}
    return tuple(changes)


def _v2(world: World, application: Application, webhook: Webhook, members: list[str],
        due: bool, now: datetime) -> int:
    book = world.deliveries
    if not webhook.trigger.on_change:
        if not due:
            for vehicle_id in members:  # keep the subscriptions' records
                _watch(world, application, webhook, vehicle_id)
            return 0
        vehicles, modes = [], []
        for vehicle_id in members:
            if vehicle_id in world.vehicles:
                watch = _watch(world, application, webhook, vehicle_id)
                connection = _connection(world, application.client_id, watch.user_id,
                                         vehicle_id)
                vehicles.append((vehicle_id, connection.id if connection else None))
                modes.append(connection.mode if connection else "live")
        if not vehicles:
            return 0
        content = ScheduledContent(tuple(vehicles), webhook.carried, modes[0])
        book.emit(Event(new_id(), SCHEDULED, application.client_id, webhook.id, None, now,
                        content), webhook.url, now)
        return 1
    made = 0
    for vehicle_id in members:
        vehicle = world.vehicles.get(vehicle_id)
        if vehicle is None:
            continue
        watch = _watch(world, application, webhook, vehicle_id)
        status = catalogue.signal(vehicle, CHARGING_STATUS, now)
        current = str(status.body["value"]) if status.body is not None else None
        previous, watch.charging = watch.charging, current
        kind = CHARGING_EVENTS.get((previous or "", current or ""))
        if kind is not None:
            connection = _connection(world, application.client_id, watch.user_id, vehicle_id)
            charging = ChargingContent(kind, connection.mode if connection else "live")
            book.emit(Event(new_id(), CHARGING_EVENT, application.client_id, webhook.id,
                            vehicle_id, now, charging), webhook.url, now)
            made += 1
    return made

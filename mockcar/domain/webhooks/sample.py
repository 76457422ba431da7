"""The test payload: the Smartcar Dashboard offers to "send a test payload" to a webhook
once its callback URI is verified
(https://smartcar.com/docs/getting-started/tutorials/webhooks-scheduled, "Confirmation
with a test payload"); mockcar offers it through the control API.

Smartcar does not show a v3 test payload, so mockcar sends a VEHICLE_STATE of the
webhook's signals as one vehicle reports them now (a subscriber, or any vehicle of the
World), triggered by FIRST_DELIVERY and with `meta.mode` TEST. It goes through the
verification gate (a webhook that failed its challenge gets it logged as skipped) and
the retry schedule like any event, but leaves the subscriptions'
records alone: what they were last told is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcar.domain.webhooks.deliveries import VEHICLE_STATE, Event, new_id
from mockcar.domain.webhooks.watch import FIRST_DELIVERY, StateContent, VehicleRef, read
from mockcar.domain.webhooks.webhook import V3, Webhook

if TYPE_CHECKING:
    from mockcar.domain.world.world import World

TEST_MODE = "test"


class SampleError(ValueError):
    """No test payload can be made; the message says why."""


def send_test(world: World, client_id: str, webhook: Webhook,
              vehicle_id: str | None = None) -> Event:
    """Queue a test VEHICLE_STATE for `webhook` about `vehicle_id` (default: its first
    subscriber, else the World's first vehicle)."""
    if webhook.version != V3:
        raise SampleError("test payloads are VEHICLE_STATE events, sent to v3 webhooks")
    if webhook.url is None:
        raise SampleError("the webhook has no url to send to")
    book = world.deliveries
    if vehicle_id is None:
        candidates = sorted(world.subscriptions.get(webhook.id, ())) or sorted(world.vehicles)
        if not candidates:
            raise SampleError("the World has no vehicle to report")
        vehicle_id = candidates[0]
    vehicle = world.vehicles.get(vehicle_id)
    if vehicle is None:
        raise SampleError(f"no vehicle {vehicle_id!r} in this World")
    now = world.now()
    signals = read(None, vehicle, webhook.carried, now)
    ref = VehicleRef(vehicle.id, vehicle.make, vehicle.model, vehicle.year, vehicle.vin,
                     TEST_MODE)
    event = Event(new_id(), VEHICLE_STATE, client_id, webhook.id, vehicle.id, now,
                  StateContent(None, ref, tuple(signals), ((FIRST_DELIVERY, None),)))
    book.emit(event, webhook.url, now)
    return event

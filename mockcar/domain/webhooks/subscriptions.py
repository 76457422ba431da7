"""Webhook subscriptions as Smartcar's Management API v3 sees them
(https://smartcar.com/docs/api-reference/create-subscription,
https://smartcar.com/docs/api-reference/get-subscription).

A subscription is one vehicle on one of the application's webhooks, for the user who
connected it: the same membership API v2's subscribe makes (`World.subscriptions`), with
its record (`Watch`: id, user, creation time) in `World.deliveries`. Its id is stable per
(webhook, vehicle). Creating one is effective at once (Smartcar answers 202 "creation in
progress"; mockcar's is done by the time the answer leaves) and sends the FIRST_DELIVERY.

Refusals are `ManagementError`s with a `Kind` (invalid, not found, conflict); the web layer
maps it to the status Smartcar answers and writes the v3 `errors[]` shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mockcar.domain.webhooks import membership as webhooks
from mockcar.domain.webhooks.deliveries import Watch
from mockcar.domain.world.world import Mode
from mockcar.errors import DomainError, Kind

if TYPE_CHECKING:
    from mockcar.domain.vehicles.vehicle import Vehicle
    from mockcar.domain.world.world import Application, Connection, World

# default and maximum page[size] (https://smartcar.com/docs/api-reference/list-subscriptions)
PAGE_SIZE = (25, 100)


class ManagementError(DomainError):
    """A refusal of the Management API: what sort (`kind`) and what was wrong (`detail`)."""

    def __init__(self, kind: Kind, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.detail = kind, detail


@dataclass(frozen=True)
class Subscription:
    id: str
    webhook_id: str
    user_id: str | None
    vehicle: Vehicle
    mode: str  # the connection's: live, simulated or test
    created_at: datetime


@dataclass(frozen=True)
class Page:
    items: tuple[Subscription, ...]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def create(world: World, application: Application, webhook_id: str, user_id: str,
           vehicle_id: str) -> Subscription:
    """Subscribe `user_id`'s connected vehicle to one of the application's webhooks."""
    webhook = webhooks.find_webhook(application, webhook_id)
    if webhook is None:
        known = ", ".join(w.id for w in application.webhooks) or "none"
        raise ManagementError(Kind.NOT_FOUND, f"No webhook {webhook_id!r} in this "
                              f"application; its webhooks: {known}.")
    connection = _connection(world, application.client_id, user_id, vehicle_id)
    if connection is None:
        raise ManagementError(Kind.NOT_FOUND, f"User {user_id!r} has not connected vehicle "
                              f"{vehicle_id!r} to this application (GET /v3/connections "
                              "lists who connected what).")
    members = world.subscriptions.setdefault(webhook.id, set())
    if vehicle_id in members:
        raise ManagementError(Kind.CONFLICT, f"Vehicle {vehicle_id!r} is already "
                              f"subscribed to webhook {webhook.id!r}.")
    members.add(vehicle_id)
    watch = world.deliveries.subscribed(webhook.id, vehicle_id, user_id, world.now())
    return _shown(world, application, watch)


def listing(world: World, application: Application, *, user_id: str | None = None,
            webhook_id: str | None = None, vehicle_id: str | None = None,
            mode: str | None = None) -> list[Subscription]:
    """The application's subscriptions matching every filter given, oldest first (ties
    by id, so pages are stable)."""
    if mode is not None and mode not in (Mode.LIVE, Mode.SIMULATED):
        raise ManagementError(Kind.INVALID, f"filter[vehicle.mode] must be live or "
                              f"simulated; got {mode[:20]!r}.")
    found: list[Subscription] = []
    for webhook in application.webhooks:
        if webhook_id is not None and webhook.id != webhook_id:
            continue
        for member in sorted(world.subscriptions.get(webhook.id, ())):
            if vehicle_id is not None and member != vehicle_id:
                continue
            shown = _find(world, application, webhook.id, member)
            if shown is None or (user_id is not None and shown.user_id != user_id):
                continue
            if mode is not None and shown.mode != mode:
                continue
            found.append(shown)
    return sorted(found, key=lambda s: (s.created_at, s.id))


def page(found: list[Subscription], number: int, size: int) -> Page:
    start = (number - 1) * size
    return Page(tuple(found[start:start + size]), number, size, len(found))


def get(world: World, application: Application, subscription_id: str) -> Subscription:
    for webhook in application.webhooks:
        for member in world.subscriptions.get(webhook.id, ()):
            watch = world.deliveries.watch(webhook.id, member)
            if watch is not None and watch.id == subscription_id:
                shown = _find(world, application, webhook.id, member)
                if shown is not None:
                    return shown
    raise ManagementError(Kind.NOT_FOUND, f"No subscription {subscription_id!r} in this "
                          "application (GET /v3/subscriptions lists them).")


def delete(world: World, application: Application, subscription_id: str) -> Subscription:
    found = get(world, application, subscription_id)
    webhooks.remove_subscription(world, found.webhook_id, found.vehicle.id)
    return found


def _connection(world: World, client_id: str, user_id: str | None,
                vehicle_id: str) -> Connection | None:
    if user_id is not None:  # one lookup, not every connection ever made
        return next((c for c in world.user_connections(client_id, user_id)
                     if vehicle_id in c.vehicle_ids), None)
    return next((c for c in world.connections.values()
                 if c.client_id == client_id and vehicle_id in c.vehicle_ids
                 and (user_id is None or c.user_id == user_id)), None)


def _find(world: World, application: Application, webhook_id: str,
          vehicle_id: str) -> Subscription | None:
    vehicle = world.vehicles.get(vehicle_id)
    if vehicle is None:
        return None
    watch = world.deliveries.watch(webhook_id, vehicle_id)
    if watch is None:  # subscribed by hand: give it its record now
        connection = _connection(world, application.client_id, None, vehicle_id)
        watch = world.deliveries.subscribed(
            webhook_id, vehicle_id, connection.user_id if connection else None, world.now())
    return _shown(world, application, watch)


def _shown(world: World, application: Application, watch: Watch) -> Subscription:
    vehicle = world.vehicles[watch.vehicle_id]
    connection = _connection(world, application.client_id, watch.user_id, watch.vehicle_id)
    mode = connection.mode if connection is not None else Mode.LIVE
    return Subscription(watch.id, watch.webhook_id, watch.user_id, vehicle, mode,
                        watch.created_at)

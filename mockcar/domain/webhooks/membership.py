"""Which vehicles are subscribed to which webhook, and an application's webhooks changed
at runtime: the rules over `World.subscriptions` and `Application.webhooks`
(https://smartcar.com/docs/api-reference/webhooks/subscribe-webhook,
https://smartcar.com/docs/api-reference/webhooks/unsubscribe-webhook).

A vehicle is subscribed with the owner's access token (v2) or the management API (v3,
mockcar.domain.webhooks.subscriptions) and unsubscribed with the application management
token. The webhook itself is mockcar.domain.webhooks.webhook.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from mockcar.domain.webhooks.webhook import Webhook
from mockcar.domain.world.connections import application_by_management_token
from mockcar.errors import SmartcarError

if TYPE_CHECKING:
    from mockcar.domain.world.records import Application, Connection
    from mockcar.domain.world.world import World


def find_webhook(application: Application, webhook_id: str) -> Webhook | None:
    return next((w for w in application.webhooks if w.id == webhook_id), None)


def owner_of(world: World, webhook_id: str) -> tuple[Application, Webhook] | None:
    """The application declaring a webhook id, and the webhook (ids are unique in a
    World, as at Smartcar)."""
    for application in world.applications.values():
        webhook = find_webhook(application, webhook_id)
        if webhook is not None:
            return application, webhook
    return None


def subscribe(world: World, connection: Connection, vehicle_id: str, webhook_id: str) -> Webhook:
    """Subscribe a vehicle this connection covers to one of its application's webhooks.
    An unknown webhook id is `400 VALIDATION` with code null, as Smartcar answers.
    Subscribing again changes nothing; a new subscription gets a FIRST_DELIVERY."""
    world.vehicle_for(connection, vehicle_id)
    application = world.application(connection.client_id)
    webhook = find_webhook(application, webhook_id) if application else None
    if application is None or webhook is None:
        raise _unknown_webhook(application, webhook_id)
    members = world.subscriptions.setdefault(webhook.id, set())
    if vehicle_id not in members:
        members.add(vehicle_id)
        world.deliveries.subscribed(webhook.id, vehicle_id, connection.user_id, world.now())
    return webhook


def unsubscribe(world: World, management_token: str, vehicle_id: str, webhook_id: str) -> None:
    """Unsubscribe with the application management token (a bad one is
    `401 AUTHENTICATION`). Unsubscribing a vehicle that is not subscribed succeeds, so an
    app's cleanup may repeat it; an unknown vehicle or webhook is a VALIDATION error."""
    application = application_by_management_token(world, management_token)
    if application is None:
        raise SmartcarError(
            "AUTHENTICATION",
            message="Unsubscribing takes 'Authorization: Bearer <application management "
            "token>', not an access token; this one names no application.",
        )
    webhook = find_webhook(application, webhook_id)
    if webhook is None:
        raise _unknown_webhook(application, webhook_id)
    if vehicle_id not in world.vehicles:
        raise SmartcarError(
            "VALIDATION", "PARAMETER", message=f"There is no vehicle {vehicle_id!r}.",
            detail=[{"field": ["vehicle_id"], "message": "is not a known vehicle"}],
        )
    remove_subscription(world, webhook.id, vehicle_id)


def remove_subscription(world: World, webhook_id: str, vehicle_id: str) -> bool:
    """End one subscription; whether there was one. Pending deliveries already made
    are still sent (Smartcar gives no guarantee either way); nothing new is made."""
    members = world.subscriptions.get(webhook_id, set())
    if vehicle_id not in members:
        return False
    members.discard(vehicle_id)
    world.deliveries.unsubscribed(webhook_id, vehicle_id)
    return True


def subscribers(world: World, webhook_id: str) -> frozenset[str]:
    """The ids of the vehicles subscribed to a webhook."""
    return frozenset(world.subscriptions.get(webhook_id, ()))


def _unknown_webhook(application: Application | None, webhook_id: str) -> SmartcarError:
    known = ", ".join(f"{w.id} ({w.name})" for w in application.webhooks) if application else ""
    return SmartcarError(
        "VALIDATION",
        message=f"Webhook {webhook_id!r} is not one of this application's webhooks"
        + (f"; it has: {known}." if known else "; it declares none (scenario: "
           "applications[].webhooks)."),
        detail=[{"field": ["webhook_id"], "message": "is not a webhook of this application"}],
    )


# -- configuration at runtime (control API) -----------------------------------------------


def add_webhook(world: World, client_id: str, webhook: Webhook) -> Application:
    """Give an application a new webhook (or replace the one with its id: a changed URL
    must be verified again). Returns the application as it now is."""
    application = world.applications[client_id]
    for other in world.applications.values():
        if other.client_id != client_id and find_webhook(other, webhook.id) is not None:
            raise ValueError(f"webhook id {webhook.id!r} is taken by application "
                             f"{other.client_id!r}; ids are unique across applications")
    old = find_webhook(application, webhook.id)
    if old is not None and old.url != webhook.url:
        world.deliveries.forget_webhook(webhook.id)
    kept = tuple(w for w in application.webhooks if w.id != webhook.id)
    application = dataclasses.replace(application, webhooks=(*kept, webhook))
    world.applications[client_id] = application
    if webhook.url is not None and world.deliveries.status(webhook.id).status == "unverified":
        world.deliveries.challenge(client_id, webhook.id, world.now())
    return application


def remove_webhook(world: World, client_id: str, webhook_id: str) -> Application:
    """Delete a webhook with its subscriptions; what waited for it is dropped."""
    application = world.applications[client_id]
    for vehicle_id in sorted(world.subscriptions.get(webhook_id, ())):
        remove_subscription(world, webhook_id, vehicle_id)
    world.subscriptions.pop(webhook_id, None)
    world.deliveries.forget_webhook(webhook_id)
    application = dataclasses.replace(
        application, webhooks=tuple(w for w in application.webhooks if w.id != webhook_id))
    world.applications[client_id] = application
    return application

"""Webhooks an application declares, and which vehicles are subscribed to them
(reference: smartcar-v2.md §3.3 subscribe/unsubscribe, §6.3).

A vehicle is subscribed with the owner's access token and unsubscribed with the
application management token. Deliveries are not sent here (issue 7); this module keeps
only who listens to what, in `World.subscriptions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mockcar.domain.connections import application_by_management_token
from mockcar.errors import SmartcarError

if TYPE_CHECKING:
    from mockcar.domain.world import Application, Connection, World


@dataclass(frozen=True)
class Webhook:
    """A webhook as the Smartcar Dashboard defines it; `url` is where deliveries would
    go (optional until deliveries exist)."""

    id: str
    name: str
    url: str | None = None


def find_webhook(application: Application, webhook_id: str) -> Webhook | None:
    return next((w for w in application.webhooks if w.id == webhook_id), None)


def subscribe(world: World, connection: Connection, vehicle_id: str, webhook_id: str) -> Webhook:
    """Subscribe a vehicle this connection covers to one of its application's webhooks.
    An unknown webhook id is `400 VALIDATION` with code null, as Smartcar answers."""
    world.vehicle_for(connection, vehicle_id)
    application = world.application(connection.client_id)
    webhook = find_webhook(application, webhook_id) if application else None
    if application is None or webhook is None:
        raise _unknown_webhook(application, webhook_id)
    world.subscriptions.setdefault(webhook.id, set()).add(vehicle_id)
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
    world.subscriptions.get(webhook.id, set()).discard(vehicle_id)


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

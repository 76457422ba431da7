"""Wire shapes of webhook deliveries: the one place their JSON is written
(https://smartcar.com/docs/api-reference/webhooks/events/overview,
https://smartcar.com/docs/integrations/webhooks/callback-verification).

* v3 webhooks get Smartcar's current envelope, `meta.version` "4.0":
  `{eventId, eventType, vehicleId (not in VERIFY), data, triggers?, meta{version,
  webhookId, webhookName, deliveryId, deliveredAt, …}}`; VEHICLE_STATE carries every configured
  signal as `{code, name, group, body, status{value}, meta{retrievedAt, oemUpdatedAt}}`
  (an erroring one `status{value: ERROR, error{type, code}}` and no body).
* v2 webhooks get the legacy envelope `{version: "2.0", webhookId, eventName, mode,
  payload}`: `verify`, `scheduled` (the tutorial's spelling; Smartcar's
  pages are not consistent about `schedule`) and `eventBased`.

Times: `deliveredAt`, `retrievedAt` and `oemUpdatedAt` are epoch milliseconds (the real
payloads' unit; one docs example shows ISO for VERIFY's `deliveredAt`, mockcar uses
milliseconds everywhere). Bodies are encoded with `signatures.compact_json` and signed
as sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mockcar.domain.signals.reading import Signal
from mockcar.domain.webhooks.deliveries import CHARGING_EVENT, SCHEDULED, VERIFY, Challenge, Event
from mockcar.domain.webhooks.watch import (
    ChargingContent,
    ErrorChange,
    ErrorContent,
    ScheduledContent,
    StateContent,
    VehicleRef,
)
from mockcar.domain.webhooks.webhook import V2, Webhook
from mockcar.wire.errors import doc_url

V3_VERSION = "4.0"
V2_VERSION = "2.0"
V2_NAMES = {VERIFY: "verify", SCHEDULED: "scheduled", CHARGING_EVENT: "eventBased"}

# Renders a v2 `scheduled` payload's `vehicles[]` (mockcar.delivery.v2items): needs the
# World and the server's public origin, which the dispatcher holds, so it hands it in.
ScheduledRenderer = Callable[[Event, ScheduledContent], list[dict[str, Any]]]


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_agent(webhook: Webhook) -> str:
    """`Smartcar/{version}`, the format the delivery-behavior page gives
    (https://smartcar.com/docs/api-reference/webhooks/delivery-behavior); it names no
    version, so mockcar sends the envelope's: 4.0, or 2.0 for a legacy webhook."""
    return f"Smartcar/{V2_VERSION if webhook.version == V2 else V3_VERSION}"


def envelope(event: Event, webhook: Webhook, delivery_id: str, delivered_at: datetime,
             scheduled: ScheduledRenderer) -> dict[str, Any]:
    """The JSON object one attempt sends."""
    if webhook.version == V2:
        return _v2(event, webhook, scheduled)
    meta: dict[str, Any] = {
        "version": V3_VERSION, "webhookId": webhook.id, "webhookName": webhook.name,
        "deliveryId": delivery_id, "deliveredAt": millis(delivered_at),
    }
    body: dict[str, Any] = {"eventId": event.id, "eventType": event.kind}
    if event.vehicle_id is not None:  # not in VERIFY, which is about the webhook
        body["vehicleId"] = event.vehicle_id
    content = event.content
    if isinstance(content, Challenge):
        body["data"] = {"challenge": content.challenge}
    elif isinstance(content, StateContent):
        body["data"] = {"user": {"id": content.user_id}, "vehicle": _vehicle(content.vehicle),
                        "signals": [signal(s) for s in content.signals]}
        body["triggers"] = [_trigger(kind, s) for kind, s in content.triggers]
        meta |= {"signalCount": len(content.signals), "mode": content.vehicle.mode.upper()}
    elif isinstance(content, ErrorContent):
        body["data"] = {"user": {"id": content.user_id}, "vehicle": _vehicle(content.vehicle),
                        "errors": [_error(change) for change in content.errors]}
        meta["mode"] = content.vehicle.mode.upper()
    else:  # pragma: no cover - the watch makes no other content for v3
        raise TypeError(f"no v3 shape for {event.kind}")
    body["meta"] = meta
    return body


def signal(value: Signal) -> dict[str, Any]:
    """One signal as a VEHICLE_STATE lists it."""
    shown: dict[str, Any] = {"code": value.code, "name": value.name, "group": value.group}
    if value.error is not None:
        shown["status"] = {"value": "ERROR",
                           "error": {"type": value.error.type, "code": value.error.code}}
        return shown
    shown["body"] = value.body
    shown["status"] = {"value": "SUCCESS"}
    shown["meta"] = {"retrievedAt": millis(value.retrieved_at),
                     "oemUpdatedAt": millis(value.oem_updated_at)}
    return shown


def _vehicle(ref: VehicleRef) -> dict[str, Any]:
    return {"id": ref.id, "make": ref.make, "model": ref.model, "year": ref.year}


def _named(value: Signal) -> dict[str, str]:
    return {"code": value.code, "name": value.name, "group": value.group}


def _trigger(kind: str, value: Signal | None) -> dict[str, Any]:
    return {"type": kind} if value is None else {"type": kind, "signal": _named(value)}


def _error(change: ErrorChange) -> dict[str, Any]:
    error = change.error
    shown: dict[str, Any] = {
        "type": error.type, "code": error.code, "description": error.description,
        "docURL": doc_url(error.type, error.code),
        "resolution": {"type": error.spec.resolution},
    }
    if error.spec.suggested_user_message:
        shown["suggestedUserMessage"] = error.spec.suggested_user_message
    shown["state"] = change.state
    shown["signals"] = [_named(s) for s in change.signals]
    return shown


def _v2(event: Event, webhook: Webhook, scheduled: ScheduledRenderer) -> dict[str, Any]:
    body: dict[str, Any] = {"version": V2_VERSION, "webhookId": webhook.id,
                            "eventName": V2_NAMES[event.kind]}
    content = event.content
    if isinstance(content, Challenge):
        body["payload"] = {"challenge": content.challenge}
    elif isinstance(content, ScheduledContent):
        body["mode"] = content.mode
        body["payload"] = {"vehicles": scheduled(event, content)}
    elif isinstance(content, ChargingContent):
        body["mode"] = content.mode
        body["payload"] = {"eventId": event.id, "vehicleId": event.vehicle_id,
                           "eventType": content.event_type, "eventTime": iso(event.created_at)}
    else:  # pragma: no cover - the watch makes no other content for v2
        raise TypeError(f"no v2 shape for {event.kind}")
    return body


def signed(event: Event) -> bool:
    """VERIFY deliveries are not signed; everything else carries SC-Signature."""
    return event.kind != VERIFY


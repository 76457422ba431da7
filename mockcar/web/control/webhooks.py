"""Control API operations on an application's webhooks and their deliveries, at
`/_mockcar/applications/{client_id}/…` — a webhook belongs to an application, so these
are served for the scenario's applications and registered ones alike, authenticated as
that application:

* `GET /webhooks`, `GET /webhooks/{webhook_id}`: each webhook's configuration, its
  verification (unverified | pending | verified | failed) and subscribed vehicles;
* `POST /webhooks`: add (or replace, by id) a webhook, with an optional `error_url` for
  VEHICLE_ERROR payloads; one with a URL is sent the VERIFY challenge at once, as
  Smartcar does when a webhook is created;
* `POST /webhooks/{webhook_id}/verify`: challenge it again ("Verify this webhook");
* `POST /webhooks/{webhook_id}/test`: send it a test payload (the Dashboard's "send a
  test payload"; mockcar.domain.webhooks.sample), `{"vehicle_id"}` optional;
* `POST /webhooks/{webhook_id}/delete`: remove it and its subscriptions;
* `GET /deliveries`: the delivery log — every attempt with its eventId, deliveryId,
  outcome, HTTP status, timing, signature and the exact body sent — filtered by webhook,
  vehicle, event type, event id, outcome or `since` a sequence number;
* `POST /deliveries/clear`; `GET`/`POST /deliveries/policy`: the World's timeout and
  retry schedule (a test shortens them; it applies to the whole World).
"""

from __future__ import annotations

import uuid
from typing import Any

from mockcar.domain.webhooks import membership, sample
from mockcar.domain.webhooks import webhook as webhooks
from mockcar.domain.webhooks.deliveries import OUTCOMES, Attempt, DeliveryPolicy
from mockcar.domain.webhooks.receiver_url import WebhookURLError, receiver_url
from mockcar.domain.webhooks.webhook import V2, V3, Trigger, Webhook
from mockcar.domain.world.world import Application
from mockcar.web.control import schemas as s
from mockcar.web.control.operations import (
    Context,
    ControlError,
    Operation,
    Target,
    invalid,
    iso,
    not_found,
)

APP = Target.APPLICATION
MAX_SECONDS = 300.0  # the longest timeout or retry base the policy accepts


def _webhook(ctx: Context) -> Webhook:
    webhook_id = ctx.request.path_params["webhook_id"]
    found = membership.find_webhook(ctx.target_world.applications[_client(ctx)], webhook_id)
    if found is None:
        raise not_found(f"No webhook {webhook_id!r} in this application (GET …/webhooks "
                        "lists them).")
    return found


def _client(ctx: Context) -> str:
    return ctx.target_application.client_id


def shown(ctx: Context, webhook: Webhook) -> dict[str, Any]:
    book = ctx.target_world.deliveries
    state = book.status(webhook.id)
    every = webhook.trigger.every_seconds
    return {
        "id": webhook.id, "name": webhook.name, "url": webhook.url,
        "error_url": webhook.error_url, "version": webhook.version,
        "signals": list(webhook.carried),
        "trigger": "on_change" if every is None else {"schedule": {"every": every}},
        "verification": {"status": state.status, "detail": state.detail,
                         "checked_at": iso(state.checked_at) if state.checked_at else None},
        "subscribers": sorted(membership.subscribers(ctx.target_world, webhook.id)),
        "waiting": len(book.held.get(webhook.id, [])),
    }


def _changed(ctx: Context, application: Application) -> None:
    """The application's webhooks changed: a registered tenant keeps its copy in step."""
    if ctx.tenant is not None:
        ctx.tenant.application = application
    ctx.application = application


async def list_webhooks(ctx: Context) -> dict[str, Any]:
    application = ctx.target_world.applications[_client(ctx)]
    return {"webhooks": [shown(ctx, w) for w in application.webhooks]}


async def get_webhook(ctx: Context) -> dict[str, Any]:
    return shown(ctx, _webhook(ctx))


async def create_webhook(ctx: Context) -> dict[str, Any]:
    webhook_id = ctx.text("id") or str(uuid.uuid4())
    name = ctx.text("name") or "Webhook"
    url, version = ctx.text("url"), ctx.text("version") or V3
    error_url = ctx.text("error_url")
    carried = ctx.strings("signals") or []
    trigger = ctx.body.get("trigger", "on_change")
    ctx.done()
    problems = []
    if not webhook_id or any(c.isspace() or c in "/?#" for c in webhook_id):
        problems.append("id: must be non-empty without spaces, '/', '?' or '#'")
    for field, given in (("url", url), ("error_url", error_url)):
        if given is not None:
            try:
                receiver_url(given)
            except WebhookURLError as bad:
                problems.append(f"{field}: {bad}")
    if version not in (V2, V3):
        problems.append("version: must be v2 or v3")
    else:
        problems += [f"signals: {p}" for item in carried
                     if (p := webhooks.carried_problem(version, item))]
    every = None
    if isinstance(trigger, dict) and set(trigger) == {"schedule"} and isinstance(
            trigger["schedule"], dict) and set(trigger["schedule"]) == {"every"}:
        try:
            every = webhooks.seconds(trigger["schedule"]["every"])
        except ValueError as bad:
            problems.append(f"trigger.schedule.every: {bad}")
    elif trigger != "on_change":
        problems.append('trigger: must be "on_change" or {"schedule": {"every": "1h"}}')
    if problems:
        raise invalid("The webhook cannot be made; see `problems`.", problems)
    webhook = Webhook(webhook_id, name, url, tuple(carried), Trigger(every), version,
                      error_url)
    try:
        application = membership.add_webhook(ctx.target_world, _client(ctx), webhook)
    except ValueError as bad:
        raise invalid(str(bad), [f"id: {bad}"]) from None
    _changed(ctx, application)
    return shown(ctx, webhook)


async def verify_webhook(ctx: Context) -> dict[str, Any]:
    webhook = _webhook(ctx)
    if webhook.url is None:
        raise invalid("The webhook has no url to challenge; give it one (POST …/webhooks).")
    ctx.target_world.deliveries.challenge(_client(ctx), webhook.id, ctx.target_world.now())
    return shown(ctx, webhook)


async def test_webhook(ctx: Context) -> dict[str, Any]:
    webhook = _webhook(ctx)
    vehicle_id = ctx.text("vehicle_id")
    ctx.done()
    try:
        event = sample.send_test(ctx.target_world, _client(ctx), webhook, vehicle_id)
    except sample.SampleError as bad:
        if vehicle_id is not None and vehicle_id not in ctx.target_world.vehicles:
            raise not_found(f"No vehicle {vehicle_id!r} in this World.") from None
        raise ControlError(409, "conflict", f"No test payload: {bad}.") from None
    return {"event_id": event.id, "event_type": event.kind, "webhook_id": webhook.id,
            "vehicle_id": event.vehicle_id,
            "verification": ctx.target_world.deliveries.status(webhook.id).status}


async def delete_webhook(ctx: Context) -> dict[str, Any]:
    webhook = _webhook(ctx)
    _changed(ctx, membership.remove_webhook(ctx.target_world, _client(ctx), webhook.id))
    return {"deleted": webhook.id}


# -- the delivery log -----------------------------------------------------------------


def attempt(found: Attempt) -> dict[str, Any]:
    return {
        "seq": found.seq, "event_id": found.event_id, "delivery_id": found.delivery_id,
        "event_type": found.kind, "webhook_id": found.webhook_id,
        "vehicle_id": found.vehicle_id, "attempt": found.attempt, "url": found.url,
        "outcome": found.outcome, "status": found.status, "detail": found.detail,
        "sent_at": iso(found.sent_at) if found.sent_at else None,
        "duration_ms": found.duration_ms, "retry_in_seconds": found.retry_in_seconds,
        "retry_at": iso(found.retry_at) if found.retry_at else None,
        "signature": found.signature, "body": found.body, "response": found.response,
    }


async def get_deliveries(ctx: Context) -> dict[str, Any]:
    query = ctx.request.query_params
    since, limit = query.get("since", ""), query.get("limit", "")
    for name, raw in (("since", since), ("limit", limit)):
        if raw and not raw.isdigit():
            raise invalid(f"{name} must be a whole number.", [f"{name}: must be a whole number"])
    outcome = query.get("outcome") or None
    if outcome is not None and outcome not in OUTCOMES:
        raise invalid(f"outcome must be one of {', '.join(OUTCOMES)}.",
                      [f"outcome: must be one of {', '.join(OUTCOMES)}"])
    mine = {w.id for w in ctx.target_world.applications[_client(ctx)].webhooks}
    found = [a for a in ctx.target_world.deliveries.attempts(
                 webhook_id=query.get("webhook_id") or None,
                 vehicle_id=query.get("vehicle_id") or None,
                 kind=query.get("event_type") or None, event_id=query.get("event_id") or None,
                 outcome=outcome)
             if a.webhook_id in mine and a.seq > int(since or 0)]
    if limit:
        found = found[-int(limit):] if int(limit) else []
    return {"deliveries": [attempt(a) for a in found]}


async def clear_deliveries(ctx: Context) -> dict[str, Any]:
    log = ctx.target_world.deliveries.log
    count = len(log)
    log.clear()
    return {"cleared": count}


def _policy(policy: DeliveryPolicy) -> dict[str, Any]:
    return {"timeout_seconds": policy.timeout_seconds,
            "verify_timeout_seconds": policy.verify_timeout_seconds,
            "retry_base_seconds": policy.retry_base_seconds,
            "max_attempts": policy.max_attempts,
            "retry_schedule_seconds": [policy.delay_after(n)
                                       for n in range(1, policy.max_attempts)]}


async def get_policy(ctx: Context) -> dict[str, Any]:
    return _policy(ctx.target_world.deliveries.policy)


async def set_policy(ctx: Context) -> dict[str, Any]:
    book = ctx.target_world.deliveries
    values = {name: ctx.number(name, low=0.001, high=MAX_SECONDS)
              for name in ("timeout_seconds", "verify_timeout_seconds", "retry_base_seconds")}
    attempts = ctx.number("max_attempts", low=1, high=20, integer=True)
    ctx.done()
    current = book.policy
    book.policy = DeliveryPolicy(
        timeout_seconds=values["timeout_seconds"] or current.timeout_seconds,
        verify_timeout_seconds=values["verify_timeout_seconds"] or current.verify_timeout_seconds,
        retry_base_seconds=values["retry_base_seconds"] or current.retry_base_seconds,
        max_attempts=int(attempts) if attempts is not None else current.max_attempts,
    )
    return _policy(book.policy)


# -- schemas and the table ------------------------------------------------------------

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_INTEGER_OR_NULL = {"type": ["integer", "null"]}
WEBHOOK = s.obj(
    ("id", "name", "url", "version", "signals", "trigger", "verification", "subscribers"),
    id=s.STRING, name=s.STRING, url=s.NULLABLE_STRING, error_url=s.NULLABLE_STRING,
    version={"enum": [V2, V3]}, signals=s.array(s.STRING), trigger=s.ANY,
    verification=s.obj(("status", "detail", "checked_at"),
                       status={"enum": ["unverified", "pending", "verified", "failed"]},
                       detail=s.STRING, checked_at={"type": ["string", "null"]}),
    subscribers=s.array(s.STRING), waiting=s.INTEGER,
)
WEBHOOKS = s.obj(("webhooks",), webhooks=s.array(WEBHOOK))
NEW_WEBHOOK = s.obj(
    (), extra=False, id=s.STRING, name=s.STRING, url=s.STRING, error_url=s.STRING,
    version={"enum": [V2, V3]}, signals=s.array(s.STRING),
    trigger={"oneOf": [{"const": "on_change"}, s.obj(("schedule",), schedule=s.obj(
        ("every",), every={"type": ["string", "integer"]}))]},
)
NEW_TEST = s.obj((), extra=False, vehicle_id=s.STRING)
TEST_SENT = s.obj(
    ("event_id", "event_type", "webhook_id", "vehicle_id", "verification"),
    event_id=s.STRING, event_type=s.STRING, webhook_id=s.STRING, vehicle_id=s.STRING,
    verification={"enum": ["unverified", "pending", "verified", "failed"]},
)
ATTEMPT = s.obj(
    ("seq", "event_id", "delivery_id", "event_type", "webhook_id", "attempt", "outcome"),
    seq=s.INTEGER, event_id=s.STRING, delivery_id=s.NULLABLE_STRING, event_type=s.STRING,
    webhook_id=s.STRING, vehicle_id=s.NULLABLE_STRING, attempt=s.INTEGER,
    url=s.NULLABLE_STRING, outcome={"enum": list(OUTCOMES)}, status=_INTEGER_OR_NULL,
    detail=s.STRING, sent_at=s.NULLABLE_STRING, duration_ms=_NUMBER_OR_NULL,
    retry_in_seconds=_NUMBER_OR_NULL, retry_at=s.NULLABLE_STRING, signature=s.NULLABLE_STRING, body=s.NULLABLE_STRING,
    response=s.NULLABLE_STRING,
)
DELIVERIES = s.obj(("deliveries",), deliveries=s.array(ATTEMPT))
POLICY = s.obj(
    ("timeout_seconds", "verify_timeout_seconds", "retry_base_seconds", "max_attempts"),
    timeout_seconds=s.NUMBER, verify_timeout_seconds=s.NUMBER, retry_base_seconds=s.NUMBER,
    max_attempts=s.INTEGER, retry_schedule_seconds=s.array(s.NUMBER),
)
_SECONDS: s.Schema = {"type": "number", "minimum": 0.001, "maximum": MAX_SECONDS}
NEW_POLICY = s.obj((), extra=False, timeout_seconds=_SECONDS, verify_timeout_seconds=_SECONDS,
                   retry_base_seconds=_SECONDS,
                   max_attempts={"type": "integer", "minimum": 1, "maximum": 20})
_LOG_QUERY = (
    ("webhook_id", s.STRING, "one webhook"), ("vehicle_id", s.STRING, "one vehicle"),
    ("event_type", s.STRING, "VERIFY, VEHICLE_STATE, VEHICLE_ERROR, SCHEDULED, EVENT_BASED"),
    ("event_id", s.STRING, "one event (its every attempt)"),
    ("outcome", {"enum": list(OUTCOMES)}, ", ".join(OUTCOMES)),
    ("since", s.COUNT_NUMBER, "only attempts with a larger seq"),
    ("limit", s.COUNT_NUMBER, "only the newest `limit` attempts"),
)

OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/webhooks", list_webhooks,
              "The application's webhooks, their verification and subscribers", APP, WEBHOOKS),
    Operation("POST", "/webhooks", create_webhook,
              "Add or replace a webhook; one with a url is challenged at once", APP, WEBHOOK,
              NEW_WEBHOOK, status=201),
    Operation("GET", "/webhooks/{webhook_id}", get_webhook, "One webhook", APP, WEBHOOK),
    Operation("POST", "/webhooks/{webhook_id}/verify", verify_webhook,
              "Send the webhook a new VERIFY challenge", APP, WEBHOOK, s.EMPTY),
    Operation("POST", "/webhooks/{webhook_id}/test", test_webhook,
              "Send the webhook a test payload (a VEHICLE_STATE with meta.mode TEST)", APP,
              TEST_SENT, NEW_TEST, status=202),
    Operation("POST", "/webhooks/{webhook_id}/delete", delete_webhook,
              "Remove a webhook and its subscriptions", APP, s.DELETED, s.EMPTY),
    Operation("GET", "/deliveries", get_deliveries,
              "The delivery log: every attempt, oldest first", APP, DELIVERIES,
              query=_LOG_QUERY),
    Operation("POST", "/deliveries/clear", clear_deliveries, "Forget the delivery log", APP,
              s.CLEARED, s.EMPTY),
    Operation("GET", "/deliveries/policy", get_policy,
              "The World's delivery timeouts and retry schedule", APP, POLICY),
    Operation("POST", "/deliveries/policy", set_policy,
              "Change the World's delivery timeouts and retry schedule", APP, POLICY,
              NEW_POLICY),
)

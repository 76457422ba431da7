"""Webhooks (`/webhooks`): each application's webhooks with their verification state,
*Re-verify* and *Send a test payload* (as Smartcar's Dashboard offers,
https://smartcar.com/docs/getting-started/tutorials/webhooks-scheduled), and the
delivery log — every attempt of every event with its payload, signature, outcome and
retries — on a timeline, newest event first.

What a card shows is the control API's own shape (mockcar.web.control.webhooks); the
buttons are its `POST …/applications/{client_id}/webhooks/{id}/verify` and `…/test`,
sent with the application's management token (webhooks.js), which the dashboard's Start
page already shows for the scenario's applications; on a page opened with the server's
control token, with that token, as the browser sends it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.webhooks.deliveries import OUTCOMES
from mockcar.web.control import webhooks as control_webhooks
from mockcar.web.control.operations import APPLICATION_PREFIX, Context
from mockcar.web.dashboard import layout
from mockcar.web.dashboard.vehicle_names import vehicle_labels

EVENTS_SHOWN = 50  # events (each with its attempts) per application
QUERY: tuple[tuple[str, str], ...] = (
    ("webhook_id", "only this webhook's deliveries"),
    ("outcome", ", ".join(OUTCOMES)),
)
VERIFICATION = {  # state -> (word, tone)
    "verified": ("Verified", "ok"), "pending": ("Challenge sent", "info"),
    "failed": ("Verification failed", "error"), "unverified": ("Not verified", "warn"),
}
OUTCOME_TONES = {"delivered": "ok", "failed": "error", "timeout": "error",
                 "unreachable": "error", "skipped": "warn"}


def _pretty(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def events(attempts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attempts grouped by event, newest event first, each event's attempts in order;
    an event's outcome is its last attempt's."""
    grouped: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for attempt in attempts:
        grouped.setdefault(attempt["event_id"], []).append(
            {**attempt, "tone": OUTCOME_TONES.get(attempt["outcome"], "warn"),
             "pretty_body": _pretty(attempt["body"]),
             "pretty_response": _pretty(attempt["response"])})
    found = [{"event_id": event_id, "attempts": tries, "last": tries[-1],
              "kind": tries[0]["event_type"], "vehicle_id": tries[0]["vehicle_id"],
              "webhook_id": tries[0]["webhook_id"]}
             for event_id, tries in grouped.items()]
    return list(reversed(found))[:EVENTS_SHOWN]


def every(seconds: float) -> str:
    """A schedule's period as a person says it: "1 h", "1 day", "90 s"."""
    for size, unit in ((86_400, "day"), (3_600, "h"), (60, "min")):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if unit == 'day' and count != 1 else ''}"
    return f"{seconds:g} s"


async def webhooks(request: Request) -> Response:
    shown = layout.view(request)
    world = shown.world
    only_webhook = request.query_params.get("webhook_id") or None
    outcome = request.query_params.get("outcome") or None
    if outcome is not None and outcome not in OUTCOMES:
        raise layout.PageError(400, f"outcome must be one of {', '.join(OUTCOMES)}.")
    applications = ([shown.application] if shown.application is not None
                    else list(world.applications.values()))
    sections = []
    for application in applications:
        context = Context(request, {}, request.app.state.tenants, request.app.state.scenarios,
                          world=world, application=application)
        hooks = world.applications[application.client_id].webhooks
        cards: list[dict[str, Any]] = []
        for hook in hooks:
            body = control_webhooks.shown(context, hook)
            word, tone = VERIFICATION.get(body["verification"]["status"], ("Unknown", "warn"))
            schedule = body["trigger"]["schedule"] if body["trigger"] != "on_change" else None
            cards.append({"hook": body, "word": word, "tone": tone,
                          "every": every(schedule["every"]) if schedule else None})
        mine = {hook.id for hook in hooks}
        attempts = [control_webhooks.attempt(a) for a in world.deliveries.attempts(
            webhook_id=only_webhook, outcome=outcome) if a.webhook_id in mine]
        shown_events = events(attempts)
        sections.append({
            "app": application, "cards": cards, "events": shown_events,
            "vehicles": vehicle_labels(world, {
                *(v for card in cards for v in card["hook"]["subscribers"]),
                *(e["vehicle_id"] for e in shown_events if e["vehicle_id"])}),
            "names": {hook.id: hook.name for hook in hooks},
            "control": APPLICATION_PREFIX.replace("{client_id}", application.client_id),
            # A page opened with the server's control token lets the browser send that
            # token again: an Authorization of ours would replace it, and a shared
            # server opens its scenario's applications only with the control token.
            "auth": "" if shown.shared else "Bearer " + application.management_token,
            "since": max((a["seq"] for a in attempts), default=0),
        })
    return layout.render(request, "dashboard/webhooks.html", {
        "sections": sections, "outcomes": OUTCOMES, "only_webhook": only_webhook or "",
        "outcome": outcome or "",
        "filtered": bool(only_webhook or outcome),
    }, title="Webhooks", active="webhooks", page_view=shown)

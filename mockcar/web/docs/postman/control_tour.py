"""The collection's "mockcar control API" folder: every route of `/_mockcar/`
(mockcar.web.control.routes.served()), in an order that works when run top to bottom.

Three sub-folders, by what they touch:

* **A registered application**: registers an application of its own (its own World and
  clock, mockcar.domain.world.tenants) and drives every `/_mockcar/applications/{client_id}/…`
  route on it — clock, vehicles, faults, headless Connect, journal, revoke, reset — then
  deletes it. Nothing shared changes.
* **The scenario World**: the same World routes on the scenario World that other clients
  of the demo application share, gently: the clock ends one second ahead, the state
  change and the fault touch this run's car only. Two requests clear the World's fault
  rules and journal.
* **Server**: health and the unclaimed journal, and last of the whole collection, the
  server reset (every registered application dropped, the scenario World rebuilt),
  skipped unless the environment's `allowReset` is "true".

Each control route is described by a `Step` here; a route the table serves that no step
describes still gets a request (an empty body, under "Not in the tour yet"), and a test
fails until a step describes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mockcar.web.control.operations import APPLICATION_PREFIX, PREFIX
from mockcar.web.control.routes import served
from mockcar.web.docs.postman.model import NOAUTH, Auth, Call, bearer, test, variables
from mockcar.web.docs.postman.setup_folder import EVERYDAY
from mockcar.web.docs.postman.v2_folders import first_required

SERVER, TOUR, SCENARIO = "server", "tour", "scenario"
TOUR_PREFIX = APPLICATION_PREFIX.replace("{client_id}", "{{tour_client_id}}")
TOUR_AUTH = bearer("{{tour_management_token}}")
TOUR_OWNER = "tour@example.com"
UNDESCRIBED = "Not in the tour yet"
FROZEN_AT = "2030-01-07T08:00:00Z"
ALLOW_RESET = "allowReset"
CONTROL_TOKEN = "controlToken"

# The collection's own pre-request script, run before every request: a mockcar started
# with MOCKCAR_CONTROL_TOKEN answers its control API only with that token as the bearer,
# which then stands for any credentials a control request carries.
CONTROL_TOKEN_SCRIPT = (
    "// mockcar started with MOCKCAR_CONTROL_TOKEN: every /_mockcar request carries it.",
    f'const controlToken = pm.variables.get("{CONTROL_TOKEN}");',
    'if (controlToken && pm.request.url.getPath().startsWith("/_mockcar/")) {',
    '    pm.request.authorizeUsing("bearer", {token: controlToken});',
    "}",
)
# The server reset drops every registered application and rebuilds the scenario World:
# a run against a shared mockcar must not do it unless asked.
RESET_SWITCH = (
    f'if (pm.variables.get("{ALLOW_RESET}") !== "true") {{',
    f"    console.log('Not resetting the server: set {ALLOW_RESET} to \"true\" to allow it.');",
    "    pm.execution.skipRequest();",
    "}",
)


@dataclass(frozen=True)
class Step:
    """One request: `where` it acts (SERVER, TOUR: the tour's own application, SCENARIO:
    the scenario World), the method and path as the operation table writes them."""

    where: str
    method: str
    path: str
    name: str
    body: Any = None
    query: tuple[tuple[str, str], ...] = ()
    save: tuple[tuple[str, str], ...] = ()
    checks: tuple[str, ...] = ()
    key: str | None = None  # None: the first required field of the answer's schema
    prerequest: tuple[str, ...] = ()
    vehicle: str | None = None  # the variable for {vehicle_id}; None: the section's car


def _is(field: str, value: str) -> tuple[str, ...]:
    return test(f"{field} is {value}", f"pm.expect(pm.response.json().{field}).to.eql({value});")


TOUR_STEPS: tuple[Step, ...] = (
    Step(SERVER, "POST", "/applications", "Register an application",
         body={"name": "Postman control API tour", "redirect_uris": ["{{redirect_uri}}"]},
         save=(("tour_client_id", "body.client_id"),
               ("tour_management_token", "body.management_token"))),
    Step(TOUR, "GET", "", "The application and its credentials"),
    Step(TOUR, "GET", "/state", "Its World"),
    Step(TOUR, "GET", "/clock", "Its clock"),
    Step(TOUR, "POST", "/clock/freeze", "Freeze the clock", body={"at": FROZEN_AT},
         checks=_is("frozen", "true")),
    Step(TOUR, "POST", "/clock/set", "Set the clock", body={"at": "2030-01-07T09:00:00Z"}),
    Step(TOUR, "POST", "/clock/advance", "Advance the clock two hours", body={"hours": 2},
         checks=_is("now", '"2030-01-07T11:00:00.000Z"')),
    Step(TOUR, "POST", "/clock/speed", "Run the clock a minute per second",
         body={"speed": 60}, checks=_is("speed", "60")),
    Step(TOUR, "POST", "/clock/unfreeze", "Let the clock run", checks=_is("frozen", "false")),
    Step(TOUR, "GET", "/vehicles", "Its vehicles",
         save=(("tour_vehicle_id", "body.vehicles[0].id"),)),
    Step(TOUR, "GET", "/vehicles/{vehicle_id}", "One vehicle"),
    Step(TOUR, "POST", "/vehicles", "Add a vehicle",
         body={"owner": TOUR_OWNER,
               "vehicle": {"make": "TESLA", "model": "Model Y", "powertrain": "BEV"}}),
    Step(TOUR, "POST", "/vehicles/{vehicle_id}/state", "Open a door and unlock",
         body={"locked": False, "doors_open": ["frontLeft"]}),
    Step(TOUR, "GET", "/vehicles/{vehicle_id}/readings", "What it reads now",
         checks=_is("security.is_locked", "false")),
    Step(TOUR, "GET", "/vehicles/{vehicle_id}/latencies", "Its endpoints' estimated latencies"),
    Step(TOUR, "POST", "/vehicles", "Add a commuting car",
         body={"owner": TOUR_OWNER, "vehicle": {"make": "TESLA", "model": "Model 3",
                                               "powertrain": "BEV",
                                               "timeline": {"profile": "commute"}}},
         save=(("tour_commuter_id", "body.id"),)),
    Step(TOUR, "GET", "/vehicles/{vehicle_id}/timeline", "Its timeline",
         vehicle="tour_commuter_id", checks=_is("has_timeline", "true")),
    Step(TOUR, "POST", "/vehicles/{vehicle_id}/timeline/pause", "Pause it",
         vehicle="tour_commuter_id", checks=_is("paused", "true")),
    Step(TOUR, "POST", "/vehicles/{vehicle_id}/timeline/next", "Skip to its next stage",
         vehicle="tour_commuter_id"),
    Step(TOUR, "POST", "/vehicles/{vehicle_id}/timeline/play", "Play it on",
         vehicle="tour_commuter_id", checks=_is("paused", "false")),
    Step(TOUR, "POST", "/faults", "Make the next odometer read fail",
         body={"type": "VEHICLE_STATE", "code": "ASLEEP", "endpoint": "/odometer", "times": 1},
         save=(("tour_fault_id", "body.id"),)),
    Step(TOUR, "GET", "/faults", "Its fault rules"),
    Step(TOUR, "POST", "/faults/{fault_id}/delete", "Remove that rule"),
    Step(TOUR, "POST", "/faults/clear", "Remove every rule"),
    Step(TOUR, "GET", "/rate-limits", "Its rate limits (off by default)",
         checks=_is("enabled", "false")),
    Step(TOUR, "POST", "/rate-limits", "Turn Smartcar's rate limits on",
         body={"enabled": True, "vehicle_capacity": 10}, checks=_is("enabled", "true")),
    Step(TOUR, "POST", "/rate-limits", "And off again", body={"enabled": False},
         checks=_is("enabled", "false")),
    Step(TOUR, "POST", "/connect", "Connect headlessly", key="access_token",
         body={"email": TOUR_OWNER, "exchange": True}),
    Step(TOUR, "GET", "/vehicles/{vehicle_id}/connections", "The applications connected to a car",
         vehicle="tour_commuter_id"),
    Step(TOUR, "POST", "/vehicles/{vehicle_id}/connections/revoke",
         "End this application's access to that car", vehicle="tour_commuter_id",
         body={"client_id": "{{tour_client_id}}"}),
    Step(TOUR, "GET", "/journal", "Its journal", query=(("limit", "10"),)),
    Step(TOUR, "GET", "/journal/count", "Count journal entries", query=(("method", "GET"),)),
    Step(TOUR, "POST", "/journal/verify", "Verify a count", body={"at_least": 0},
         checks=_is("verified", "true")),
    Step(TOUR, "POST", "/journal/clear", "Clear its journal"),
    Step(TOUR, "POST", "/connections/revoke", "The owner revokes the grant",
         body={"email": TOUR_OWNER}),
    # Webhooks (mockcar.web.control.webhooks): the receiver is a closed port, so the
    # challenge fails and nothing else is sent; the log shows it.
    Step(TOUR, "GET", "/webhooks", "Its webhooks"),
    Step(TOUR, "POST", "/webhooks", "Add a webhook",
         body={"id": "postman-tour-webhook", "name": "Postman tour",
               "url": "http://127.0.0.1:9/webhooks", "signals": ["odometer-traveleddistance"]},
         save=(("tour_webhook_id", "body.id"),)),
    Step(TOUR, "GET", "/webhooks/{webhook_id}", "One webhook"),
    Step(TOUR, "POST", "/webhooks/{webhook_id}/verify", "Challenge it again"),
    Step(TOUR, "POST", "/webhooks/{webhook_id}/test", "Send it a test payload",
         body={"vehicle_id": "{{tour_vehicle_id}}"}),
    Step(TOUR, "GET", "/vehicles/{vehicle_id}/webhooks", "The webhooks a car reports to",
         query=(("limit", "5"),)),
    Step(TOUR, "POST", "/connect", "Connect the commuting car again", key="access_token",
         body={"email": TOUR_OWNER, "vehicles": ["{{tour_commuter_id}}"], "exchange": True}),
    Step(TOUR, "POST", "/vehicles/{vehicle_id}/webhooks/subscribe",
         "Subscribe the commuting car to the webhook", vehicle="tour_commuter_id",
         body={"webhook_id": "{{tour_webhook_id}}"}),
    Step(TOUR, "POST", "/vehicles/{vehicle_id}/webhooks/unsubscribe", "And unsubscribe it",
         vehicle="tour_commuter_id", body={"webhook_id": "{{tour_webhook_id}}"}),
    Step(TOUR, "GET", "/deliveries", "Its delivery log", query=(("limit", "10"),)),
    Step(TOUR, "GET", "/deliveries/policy", "The delivery timeouts and retries"),
    Step(TOUR, "POST", "/deliveries/policy", "Retry sooner",
         body={"retry_base_seconds": 0.5, "max_attempts": 3}),
    Step(TOUR, "POST", "/deliveries/clear", "Forget the delivery log"),
    Step(TOUR, "POST", "/webhooks/{webhook_id}/delete", "Remove the webhook"),
    Step(TOUR, "GET", "/snapshot", "Take a snapshot of its World",
         save=(("tour_snapshot", "JSON.stringify(body)"),)),
    Step(TOUR, "POST", "/snapshot", "Restore its World from that snapshot",
         prerequest=("pm.request.body.update(pm.environment.get('tour_snapshot'));",),
         checks=_is("status", "'restored'")),
    Step(TOUR, "POST", "/reset", "Rebuild its World"),
    Step(TOUR, "POST", "/delete", "Delete the application"),
)

SCENARIO_STEPS: tuple[Step, ...] = (
    Step(SCENARIO, "GET", "/state", "The scenario World"),
    Step(SCENARIO, "GET", "/clock", "Its clock"),
    Step(SCENARIO, "POST", "/clock/freeze", "Freeze the clock now",
         save=(("scenario_now", "body.now"),)),
    Step(SCENARIO, "POST", "/clock/set", "Set it to the same instant",
         body={"at": "{{scenario_now}}"}),
    Step(SCENARIO, "POST", "/clock/advance", "Advance it a second", body={"seconds": 1}),
    Step(SCENARIO, "POST", "/clock/speed", "Keep real time", body={"speed": 1}),
    Step(SCENARIO, "POST", "/clock/unfreeze", "Let it run", checks=_is("frozen", "false")),
    Step(SCENARIO, "GET", "/vehicles", "Every vehicle"),
    Step(SCENARIO, "GET", "/vehicles/{vehicle_id}", "This run's everyday car"),
    Step(SCENARIO, "POST", "/vehicles", "Add a car for this run's owner",
         body={"owner": "{{owner_email}}",
               "vehicle": {"make": "TOYOTA", "model": "Camry", "powertrain": "HEV"}}),
    Step(SCENARIO, "POST", "/vehicles/{vehicle_id}/state", "Unplug this run's everyday car",
         body={"plugged_in": False}),
    Step(SCENARIO, "GET", "/vehicles/{vehicle_id}/readings", "What it reads now",
         checks=_is("charge.is_plugged_in", "false")),
    Step(SCENARIO, "GET", "/vehicles/{vehicle_id}/latencies",
         "Its endpoints' estimated latencies"),
    Step(SCENARIO, "GET", "/vehicles/{vehicle_id}/connections",
         "The applications connected to it"),
    Step(SCENARIO, "GET", "/vehicles/{vehicle_id}/webhooks", "The webhooks it reports to"),
    Step(SCENARIO, "POST", "/vehicles/{vehicle_id}/webhooks/subscribe",
         "Subscribe it to the application's webhook", body={"webhook_id": "{{webhook_id}}"}),
    Step(SCENARIO, "POST", "/vehicles/{vehicle_id}/webhooks/unsubscribe",
         "And unsubscribe it", body={"webhook_id": "{{webhook_id}}"}),
    Step(SCENARIO, "POST", "/vehicles", "Add a commuting car for this run's owner",
         body={"owner": "{{owner_email}}",
               "vehicle": {"make": "FORD", "model": "Mustang Mach-E", "powertrain": "BEV",
                           "timeline": {"profile": "commute"}}},
         save=(("scenario_commuter_id", "body.id"),)),
    Step(SCENARIO, "GET", "/vehicles/{vehicle_id}/timeline", "Its timeline",
         vehicle="scenario_commuter_id", checks=_is("has_timeline", "true")),
    Step(SCENARIO, "POST", "/vehicles/{vehicle_id}/timeline/pause", "Pause it",
         vehicle="scenario_commuter_id", checks=_is("paused", "true")),
    Step(SCENARIO, "POST", "/vehicles/{vehicle_id}/timeline/next", "Skip to its next stage",
         vehicle="scenario_commuter_id"),
    Step(SCENARIO, "POST", "/vehicles/{vehicle_id}/timeline/play", "Play it on",
         vehicle="scenario_commuter_id", checks=_is("paused", "false")),
    Step(SCENARIO, "POST", "/vehicles/{vehicle_id}/connections/revoke",
         "End every application's access to it (none was given)",
         vehicle="scenario_commuter_id"),
    Step(SCENARIO, "POST", "/faults", "Make this run's next odometer read fail",
         body={"type": "RATE_LIMIT", "code": "VEHICLE", "endpoint": "/odometer", "vehicle_id": "{{vehicle_id}}",
               "times": 1, "retry_after": 5},
         save=(("fault_id", "body.id"),)),
    Step(SCENARIO, "GET", "/faults", "Fault rules"),
    Step(SCENARIO, "GET", "/rate-limits", "Rate limits (off by default)",
         checks=_is("enabled", "false")),
    Step(SCENARIO, "POST", "/rate-limits", "Keep them off", body={"enabled": False},
         checks=_is("enabled", "false")),
    Step(SCENARIO, "POST", "/faults/{fault_id}/delete", "Remove that rule"),
    Step(SCENARIO, "POST", "/faults/clear", "Remove every rule (shared!)"),
    Step(SCENARIO, "GET", "/journal", "The journal", query=(("limit", "5"),)),
    Step(SCENARIO, "GET", "/journal/count", "Count odometer reads",
         query=(("path", "/v2.0/vehicles/{id}/odometer"),)),
    Step(SCENARIO, "POST", "/journal/verify", "Verify the odometer was read",
         body={"path": "/v2.0/vehicles/{id}/odometer", "vehicle_id": "{{vehicle_id}}",
               "at_least": 1},
         checks=_is("verified", "true")),
    Step(SCENARIO, "POST", "/journal/clear", "Clear the journal (shared!)"),
)

SERVER_STEPS: tuple[Step, ...] = (
    Step(SERVER, "GET", "/health", "Health"),
    Step(SERVER, "GET", "/journal/unclaimed", "Requests nobody claimed",
         query=(("limit", "5"),)),
    Step(SERVER, "GET", "/snapshot", "A snapshot of the whole server",
         save=(("server_snapshot", "JSON.stringify(body)"),)),
    Step(SERVER, "POST", "/snapshot", "Restore the whole server from it (if allowReset is true)",
         prerequest=(*RESET_SWITCH,
                     "pm.request.body.update(pm.environment.get('server_snapshot'));")),
    Step(SERVER, "POST", "/reset", "Reset the whole server (if allowReset is true)",
         prerequest=RESET_SWITCH),
)

SECTIONS: tuple[tuple[str, tuple[Step, ...], str], ...] = (
    ("A registered application", TOUR_STEPS,
     "Registers an application with its own World, drives it, deletes it."),
    ("The scenario World", SCENARIO_STEPS,
     ("The World the demo application shares with other clients: gentle changes, but "
     "two requests clear its fault rules and its journal.")),
    ("Server", SERVER_STEPS,
     (f"Its last request resets the whole server, only when the environment's "
      f"`{ALLOW_RESET}` is `true` (it is `false` as generated): a run against a shared "
      "mockcar never wipes it.")),
)


def _route(step: Step) -> tuple[str, str]:
    prefix = APPLICATION_PREFIX if step.where == TOUR else PREFIX
    return step.method, prefix + step.path


def _path(step: Step) -> str:
    car = step.vehicle or ("tour_vehicle_id" if step.where == TOUR else EVERYDAY.variable)
    path = step.path.replace("{vehicle_id}", "{{" + car + "}}")
    path = path.replace("{fault_id}", "{{tour_fault_id}}" if step.where == TOUR
                        else "{{fault_id}}")
    path = path.replace("{webhook_id}", "{{tour_webhook_id}}")
    return (TOUR_PREFIX if step.where == TOUR else PREFIX) + path


def _call(step: Step) -> Call:
    method, template = _route(step)
    operation, scoped = served()[template][method]
    key, is_array = first_required(operation.response)
    auth: Auth = TOUR_AUTH if scoped else NOAUTH
    body = step.body if step.body is not None else ({} if method == "POST" else None)
    return Call(
        name=step.name, method=method, path=_path(step), status=operation.status,
        key=step.key or key, array=is_array, body=body, query=step.query, auth=auth,
        save=step.save, checks=step.checks, prerequest=step.prerequest,
        route=(method, template),
        description=f"`{method} {template}`: {operation.summary}.",
    )


def described() -> set[tuple[str, str]]:
    """The control routes some step describes."""
    return {_route(step) for _, steps, _ in SECTIONS for step in steps}


def undescribed() -> list[tuple[str, str]]:
    """Control routes no step describes, in table order."""
    known = described()
    return [(method, path) for path, methods in served().items() for method in methods
            if (method, path) not in known]


def folders() -> list[tuple[str, list[Call], str]]:
    """(sub-folder, calls, description), in run order."""
    result = [(name, [_call(step) for step in steps], text) for name, steps, text in SECTIONS]
    missing = undescribed()
    if missing:
        result.insert(len(result) - 1, (UNDESCRIBED, list(_generic(missing)),
                                        ("Routes added to the control API without a step in "
                                        "mockcar.web.docs.postman.control_tour.")))
    return result


def _generic(routes: Iterable[tuple[str, str]]) -> Iterable[Call]:
    for method, template in routes:
        operation, scoped = served()[template][method]
        path = variables(template.replace("{client_id}", "{tour_client_id}"))
        yield Call(name=operation.summary, method=method, path=path,
                   status=operation.status, body={} if method == "POST" else None,
                   auth=TOUR_AUTH if scoped else NOAUTH, route=(method, template))

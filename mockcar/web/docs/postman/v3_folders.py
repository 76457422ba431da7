"""The collection's "API v3" folder: Smartcar's API v3 as an application reaches it, with
an application token and the user id of the owner who connected the car.

* **Application token**: `POST /oauth2/token`, grant_type=client_credentials, the demo
  application's client id and secret in the form body, as Smartcar's IAM docs send them
  (https://smartcar.com/docs/api-reference/authorization/request-access-token). The
  folder's pre-request script also fetches one (`pm.sendRequest`) whenever none is
  stored or it is about to expire, so any request of the folder can be sent on its own.
* **Connections** of the car in `vehicle_id` (stored by the setup or by "All
  Vehicles"): stores the `v3_user_id` every vehicle request sends as `sc-user-id`.
* **Vehicle**, **Signals** (every signal, then one whose code the list gave),
  **Commands** (lock, unlock, charging, charge limit, destination), all on that car.
* **Subscriptions** (the Management API v3, https://smartcar.com/docs/api-reference/
  vehicles-api-intro): the car on the application's webhook (`webhook_id`), listed,
  read, deleted.
* **Disconnect**: a throwaway owner with two cars of its own (through the control API,
  as the setup does), then one connection deleted and the user deleted: nothing a
  shared server holds is touched.

The routes are those API v3 documents (mockcar.web.v3.openapi, mockcar.web.
webhooks_v3); a route no step here calls fails a test, as a new control route does in
mockcar.web.docs.postman.control_tour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from mockcar.web.control.operations import APPLICATION_PREFIX
from mockcar.web.docs.postman.model import NOAUTH, Call, bearer, test
from mockcar.web.docs.postman.setup_folder import DEMO_AUTH, DEMO_PREFIX, EVERYDAY, OWNER_DOMAIN
from mockcar.web.v3 import management as webhooks_v3
from mockcar.web.v3 import openapi as openapi_v3

FOLDER = "API v3"
TOKEN_PATH = "/oauth2/token"
APP_AUTH = bearer("{{application_token}}")
USER = (("sc-user-id", "{{v3_user_id}}"),)
CAR = "{{" + EVERYDAY.variable + "}}"
TESLA = "{{vehicle_id_tesla}}"  # charge schedules take a Tesla (or a Volvo, daily)
VEHICLE = "/v3/vehicles/{vehicle_id}"
SUBSCRIPTIONS = webhooks_v3.COLLECTION
# The seconds before expiry at which the folder's script fetches a new application token.
TOKEN_MARGIN = 60

TOKEN_SCRIPT = (
    "// An application token for this folder's requests: fetched by client credentials",
    "// when none is stored or it is about to expire (each lives an hour).",
    f'if (pm.request.url.getPath() !== "{TOKEN_PATH}" && (!pm.environment.get("application_token")',
    '        || Date.now() > Number(pm.environment.get("application_token_expires_at") || 0)',
    f"        - {TOKEN_MARGIN * 1000})) {{",
    "    pm.sendRequest({",
    f'        url: pm.variables.get("baseUrl") + "{TOKEN_PATH}",',
    '        method: "POST",',
    '        body: {mode: "urlencoded", urlencoded: [',
    '            {key: "grant_type", value: "client_credentials"},',
    '            {key: "client_id", value: pm.variables.get("client_id")},',
    '            {key: "client_secret", value: pm.variables.get("client_secret")},',
    "        ]},",
    "    }, function (error, response) {",
    '        pm.test("an application token was fetched", function () {',
    "            pm.expect(error).to.equal(null);",
    "            pm.expect(response.code).to.equal(200);",
    "        });",
    "        const body = response.json();",
    '        pm.environment.set("application_token", body.access_token);',
    '        pm.environment.set("application_token_expires_at",',
    "                           String(Date.now() + body.expires_in * 1000));",
    "    });",
    "}",
)

THROWAWAY_OWNER = (
    "// An owner of its own, so deleting a connection and a user touches nothing else.",
    f'pm.environment.set("v3_owner_email", "postman-v3-" + Date.now() + "@{OWNER_DOMAIN}");',
)


@dataclass(frozen=True)
class Step:
    """One request: `route` is the (method, path) API v3 documents, `path` the URL with
    Postman variables; `key` None takes the first required field of the answer."""

    folder: str
    route: tuple[str, str]
    name: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: Any = None
    save: tuple[tuple[str, str], ...] = ()
    checks: tuple[str, ...] = ()
    user: bool = False  # sends sc-user-id
    status: int | None = None  # None: the operation's success status
    key: str | None = None


def _data(field: str, value: str) -> tuple[str, ...]:
    return test(f"data.{field} is {value}",
                f"pm.expect(pm.response.json().data.{field}).to.eql({value});")


def _command(name: str, path: str, command_type: str,
             save: tuple[tuple[str, str], ...] = (), **attributes: float) -> Step:
    return Step("Commands", ("POST", VEHICLE + "/commands" + path), name,
                f"/v3/vehicles/{CAR}/commands{path}", save=save,
                body={"data": {"attributes": attributes}} if attributes else None, user=True,
                checks=(*_data("attributes.commandType", f'"{command_type}"'),
                        *_data("attributes.status.value", '"SUCCESS"')))


def _throwaway_car(variable: str, model: str) -> Call:
    return Call(
        name=f"Add a {model} for a throwaway owner", method="POST",
        path=DEMO_PREFIX + "/vehicles", status=201, key="id", auth=DEMO_AUTH,
        body={"owner": "{{v3_owner_email}}",
              "vehicle": {"make": "TOYOTA", "model": model, "year": 2023, "powertrain": "HEV"}},
        save=((variable, "body.id"),),
        prerequest=THROWAWAY_OWNER if variable.endswith("_1") else (),
        description="Control API (`POST /_mockcar/applications/{client_id}/vehicles`): a car "
        "of an owner nobody else uses.",
        route=("POST", APPLICATION_PREFIX + "/vehicles"))


STEPS: tuple[Step, ...] = (
    Step("Application token", ("POST", TOKEN_PATH), "Get an application token", TOKEN_PATH,
         save=(("application_token", "body.access_token"),
               ("application_token_expires_at",
                "String(Date.now() + body.expires_in * 1000)"))),
    Step("Connections", ("GET", "/v3/connections"), "Connections of the car",
         "/v3/connections", query=(("filter[vehicleId]", CAR),),
         save=(("v3_connection_id", "body.data[0].id"),
               ("v3_user_id", "body.data[0].relationships.user.data.id")),
         checks=test("one connection, of this car", (
             "const found = pm.response.json().data;\n"
             "pm.expect(found).to.have.lengthOf(1);\n"
             "pm.expect(found[0].relationships.vehicle.data.id)"
             f'.to.eql(pm.environment.get("{EVERYDAY.variable}"));'))),
    Step("Connections", ("GET", "/v3/connections/{connection_id}"), "One connection",
         "/v3/connections/{{v3_connection_id}}",
         checks=_data("relationships.user.data.id", 'pm.environment.get("v3_user_id")')),
    Step("Vehicle", ("GET", VEHICLE), "The vehicle", f"/v3/vehicles/{CAR}", user=True,
         checks=test("it is this car", "pm.expect(pm.response.json().id)"
                     f'.to.eql(pm.environment.get("{EVERYDAY.variable}"));')),
    Step("Signals", ("GET", VEHICLE + "/signals"), "Every signal",
         f"/v3/vehicles/{CAR}/signals", user=True,
         save=(("signal_code", ('body.data.find(s => s.attributes.status.value === '
                                '"SUCCESS" && s.id.startsWith("odometer")).id')),)),
    Step("Signals", ("GET", VEHICLE + "/signals/{code}"), "One signal",
         f"/v3/vehicles/{CAR}/signals/{{{{signal_code}}}}", user=True,
         checks=test("it was read", (
             "const signal = pm.response.json();\n"
             'pm.expect(signal.id).to.eql(pm.environment.get("signal_code"));\n'
             'pm.expect(signal.attributes.status.value).to.eql("SUCCESS");\n'
             'pm.expect(signal.attributes.body).to.have.property("value");'))),
    _command("Unlock", "/security/unlock", "security-unlock",
             save=(("execution_id", "body.data.id"),)),
    Step("Commands", ("GET", VEHICLE + "/commands/executions/{execution_id}"),
         "Look the unlock's execution up",
         f"/v3/vehicles/{CAR}/commands/executions/{{{{execution_id}}}}", user=True,
         checks=(*_data("id", 'pm.environment.get("execution_id")'),
                 *_data("attributes.status.value", '"SUCCESS"'))),
    _command("Lock", "/security/lock", "security-lock"),
    _command("Start charging", "/charge/start", "charge-start"),
    _command("Stop charging", "/charge/stop", "charge-stop"),
    _command("Set the charge limit", "/charge/set-limit", "charge-set-limit", percent=80),
    _command("Send a destination", "/navigation/set-destination",
             "navigation-set-destination", latitude=37.7749, longitude=-122.4194),
    *(Step("Charge schedules", ("POST", VEHICLE + "/charge-schedules/" + kind),
           f"Set a {kind} charge schedule on the Tesla",
           f"/v3/vehicles/{TESLA}/charge-schedules/{kind}", user=True,
           body={"data": {"attributes": {
               "location": {"latitude": 37.7749, "longitude": -122.4194},
               "startTime": "22:00", "stopTime": "06:00",
               **({"days": ["SATURDAY", "SUNDAY"]} if kind == "weekly" else {})}}},
           save=((f"{kind}_schedule_id", "body.data.attributes.scheduleId"),),
           checks=(*_data("attributes.scheduleType", f'"{kind}"'),
                   *_data("attributes.status.value", '"SUCCESS"')))
      for kind in ("daily", "weekly", "workweek")),
    Step("Charge schedules", ("DELETE", VEHICLE + "/charge-schedules/{schedule_id}"),
         "Delete the daily schedule (its scheduleId is in the ChargeTimers signal)",
         f"/v3/vehicles/{TESLA}/charge-schedules/{{{{daily_schedule_id}}}}", user=True,
         checks=_data("attributes.action", '"delete"')),
    Step("Compatibility", ("GET", "/v3/compatible-vehicles"), "Compatible Teslas in the US",
         "/v3/compatible-vehicles", query=(("region", "US"), ("make", "TESLA")),
         checks=test("only Teslas, each with its signals and commands", (
             "const found = pm.response.json().data;\n"
             "pm.expect(found).to.not.be.empty;\n"
             'found.forEach(v => pm.expect(v.attributes.make).to.eql("TESLA"));'))),
    Step("Subscriptions", ("POST", SUBSCRIPTIONS), "Subscribe the car to the webhook",
         SUBSCRIPTIONS, status=202, key="meta",
         body={"data": {"attributes": {"webhookId": "{{webhook_id}}",
                                       "userId": "{{v3_user_id}}", "vehicleId": CAR}}}),
    Step("Subscriptions", ("GET", SUBSCRIPTIONS), "Subscriptions of the car", SUBSCRIPTIONS,
         query=(("filter[vehicleId]", CAR),), save=(("subscription_id", "body.data[0].id"),),
         checks=test("the car is on the webhook", (
             "const found = pm.response.json().data;\n"
             "pm.expect(found).to.have.lengthOf(1);\n"
             "pm.expect(found[0].relationships.webhook.data.id)"
             '.to.eql(pm.environment.get("webhook_id"));'))),
    Step("Subscriptions", ("GET", webhooks_v3.ITEM), "One subscription",
         SUBSCRIPTIONS + "/{{subscription_id}}", key="data"),
    Step("Subscriptions", ("DELETE", webhooks_v3.ITEM), "Unsubscribe",
         SUBSCRIPTIONS + "/{{subscription_id}}"),
    Step("Subscriptions", ("GET", webhooks_v3.ITEM), "The subscription is gone",
         SUBSCRIPTIONS + "/{{subscription_id}}", status=404, key="errors"),
)

DISCONNECT_STEPS: tuple[Step, ...] = (
    Step("Disconnect", ("GET", "/v3/connections"), "Connections of the throwaway owner",
         "/v3/connections", query=(("filter[userId]", "{{v3_throwaway_user_id}}"),),
         save=(("v3_throwaway_connection_id", "body.data[0].id"),),
         checks=test("both cars", "pm.expect(pm.response.json().data).to.have.lengthOf(2);")),
    Step("Disconnect", ("DELETE", "/v3/connections/{connection_id}"), "Delete a connection",
         "/v3/connections/{{v3_throwaway_connection_id}}"),
    Step("Disconnect", ("DELETE", "/v3/users/{user_id}"),
         "Delete the user and their other connections", "/v3/users/{{v3_throwaway_user_id}}"),
    Step("Disconnect", ("GET", "/v3/connections"), "The user has no connections left",
         "/v3/connections", query=(("filter[userId]", "{{v3_throwaway_user_id}}"),),
         checks=test("none", "pm.expect(pm.response.json().data).to.be.empty;")),
)


@cache
def _documented() -> dict[tuple[str, str], dict[str, Any]]:
    """(method, path) -> the OpenAPI operation, for every API v3 route (not the trailing
    slash twins, nor the catch-all 404s)."""
    paths = {**openapi_v3.openapi()["paths"], **webhooks_v3.openapi()["paths"]}
    return {(method.upper(), path): operation for path, methods in paths.items()
            for method, operation in methods.items()
            if not path.endswith("/") and "{rest}" not in path and "{sub_path}" not in path}


SCHEMAS: dict[str, Any] = {**openapi_v3.SCHEMAS, **webhooks_v3.SCHEMAS}


def _first_required(operation: dict[str, Any], status: int) -> str | None:
    content = operation["responses"][str(status)].get("content")
    if not content:
        return None
    schema = content["application/json"]["schema"]
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    required: list[str] = schema.get("required") or []
    return required[0] if required else None


def _status(operation: dict[str, Any]) -> int:
    return min(int(code) for code in operation["responses"] if code.startswith("2"))


def request_schema(route: tuple[str, str]) -> dict[str, Any] | None:
    """The documented JSON body of an API v3 route, if it takes one."""
    operation = _documented().get(route)
    body = (operation or {}).get("requestBody", {}).get("content", {})
    schema: dict[str, Any] | None = body.get("application/json", {}).get("schema")
    if schema is not None and "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _call(step: Step) -> Call:
    operation = _documented()[step.route]
    status = step.status or _status(operation)
    key = step.key if step.key is not None else _first_required(operation, status)
    token = step.route == ("POST", TOKEN_PATH)
    return Call(
        name=step.name, method=step.route[0], path=step.path, status=status, key=key,
        query=step.query, body=step.body, save=step.save, checks=step.checks,
        headers=USER if step.user else (), auth=NOAUTH if token else APP_AUTH,
        form=(("grant_type", "client_credentials"), ("client_id", "{{client_id}}"),
              ("client_secret", "{{client_secret}}")) if token else None,
        smartcar=step.route[1].startswith(("/v3/vehicles", "/v3/connections", "/v3/users")),
        description=f"`{step.route[0]} {step.route[1]}`: {operation['summary']}.",
        route=step.route,
    )


def _disconnect_calls() -> list[Call]:
    connect = Call(
        name="Connect the throwaway owner (headless)", method="POST",
        path=DEMO_PREFIX + "/connect", key="user_id", auth=DEMO_AUTH,
        body={"email": "{{v3_owner_email}}", "exchange": True},
        save=(("v3_throwaway_user_id", "body.user_id"),),
        description="Control API: Connect without the pages; the answer names the user.",
        route=("POST", APPLICATION_PREFIX + "/connect"))
    return [_throwaway_car("v3_throwaway_vehicle_id_1", "Corolla"),
            _throwaway_car("v3_throwaway_vehicle_id_2", "Prius"), connect,
            *(_call(step) for step in DISCONNECT_STEPS)]


def folders() -> list[tuple[str, list[Call]]]:
    """(sub-folder, calls) of the API v3 folder, in run order."""
    result: dict[str, list[Call]] = {}
    for step in STEPS:
        result.setdefault(step.folder, []).append(_call(step))
    result["Disconnect"] = _disconnect_calls()
    return list(result.items())


def routes() -> set[tuple[str, str]]:
    """Every API v3 route documented."""
    return set(_documented())


def called() -> set[tuple[str, str]]:
    """The API v3 routes some step calls."""
    return {step.route for step in (*STEPS, *DISCONNECT_STEPS)}

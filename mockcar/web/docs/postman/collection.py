"""A Postman collection and environment for the running mockcar, generated from the route
tables, shaped as Smartcar's own Postman collections.

Served at `GET /postman/collection.json` and `GET /postman/environment.json` (Postman's
Import → Link takes either URL) and written by `mockcar postman --out DIR`. Both hold the
demo application's credentials: a server started with MOCKCAR_CONTROL_TOKEN serves them
only to a request that sends the token (mockcar.web.guard), as the control API.

* Collection-level OAuth 2.0, authorization code, as Smartcar's own collection has it:
  mockcar's authorize and token URLs under `{{baseUrl}}`, the demo application's client
  id and secret (the first application of the scenario World), Postman's browser callback
  `https://oauth.pstmn.io/v1/browser-callback` (the default scenario registers it),
  client authentication "Send as Basic Auth header", every permission as the scope. The
  current token is `{{access_token}}`, so Postman's Get New Access Token → Use Token and
  newman (which cannot walk Connect) both work.
* Folders: "Setup (headless)" first (mockcar.web.docs.postman.setup_folder: vehicles for this run
  and a token through the control API), then Smartcar's API v2 folders
  (mockcar.web.docs.postman.v2_folders), "API v3" (mockcar.web.docs.postman.v3_folders: an application
  token by client credentials), then "mockcar control API" (mockcar.web.docs.postman.control_tour),
  whose last request resets the server only when the environment's `allowReset` is
  "true".
* The collection's pre-request script sends the environment's `controlToken`, when set,
  as the bearer of every control request (a server started with MOCKCAR_CONTROL_TOKEN).
* Every request has a test script asserting its status and a field of its answer; run
  top to bottom against a fresh mockcar, all of them pass (tests/postman runs newman).
"""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mockcar.domain.world.world import Application, World
from mockcar.web.docs.postman.model import SCHEMA_URL, Call, event, folder, oauth2, render

# The folders' modules (and the OpenAPI tables they draw on) are imported by the
# functions that build a collection: a server imports this module for its two routes,
# and most never serve them.

COLLECTION_PATH = "/postman/collection.json"
ENVIRONMENT_PATH = "/postman/environment.json"
COLLECTION_FILE = "mockcar.postman_collection.json"
ENVIRONMENT_FILE = "mockcar.postman_environment.json"
POSTMAN_CALLBACK = "https://oauth.pstmn.io/v1/browser-callback"
NAME = "mockcar (Smartcar API v2.0 and v3)"
# Secret too: the control tour's CONTROL_TOKEN (added by `environment`, which imports the tour).
SECRETS = frozenset({"client_secret", "management_token", "access_token", "refresh_token",
                     "tour_management_token", "application_token"})
# Variables pre-request scripts set (the others are stored by test scripts: `Call.save`).
SCRIPTED = ("owner_email", "v3_owner_email")

DESCRIPTION = """\
Smartcar's API v2.0 served by mockcar, a local stand-in for the Smartcar platform.

In Postman: select the environment, open this collection's Authorization tab, \
**Get New Access Token** (Connect opens in your browser, in test mode: any email and \
password sign in; alice@example.com gets the default scenario's cars), **Use Token**, \
then send **All Vehicles**: it stores `vehicle_id` for the other requests.

Without a browser (newman, or the Runner): the **Setup (headless)** folder adds cars \
for this run and stores `access_token`; run the collection from the top.

**API v3**: an application token by client credentials (`POST /oauth2/token`; the \
folder fetches one by itself when none is stored), then connections (they give the \
`sc-user-id`), the vehicle, signals, commands and webhook subscriptions.

The last folder drives mockcar's control API. Its final request resets the whole \
server, and is skipped unless the environment's `allowReset` is `true`. A mockcar \
started with `MOCKCAR_CONTROL_TOKEN` wants that token on every control request: put it \
in the environment's `controlToken`.\
"""


def demo_application(world: World) -> Application | None:
    """The application the collection signs in as: the scenario's first."""
    return next(iter(world.applications.values()), None)


def _calls() -> list[tuple[tuple[str, ...], list[Call], str]]:
    """(folder path from the top, calls, description) for the whole collection, in run
    order."""
    from mockcar.web.docs.postman import control_tour as postman_control
    from mockcar.web.docs.postman import setup_folder as postman_setup
    from mockcar.web.docs.postman import v2_folders as postman_smartcar
    from mockcar.web.docs.postman import v3_folders as postman_v3

    return [
        (("Setup (headless)",), postman_setup.calls(),
         ("Run first when no browser can sign in: adds one car per role to a fresh "
         "test-mode owner, then gets `access_token` through headless Connect.")),
        *((path, calls, "") for path, calls in postman_smartcar.folders()),
        *(((postman_v3.FOLDER, name), calls, "") for name, calls in postman_v3.folders()),
        *((("mockcar control API", name), calls, text)
          for name, calls, text in postman_control.folders()),
    ]


def calls() -> list[Call]:
    """Every request of the collection, in run order."""
    return [call for _, group, _ in _calls() for call in group]


def _parents() -> dict[str, tuple[str, tuple[str, ...]]]:
    """A folder holding folders: its description and pre-request script."""
    from mockcar.web.docs.postman import v3_folders as postman_v3

    return {
        postman_v3.FOLDER: (
            ("Smartcar's API v3 as an application calls it: an application token (client "
             "credentials), and the `sc-user-id` of the owner who connected `vehicle_id` "
             "(run **Setup (headless)** or **All Vehicles** first). The folder's script "
             "fetches an application token whenever none is stored."),
            postman_v3.TOKEN_SCRIPT),
    }


def _items() -> list[dict[str, Any]]:
    """The folder tree: a path (A, B) is folder B inside folder A."""
    top: list[dict[str, Any]] = []
    parents: dict[str, dict[str, Any]] = {}
    described = _parents()
    for path, group, description in _calls():
        items = [render(call) for call in group]
        if len(path) == 1:
            top.append(folder(path[0], items, description))
            continue
        parent = parents.get(path[0])
        if parent is None:
            parent = parents[path[0]] = folder(path[0], [], *described.get(path[0], ("",)))
            top.append(parent)
        parent["item"].append(folder(path[1], items, description))
    return top


def collection(application: Application | None, base_url: str) -> dict[str, Any]:
    """The Postman v2.1 collection for `application` served at `base_url`."""
    from mockcar.web.docs.postman import control_tour as postman_control
    from mockcar.web.docs.postman import v2_folders as postman_smartcar

    client_id = application.client_id if application else ""
    return {
        "info": {
            "_postman_id": str(uuid.uuid5(uuid.NAMESPACE_URL,
                                          f"mockcar:postman:{base_url}:{client_id}")),
            "name": NAME,
            "description": DESCRIPTION,
            "schema": SCHEMA_URL,
        },
        "auth": oauth2(
            tokenName="mockcar", grant_type="authorization_code",
            authUrl="{{baseUrl}}/oauth/authorize?mode=test",
            accessTokenUrl="{{baseUrl}}/oauth/token",
            clientId=client_id, clientSecret=application.client_secret if application else "",
            redirect_uri=POSTMAN_CALLBACK, useBrowser=True,
            scope=postman_smartcar.ALL_SCOPES, state="mockcar",
            client_authentication="header",
            accessToken="{{access_token}}", tokenType="Bearer", addTokenTo="header",
            headerPrefix="Bearer",
        ),
        "event": [event("prerequest", list(postman_control.CONTROL_TOKEN_SCRIPT))],
        "item": _items(),
        "variable": [{"key": "baseUrl", "value": base_url, "type": "string"}],
    }


def environment(application: Application | None, base_url: str,
                control_token: str | None = None) -> dict[str, Any]:
    """The Postman environment: the demo application's credentials, the reset switch
    (off), the control token (empty unless given), and every variable the collection's
    scripts store (empty until a run fills them)."""
    from mockcar.web.docs.postman.control_tour import ALLOW_RESET, CONTROL_TOKEN

    given: dict[str, str] = {"baseUrl": base_url, ALLOW_RESET: "false",
                             CONTROL_TOKEN: control_token or ""}
    if application is not None:
        callback = (POSTMAN_CALLBACK if POSTMAN_CALLBACK in application.redirect_uris
                    else application.redirect_uris[0])
        given |= {
            "client_id": application.client_id, "client_secret": application.client_secret,
            "management_token": application.management_token, "redirect_uri": callback,
            "webhook_id": next((w.id for w in application.webhooks), ""),
        }
    stored = [*SCRIPTED, *(name for call in calls() for name, _ in call.save)]
    names = list(dict.fromkeys([*given, *stored]))
    secrets = SECRETS | {CONTROL_TOKEN}
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL,
                             f"mockcar:postman-environment:{base_url}:{given.get('client_id')}")),
        "name": f"mockcar {base_url}",
        "values": [{"key": name, "value": given.get(name, ""),
                    "type": "secret" if name in secrets else "default", "enabled": True}
                   for name in names],
        "_postman_variable_scope": "environment",
    }


def documents(world: World, base_url: str,
              control_token: str | None = None) -> dict[str, dict[str, Any]]:
    """File name -> document, as `mockcar postman --out DIR` writes them."""
    application = demo_application(world)
    return {COLLECTION_FILE: collection(application, base_url),
            ENVIRONMENT_FILE: environment(application, base_url, control_token)}


def client_origin(request: Request) -> str:
    """The origin a client reaches this server at: the configured public URL, else the
    one this request came in on."""
    public: str | None = request.app.state.settings.public_url
    return public.rstrip("/") if public else str(request.base_url).rstrip("/")


async def get_collection(request: Request) -> Response:
    # The scenario World's demo application, as the home page shows it: the collection
    # is the scenario's, whoever asks (a registered application has its own client id
    # and secret; override client_id/client_secret in the environment for it).
    world: World = request.app.state.world
    return JSONResponse(collection(demo_application(world), client_origin(request)))


def presented_control_token(request: Request) -> str | None:
    """The server's control token when this request shows it (as its bearer, or as the
    password of Basic credentials: mockcar.web.guard checked it), else None.

    A server started with a control token serves the downloads only to a caller who
    sends it; one started without has none to give. The served environment carries it
    only for a caller who has it already (`mockcar postman`, run with
    MOCKCAR_CONTROL_TOKEN, always writes it).
    """
    token: str | None = request.app.state.settings.control_token
    if not token:
        return None
    if request.scope.get("state", {}).get("control_token"):
        return token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token if hmac.compare_digest(given.strip().encode(), token.encode()) else None


async def get_environment(request: Request) -> Response:
    world: World = request.app.state.world
    return JSONResponse(environment(demo_application(world), client_origin(request),
                                    presented_control_token(request)))


routes: list[BaseRoute] = [
    Route(COLLECTION_PATH, get_collection, methods=["GET"], name="postman_collection"),
    Route(ENVIRONMENT_PATH, get_environment, methods=["GET"], name="postman_environment"),
]


# -- OpenAPI ------------------------------------------------------------------------------

_STRING = {"type": "string"}
_SCHEMAS: dict[str, Any] = {
    "PostmanItem": {
        "type": "object", "required": ["name"],
        "description": "A folder (`item`) or a request (`request`, `event`).",
        "properties": {
            "name": _STRING, "description": _STRING,
            "item": {"type": "array", "items": {"$ref": "#/components/schemas/PostmanItem"}},
            "request": {"type": "object", "required": ["method", "url"]},
            "event": {"type": "array", "items": {
                "type": "object", "required": ["listen", "script"],
                "properties": {"listen": {"enum": ["test", "prerequest"]}}}},
            "response": {"type": "array"},
        },
    },
    "PostmanCollection": {
        "type": "object", "required": ["info", "item", "auth"],
        "properties": {
            "info": {"type": "object", "required": ["_postman_id", "name", "schema"],
                     "properties": {"schema": {"const": SCHEMA_URL}}},
            "item": {"type": "array", "items": {"$ref": "#/components/schemas/PostmanItem"}},
            "auth": {"type": "object", "required": ["type", "oauth2"],
                     "properties": {"type": {"const": "oauth2"}}},
            "variable": {"type": "array"},
        },
    },
    "PostmanEnvironment": {
        "type": "object", "required": ["id", "name", "values", "_postman_variable_scope"],
        "properties": {
            "id": _STRING, "name": _STRING,
            "values": {"type": "array", "items": {
                "type": "object", "required": ["key", "value", "type", "enabled"],
                "additionalProperties": False,
                "properties": {"key": _STRING, "value": _STRING,
                               "type": {"enum": ["default", "secret"]},
                               "enabled": {"type": "boolean"}}}},
            "_postman_variable_scope": {"const": "environment"},
        },
    },
}


def openapi() -> dict[str, Any]:
    """The two routes as OpenAPI paths, for /openapi.json to merge."""
    def operation(operation_id: str, summary: str, component: str) -> dict[str, Any]:
        return {"get": {
            "operationId": operation_id, "summary": summary, "tags": ["mockcar"],
            "responses": {
                "200": {"description": summary, "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{component}"}}}},
                "401": {"description": "The server has a control token "
                        "(MOCKCAR_CONTROL_TOKEN) and the request did not send it, as a "
                        "bearer token or as the password of Basic credentials.",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/ControlError"}}}},
            },
        }}

    environment_operation = operation("postman_environment", "Its Postman environment: the "
                                      "demo application's credentials", "PostmanEnvironment")
    environment_operation["get"]["description"] = (
        "A server started with a control token (MOCKCAR_CONTROL_TOKEN) serves it only "
        "to a request that sends the token, and `controlToken` then holds it; it is "
        "empty on a server without one.")
    return {
        "paths": {
            COLLECTION_PATH: operation("postman_collection", "A Postman v2.1 collection of "
                                       "every route, for this server", "PostmanCollection"),
            ENVIRONMENT_PATH: environment_operation,
        },
        "components": {"schemas": _SCHEMAS},
    }

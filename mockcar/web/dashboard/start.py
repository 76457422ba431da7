"""Start here (`/`): what a person needs to point an app at this server — its URL, the
SDK environment for Python and Node, every application's credentials with Connect links
per mode, the owners to sign in with, and the API docs and Postman downloads."""

from __future__ import annotations

from itertools import islice
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.world.records import Application
from mockcar.domain.world.scopes import READ_PERMISSIONS
from mockcar.domain.world.tenants import Tenants
from mockcar.settings import sdk_environment
from mockcar.web.dashboard import layout
from mockcar.web.docs.postman.collection import (
    COLLECTION_PATH,
    ENVIRONMENT_PATH,
    client_origin,
)

# A Connect link from this page asks for every read permission plus lock/unlock and
# charging control.
DEMO_SCOPE = " ".join((*READ_PERMISSIONS, "control_security", "control_charge"))
MODES = ("test", "simulated", "live")
OWNERS_SHOWN = 50
TENANTS_SHOWN = 50
# Variables Node's SDK reads with a different value than Python's: Node appends
# /oauth/token to SMARTCAR_AUTH_ORIGIN itself (node-sdk lib/config.json).
NODE_BARE = frozenset({"SMARTCAR_AUTH_ORIGIN"})


def connect_url(application: Application, mode: str) -> str:
    return "/oauth/authorize?" + urlencode({
        "response_type": "code", "client_id": application.client_id,
        "redirect_uri": application.redirect_uris[0], "scope": DEMO_SCOPE,
        "mode": mode, "state": "from-mockcar-dashboard",
    })


def application_card(application: Application, page: str | None) -> dict[str, Any]:
    """What a card shows: the credentials, a Connect link per mode, and the link to the
    application's own World (None for the scenario's)."""
    return {"app": application, "page": page,
            "connect": [(mode, connect_url(application, mode)) for mode in MODES]}


def environment(origin: str) -> dict[str, dict[str, str]]:
    python = sdk_environment(origin)
    node = {name: origin if name in NODE_BARE else value for name, value in python.items()}
    return {"python": python, "node": node}


async def start_here(request: Request) -> Response:
    shown = layout.view(request)
    origin = client_origin(request)
    world = shown.world
    if shown.application is not None:
        cards = [application_card(shown.application, None)]
        tenants: list[dict[str, Any]] = []
        more_tenants = 0
    else:
        cards = [application_card(app, None) for app in world.applications.values()]
        registry: Tenants = request.app.state.tenants
        open_all = layout.may_open_any(request)
        tenants = [
            {**application_card(tenant.application, f"/applications/{tenant.client_id}"),
             "secrets": open_all}
            for tenant in islice(registry, TENANTS_SHOWN)]
        more_tenants = max(0, len(registry) - len(tenants))
    # A fleet may have 100,000 owners: show the first few (not those made on the fly for
    # a test-mode sign-in) and count the rest.
    listed = (owner for owner in world.owners.values() if not owner.generated)
    owners = [{"owner": owner, "vehicles": world.owner_vehicles(owner)}
              for owner in islice(listed, OWNERS_SHOWN)]
    more_owners = max(0, len(world.owners) - len(owners)) if len(owners) == OWNERS_SHOWN else 0
    return layout.render(request, "dashboard/start.html", {
        "applications": cards, "tenants": tenants, "more_tenants": more_tenants,
        "owners": owners, "more_owners": more_owners, "environment": environment(origin),
        "origin": origin,
        "links": {"docs": "/docs", "openapi": "/openapi.json",
                  "collection": COLLECTION_PATH, "environment": ENVIRONMENT_PATH},
    }, title="Start here", active="start", page_view=shown)

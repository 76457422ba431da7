"""The page at `/`: what a person sees on opening the URL `mockcar serve` printed —
the scenario's applications and owners, a Connect link for each application, and the
SDK environment for this origin."""

from __future__ import annotations

from itertools import islice
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockcar.domain.world.scopes import READ_PERMISSIONS
from mockcar.domain.world.world import World
from mockcar.settings import sdk_environment
from mockcar.web.templating import TEMPLATES

# A Connect link from the home page asks for every read permission plus lock/unlock.
DEMO_SCOPE = " ".join((*READ_PERMISSIONS, "control_security", "control_charge"))
OWNERS_SHOWN = 50


async def home(request: Request) -> Response:
    world: World = request.app.state.world
    origin = str(request.base_url).rstrip("/")
    applications = [
        {
            "app": app,
            "connect_url": "/oauth/authorize?" + urlencode({
                "response_type": "code", "client_id": app.client_id,
                "redirect_uri": app.redirect_uris[0], "scope": DEMO_SCOPE,
                "mode": "simulated", "state": "from-mockcar-home",
            }),
        }
        for app in world.applications.values()
    ]
    # A fleet may have 100,000 owners: show the first few, made on first use, and count.
    listed = (owner for owner in world.owners.values() if not owner.generated)
    owners = [{"owner": owner, "vehicles": world.owner_vehicles(owner)}
              for owner in islice(listed, OWNERS_SHOWN)]
    more = max(0, len(world.owners) - len(owners)) if len(owners) == OWNERS_SHOWN else 0
    return TEMPLATES.TemplateResponse(request, "home.html", {
        "mode": None, "summary": None, "applications": applications, "owners": owners,
        "more_owners": more,
        "environment": sdk_environment(origin),
    })


routes: list[BaseRoute] = [Route("/", home, methods=["GET"])]

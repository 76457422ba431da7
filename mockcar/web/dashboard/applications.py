"""Applications (`/applications`): the applications registered at run time (the pytest
plugin's, or `POST /_mockcar/applications`), each opening the dashboard of its own World."""

from __future__ import annotations

from itertools import islice

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.world.tenants import Tenants
from mockcar.web.dashboard import layout

SHOWN = 500


async def applications(request: Request) -> Response:
    registry: Tenants = request.app.state.tenants
    rows = [{"app": tenant.application, "vehicles": len(tenant.world.vehicles),
             "requests": len(tenant.journal), "scenario": tenant.choice.name or (
                 "inline" if tenant.choice.yaml else "the server's")}
            for tenant in islice(registry, SHOWN)]
    return layout.render(request, "dashboard/applications.html", {
        "tenants": rows, "total": len(registry), "open": layout.may_open_any(request)},
        title="Applications", active="")

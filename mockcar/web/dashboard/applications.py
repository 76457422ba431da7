"""Applications (`/applications`): the applications registered at run time, each
opening the dashboard of its own World."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.world.tenants import Tenants
from mockcar.web.dashboard import layout


async def applications(request: Request) -> Response:
    registry: Tenants = request.app.state.tenants
    return layout.render(request, "dashboard/applications.html", {
        "tenants": [tenant.application for tenant in registry]},
        title="Applications", active="")

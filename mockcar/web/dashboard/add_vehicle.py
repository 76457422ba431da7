"""Add vehicle (`/vehicles/new`): the Smartcar simulator's flow over the control API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockcar.web.dashboard import layout


async def add_vehicle(request: Request) -> Response:
    return layout.render(request, "dashboard/add_vehicle.html", {}, title="Add vehicle",
                         active="vehicles")

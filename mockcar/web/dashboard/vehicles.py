"""Vehicles (`/vehicles`): the World's vehicles, filtered, searched and paged on the
server, each with a one-line state that stays live."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockcar.web.dashboard import layout

QUERY: tuple[tuple[str, str], ...] = ()


async def vehicles(request: Request) -> Response:
    return layout.render(request, "dashboard/vehicles.html", {}, title="Vehicles",
                         active="vehicles")

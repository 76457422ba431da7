"""The server half of the odometer benchmark: mockcar and a bare Starlette route on one
uvicorn. Before serving it prints one JSON line: the demo client's credentials, an
authorization code for an owner's vehicle, and that vehicle's id."""

from __future__ import annotations

import json
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from mockcar.app import create_app
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.settings import Settings


def main(port: int) -> None:
    mockcar = create_app(Settings(port=port))
    world = mockcar.state.world
    application = next(iter(world.applications.values()))
    owner = next(iter(world.owners.values()))
    vehicle_id = owner.vehicle_ids[0]
    connection = world.connect(application.client_id, owner, [vehicle_id], sorted(PERMISSIONS),
                               "test")
    code = world.issue_code(connection, application.redirect_uris[0])
    body = {"distance": round(world.vehicles[vehicle_id].odometer_km(), 2)}

    async def bare_odometer(request: Request) -> Response:
        return JSONResponse(body)

    app = Starlette(routes=[Route("/bare/odometer", bare_odometer), Mount("/", mockcar)])
    print(json.dumps({
        "client_id": application.client_id, "client_secret": application.client_secret,
        "redirect_uri": application.redirect_uris[0], "code": code.code,
        "vehicle_id": vehicle_id,
    }), flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, loop="uvloop", http="httptools",
                log_level="warning", access_log=False, lifespan="off")


if __name__ == "__main__":
    main(int(sys.argv[1]))

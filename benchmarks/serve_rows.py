"""The server half of `make bench`: mockcar and a bare Starlette app with one route serving
the same odometer JSON on one uvicorn (same settings as `mockcar serve`: uvloop,
httptools, one worker, its cyclic collector settings; `/bare/...` goes to the bare app,
the rest to mockcar), with the state the rows need made in-process before it listens:

* `/starlette/...`: a second mockcar app over the same World without the fast read path
  (mockcar.web.fast_reads), so the reads are measured both ways in one run;
* an owner's connection with every permission, and its access token (v2 reads);
* the same owner's vehicle seen through an application token and `sc-user-id` (v3);
* `--aged` Connect sessions, application tokens and Connect token pairs already held,
  so the Connect page and the token endpoints are measured on a World that has served
  a while; the refresh tokens the refresh row spends, one per request, are written to a
  file for wrk's Lua script.

It prints one JSON line (ids, tokens, file names) and serves until terminated.
"""

from __future__ import annotations

import argparse
import gc
import json
import secrets
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from mockcar.app import create_app
from mockcar.cli import YOUNG_GENERATION
from mockcar.domain.connect import flow
from mockcar.domain.connect.authorization import AuthorizationRequest
from mockcar.domain.world import application_tokens
from mockcar.domain.world.scopes import PERMISSIONS, RequestedScope
from mockcar.settings import Settings

STARLETTE_PATH = "/starlette"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--aged", type=int, default=10_000)
    parser.add_argument("--refresh-tokens", type=int, default=200_000)
    parser.add_argument("--refresh-file", type=Path, required=True)
    args = parser.parse_args()

    mockcar = create_app(Settings(port=args.port, quiet=True, fast_reads=True))
    world = mockcar.state.world
    # The same World behind the Starlette path alone (`/starlette/...`): the reads'
    # rows measured both ways in one run.
    starlette_path = create_app(Settings(port=args.port, quiet=True, fast_reads=False), world)
    application = next(iter(world.applications.values()))
    owner = next(o for o in world.owners.values() if o.vehicle_ids)
    vehicle_id = owner.vehicle_ids[0]
    connection = world.connect(application.client_id, owner, [vehicle_id],
                               sorted(PERMISSIONS), "test")
    access = world.issue_token(connection.id, application.client_id,
                               secrets.token_hex(16), secrets.token_hex(16)).access_token
    app_token = secrets.token_hex(16)
    application_tokens.issue(world, application.client_id, app_token)
    for _ in range(args.aged):
        application_tokens.issue(world, application.client_id, secrets.token_hex(16))
        flow.start_session(world, _authorization(application.client_id, application.name,
                                                 application.redirect_uris[0]))
    refresh = [world.issue_token(connection.id, application.client_id, secrets.token_hex(16),
                                 secrets.token_hex(16)).refresh_token
               for _ in range(args.aged + args.refresh_tokens)]
    args.refresh_file.write_text("\n".join(refresh[args.aged:]) + "\n")
    body = {"distance": round(world.vehicles[vehicle_id].odometer_km(), 2)}

    async def bare_odometer(request: Request) -> Response:
        return JSONResponse(body)

    bare = Starlette(routes=[Route("/bare/odometer", bare_odometer)])

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # Each app whole, as it would be served alone: no Mount in front of mockcar, and
        # one prefix test in front of both.
        if scope["type"] == "http" and scope["path"].startswith("/bare/"):
            await bare(scope, receive, send)
        elif scope["type"] == "http" and scope["path"].startswith(STARLETTE_PATH):
            path = scope["path"][len(STARLETTE_PATH):]
            await starlette_path({**scope, "path": path, "raw_path": path.encode()}, receive,
                                 send)
        else:
            await mockcar(scope, receive, send)

    print(json.dumps({
        "client_id": application.client_id, "client_secret": application.client_secret,
        "redirect_uri": application.redirect_uris[0], "vehicle_id": vehicle_id,
        "access_token": access, "application_token": app_token, "user_id": owner.id,
    }), flush=True)
    # The cyclic collector as `mockcar serve` leaves it once started (mockcar.cli): the
    # start's objects in the oldest generation, young collections every 50,000 objects.
    gc.freeze()
    gc.unfreeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
    uvicorn.run(app, host="127.0.0.1", port=args.port, loop="uvloop", http="httptools",
                log_level="warning", access_log=False, lifespan="on")


def _authorization(client_id: str, name: str, redirect_uri: str) -> AuthorizationRequest:
    return AuthorizationRequest(
        client_id=client_id, application_name=name, connect_redirect="code",
        redirect_uri=redirect_uri, redirect_uri_given=True,
        scope=RequestedScope.parse("read_odometer"), mode="test", state=None, make=None,
        single_select=False, single_select_vin=None, approval_prompt="auto", flags=None,
        country="US", user=None)


if __name__ == "__main__":
    main()

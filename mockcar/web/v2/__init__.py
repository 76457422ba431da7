"""Smartcar Vehicle API v2.0 under `/v{major}.{minor}/`.

Every path is registered with and without a trailing slash: the SDKs use both
(reference §0.4), and Starlette's redirect hop would cost a round trip.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from mockcar.web.v2 import handlers
from mockcar.web.v2.endpoints import COMMANDS, READS

PREFIX = "/v{version}"
VEHICLE = PREFIX + "/vehicles/{vehicle_id}"


def _both(path: str, endpoint: handlers.Handler, methods: list[str]) -> list[BaseRoute]:
    path = path.rstrip("/")
    return [
        Route(path, endpoint, methods=methods, name=endpoint.__name__),
        Route(path + "/", endpoint, methods=methods, name=endpoint.__name__ + "_slash"),
    ]


routes: list[BaseRoute] = [
    *_both(PREFIX + "/user", handlers.get_user, ["GET"]),
    *_both(PREFIX + "/vehicles", handlers.get_vehicles, ["GET"]),
    *_both(VEHICLE + "/permissions", handlers.get_permissions, ["GET"]),
    *(route for command in COMMANDS
      for route in _both(VEHICLE + command.path, handlers.command_handler(command), ["POST"])),
    *(route for read in READS
      for route in _both(VEHICLE + read.path, handlers.read_handler(read), ["GET"])),
]

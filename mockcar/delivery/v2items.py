"""The `vehicles[]` of a v2 `scheduled` webhook payload:
per vehicle `{vehicleId, requestId, data: [...]}`, where each `data` item has the shape of
a batch sub-response (`{path, code, body, headers}`,
https://smartcar.com/docs/api-reference/batch).

The items are made by the Vehicle API's own batch code (mockcar.web.v2.batch), so a
scheduled delivery reads exactly what `POST /vehicles/{id}/batch` would at the same
clock time, through the same connection: its permissions, the vehicle's capabilities and
a test-mode error login all apply, and each error stays inside its item. A delivery has
no HTTP request of its own, so a stand-in request (the server's public origin, the
item's request id) carries what error bodies cite.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from mockcar.domain.vehicles.units import UnitSystem
from mockcar.domain.webhooks.deliveries import Event, new_id
from mockcar.domain.webhooks.watch import ScheduledContent
from mockcar.domain.world.world import World
from mockcar.web.v2 import batch
from mockcar.web.v2.context import Context


def stand_in(base_url: str, request_id: str) -> Request:
    """A GET request to `base_url` whose state carries `request_id`."""
    parts = urlsplit(base_url)
    secure = parts.scheme == "https"
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (443 if secure else 80)
    return Request({
        "type": "http", "method": "GET", "path": "/", "raw_path": b"/", "root_path": "",
        "query_string": b"", "scheme": parts.scheme or "http", "server": (host, port),
        "headers": [(b"host", parts.netloc.encode() or host.encode())],
        "state": {"request_id": request_id},
    })


def vehicles(world: World, base_url: str, event: Event,
             content: ScheduledContent) -> list[dict[str, Any]]:
    """Each vehicle still reachable through its connection, read at the event's time."""
    found: list[dict[str, Any]] = []
    for vehicle_id, connection_id in content.vehicles:
        vehicle = world.vehicles.get(vehicle_id)
        connection = world.connections.get(connection_id or "")
        if vehicle is None or connection is None or vehicle_id not in connection.vehicle_ids:
            continue
        request_id = new_id()
        request = stand_in(base_url, request_id)
        ctx = Context(units=UnitSystem.METRIC, now=event.created_at, query={},
                      connection=connection, request=request)
        data = [batch._sub_response(request, vehicle, ctx, path) for path in content.paths]
        found.append({"vehicleId": vehicle_id, "requestId": request_id, "data": data})
    return found

"""The `vehicles[]` of a v2 `scheduled` webhook payload:
per vehicle `{vehicleId, requestId, data: [...]}`, where each `data` item has the shape of
a batch sub-response (`{path, code, body, headers}`,
https://smartcar.com/docs/api-reference/batch).

The items are the Vehicle API's own batch items (mockcar.wire.v2.reads), so a scheduled
delivery reads exactly what `POST /vehicles/{id}/batch` would at the same clock time,
through the same connection: its permissions, the vehicle's capabilities and a test-mode
error login all apply, and each error stays inside its item. Error bodies cite the
server's public origin (where Connect's re-authentication is) and the item's request id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from mockcar.domain.vehicles.units import UnitSystem
from mockcar.domain.webhooks.deliveries import Event, new_id
from mockcar.domain.webhooks.watch import ScheduledContent
from mockcar.domain.world.world import World
from mockcar.wire.v2.context import Context
from mockcar.wire.v2.reads import batch_item


def origin(base_url: str) -> str:
    """scheme://host[:port] of `base_url`, as a request to it would name its origin."""
    parts = urlsplit(base_url)
    return f"{parts.scheme or 'http'}://{parts.netloc or '127.0.0.1'}"


def vehicles(world: World, base_url: str, event: Event,
             content: ScheduledContent) -> list[dict[str, Any]]:
    """Each vehicle still reachable through its connection, read at the event's time."""
    found: list[dict[str, Any]] = []
    public = origin(base_url)
    for vehicle_id, connection_id in content.vehicles:
        vehicle = world.vehicles.get(vehicle_id)
        connection = world.connections.get(connection_id or "")
        if vehicle is None or connection is None or vehicle_id not in connection.vehicle_ids:
            continue
        request_id = new_id()
        ctx = Context(units=UnitSystem.METRIC, now=event.created_at, query={},
                      connection=connection, origin_of=lambda: public)
        data = [batch_item(vehicle, ctx, path, request_id) for path in content.paths]
        found.append({"vehicleId": vehicle_id, "requestId": request_id, "data": data})
    return found

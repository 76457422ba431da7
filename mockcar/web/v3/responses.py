"""API v3 wire shapes (JSON:API-like), written here and nowhere else
(https://smartcar.com/docs/api-reference/get-vehicle,
https://smartcar.com/docs/api-reference/get-signals,
https://smartcar.com/docs/api-reference/list-connections). Errors: `errors`.

Choices where Smartcar's pages are silent or disagree (README "API v3"):

1. A vehicle (`GET /vehicles/{id}`) and a single signal are top-level resources; lists
   are `data: [...]` with `meta` and `links`.
2. Signals page with `page`/`pageSize` (the signals docs), connections with
   `page[number]`/`page[size]` (the connections docs); both answer
   `meta: {page, pageSize, totalCount}` and `links: {self, first, previous, next, last}`.
3. Signal timestamps (`retrievedAt`, `oemUpdatedAt`) are epoch milliseconds, as the SDK
   examples and real webhook payloads; other times (connection `createdAt`, command
   `executedAt`) are ISO 8601 with milliseconds and a Z.

Links are relative to the v3 base (`/vehicles/{id}`), as in Smartcar's examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from mockcar.domain.signals.reading import Signal
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.executions import Execution
from mockcar.domain.world.user_connections import UserConnection
from mockcar.web.v3.errors import signal_error


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")[:23] + "Z"


def vehicle_resource(vehicle: Vehicle) -> dict[str, Any]:
    return {
        "id": vehicle.id,
        "type": "vehicle",
        "attributes": {"make": vehicle.make, "model": vehicle.model, "year": vehicle.year,
                       "powertrainType": str(vehicle.powertrain)},
        "links": {"self": f"/vehicles/{vehicle.id}"},
    }


def signal_resource(vehicle_id: str, signal: Signal) -> dict[str, Any]:
    """A signal; an erroring one has `status.error` and no `body`."""
    status: dict[str, Any] = {"value": signal.status}
    attributes: dict[str, Any] = {"code": signal.code, "name": signal.name,
                                  "group": signal.group, "status": status}
    if signal.error is not None:
        status["error"] = signal_error(signal.error)
    else:
        attributes["body"] = signal.body
    links = {"self": f"/vehicles/{vehicle_id}/signals/{signal.code}",
             "vehicle": f"/vehicles/{vehicle_id}"}
    if signal.spec.values_link is not None:
        links["values"] = f"/vehicles/{vehicle_id}/{signal.spec.values_link}"
    return {
        "id": signal.code,
        "type": "signal",
        "attributes": attributes,
        "meta": {"retrievedAt": epoch_ms(signal.retrieved_at),
                 "oemUpdatedAt": epoch_ms(signal.oem_updated_at)},
        "links": links,
    }


def page_links(base: str, keys: tuple[str, str], page: int, size: int,
               total: int) -> dict[str, str | None]:
    """`self`, `first`, `previous`, `next`, `last`; null where there is none."""
    last = max(1, -(-total // size))

    def link(number: int) -> str:
        return f"{base}?{urlencode({keys[0]: number, keys[1]: size}, safe='[]')}"

    return {"self": link(page), "first": link(1),
            "previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < last else None, "last": link(last)}


def signals_page(vehicle: Vehicle, chosen: Sequence[Signal], page: int, size: int,
                 total: int) -> dict[str, Any]:
    return {
        "data": [signal_resource(vehicle.id, s) for s in chosen],
        "meta": {"page": page, "pageSize": size, "totalCount": total},
        "links": page_links(f"/vehicles/{vehicle.id}/signals", ("page", "pageSize"), page,
                            size, total),
        "included": {"vehicle": vehicle_resource(vehicle)},
    }


def connection_resource(found: UserConnection, vehicle: Vehicle | None) -> dict[str, Any]:
    described: dict[str, Any] = {"mode": found.mode}
    if vehicle is not None:
        described.update(make=vehicle.make, model=vehicle.model, year=vehicle.year,
                         powertrainType=str(vehicle.powertrain))
    return {
        "id": found.id,
        "type": "connection",
        "attributes": {"permissions": list(found.permissions), "vehicle": described},
        "relationships": {
            "vehicle": {"data": {"id": found.vehicle_id, "type": "vehicle"},
                        "links": {"related": f"/vehicles/{found.vehicle_id}"}},
            "user": {"data": {"id": found.user_id, "type": "user"}},
        },
        "meta": {"createdAt": iso(found.created_at), "updatedAt": iso(found.updated_at)},
        "links": {"self": f"/connections/{found.id}"},
    }


def connections_page(items: Sequence[tuple[UserConnection, Vehicle | None]], page: int,
                     size: int, total: int) -> dict[str, Any]:
    return {
        "data": [connection_resource(found, vehicle) for found, vehicle in items],
        "meta": {"page": page, "pageSize": size, "totalCount": total},
        "links": page_links("/connections", ("page[number]", "page[size]"), page, size,
                            total),
    }


def command_execution(execution: Execution) -> dict[str, Any]:
    """A command-execution resource (https://smartcar.com/docs/api-reference/security/unlock-doors),
    or a charge-schedule-execution one
    (https://smartcar.com/docs/api-reference/charge-schedules/set-daily-charge-schedule).
    A pending execution has no `completedAt` yet but says when it is due
    (`expectedCompletionAt`); a failed one carries its error as v3 renders errors."""
    attributes: dict[str, Any] = {"commandType": execution.command_type}
    if execution.schedule is not None:
        attributes = {"action": execution.schedule["action"],
                      "scheduleType": execution.schedule["scheduleType"]}
    status: dict[str, Any] = {"value": execution.status}
    if execution.error is not None:
        status["error"] = {"type": execution.error.type, "code": execution.error.code,
                           "description": execution.error.description}
    attributes |= {"status": status, "executionMode": execution.mode}
    if execution.schedule is not None:
        attributes["scheduleId"] = execution.schedule["scheduleId"]
    attributes["parameters"] = execution.parameters
    meta: dict[str, Any] = {"executedAt": iso(execution.executed_at)}
    if execution.status == "PENDING":
        meta["expectedCompletionAt"] = iso(execution.completed_at)
    else:
        meta["completedAt"] = iso(execution.completed_at)
    meta["durationInSeconds"] = round(execution.duration_seconds, 3)
    vehicle = f"/vehicles/{execution.vehicle_id}"
    links = {"self": f"{vehicle}/commands/executions/{execution.id}"}
    if execution.schedule is not None:
        links["schedule"] = f"{vehicle}/charge-schedules/{execution.schedule['scheduleId']}"
    return {"data": {
        "id": execution.id,
        "type": "charge-schedule-execution" if execution.schedule else "command-execution",
        "attributes": attributes, "links": links, "meta": meta,
    }}

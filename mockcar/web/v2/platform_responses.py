"""Wire shapes of the v2.0 platform endpoints: webhooks, disconnect, the Management API
and the Compatibility API (https://smartcar.com/docs/api-reference/management-api-intro,
https://smartcar.com/docs/api-reference/compatibility/by-vin). Every field
name the SDKs read for these is written here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mockcar.domain.world.connections import ConnectionEntry, ConnectionPage
from mockcar.wire.v2.vehicle_responses import timestamp

STATUS_SUCCESS: dict[str, Any] = {"status": "success"}


def subscription(webhook_id: str, vehicle_id: str) -> dict[str, Any]:
    """camelCase keys: the Python and Node SDKs read `webhookId` and `vehicleId`."""
    return {"webhookId": webhook_id, "vehicleId": vehicle_id}


def connection(entry: ConnectionEntry) -> dict[str, Any]:
    return {
        "vehicleId": entry.vehicle_id,
        "userId": entry.user_id,
        "connectedAt": timestamp(entry.connected_at),
        "mode": entry.mode,
    }


def connections_page(page: ConnectionPage) -> dict[str, Any]:
    """`paging.cursor` is null on the last page."""
    return {
        "connections": [connection(e) for e in page.entries],
        "paging": {"cursor": page.cursor},
    }


def deleted_connections(entries: Iterable[ConnectionEntry]) -> dict[str, Any]:
    return {"connections": [{"vehicleId": e.vehicle_id, "userId": e.user_id} for e in entries]}


def capability(permission: str, endpoint: str, reason: str | None) -> dict[str, Any]:
    return {"capable": reason is None, "endpoint": endpoint or "/", "permission": permission,
            "reason": reason}


def compatibility(
    compatible: bool, reason: str | None, capabilities: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Python indexes every key, so `reason` and `capabilities` are always present."""
    return {"compatible": compatible, "reason": reason, "capabilities": list(capabilities)}


def matrix_model(
    model: str, years: tuple[int, int], powertrain: str, endpoints: Sequence[str],
    permissions: Sequence[str],
) -> dict[str, Any]:
    """One model line of the matrix: all six keys are required by the Python SDK."""
    return {
        "model": model, "startYear": years[0], "endYear": years[1], "type": powertrain,
        "endpoints": list(endpoints), "permissions": list(permissions),
    }

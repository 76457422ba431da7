"""API v3's connections: one per (application, user, vehicle)
(https://smartcar.com/docs/api-reference/list-connections).

The World keeps Connect consents (`Connection`, several vehicles each, possibly several
per user); v3 lists one connection per user and vehicle, merging a user's consents to
the same vehicle: permissions are their union, `created_at` the first consent and
`updated_at` the latest. Its id is derived from (application, user, vehicle), so it is
stable across requests and a reconnect keeps it. Deleting one ends that user's access to
that vehicle through every consent (mockcar.domain.world.connections does the ending, so v2's
Management API and v3 share it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mockcar.domain.world import connections
from mockcar.errors import SmartcarError

if TYPE_CHECKING:
    from mockcar.domain.world.world import World

LIVE, SIMULATED = "live", "simulated"
V3_MODES = (LIVE, SIMULATED)
_NAMESPACE = uuid.UUID("6f1f4d52-7a0e-4a7c-9b0e-6d3c2b1a0f11")


@dataclass(frozen=True)
class UserConnection:
    id: str
    user_id: str
    vehicle_id: str
    permissions: tuple[str, ...]
    mode: str  # live | simulated (test mode is part of simulated since 2024)
    created_at: datetime
    updated_at: datetime


def connection_id(client_id: str, user_id: str, vehicle_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{client_id}|{user_id}|{vehicle_id}"))


def v3_mode(mode: str) -> str:
    return LIVE if mode == LIVE else SIMULATED


def listing(
    world: World, client_id: str, *, user_id: str | None = None,
    vehicle_id: str | None = None, mode: str | None = None,
) -> list[UserConnection]:
    """The application's connections matching the filters, newest first (ties by id)."""
    merged: dict[tuple[str, str], UserConnection] = {}
    # A user's own: one lookup (World.user_connections), not every connection ever made.
    held = (world.user_connections(client_id, user_id) if user_id
            else world.connections.values())
    for consent in held:
        if consent.client_id != client_id or (user_id and consent.user_id != user_id):
            continue
        if mode is not None and v3_mode(consent.mode) != mode:
            continue
        for vehicle in consent.vehicle_ids:
            if vehicle_id is not None and vehicle != vehicle_id:
                continue
            key = (consent.user_id, vehicle)
            before = merged.get(key)
            if before is None:
                merged[key] = UserConnection(
                    connection_id(client_id, consent.user_id, vehicle), consent.user_id,
                    vehicle, consent.permissions, v3_mode(consent.mode),
                    consent.connected_at, consent.connected_at)
            else:
                granted = tuple(dict.fromkeys(before.permissions + consent.permissions))
                merged[key] = UserConnection(
                    before.id, before.user_id, vehicle, granted, before.mode,
                    min(before.created_at, consent.connected_at),
                    max(before.updated_at, consent.connected_at))
    return sorted(merged.values(), key=lambda c: (-c.created_at.timestamp(), c.id))


def find(world: World, client_id: str, connection: str) -> UserConnection:
    """One connection by id; RESOURCE_NOT_FOUND when this application has none."""
    found = next((c for c in listing(world, client_id) if c.id == connection), None)
    if found is None:
        raise SmartcarError(
            "RESOURCE_NOT_FOUND", "PATH",
            message=f"This application has no connection {connection!r}: GET "
            "/v3/connections lists them.")
    return found


def delete(world: World, client_id: str, connection: str) -> UserConnection:
    found = find(world, client_id, connection)
    connections.delete(world, client_id, user_id=found.user_id, vehicle_id=found.vehicle_id)
    return found


def delete_user(world: World, client_id: str, user_id: str) -> list[UserConnection]:
    """End every connection of `user_id` to this application; RESOURCE_NOT_FOUND when
    there is none (an unknown user, or one already deleted)."""
    ended = listing(world, client_id, user_id=user_id)
    if not ended:
        raise SmartcarError(
            "RESOURCE_NOT_FOUND", "PATH",
            message=f"User {user_id!r} has no connection to this application.")
    connections.delete(world, client_id, user_id=user_id)
    return ended

"""Vehicle connections as the Management API sees them, and ending them
(https://smartcar.com/docs/api-reference/management/get-vehicle-connections,
https://smartcar.com/docs/api-reference/management/delete-vehicle-connections,
https://smartcar.com/docs/api-reference/delete-disconnect).

A `Connection` in the World is one Connect consent covering several vehicles; Smartcar's
Management API lists one entry per (connection, vehicle). Ending a connection for a
vehicle — the owner's app calling `DELETE /vehicles/{id}/application`, or the developer
deleting connections by vehicle or user — removes the vehicle from the consent, so the
consent's tokens stop reaching it; a consent left with no vehicle ends, and its tokens
stop working at all.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mockcar.errors import SmartcarError

if TYPE_CHECKING:
    from mockcar.domain.world.records import Application, Connection
    from mockcar.domain.world.world import World

LIST_LIMIT = (10, 100)  # default and maximum `limit` of the connections list
_CURSOR_VERSION = "c1"


@dataclass(frozen=True)
class ConnectionEntry:
    """One vehicle of one connection."""

    connection_id: str
    vehicle_id: str
    user_id: str
    connected_at: datetime
    mode: str

    def sort_key(self) -> tuple[float, str, str]:
        # Newest first; the ids break ties (a frozen clock stamps many connections
        # alike) so that a cursor names one position in a total order.
        return (-self.connected_at.timestamp(), self.connection_id, self.vehicle_id)


@dataclass(frozen=True)
class ConnectionPage:
    entries: tuple[ConnectionEntry, ...]
    cursor: str | None  # where the next page starts; None on the last page


def application_by_management_token(world: World, token: str | None) -> Application | None:
    """The application whose management token this is. Compared in constant time;
    a World holds a handful of applications, so a scan costs nothing."""
    if not token:
        return None
    given = token.encode()
    return next(
        (a for a in world.applications.values()
         if hmac.compare_digest(a.management_token.encode(), given)),
        None,
    )


def entries(
    world: World, client_id: str, *, user_id: str | None = None,
    vehicle_id: str | None = None, mode: str | None = None,
) -> list[ConnectionEntry]:
    """Every (connection, vehicle) of one application matching the filters, newest
    first."""
    # A user's own: one lookup (World.user_connections), not every connection ever made.
    held = (world.user_connections(client_id, user_id) if user_id is not None
            else world.connections.values())
    found = [
        ConnectionEntry(c.id, v, c.user_id, c.connected_at, c.mode)
        for c in held
        if c.client_id == client_id
        and (user_id is None or c.user_id == user_id)
        and (mode is None or c.mode == mode)
        for v in c.vehicle_ids
        if vehicle_id is None or v == vehicle_id
    ]
    return sorted(found, key=ConnectionEntry.sort_key)


def page(found: list[ConnectionEntry], limit: int, cursor: str | None) -> ConnectionPage:
    """The `limit` entries after `cursor` (from the start without one). The cursor is the
    sort key of the last entry returned, so paging stays right when connections are
    added or deleted between pages."""
    start = 0
    if cursor:
        after = _decode(cursor)
        start = next((i for i, e in enumerate(found) if e.sort_key() > after), len(found))
    chosen = tuple(found[start:start + limit])
    more = start + limit < len(found)
    return ConnectionPage(chosen, _encode(chosen[-1]) if more and chosen else None)


def delete(
    world: World, client_id: str, *, user_id: str | None = None,
    vehicle_id: str | None = None,
) -> list[ConnectionEntry]:
    """End an application's connections to a vehicle (every user's), of a user (every
    vehicle), or of that pair; the entries ended, newest first."""
    if user_id is None and vehicle_id is None:
        raise SmartcarError(
            "VALIDATION", message="Say which connections to delete: vehicle_id, user_id or "
            "both.",
            detail=[{"field": ["vehicle_id", "user_id"], "message": "one is required"}],
        )
    ended = entries(world, client_id, user_id=user_id, vehicle_id=vehicle_id)
    for entry in ended:
        _remove(world, world.connections[entry.connection_id], entry.vehicle_id)
    return ended


def disconnect(world: World, connection: Connection, vehicle_id: str) -> None:
    """`DELETE /vehicles/{id}/application`: the application loses this owner's vehicle,
    in this consent and any other the owner gave it. A vehicle the token does not cover
    is refused as any other request for it would be."""
    world.vehicle_for(connection, vehicle_id)
    for other in list(world.connections.values()):
        if (other.client_id, other.user_id) == (connection.client_id, connection.user_id):
            _remove(world, other, vehicle_id)


def _remove(world: World, connection: Connection, vehicle_id: str) -> None:
    connection.vehicle_ids = tuple(v for v in connection.vehicle_ids if v != vehicle_id)
    if not connection.vehicle_ids:
        world.connections.pop(connection.id, None)
    still_connected = any(
        c.client_id == connection.client_id and vehicle_id in c.vehicle_ids
        for c in world.connections.values()
    )
    application = world.application(connection.client_id)
    if application is not None and not still_connected:
        # Nothing would be delivered about a vehicle the application cannot reach.
        for webhook in application.webhooks:
            world.subscriptions.get(webhook.id, set()).discard(vehicle_id)


def _encode(entry: ConnectionEntry) -> str:
    moment = entry.connected_at.isoformat()
    raw = f"{_CURSOR_VERSION}|{moment}|{entry.connection_id}|{entry.vehicle_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[float, str, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        version, moment, connection_id, vehicle_id = (
            base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        )
        if version != _CURSOR_VERSION:
            raise ValueError(version)
        return (-datetime.fromisoformat(moment).timestamp(), connection_id, vehicle_id)
    except (ValueError, binascii.Error, UnicodeError):
        raise SmartcarError(
            "VALIDATION", "PARAMETER",
            message="'cursor' is not a cursor this API returned; pass paging.cursor from "
            "the previous page, or leave it out for the first page.",
            detail=[{"field": ["cursor"], "message": "is not a valid cursor"}],
        ) from None

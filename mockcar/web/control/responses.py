"""The control API's JSON shapes, in one place: applications, clocks, vehicles, faults,
journal entries and the state dump.

Field names are snake_case (this is mockcar's API, not Smartcar's), times are ISO 8601
UTC with milliseconds, quantities metric as in the domain. A dump shows no secret: client
secrets, passwords and tokens are left out, tokens appear by their journal id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

from mockcar.domain.journal.journal import Entry, Journal, token_id
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.faults import Fault
from mockcar.domain.world.tenants import ScenarioChoice
from mockcar.domain.world.world import Application, Connection, Owner, Token, World
from mockcar.web.control.operations import iso


def plain(value: Any) -> Any:
    """Domain values as JSON: dataclasses as objects, enums by value, sets sorted,
    times in ISO. Used for vehicle state so every field the domain adds shows up."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def application(app: Application, *, secrets: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_id": app.client_id,
        "name": app.name,
        "redirect_uris": list(app.redirect_uris),
        "webhooks": [plain(w) for w in getattr(app, "webhooks", ())],
    }
    if secrets:
        body["client_secret"] = app.client_secret
        body["management_token"] = app.management_token
    return body


def scenario(choice: ScenarioChoice) -> dict[str, Any]:
    source = "inline" if choice.yaml is not None else "bundled" if choice.name else "server"
    return {"source": source, "name": choice.name, "seed": choice.seed}


def clock(value: Clock) -> dict[str, Any]:
    return {"now": iso(value.now()), "frozen": value.frozen, "speed": value.speed}


def vehicle(value: Vehicle, owner: Owner | None) -> dict[str, Any]:
    return {
        "id": value.id, "make": value.make, "model": value.model, "year": value.year,
        "vin": value.vin, "powertrain": value.powertrain.value, "region": value.region.value,
        "owner": owner.email if owner else None,
        "nickname": value.nickname,  # a Vehicle Simulator car's name, else null
        "battery_capacity_kwh": value.battery_capacity_kwh,
        "fuel_capacity_liters": value.fuel_capacity_liters,
        "doors_open": sorted(value.doors_open),
        "storage_open": sorted(getattr(value, "storage_open", ())),
        "windows_open": sorted(value.windows_open),
        "updated_at": iso(value.updated_at),
        "state": plain(value.state),
    }


def owner(value: Owner) -> dict[str, Any]:
    return {"id": value.id, "email": value.email, "country": value.country,
            "vehicle_ids": list(value.vehicle_ids), "generated": value.generated}


def connection(value: Connection) -> dict[str, Any]:
    return {"id": value.id, "client_id": value.client_id, "user_id": value.user_id,
            "vehicle_ids": list(value.vehicle_ids), "permissions": list(value.permissions),
            "mode": value.mode, "connected_at": iso(value.connected_at)}


def token(value: Token, now: datetime) -> dict[str, Any]:
    return {"token_id": token_id(value.access_token), "client_id": value.client_id,
            "connection_id": value.connection_id, "issued_at": iso(value.issued_at),
            "access_expires_at": iso(value.access_expires_at),
            "access_valid": value.access_valid(now), "refresh_valid": value.refresh_valid(now)}


def fault(value: Fault) -> dict[str, Any]:
    window = value.window
    return {"id": value.id, "type": value.type, "code": value.code, "method": value.method,
            "endpoint": value.endpoint, "vehicle_id": value.vehicle_id, "make": value.make,
            "times": value.times, "probability": value.probability, "message": value.message,
            "retry_after": value.retry_after,
            "start": window.shown(window.start) if window else None,
            "end": window.shown(window.end) if window else None,
            "hits": value.hits, "active": not value.exhausted}


def entry(value: Entry) -> dict[str, Any]:
    shown = value.shown()
    shown["at"] = iso(shown["at"])
    return shown


def journal(found: Iterable[Entry], source: Journal) -> dict[str, Any]:
    entries = [entry(e) for e in found]
    return {"entries": entries, "count": len(entries), "kept": len(source),
            "capacity": source.capacity, "dropped": source.dropped}


def state(world: World) -> dict[str, Any]:
    """The whole World as its clock reads now."""
    now = world.now()
    owners_by_vehicle = {v: o for o in world.owners.values() for v in o.vehicle_ids}
    return {
        "clock": clock(world.clock),
        "seed": world.seed,
        "applications": [application(a) for a in world.applications.values()],
        "owners": [owner(o) for o in world.owners.values()],
        "vehicles": [vehicle(v.at(now), owners_by_vehicle.get(v.id))
                     for v in world.vehicles.values()],
        "connections": [connection(c) for c in world.connections.values()],
        "tokens": [token(t, now) for t in world.tokens_by_access.values()],
        "faults": [fault(f) for f in world.faults],
    }

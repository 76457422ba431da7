"""A World's mutable state as records: what changed from the World its scenario builds.

`Records` maps a section (`clock`, `connections`, `tokens`, ...) to keys and their
records, each a JSON-able dict. `world_records(world)` reads them; `apply_records(world,
records)` writes them onto a World freshly built from the same scenario, which then
answers as the World they were read from did. A store diffs them per (section, key) to
write only what a request changed; a snapshot holds them whole (mockcar.state.snapshot).

What is deliberately not a record: the request journal and the webhook delivery log (a
log of what happened, not state), Connect flows in progress (a browser mid-flow starts
again), and vehicles a scenario fleet makes on first use while they are unchanged (they
are the base).

Tokens and authorization codes are records with their secrets in them: a restored World
must accept the tokens an application stored before, and a hash cannot be handed back.
Their keys are hashes, so a store's index or a diff's log never shows a secret.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockcar.domain.world.records import AuthorizationCode, Connection, Token
from mockcar.domain.world.world import World
from mockcar.state import fleet_records, pending, service_records, webhook_records
from mockcar.state.codec import RecordError, key_of, parse_time

Record = dict[str, Any]
Records = dict[str, dict[str, Record]]  # section -> key -> JSON-able record


def time_text(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def optional_time(text: Any, where: str) -> datetime | None:
    return None if text is None else parse_time(text, where)


# -- clock -----------------------------------------------------------------------------


def clock_records(world: World) -> dict[str, Record]:
    frozen_at, anchor, wall_anchor, speed = world.clock.line()
    return {"clock": {
        "frozen_at": time_text(frozen_at),
        "anchor": time_text(anchor),
        "wall_anchor": wall_anchor,
        "speed": speed,
    }}


def apply_clock(world: World, section: dict[str, Record]) -> None:
    record = section.get("clock")
    if record is None:
        return
    where = "clock"
    try:
        world.clock.restore(
            frozen_at=optional_time(record.get("frozen_at"), where),
            anchor=parse_time(record.get("anchor"), where),
            wall_anchor=float(record["wall_anchor"]),
            speed=float(record["speed"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, RecordError):
            raise
        raise RecordError(f"clock: {error}") from None


# -- connections ------------------------------------------------------------------------


def connection_record(connection: Connection) -> Record:
    return {
        "client_id": connection.client_id,
        "user_id": connection.user_id,
        "vehicle_ids": list(connection.vehicle_ids),
        "permissions": list(connection.permissions),
        "mode": connection.mode,
        "connected_at": time_text(connection.connected_at),
        "owner_email": connection.owner_email,
        "error_trigger": (list(connection.error_trigger)
                          if connection.error_trigger is not None else None),
    }


def _same(name: str) -> str:
    return name


def fold_connections(world: World) -> dict[Any, tuple[str, Record]]:
    return pending.fold(world, "connections", world.connections, _same, connection_record)


def connection_records(world: World) -> dict[str, Record]:
    return pending.ordered(world.connections, fold_connections(world))


def apply_connections(world: World, section: dict[str, Record]) -> None:
    world.connections.clear()
    for cid, record in section.items():
        where = f"connections/{cid}"
        trigger = record.get("error_trigger")
        world.connections[cid] = Connection(
            id=cid,
            client_id=str(record["client_id"]),
            user_id=str(record["user_id"]),
            vehicle_ids=tuple(record["vehicle_ids"]),
            permissions=tuple(record["permissions"]),
            mode=str(record["mode"]),
            connected_at=parse_time(record["connected_at"], where),
            error_trigger=(str(trigger[0]), trigger[1]) if trigger else None,
            owner_email=str(record.get("owner_email", "")),
        )


# -- authorization codes ----------------------------------------------------------------


def code_record(code: AuthorizationCode) -> Record:
    return {
        "code": code.code,
        "client_id": code.client_id,
        "redirect_uri": code.redirect_uri,
        "connection_id": code.connection_id,
        "issued_at": time_text(code.issued_at),
        "used": code.used,
    }


def fold_codes(world: World) -> dict[Any, tuple[str, Record]]:
    return pending.fold(world, "codes", world.codes, key_of, code_record)


def code_records(world: World) -> dict[str, Record]:
    return pending.ordered(world.codes, fold_codes(world))


def apply_codes(world: World, section: dict[str, Record]) -> None:
    world.codes.clear()
    for key, record in section.items():
        where = f"codes/{key}"
        code = AuthorizationCode(
            code=str(record["code"]),
            client_id=str(record["client_id"]),
            redirect_uri=record.get("redirect_uri"),
            connection_id=str(record["connection_id"]),
            issued_at=parse_time(record["issued_at"], where),
            used=bool(record.get("used", False)),
        )
        world.codes[code.code] = code


# -- token pairs ------------------------------------------------------------------------


def token_record(token: Token) -> Record:
    return {
        "access_token": token.access_token,
        "refresh_token": token.refresh_token,
        "client_id": token.client_id,
        "connection_id": token.connection_id,
        "issued_at": time_text(token.issued_at),
        "refreshed_at": time_text(token.refreshed_at),
        "revoked": token.revoked,
        "code": token.code,
        # The pair this one's refresh token was exchanged for, by its key.
        "successor": key_of(token.successor.access_token) if token.successor else None,
    }


def fold_tokens(world: World) -> dict[Any, tuple[str, Record]]:
    return pending.fold(world, "tokens", world.tokens_by_access, key_of, token_record)


def token_records(world: World) -> dict[str, Record]:
    # In the order they were issued: a code's family is rebuilt in that order.
    return pending.ordered(world.tokens_by_access, fold_tokens(world))


def apply_tokens(world: World, section: dict[str, Record]) -> None:
    world.tokens_by_access.clear()
    world.tokens_by_refresh.clear()
    world.tokens_by_code.clear()
    made: dict[str, Token] = {}
    for key, record in section.items():
        where = f"tokens/{key}"
        token = Token(
            access_token=str(record["access_token"]),
            refresh_token=str(record["refresh_token"]),
            client_id=str(record["client_id"]),
            connection_id=str(record["connection_id"]),
            issued_at=parse_time(record["issued_at"], where),
            refreshed_at=optional_time(record.get("refreshed_at"), where),
            revoked=bool(record.get("revoked", False)),
            code=record.get("code"),
        )
        made[key] = token
    # In the order they were read, which is the order they were issued: a code's family
    # is rebuilt in that order (a replay revokes them all).
    for key, token in made.items():
        successor = section[key].get("successor")
        if successor is not None:
            token.successor = made.get(successor)
        world.tokens_by_access[token.access_token] = token
        world.tokens_by_refresh[token.refresh_token] = token
        if token.code is not None:
            world.tokens_by_code.setdefault(token.code, []).append(token)
        if world.on_token_issued is not None:
            world.on_token_issued(token)


# -- the sections, in the order they are applied -----------------------------------------

Reader = Callable[[World], dict[str, Record]]
Writer = Callable[[World, dict[str, Record]], None]

# Applied in this order: owners before the vehicles and connections that name them,
# connections before the codes and tokens issued for them.
SECTIONS: dict[str, tuple[Reader, Writer]] = {
    "clock": (clock_records, apply_clock),
    "applications": (service_records.application_records, service_records.apply_applications),
    # Executions first: one that completed since the last read changed its vehicle.
    "executions": (service_records.execution_records, service_records.apply_executions),
    "owners": (fleet_records.owner_records, fleet_records.apply_owners),
    "vehicles": (fleet_records.vehicle_records, fleet_records.apply_vehicles),
    "connections": (connection_records, apply_connections),
    "codes": (code_records, apply_codes),
    "tokens": (token_records, apply_tokens),
    "application_tokens": (service_records.application_token_records,
                           service_records.apply_application_tokens),
    "faults": (service_records.fault_records, service_records.apply_faults),
    "rate_limits": (service_records.rate_limit_records, service_records.apply_rate_limits),
    "latency": (service_records.latency_records, service_records.apply_latency),
    "subscriptions": (service_records.subscription_records,
                      service_records.apply_subscriptions),
    "deliveries": (service_records.delivery_records, service_records.apply_deliveries),
    "webhook_queue": (webhook_records.queue_records, webhook_records.apply_queue),
}


# The sections read incrementally (mockcar.state.pending): their fold brings the
# section's records up to date, noting each changed one as pending, without building the
# section whole.
FOLDS: dict[str, Callable[[World], object]] = {
    "executions": service_records.fold_executions,
    "owners": fleet_records.fold_owners,
    "vehicles": fleet_records.fold_vehicles,
    "connections": fold_connections,
    "codes": fold_codes,
    "tokens": fold_tokens,
    "application_tokens": service_records.fold_application_tokens,
}


def world_records(world: World) -> Records:
    """Every mutable part of `world` that differs from the World its scenario builds,
    by section and key. Cost grows with what changed, never with the fleet's size."""
    return {name: read(world) for name, (read, _) in SECTIONS.items()}


def world_changes(world: World) -> tuple[Records, pending.Delta, int]:
    """What a store needs to catch up with `world`, at the cost of what changed: the
    small sections whole, and of the others (`FOLDS`) the records changed since the
    store last acknowledged (`pending.acknowledge(world, mark)` with the mark returned,
    once they are written). Only for a World read whole (`world_records`) and
    checkpointed (`pending.checkpoint`) before: until then nothing is noted."""
    whole: Records = {}
    for name, (read, _) in SECTIONS.items():
        fold = FOLDS.get(name)
        if fold is None:
            whole[name] = read(world)
        else:
            fold(world)
    mark = pending.checkpoint(world)
    return whole, pending.delta(world), mark


def apply_records(world: World, records: Records) -> None:
    """Make `world`, freshly built from its scenario, hold `records` (as read by
    `world_records` from a World of the same scenario). RecordError names the first
    record that cannot be applied; a section this version does not know is one too."""
    unknown = sorted(set(records) - set(SECTIONS))
    if unknown:
        raise RecordError(f"unknown section(s): {', '.join(unknown)}")
    for name, (_, write) in SECTIONS.items():
        section = records.get(name)
        if not section:
            continue
        if not isinstance(section, dict):
            raise RecordError(f"{name}: expected an object of records")
        try:
            write(world, section)
        except RecordError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise RecordError(f"{name}: a record is malformed ({error!r})") from None


__all__ = ["RecordError", "Records", "apply_records", "key_of", "world_changes", "world_records"]

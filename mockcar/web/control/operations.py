"""What every control API operation shares: the operation table's row type, the request
context a handler gets, reading JSON input, and the control API's own error shape.

The control API (`/_mockcar/…`) is mockcar's, not Smartcar's, so its errors are
not Smartcar's envelope but one small JSON shape with the HTTP status repeated:

    {"error": "invalid_request", "message": "what was wrong and what to do",
     "status": 400, "problems": ["field: what is wrong", ...]}
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from starlette.requests import Request

from mockcar import jsontext
from mockcar.domain.journal.journal import Journal
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.tenants import Tenant, Tenants, WorldSource
from mockcar.domain.world.world import Application, World

PREFIX = "/_mockcar"
APPLICATION_PREFIX = PREFIX + "/applications/{client_id}"

Schema = dict[str, Any]


class Target(Enum):
    """Where an operation is served and what it acts on."""

    SERVER = "server"  # /_mockcar/…: the whole server
    WORLD = "world"  # /_mockcar/… (the scenario World) and /_mockcar/applications/{id}/…
    APPLICATION = "application"  # /_mockcar/applications/{id}/… only


class ControlError(Exception):
    def __init__(
        self, status: int, error: str, message: str, problems: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.problems = problems
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error, "message": self.message,
                                "status": self.status}
        if self.problems:
            body["problems"] = self.problems
        return body


def invalid(message: str, problems: list[str] | None = None) -> ControlError:
    return ControlError(400, "invalid_request", message, problems)


def not_found(message: str) -> ControlError:
    return ControlError(404, "not_found", message)


@dataclass
class Context:
    """One control request: its JSON body (an object; empty for GET) and what it acts
    on. `world` is None for server operations; `tenant` is None for the scenario World;
    `application` is set under /_mockcar/applications/{client_id}/."""

    request: Request
    body: dict[str, Any]
    tenants: Tenants
    source: WorldSource
    world: World | None = None
    journal: Journal | None = None
    tenant: Tenant | None = None
    application: Application | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def target_world(self) -> World:
        assert self.world is not None, "a world operation without a world"
        return self.world

    @property
    def target_journal(self) -> Journal:
        assert self.journal is not None, "a world operation without a journal"
        return self.journal

    def path_vehicle(self) -> Vehicle:
        """The vehicle the path's `{vehicle_id}` names, by id or VIN, or 404."""
        vehicle_id = self.request.path_params["vehicle_id"]
        world = self.target_world
        found = world.vehicles.get(vehicle_id) or world.vehicle_by_vin(vehicle_id.upper())
        if found is None:
            raise not_found(f"No vehicle {vehicle_id!r} in this world (ids and VINs are "
                            "listed by GET …/vehicles).")
        return found

    @property
    def target_application(self) -> Application:
        assert self.application is not None, "an application operation without one"
        return self.application

    # -- reading input: each reader notes a problem and returns None; `done()` raises
    # them all at once, so a request learns everything wrong with it in one answer.

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self._get(name, required)
        if value is None or isinstance(value, str):
            return value
        self._bad(name, "must be a string")
        return None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self._bad(name, "must be true or false")
        return default

    def number(self, name: str, *, low: float | None = None, high: float | None = None,
               integer: bool = False, required: bool = False) -> float | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            self._bad(name, "must be a number")
            return None
        if integer and not (isinstance(value, int) or value.is_integer()):
            self._bad(name, "must be a whole number")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            span = (f"from {low:g} to {high:g}" if low is not None and high is not None
                    else f"at least {low:g}" if low is not None else f"at most {high:g}")
            self._bad(name, f"must be {span}")
            return None
        return float(value)

    def strings(self, name: str) -> list[str] | None:
        """A list of strings, or one string of space-separated words."""
        value = self._get(name, False)
        if value is None:
            return None
        if isinstance(value, str):
            return value.split()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        self._bad(name, "must be a list of strings")
        return None

    def moment(self, name: str, *, required: bool = False) -> datetime | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self._bad(name, "must be an ISO 8601 time like 2026-11-23T09:30:00Z")
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def mapping(self, name: str, *, required: bool = False) -> dict[str, Any] | None:
        value = self._get(name, required)
        if value is None or isinstance(value, dict):
            return value
        self._bad(name, "must be a JSON object")
        return None

    def done(self) -> None:
        if self.problems:
            raise invalid("The request body has problems; see `problems`.", self.problems)

    def _get(self, name: str, required: bool) -> Any:
        value = self.body.get(name)
        if value is None and required:
            self.problems.append(f"{name}: required")
        return value

    def _bad(self, name: str, message: str) -> None:
        self.problems.append(f"{name}: {message}")


Handler = Callable[[Context], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Operation:
    """One row of the control API's table: served at `path` below its target's prefix,
    documented by its schemas in the OpenAPI document (`openapi()`)."""

    method: str
    path: str
    handler: Handler
    summary: str
    target: Target
    response: Schema
    request: Schema | None = None
    query: tuple[tuple[str, Schema, str], ...] = ()  # (name, schema, description)
    status: int = 200

    @property
    def name(self) -> str:
        return self.handler.__name__


async def read_body(request: Request, operation: Operation) -> dict[str, Any]:
    """The JSON object a POST carries (an empty body is `{}`); keys the operation's
    request schema does not name are refused, so a typo never passes silently."""
    if request.method != "POST":
        return {}
    raw = await request.body()  # within Settings.max_body_bytes (mockcar.web.guard)
    if not raw.strip():
        body: Any = {}
    else:
        try:
            body = jsontext.loads(raw)
        except ValueError as error:  # jsontext.JSONTextError
            raise invalid(f"The body is not valid JSON ({error}); send a JSON object.") from None
    if not isinstance(body, dict):
        raise invalid("The body must be a JSON object.")
    known = set((operation.request or {}).get("properties", {}))
    unknown = sorted(k for k in body if k not in known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise invalid(f"Unknown field(s): {', '.join(unknown)}; this operation takes: {allowed}.",
                      [f"{k}: unknown field" for k in unknown])
    return body


def iso(moment: datetime) -> str:
    """UTC with milliseconds and a Z, as Smartcar writes times."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

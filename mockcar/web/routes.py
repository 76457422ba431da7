"""Every route of every host mockcar serves on its one origin, in the order Starlette
tries them, and every operation by name: `v2.get_odometer`, `v2.lock_unlock`,
`connect.sign_in`, `control.advance_clock`, `auth.exchange_token`. A name is the host,
a dot, and the handler's name, so one search finds the row here, the handler and its
test (tests/web/test_routes.py walks this table).

Read top to bottom: the order is the order of matching.

1. API v3's vehicle routes, before API v2's (whose `/v{version}/vehicles/...` would
   take `/v3/vehicles/...`);
2. API v2's vehicle routes: one route for every vehicle endpoint, whose handler is
   found in `v2.VEHICLE_ENDPOINTS` by (method, sub-path), one dictionary lookup however
   many endpoints there are. The plain reads seldom get here: mockcar.web.fast_reads
   answers them in front of every middleware from the same read table, and hands
   anything else to these routes;
3. the other hosts' routes, in any order (their paths do not overlap);
4. the catch-alls last: API v3's 404 for any other `/v3/...` path.

A path no route matches, and every exception a handler raises, answers in the shape of
the host the path belongs to (mockcar.web.error_shapes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from starlette.routing import BaseRoute, Route

from mockcar.web import page_assets, v2, v3
from mockcar.web.auth import application_token, token
from mockcar.web.connect import pages as connect
from mockcar.web.control import journal_stream, world_stream
from mockcar.web.control import routes as control
from mockcar.web.dashboard import api_docs
from mockcar.web.dashboard import routes as dashboard
from mockcar.web.docs.openapi import document as openapi
from mockcar.web.docs.postman import collection as postman
from mockcar.web.handler import Handler, operations_of
from mockcar.web.v2 import compatibility
from mockcar.web.v2 import management as management_v2
from mockcar.web.v3 import management as management_v3

# (host, routes): the whole table. A host is the first part of its operations' names.
HOSTS: tuple[tuple[str, list[BaseRoute]], ...] = (
    ("v3", v3.vehicle_routes),
    ("v2", v2.routes),
    ("v3", v3.routes),
    ("management", management_v2.routes),
    ("management_v3", management_v3.routes),
    ("compatibility", compatibility.routes),
    ("auth", token.routes),
    ("auth", application_token.routes),
    ("connect", connect.routes),
    ("control", journal_stream.routes),  # before the control API's catch-all 404
    ("control", world_stream.routes),
    ("control", control.routes),
    ("dashboard", dashboard.routes),
    ("dashboard", api_docs.routes),
    ("assets", page_assets.routes),
    ("docs", postman.routes),
    ("docs", openapi.routes),
    ("v3", v3.fallback_routes),
)

# Routes that take many paths and look the handler up in a table of (method, sub-path).
DISPATCHED: dict[object, tuple[str, Mapping[tuple[str, str], Handler]]] = {
    v2.vehicle_endpoint: (v2.VEHICLE, v2.VEHICLE_ENDPOINTS),
    v3.vehicle_endpoint: (v3.VEHICLE, v3.VEHICLE_ENDPOINTS),
}

# Handlers that only answer "no such path" in their host's shape: no operation.
_CATCH_ALL = frozenset({"not_found", "_unknown"})
# Endpoints that accept every method to answer a wrong one in their host's shape; the
# method they serve.
_SERVES: dict[object, str] = {token.exchange_token: "POST",
                              application_token.application_token: "POST"}


@dataclass(frozen=True)
class Operation:
    """One thing mockcar does: `name` is "<host>.<handler>"; `path` the full template."""

    name: str
    method: str
    path: str
    route: BaseRoute = field(compare=False, repr=False)


def _methods(route: Route) -> dict[str, str]:
    """Method -> handler name for one route."""
    found = operations_of(route.endpoint)
    if found is not None:
        return found
    name = getattr(route.endpoint, "__name__", route.name)
    if route.endpoint in _SERVES:
        return {_SERVES[route.endpoint]: name}
    return {m: name for m in sorted((route.methods or set()) - {"HEAD"})}


def _operations(hosts: Iterable[tuple[str, list[BaseRoute]]]) -> tuple[Operation, ...]:
    found: dict[tuple[str, str], Operation] = {}
    for host, group in hosts:
        for route in group:
            if not isinstance(route, Route):
                continue
            if route.endpoint in DISPATCHED:
                base, table = DISPATCHED[route.endpoint]
                rows = [(method, base + sub_path, handler.__name__)
                        for (method, sub_path), handler in table.items()]
            else:
                rows = [(method, route.path, name)
                        for method, name in _methods(route).items()]
            for method, path, name in rows:
                twin = path[:-1] if path.endswith("/") and path != "/" else None
                if name in _CATCH_ALL or (method, twin) in found:
                    continue  # a trailing-slash twin, or a 404
                found.setdefault((method, path), Operation(f"{host}.{name}", method, path,
                                                           route))
    return tuple(found.values())


def _name_routes(hosts: Iterable[tuple[str, list[BaseRoute]]]) -> list[BaseRoute]:
    """The Starlette table, each route named "<host>.<its operations>" (a slash twin
    "..._slash"), so `app.url_path_for("v2.get_vehicles", version="2.0")` answers."""
    table: list[BaseRoute] = []
    for host, group in hosts:
        for route in group:
            if isinstance(route, Route) and not route.name.startswith(host + "."):
                names = "+".join(dict.fromkeys(_methods(route).values()))
                if route.endpoint in DISPATCHED:
                    names = route.name
                slash = "_slash" if route.path.endswith("/") and route.path != "/" else ""
                route.name = f"{host}.{re.sub(r'_slash$', '', names)}{slash}"
            table.append(route)
    return table


routes: list[BaseRoute] = _name_routes(HOSTS)
OPERATIONS: tuple[Operation, ...] = _operations(HOSTS)

__all__ = ["DISPATCHED", "HOSTS", "OPERATIONS", "Operation", "routes"]

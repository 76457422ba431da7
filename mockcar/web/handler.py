"""The one shape of an HTTP handler in the web layer: a Starlette request in, a
response out. Every host's handlers (API v2 and v3, Management, Connect pages) have it;
the routing table (mockcar.web.routes) names them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Awaitable[Response]]

__all__ = ["Handler", "operations_of", "with_operations"]


def with_operations(endpoint: Handler, operations: Mapping[str, str]) -> Handler:
    """Record the operation each method of `endpoint` performs (`{"GET": "get_connection",
    "DELETE": "delete_connection"}`), for an endpoint serving several: the routing table
    (mockcar.web.routes) names its rows by them."""
    setattr(endpoint, _OPERATIONS, dict(operations))
    return endpoint


def operations_of(endpoint: object) -> dict[str, str] | None:
    """What `with_operations` recorded for `endpoint`, if anything."""
    found = getattr(endpoint, _OPERATIONS, None)
    return dict(found) if isinstance(found, dict) else None


_OPERATIONS = "mockcar_operations"

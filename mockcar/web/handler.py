"""The one shape of an HTTP handler in the web layer: a Starlette request in, a
response out. Every host's handlers (API v2 and v3, Management, Connect pages) have it;
the routing table (mockcar.web.routes) names them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Awaitable[Response]]

__all__ = ["Handler"]

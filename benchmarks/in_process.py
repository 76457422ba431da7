"""One GET sent to an ASGI app in this process (no socket, no server): the benchmarks
that time mockcar's own work per request."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message


async def get(app: ASGIApp, target: str, *headers: tuple[bytes, bytes]) -> int:
    """The status `app` answers `GET target` (a path with an optional query) with."""
    path, _, query = target.partition("?")
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"localhost"), *headers], "client": ("127.0.0.1", 1),
        "server": ("localhost", 80),
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status

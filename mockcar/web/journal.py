"""The request journal's recorder: a pure ASGI middleware (issue 5, "Request journal").

After each response it appends one entry to the journal of the request's tenant
(mockcar.web.tenancy decides which; usually the handler already has). It is on every
request's path, so it does little there: a clock read before and after, the status off
the response start, the request body only for methods that carry one (and only up to
`BODY_LIMIT` bytes; a body the handler left unread is read when it answers), and a dozen
attribute reads to build the entry. Redaction happens
when entries are shown, never here. Requests to the control API itself are not recorded:
they are the test talking to mockcar, not the application under test.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockcar.domain.journal import BODY_LIMIT, token_id
from mockcar.web import tenancy

CONTROL_PREFIX = "/_mockcar"
# Headers kept with an entry (Authorization is shown with its credential redacted).
KEPT_HEADERS = frozenset({
    b"authorization", b"content-type", b"sc-unit-system", b"user-agent", b"accept",
    b"sc-signature",
})
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class JournalMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before answering, the client sees a 500
        chunks: list[bytes] = []
        size = 0
        finished = scope["method"] in _BODYLESS  # nothing to keep, or all of it read

        def keep(message: Message) -> None:
            nonlocal size, finished
            if message["type"] != "http.request":
                finished = True
                return
            body: bytes = message.get("body", b"")
            if size <= BODY_LIMIT:
                chunks.append(body[:BODY_LIMIT + 1 - size])
            size += len(body)
            finished = not message.get("more_body", False)

        async def keep_body() -> Message:
            message = await receive()
            keep(message)
            return message

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # A handler that answered without reading the body (a wrong content
                # type): read it now, while the server still has it, so the journal
                # shows what was sent. Bounded: past the limit the rest is not read.
                while not finished and size <= BODY_LIMIT:
                    keep(await receive())
            await send(message)

        try:
            await self.app(scope, receive if finished else keep_body, record_status)
        finally:
            _record(scope, status, (time.perf_counter() - started) * 1000, chunks, size)


def _record(scope: Scope, status: int, duration_ms: float, chunks: list[bytes],
            size: int) -> None:
    claim = tenancy.claim(scope)
    path: str = scope["path"]
    vehicle_id = None
    if "/vehicles/" in path:
        parts = path.split("/", 4)
        if len(parts) > 3 and parts[2] == "vehicles":
            vehicle_id = parts[3] or None
    claim.journal.record(
        at=datetime.now(UTC),
        method=scope["method"],
        path=path,
        query=scope.get("query_string", b"").decode("latin-1"),
        headers=tuple((k.decode("latin-1"), v.decode("latin-1"))
                      for k, v in scope["headers"] if k in KEPT_HEADERS),
        body=b"".join(chunks)[:BODY_LIMIT],
        body_truncated=size > BODY_LIMIT,
        status=status,
        duration_ms=duration_ms,
        client_id=claim.client_id,
        vehicle_id=vehicle_id,
        token_id=token_id(claim.token) if claim.token else None,
        request_id=scope.get("state", {}).get("request_id"),
    )

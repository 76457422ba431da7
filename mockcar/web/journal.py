"""The request journal's recorder: a pure ASGI middleware (the journal itself is
mockcar.domain.journal.journal).

After each response it appends one entry to the journal of the request's tenant
(mockcar.web.tenancy decides which; usually the handler already has). It is on every
request's path, so it does little there: a clock read before and after, the status off
the response start, the request body only for methods that carry one (and only up to
`BODY_LIMIT` bytes; a body the handler left unread is read when it answers), the
response's header list as sent and its body up to `BODY_LIMIT`, and an entry of raw
values appended to a ring. Decoding, hashing and redaction happen when entries
are shown, never here. Requests to the control API itself are not recorded:
they are the test talking to mockcar, not the application under test; nor are the
dashboard's pages and their files (a person looking at mockcar).
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockcar.domain.journal.journal import BODY_LIMIT
from mockcar.web import tenancy
from mockcar.web.dashboard import paths as dashboard
from mockcar.wire.errors import HINT_HEADER

_HINT_HEADER = HINT_HEADER.encode()

CONTROL_PREFIX = "/_mockcar"
_NOT_RECORDED = (CONTROL_PREFIX, *dashboard.PREFIXES)
# What a browser fetches for mockcar's pages (the icon; the document /docs draws): a
# person reading, which would otherwise fill the unclaimed journal as they browse.
_PAGE_FILES = frozenset({"/", "/favicon.svg", "/openapi.json"})


def _not_recorded(path: str) -> bool:
    """The control API, and the dashboard's pages and files (one prefix test for the
    Vehicle API's paths)."""
    return path in _PAGE_FILES or (path.startswith(_NOT_RECORDED) and (
        path.startswith(CONTROL_PREFIX) or dashboard.is_dashboard(path)))
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class JournalMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _not_recorded(scope["path"]):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before answering, the client sees a 500
        hint: str | None = None
        chunks: list[bytes] = []
        size = 0
        response_headers: list[tuple[bytes, bytes]] = []
        answer: list[bytes] = []
        answered = 0
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
            nonlocal status, hint, response_headers, answered
            if message["type"] == "http.response.body":
                if answered <= BODY_LIMIT:
                    part: bytes = message.get("body", b"")
                    answer.append(part[:BODY_LIMIT + 1 - answered])
                    answered += len(part)
                else:
                    answered += len(message.get("body", b""))
            elif message["type"] == "http.response.start":
                status = message["status"]
                response_headers = message.get("headers", [])
                if status >= 400:
                    hint = _hint(message)
                # A handler that answered without reading the body (a wrong content
                # type): read it now, while the server still has it, so the journal
                # shows what was sent. Bounded: past the limit the rest is not read.
                while not finished and size <= BODY_LIMIT:
                    keep(await receive())
            await send(message)

        try:
            await self.app(scope, receive if finished else keep_body, record_status)
        finally:
            _record(scope, status, (time.perf_counter() - started) * 1000, chunks, size,
                    hint, response_headers, answer, answered)


def _hint(start: Message) -> str | None:
    for name, value in start.get("headers", ()):
        if name.lower() == _HINT_HEADER:
            return bytes(value).decode("latin-1")
    return None


def _record(scope: Scope, status: int, duration_ms: float, chunks: list[bytes],
            size: int, hint: str | None, response_headers: list[tuple[bytes, bytes]],
            answer: list[bytes], answered: int) -> None:
    claim = tenancy.claim(scope)
    claim.journal.record(
        time.time(), scope["method"], scope["path"], scope.get("query_string", b""),
        scope["headers"], b"".join(chunks) if chunks else b"", size > BODY_LIMIT, status,
        duration_ms, claim.client_id, claim.token, scope["state"].get("request_id"), hint,
        response_headers, b"".join(answer) if answer else b"", answered > BODY_LIMIT,
    )

"""The request journal as it grows, as server-sent events
(https://html.spec.whatwg.org/multipage/server-sent-events.html): the dashboard's live
requests monitor reads it, and so can a script (`curl -N`).

* `GET /_mockcar/journal/stream`: the scenario World's journal;
* `GET /_mockcar/applications/{client_id}/journal/stream`: an application's, with its
  credentials, as every route under /applications/{client_id}/;
* `GET /_mockcar/journal/unclaimed/stream`: the requests no application claimed (an
  unknown token, no credentials), as `GET /_mockcar/journal/unclaimed` lists them.

The events:

    event: request      one entry as `GET …/journal` shows it (redacted); `id:` its seq
    event: cleared      the journal was cleared (`data: {}`)
    event: dropped      this client fell behind: `data: {"dropped": n}` entries left out
    : keep-alive        a comment every `heartbeat` seconds, so proxies keep it open

Query parameters: the journal's filters (method, path, status, vehicle_id, client_id,
token, token_id); `since`, a seq: the entries kept after it are sent first (a browser
reconnecting sends `Last-Event-ID`, which counts the same), otherwise only what is
recorded from now on; `heartbeat`, the seconds between keep-alive comments.

Each stream has a bounded queue: the journal is recorded on the request path and never
waits for a slow reader; what does not fit is counted and reported as `dropped`. A
stream ends when its client goes away and when the server shuts down
(`end_streams(app)`: uvicorn waits for every open response before it stops, and a stream
never ends by itself). These routes are not in the control operation table: that table
answers JSON, and the Postman tour, which runs every route of it, cannot read a stream
that does not end.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from mockcar.domain.journal.journal import Entry, Journal, Match
from mockcar.web.control import responses as wire
from mockcar.web.control import schemas as s
from mockcar.web.control.operations import (
    APPLICATION_PREFIX,
    PREFIX,
    Context,
    ControlError,
    invalid,
)
from mockcar.web.control.routes import ALL_METHODS, aim
from mockcar.web.control.world import JOURNAL_QUERY, match
from mockcar.web.handler import with_operations

PATH = "/journal/stream"
QUEUE_LIMIT = 500  # entries waiting for one slow client; more are dropped and counted
MAX_STREAMS = 64  # open streams per server
HEARTBEAT = 15.0  # seconds between keep-alive comments
HEARTBEAT_RANGE = (0.05, 300.0)
RETRY_MS = 1000  # how soon a browser's EventSource reconnects
MEDIA_TYPE = "text/event-stream; charset=utf-8"


class End:
    """Put in a stream's queue when the server shuts down."""


_END = End()


@dataclass(eq=False)
class Stream:
    """One client's stream: what is waiting for it, and how much did not fit."""

    queue: asyncio.Queue[Entry | None | End] = field(default_factory=asyncio.Queue)
    dropped: int = 0
    ended: bool = False

    def offer(self, item: Entry | None) -> None:
        """The journal's watcher: never blocks, never grows past QUEUE_LIMIT."""
        if self.queue.qsize() >= QUEUE_LIMIT:
            self.dropped += 1
        else:
            self.queue.put_nowait(item)

    def end(self) -> None:
        self.ended = True
        self.queue.put_nowait(_END)  # unbounded: the end always fits


@dataclass(eq=False)
class Streams:
    """Every open stream of one app (`app.state.journal_streams`)."""

    open: set[Stream] = field(default_factory=set)
    closing: bool = False

    def admit(self) -> None:
        """Refuse a new stream (503) while the server shuts down or `MAX_STREAMS` of
        either kind (journal, World) are open."""
        if self.closing:
            raise ControlError(503, "unavailable", "The server is shutting down.")
        if len(self.open) >= MAX_STREAMS:
            raise ControlError(503, "unavailable",
                               f"{MAX_STREAMS} streams (journal and World) are open, the "
                               "most mockcar serves at once; close one.",
                               headers={"Retry-After": "5"})


def get_only(request: Request) -> None:
    """A stream answers GET (and HEAD); any other method the control API's 405."""
    if request.method not in ("GET", "HEAD"):
        raise ControlError(405, "method_not_allowed",
                           f"{request.method} is not allowed here; use GET.",
                           headers={"Allow": "GET, HEAD"})


def streams_of(state: Any) -> Streams:
    found: Streams | None = getattr(state, "journal_streams", None)
    if found is None:
        found = Streams()
        state.journal_streams = found
    return found


def end_streams(app: Any) -> int:
    """End every open journal stream of `app` (mockcar's Starlette app, or an ASGI app
    wrapping it as `.app`) and refuse new ones; the server calls it when it starts
    shutting down. Returns how many were open."""
    while not hasattr(app, "state") and hasattr(app, "app"):  # the console's RequestLog
        app = app.app
    if not hasattr(app, "state"):
        return 0
    streams = streams_of(app.state)
    streams.closing = True
    ended = list(streams.open)
    for stream in ended:
        stream.end()
    return len(ended)


def encode_event(kind: str, data: dict[str, Any], seq: int | None = None) -> bytes:
    # JSON without indentation holds no raw newline, so one data: line carries it.
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    head = f"id: {seq}\n" if seq is not None else ""
    return f"{head}event: {kind}\ndata: {text}\n\n".encode()


def _since(request: Request) -> int | None:
    raw = request.headers.get("last-event-id") or request.query_params.get("since")
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise invalid("since (or Last-Event-ID) must be a whole number.",
                      ["since: must be a whole number"])
    return int(raw)


def heartbeat_of(request: Request) -> float:
    raw = request.query_params.get("heartbeat")
    if raw is None or raw == "":
        return HEARTBEAT
    low, high = HEARTBEAT_RANGE
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (low <= value <= high):
        raise invalid(f"heartbeat must be a number of seconds from {low:g} to {high:g}.",
                      [f"heartbeat: must be from {low:g} to {high:g}"])
    return value


class EventStream(Response):
    """A text/event-stream response that ends on the client's disconnect, or when the
    stream is ended, whichever comes first, whatever ASGI version the server speaks."""

    media_type = MEDIA_TYPE

    def __init__(self, events: AsyncIterator[bytes]) -> None:
        # No Response.__init__: it would declare a Content-Length for an empty body.
        self.status_code, self.background, self.events = 200, None, events
        self.raw_headers = [(b"content-type", MEDIA_TYPE.encode()),
                            (b"cache-control", b"no-store"), (b"x-accel-buffering", b"no")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.raw_headers})
        if scope.get("method") == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        async with anyio.create_task_group() as group:

            async def watch_disconnect() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                group.cancel_scope.cancel()

            group.start_soon(watch_disconnect)
            try:
                async for chunk in self.events:
                    await send({"type": "http.response.body", "body": chunk,
                                "more_body": True})
                await send({"type": "http.response.body", "body": b""})
            except OSError:  # the client went away while we wrote
                pass
            finally:
                group.cancel_scope.cancel()


async def _events(journal: Journal, found: Match, since: int | None, heartbeat: float,
                  streams: Streams) -> AsyncGenerator[bytes, None]:
    stream = Stream()
    streams.open.add(stream)
    # Watch before reading what is kept: no await in between, so nothing slips past.
    stop = journal.watch(stream.offer)
    try:
        yield f"retry: {RETRY_MS}\n: mockcar request journal\n\n".encode()
        last = since if since is not None else journal.last_seq()
        if since is not None:
            for entry in journal.entries(Match(since=since)):
                if found(entry):
                    yield encode_event("request", wire.entry(entry), entry.seq)
                last = entry.seq
        reported = 0
        while not stream.ended:
            try:
                item = await asyncio.wait_for(stream.queue.get(), heartbeat)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            if stream.dropped > reported:
                yield encode_event("dropped", {"dropped": stream.dropped - reported})
                reported = stream.dropped
            if isinstance(item, End):
                break
            if item is None:
                yield encode_event("cleared", {})
            elif item.seq > last:
                last = item.seq
                if found(item):
                    yield encode_event("request", wire.entry(item), item.seq)
    finally:
        stop()
        streams.open.discard(stream)


SCENARIO, APPLICATION, UNCLAIMED = "scenario", "application", "unclaimed"


def _endpoint(which: str) -> Any:
    async def stream_journal(request: Request) -> Response:
        get_only(request)
        context = Context(request, {}, request.app.state.tenants, request.app.state.scenarios)
        if which == UNCLAIMED:
            context.journal = context.tenants.unclaimed_journal
        else:
            aim(context, which == APPLICATION)
        filters = {k: v for k, v in request.query_params.items() if k != "since"}
        found = match(filters)
        since, heartbeat = _since(request), heartbeat_of(request)
        streams = streams_of(request.app.state)
        streams.admit()
        return EventStream(_events(context.target_journal, found, since, heartbeat, streams))

    # Every method reaches it, so a wrong one gets the control API's 405, not the
    # catch-all's 404.
    name = "stream_unclaimed_journal" if which == UNCLAIMED else "stream_journal"
    stream_journal.__name__ = stream_journal.__qualname__ = name
    return with_operations(stream_journal, {"GET": name})


UNCLAIMED_PATH = "/journal/unclaimed/stream"
stream_journal = _endpoint(SCENARIO)
routes: list[BaseRoute] = [
    Route(PREFIX + PATH, stream_journal, methods=ALL_METHODS),
    Route(APPLICATION_PREFIX + PATH, _endpoint(APPLICATION), methods=ALL_METHODS),
    Route(PREFIX + UNCLAIMED_PATH, _endpoint(UNCLAIMED), methods=ALL_METHODS),
]


# -- OpenAPI ------------------------------------------------------------------------------

_DESCRIPTION = (
    "Server-sent events: `event: request` with `id:` the entry's seq and `data:` the entry "
    "as GET …/journal shows it; `event: cleared` when the journal is cleared; `event: "
    "dropped` with `{\"dropped\": n}` when this client fell behind by n entries (each "
    f"stream queues at most {QUEUE_LIMIT}); a `: keep-alive` comment every `heartbeat` "
    "seconds. A reconnecting EventSource sends Last-Event-ID and gets what it missed."
)


# The `heartbeat` query parameter every stream takes.
HEARTBEAT_PARAMETER = ("heartbeat", {"type": "number", "minimum": HEARTBEAT_RANGE[0],
                                     "maximum": HEARTBEAT_RANGE[1]},
                       f"seconds between keep-alive comments (default {HEARTBEAT:g})")


def stream_operation(operation_id: str, summary: str, description: str,
                     query: list[tuple[str, Any, str]], scoped: bool,
                     headers: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """The OpenAPI path item of a control route answering server-sent events: `query` as
    (name, schema, description); `scoped` under /applications/{client_id}/."""
    error = {"description": "Error (control API shape)", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ControlError"}}}}
    parameters: list[dict[str, Any]] = (
        [{"name": "client_id", "in": "path", "required": True, "schema": s.STRING}]
        if scoped else [])
    parameters += [{"name": name, "in": "query", "required": False, "schema": schema,
                    "description": text} for name, schema, text in query]
    parameters += headers
    return {"get": {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": ["mockcar control"],
        "parameters": parameters,
        "responses": {
            "200": {"description": "An event stream that ends when the client "
                    "disconnects or the server shuts down", "content": {
                        "text/event-stream": {"schema": {"type": "string"}}}},
            "default": error,
        },
        "security": ([{"mockcarManagementToken": []}, {"mockcarClientBasic": []}]
                     if scoped else []),
    }}


def openapi() -> dict[str, Any]:
    """The journal's stream routes, for the document at /openapi.json to merge."""
    query = [q for q in JOURNAL_QUERY if q[0] != "since"] + [
        ("since", s.COUNT_NUMBER,
         "send the kept entries after this seq first (as Last-Event-ID does)"),
        HEARTBEAT_PARAMETER,
    ]
    last_event_id = {"name": "Last-Event-ID", "in": "header", "required": False,
                     "schema": s.STRING, "description": "the last seq received"}
    return {"paths": {path: stream_operation(
        {SCENARIO: "mockcar_stream_journal",
         APPLICATION: "mockcar_stream_journal_of_application",
         UNCLAIMED: "mockcar_stream_unclaimed_journal"}[which],
        ("The requests no application claimed, live, as server-sent events"
         if which == UNCLAIMED else "The request journal live, as server-sent events"),
        _DESCRIPTION, query, which == APPLICATION, (last_event_id,))
        for path, which in ((PREFIX + PATH, SCENARIO), (APPLICATION_PREFIX + PATH, APPLICATION),
                            (PREFIX + UNCLAIMED_PATH, UNCLAIMED))}}


__all__ = ["HEARTBEAT_PARAMETER", "PATH", "UNCLAIMED_PATH", "End", "EventStream", "Stream",
           "Streams", "encode_event", "end_streams", "get_only", "heartbeat_of", "openapi",
           "routes", "stream_journal", "stream_operation", "streams_of"]

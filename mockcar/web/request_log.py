"""The console's request log of `mockcar serve`: one line a request, written after the
response went out.

    17:40:02 GET /v2.0/vehicles/5bc4…/odometer 200 1.3 ms app="Demo App"
    17:40:09 GET /v2.0/vehicles/5bc4…/lock 403 0.9 ms app="Demo App" hint: the token …

Method, path (never the query string, which carries codes and states; every vehicle
route has the vehicle id in it), status, time in milliseconds, the application when the
request was claimed by one (mockcar.web.tenancy), and on an error the `mockcar-hint`
header mockcar sent. Colour only on a terminal (and never under NO_COLOR).

On the request path it costs a clock read before and after and a wrapped `send` that
notes the status and hint; the line is formatted once the response is complete. The
server does not install it at all under `--quiet`.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockcar.web import tenancy
from mockcar.wire.errors import HINT_HEADER

_HINT = HINT_HEADER.encode()
_RESET = "\033[0m"
_DIM = "\033[2m"
_STATUS_COLOURS = {2: "\033[32m", 3: "\033[36m", 4: "\033[33m", 5: "\033[31m"}


class RequestLog:
    def __init__(self, app: ASGIApp, stream: TextIO | None = None,
                 colour: bool | None = None) -> None:
        self.app = app
        self.stream = stream if stream is not None else sys.stdout
        if colour is None:
            colour = _is_terminal(self.stream) and not os.environ.get("NO_COLOR")
        self.colour = colour

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        start: Message | None = None

        async def noting_start(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            await send(message)

        try:
            await self.app(scope, receive, noting_start)
        finally:
            self.write(scope, start, (time.perf_counter() - started) * 1000)

    def write(self, scope: Scope, start: Message | None, duration_ms: float) -> None:
        # No answer started: the app failed, and the server answers 500.
        status = int(start["status"]) if start is not None else 500
        hint = _hint(start) if start is not None and status >= 400 else None
        try:
            self.stream.write(line(scope, status, duration_ms, hint, self.colour) + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken console must not break serving


def line(scope: Scope, status: int, duration_ms: float, hint: str | None,
         colour: bool = False) -> str:
    parts = [_clock(), scope["method"], scope["path"],
             _paint(str(status), _STATUS_COLOURS.get(status // 100, ""), colour),
             f"{duration_ms:.1f} ms"]
    app = _application(scope)
    if app:
        parts.append(f'app="{app}"')
    if hint:
        parts.append(_paint(f"hint: {hint}", _DIM, colour))
    return " ".join(parts)


_shown_second = -1
_shown_clock = ""


def _clock() -> str:
    """The local time of day, formatted once a second however many lines it starts."""
    global _shown_second, _shown_clock
    now = int(time.time())
    if now != _shown_second:
        _shown_second, _shown_clock = now, time.strftime("%H:%M:%S", time.localtime(now))
    return _shown_clock


def _application(scope: Scope) -> str | None:
    """The name of the application the request was claimed by, if it was (the journal
    claims every request outside the control API before this runs)."""
    claim: tenancy.Claim | None = scope.get("state", {}).get(tenancy.CLAIM)
    if claim is None or claim.client_id is None:
        return None
    application = claim.world.applications.get(claim.client_id)
    return application.name if application is not None else claim.client_id


def _hint(start: Message) -> str | None:
    for name, value in start.get("headers", ()):
        if bytes(name).lower() == _HINT:
            return bytes(value).decode("latin-1")
    return None


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{_RESET}" if colour and code else text


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

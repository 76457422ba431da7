"""`mockcar serve --import FILE --export-on-exit FILE`: the restored applications swapped
into the app before it serves, and a snapshot of the whole server written when its ASGI
lifespan ends, which uvicorn runs on a clean shutdown (Ctrl-C, SIGTERM) and not on a
kill -9 or a crash.

Written against the ASGI interface only (https://asgi.readthedocs.io/en/latest/specs/
lifespan.html), so this layer needs no web framework.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from mockcar.state import files, snapshot

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]


def export(app: Any, target: Path) -> None:
    """The whole server's snapshot written to `target`; a failure is one line on stderr."""
    state = app.state
    settings = state.settings
    document = snapshot.server_document(
        state.world, state.tenants, snapshot.fingerprint(settings.scenario, settings.seed))
    try:
        files.write_document(target, document)
    except snapshot.SnapshotError as error:
        print(f"mockcar: --export-on-exit: {error}", file=sys.stderr, flush=True)
    else:
        print(f"mockcar: snapshot written to {target}", file=sys.stderr, flush=True)


def on_start_and_exit(app: Any, restored: list[snapshot.Rebuilt],
                      export_to: Path | None) -> ASGI:
    """`app` (a Starlette app made by mockcar.app.create_app) with `restored` registered,
    and, with `export_to`, writing a snapshot as its lifespan shuts down."""
    snapshot.swap_in(app.state.tenants, restored)
    if export_to is None:
        inner: ASGI = app
        return inner
    target = export_to

    async def exporting(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            # After the app's own shutdown (the webhook dispatcher stopped), before
            # uvicorn is told it is done.
            if message["type"] == "lifespan.shutdown.complete":
                export(app, target)
            await send(message)

        await app(scope, receive, sending)

    return exporting

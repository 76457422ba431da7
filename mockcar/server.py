"""Running the app under uvicorn (or granian, `--server granian`), and the banner that
tells a user how to point the Smartcar SDKs at it."""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING

import uvicorn
from starlette.types import ASGIApp

from mockcar.app import create_app
from mockcar.domain.world.world import World
from mockcar.settings import Settings, sdk_environment
from mockcar.web.control.journal_stream import end_streams

if TYPE_CHECKING:
    from pathlib import Path

    from mockcar.state.keeper import StateKeeper
    from mockcar.state.snapshot import Rebuilt


class Server(uvicorn.Server):
    """uvicorn, ending the app's live streams (the request journal's server-sent events)
    as it starts shutting down: uvicorn waits for every open response before the app's
    lifespan ends, and a stream never ends by itself."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        end_streams(self.config.app)
        await super().shutdown(sockets)


class PortInUse(Exception):
    """Something already listens on the address `mockcar serve` was asked to use."""


def unavailable(settings: Settings) -> str | None:
    """Why the server `settings` asks for cannot run here, or None."""
    if settings.server == "granian":
        import importlib.util

        if importlib.util.find_spec("granian") is None:
            return ("--server granian needs granian: pip install 'mockcar[granian]' "
                    "(or leave --server out for uvicorn)")
    return None


def listen(settings: Settings) -> tuple[socket.socket, Settings]:
    """Bind the listening socket before anything is printed, so a taken port is one
    clear line instead of a banner followed by uvicorn's bind error. Port 0 becomes the
    port the system picked, in the returned settings (banner, links, Connect URL)."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # As uvicorn binds: a port left in TIME_WAIT by a previous run is reusable at once
    # (on Linux this never lets two servers listen on one port).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(f"{settings.host}:{settings.port} is in use; pass --port or set "
                            "MOCKCAR_PORT") from None
        raise
    # Listening at once: a client that follows the banner before uvicorn has started
    # waits in the backlog instead of being refused.
    sock.listen(2048)
    port = int(sock.getsockname()[1])
    return sock, settings if port == settings.port else settings.with_(port=port)


def banner(settings: Settings, world: World) -> str:
    base = settings.base_url
    lines = [f"mockcar serving {settings.scenario.name} on {base}", ""]
    if settings.speed != 1.0:
        lines[0] += f", the clock at {settings.speed:g}x real time"
    for app in world.applications.values():
        lines += [
            f"Application {app.name!r}",
            f"  client id:        {app.client_id}",
            f"  client secret:    {app.client_secret}",
            f"  redirect URIs:    {', '.join(app.redirect_uris)}",
            f"  management token: {app.management_token}",
        ]
        lines += [f"  webhook:          {hook.id} ({hook.name})" for hook in app.webhooks]
        lines.append("")
    lines.append("Point the official SDKs (Python, Node, Java, Ruby) at mockcar (Python: before "
                 "importing it):")
    lines += [f"  export {k}={v}" for k, v in sdk_environment(base).items()]
    first = next(iter(world.applications.values()), None)
    if first is not None:
        lines += [
            f"  export SMARTCAR_CLIENT_ID={first.client_id}",
            f"  export SMARTCAR_CLIENT_SECRET={first.client_secret}",
            f"  export SMARTCAR_REDIRECT_URI={first.redirect_uris[0]}",
        ]
    lines += [
        "Node and Ruby SDKs: SMARTCAR_AUTH_ORIGIN is the origin only:",
        f"  export SMARTCAR_AUTH_ORIGIN={base}",
        "",
        f"Connect: {base}/oauth/authorize?response_type=code&mode=test&client_id="
        + (first.client_id if first else "<client id>"),
    ]
    if not settings.quiet:
        lines += ["", "Requests are logged below, one a line (--quiet turns that off)."]
    return "\n".join(lines)


def serve(settings: Settings, world: World | None = None,
          sock: socket.socket | None = None, *, keeper: StateKeeper | None = None,
          restored: list[Rebuilt] | None = None, export_to: Path | None = None) -> None:
    """Serve in this process, on `sock` when `listen` bound one. One worker only: the
    World lives in memory, and tokens issued by one process would be unknown to
    another. `restored`: registered applications from `--import`; `export_to`: where
    `--export-on-exit` writes the snapshot when the server shuts down cleanly."""
    app: ASGIApp = create_app(settings, world, keeper=keeper)
    if restored or export_to is not None:
        from mockcar.state.exports import on_start_and_exit

        app = on_start_and_exit(app, restored or [], export_to)
    if not settings.quiet:
        # Around the whole app, and only here: the console belongs to `mockcar serve`;
        # quiet, the request path carries nothing of it.
        from mockcar.web.request_log import RequestLog

        app = RequestLog(app)
    if settings.server == "granian":
        _run_granian(app, settings, sock)
        return
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, loop="uvloop", http="httptools",
        # No WebSocket route anywhere (the journal streams server-sent events): nor the
        # websockets library at start.
        ws="none", log_level="info", access_log=False, lifespan="on",
    )
    server = Server(config)
    server.run(sockets=[sock] if sock is not None else None)


def _run_granian(app: ASGIApp, settings: Settings, sock: socket.socket | None) -> None:
    """granian's embedded server on this process's event loop: one process, as under
    uvicorn, so the World and the webhook dispatcher (the ASGI lifespan) live beside the
    requests. Ctrl-C and SIGTERM end the live streams, then stop it; the process exits 0.
    granian binds the address itself, so the socket `listen` held is closed first."""
    import asyncio
    import signal

    import uvloop
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server.embed import Server as Granian

    host, port = settings.host, settings.port
    if sock is not None:
        host, port = sock.getsockname()[:2]
        sock.close()

    async def run() -> None:
        # Errors only: the banner says where mockcar listens, and granian calls its
        # embedded mode experimental at every start.
        server = Granian(app, address=host, port=port, interface=Interfaces.ASGI,
                         websockets=False, backlog=2048, log_level=LogLevels.error)

        def stop() -> None:
            end_streams(app)
            server.stop()  # type: ignore[no-untyped-call]  # granian leaves it unannotated

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop)
        await server.serve()

    uvloop.run(run())

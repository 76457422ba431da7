"""`MockcarServer`: the real app under real uvicorn, in a thread, on 127.0.0.1 and a
free port. Tests start it and stop it; nothing is left listening.

The listening socket is bound before uvicorn starts and handed to it, so parallel test
processes (pytest-xdist workers) can never race for the same port.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Self

import uvicorn

from mockcar.app import create_app
from mockcar.domain.world.world import World
from mockcar.server import Server
from mockcar.settings import Settings, sdk_environment

STARTUP_TIMEOUT = 10.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class MockcarServer:
    def __init__(self, settings: Settings | None = None, world: World | None = None) -> None:
        settings = settings or Settings()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        port = int(self._socket.getsockname()[1])
        self.settings = settings.with_(host="127.0.0.1", port=port)
        self.app = create_app(self.settings, world)
        config = uvicorn.Config(
            self.app, host=self.settings.host, port=self.settings.port,
            loop="uvloop", http="httptools", log_level="warning", access_log=False,
            # On: the lifespan runs the webhook dispatcher (mockcar.delivery).
            lifespan="on",
        )
        self._server = Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="mockcar",
            daemon=True,
        )

    @property
    def world(self) -> World:
        """The scenario World (a reset through the control API replaces it)."""
        world: World = self.app.state.world
        return world

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def sdk_environment(self) -> dict[str, str]:
        return sdk_environment(self.url)

    def start(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"mockcar did not start on {self.url}")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=STARTUP_TIMEOUT)
        self._socket.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

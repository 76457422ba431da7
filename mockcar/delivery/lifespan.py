"""Running the webhook dispatcher with the app: a Starlette lifespan that starts it and
stops it, and a middleware that wakes it after every request that may have changed
something (mockcar.app wires both).

The dispatcher is `app.state.dispatcher` while the app runs; it is None before startup
and after shutdown — and for apps driven by Starlette's `TestClient` outside a `with`
block, which runs no lifespan: their webhook events simply wait in the outbox.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from mockcar.delivery.dispatcher import Dispatcher
from mockcar.domain.world.world import World

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def worlds(app: Starlette) -> list[World]:
    """The scenario World and every tenant's, as they are now."""
    return [app.state.world, *(tenant.world for tenant in app.state.tenants)]


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    dispatcher = Dispatcher(lambda: worlds(app), app.state.settings.base_url)
    keeper = getattr(app.state, "keeper", None)
    if keeper is not None:  # `mockcar serve --state`: attempts are saved as they happen
        dispatcher.on_change = keeper.commit_background
    await dispatcher.start()
    app.state.dispatcher = dispatcher
    try:
        yield
    finally:
        app.state.dispatcher = None
        await dispatcher.stop()
        if keeper is not None:
            keeper.close()


class WakeOnChange:
    """After a POST, PUT, PATCH or DELETE has been answered, run a dispatcher pass: the
    request may have subscribed a vehicle, sent a command, moved the clock or set state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        if scope["type"] == "http" and scope.get("method") in MUTATING:
            dispatcher = getattr(scope["app"].state, "dispatcher", None)
            if dispatcher is not None:
                dispatcher.wake()

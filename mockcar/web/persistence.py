"""Commit before answering (`mockcar serve --state`): a request that may have changed a
World has its changes written to the state store before its response starts, so a
client that got an answer — a 2xx above all — can rely on it surviving a `kill -9`.

Pure ASGI, around the routes: the handler's response is held, not sent, until the
handler has returned. Then the request's World (the tenant its credentials claim; every
World after a control request, which may register, reset or remove applications) is
diffed against what was last written, the changes are written in a transaction shared
with the requests answered meanwhile (a group commit:
mockcar.state.keeper.StateKeeper.commit), and only then does the held response go out.
If the write fails, the response is replaced by a 503 in the endpoint's own error shape
(mockcar.web.error_shapes) and the failure is logged; nothing is acknowledged that was
not written. The World in memory keeps the change, and the next commit that works
writes it too: the 503 means "not known to be saved", as a real server's would.

Which requests: every method but GET, HEAD and OPTIONS; and a GET that can change state
— a Connect page, or any request to a World with fault rules not used up (their
counters), rate limits (their buckets) or API v3 executions still pending (a read
settles them). A plain read of a World with none of these costs one dictionary lookup
here. Without `--state` (`app.state.keeper` is None) the middleware only passes
requests on.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockcar.domain.world.tenants import Tenant
from mockcar.domain.world.world import World
from mockcar.errors import SmartcarError
from mockcar.state.store import StoreError
from mockcar.web import error_shapes, tenancy
from mockcar.web import errors as v2_errors
from mockcar.web.connect import pages as connect
from mockcar.web.control.operations import ControlError
from mockcar.web.error_shapes import Shape
from mockcar.web.v3 import errors as v3_errors
from mockcar.web.v3 import management as webhooks_v3

log = logging.getLogger("mockcar.state")

READS = frozenset({"GET", "HEAD", "OPTIONS"})
CONTROL = "/_mockcar"
UNAVAILABLE = 503
UNSAVED = ("mockcar could not save this change to its state file ({}); the change is not "
           "known to be kept. Retry once the state file is writable again.")


class Keeper(Protocol):
    """What the middleware needs of mockcar.state.keeper.StateKeeper."""

    async def commit(self, tenant: Tenant | None, world: World | None) -> None: ...


class CommitBeforeAnswer:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        keeper: Keeper | None = None
        if scope["type"] == "http":
            keeper = getattr(scope["app"].state, "keeper", None)
        if keeper is None or (scope["method"] in READS and not _may_change(scope)):
            await self.app(scope, receive, send)
            return
        # The response's messages are held, not sent, until the handler has returned: the
        # request then waits for its commit here, once, rather than suspended in the
        # handler's `send` under every frame of the routing and exception layers (which
        # a resumption would walk back through). A streamed response (a body with more
        # to come) commits at its first chunk instead, and streams from there.
        held: list[Message] = []
        streaming = saved = False

        async def holding(message: Message) -> None:
            nonlocal streaming, saved
            if streaming:
                if saved:  # else the handler's own response, swallowed after a 503
                    await send(message)
                return
            held.append(message)
            if message["type"] == "http.response.body" and message.get("more_body", False):
                streaming = True
                saved = await _answer(keeper, scope, receive, send, held)

        await self.app(scope, receive, holding)
        if held and not streaming:
            await _answer(keeper, scope, receive, send, held)


async def _answer(keeper: Keeper, scope: Scope, receive: Receive, send: Send,
                  held: list[Message]) -> bool:
    """Commit the request's World, then send the `held` messages; a 503 in the host's
    shape instead when the commit failed (False)."""
    try:
        await _commit(keeper, scope)
    except StoreError as error:
        log.error("mockcar: %s %s answered 503: %s", scope["method"], scope["path"], error)
        held.clear()
        await unavailable(Request(scope), str(error))(scope, receive, send)
        return False
    for message in held:
        await send(message)
    held.clear()
    return True


async def _commit(keeper: Keeper, scope: Scope) -> None:
    path: str = scope["path"]
    if path == CONTROL or path.startswith(CONTROL + "/"):
        await keeper.commit(None, None)
        return
    claim = tenancy.claim(scope)
    # The vehicle a request addresses was looked up (and marked touched for the
    # records) before the handler awaited its body and latency; a commit meanwhile
    # read it unchanged. Marked again, its change now is read.
    vehicle_id = scope.get("path_params", {}).get("vehicle_id")
    if isinstance(vehicle_id, str) and vehicle_id in claim.world.vehicles:
        claim.world.vehicles.touched.add(vehicle_id)
    await keeper.commit(claim.tenant, claim.world)


def _may_change(scope: Scope) -> bool:
    """A read that can change its World (see the module's docstring)."""
    path: str = scope["path"]
    if path.startswith(CONTROL):
        return False
    if path.startswith((connect.BASE, connect.REAUTHENTICATE)):
        return True
    world = tenancy.claim(scope).world
    return bool(world.faults.armed() or world.rate_limits.settings.enabled
                or world.executions.pending)


def unavailable(request: Request, reason: str) -> Response:
    """A 503 in the shape of the path's host."""
    message = UNSAVED.format(reason)
    headers = {"retry-after": "1"}
    match error_shapes.shape(request.url.path):
        case Shape.CONTROL:
            body: dict[str, Any] = ControlError(UNAVAILABLE, "state_unavailable", message).body()
            return JSONResponse(body, status_code=UNAVAILABLE, headers=headers)
        case Shape.MANAGEMENT:
            return webhooks_v3.error_response(UNAVAILABLE, message, headers,
                                              code="state_unavailable")
        case Shape.V3:
            return v3_errors.error_response(request, _server_error(message), UNAVAILABLE,
                                            headers)
        case Shape.OAUTH:
            # RFC 6749 §4.1.2.1's code for a server that cannot handle the request now.
            return JSONResponse({"error": "temporarily_unavailable",
                                 "error_description": message},
                                status_code=UNAVAILABLE, headers=headers)
        case Shape.PAGE:
            return connect.error_page(request, connect.PageError(
                UNAVAILABLE, "Service Unavailable", message, headers=headers))
        case _:
            return v2_errors.error_response(request, _server_error(message), UNAVAILABLE,
                                            headers)


def _server_error(message: str) -> SmartcarError:
    return SmartcarError("SERVER", "INTERNAL", message=message)


def declare(paths: dict[str, dict[str, Any]]) -> None:
    """Add the 503 of a state file that cannot be written to every operation of an
    OpenAPI document's `paths`, described like the operation's other errors."""
    for item in paths.values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            like = responses.get("default") or next(
                (responses[s] for s in ("500", "404", "400", "401", *responses)
                 if s in responses and s[0] in "45" and responses[s].get("content")), None)
            if like is None:
                continue
            responses.setdefault(str(UNAVAILABLE), {
                "description": "mockcar serve --state could not save the change (the state "
                               "file is not writable, the disk is full).",
                "content": like.get("content", {})})

"""`FastReads`: the pure ASGI callable in front of every middleware of the app
(`install`, called by mockcar.app) that answers the hot reads itself and hands every
other request on, untouched.

For a request it answers it does what the Starlette path would have done for it:

* the Guard's checks that apply to a Vehicle API GET (headers over 64 KiB go on, to be
  refused there; a GET declaring a body goes on too) and its `x-content-type-options`;
* the tenant's claim (mockcar.web.tenancy, kept in the scope where the console's
  request log finds the application), the read's rules and body (v2_reads, v3_signals);
* the World's latency for a v2 read (a wait through `app.state.sleep` when the app has
  one, a car asleep woken), and the read again after the wait;
* `sc-request-id` last among the headers, as mockcar.web.request_id puts it, and in
  `scope["state"]`;
* one journal entry, the same one mockcar.web.journal records.

It answers only a 200 of a plain `GET` without a query string, with a bearer token, on
a World without fault rules, rate limits or pending commands (they change state, which
mockcar.web.persistence then saves), without a test-mode login's error, for a vehicle
able to answer. Anything else (an error of any kind, HEAD, a query, a doubled slash, an
unknown read or signal, a read that needs the request's origin, a path under a root
path, an asleep car that answers ASLEEP) is passed to the Starlette stack, which
answers it as ever; so is a request whose answer raised here for any reason (before
the latency's draw, nothing has changed). WakeOnChange has nothing to do for a GET.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from mockcar.domain.journal.journal import BODY_LIMIT
from mockcar.domain.world.tenants import Tenants
from mockcar.domain.world.world import World
from mockcar.web import tenancy
from mockcar.web.fast_reads import v2_reads, v3_signals
from mockcar.web.fast_reads.encoding import request_id
from mockcar.web.guard import MAX_HEADER_BYTES

_BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})
_JSON = (b"content-type", b"application/json")
_NOSNIFF = (b"x-content-type-options", b"nosniff")
_REQUEST_ID = b"sc-request-id"
_CLAIMS_KEPT = 64

Route = v2_reads.Route | v3_signals.Route
# The request's claim and its answer (v2_reads.Answer).
Found = tuple[tenancy.Claim, bytes, list[tuple[bytes, bytes]], float,
              Callable[[], v2_reads.Rendered | None] | None]


def install(app: Starlette) -> None:
    """Put `FastReads` in front of `app`'s whole middleware stack, Starlette's own
    ServerErrorMiddleware included (a fast read fails before it answers or not at all),
    when Starlette builds the stack: middleware added later still joins it."""
    build = app.build_middleware_stack

    def build_behind_fast_reads() -> ASGIApp:
        return FastReads(build())

    app.build_middleware_stack = build_behind_fast_reads  # type: ignore[method-assign]


class FastReads:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Bearer token -> the claim it made, reused while it would be made again alike;
        # few and dropped when the app's World is replaced, so they keep no old World
        # alive for long.
        self._claims: dict[str, tenancy.Claim] = {}
        self._claims_world: World | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] == "GET"
                and not scope.get("query_string") and not scope.get("root_path")):
            started = time.perf_counter()
            read = _routes.get(scope["path"], _UNSEEN)
            if read is _UNSEEN:
                read = route(scope["path"])
            try:
                found = None if read is None else self._answer(scope, read)
            except Exception:  # noqa: BLE001 - the Starlette path answers, and says why
                found = None
            if found is not None:
                claim, body, headers, seconds, again = found
                if seconds > 0:
                    # As mockcar.web.v2.vehicle_endpoint.wait: tests record waits here.
                    await getattr(scope["app"].state, "sleep", asyncio.sleep)(seconds)
                    try:
                        rendered = again() if again is not None else None
                    except Exception:  # noqa: BLE001
                        rendered = None
                    if rendered is None:  # the car changed meanwhile; Starlette says how
                        await self.app(scope, receive, send)
                        return
                    body, headers = rendered
                rid = request_id()
                scope["state"]["request_id"] = rid
                # What the handler's JSONResponse sends (and the journal sees), then the
                # Guard's and the request id's additions.
                headers.append(_length(len(body)))
                headers.append(_JSON)
                try:
                    await send({"type": "http.response.start", "status": 200,
                                "headers": [*headers, _NOSNIFF, (_REQUEST_ID, rid.encode())]})
                    await send({"type": "http.response.body", "body": body})
                finally:
                    claim.journal.record(
                        time.time(), "GET", scope["path"], b"", scope["headers"], b"", False,
                        200, (time.perf_counter() - started) * 1000, claim.client_id,
                        claim.token, rid, None, headers,
                        body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT + 1],
                        len(body) > BODY_LIMIT)
                return
        await self.app(scope, receive, send)

    def _answer(self, scope: Scope, read: Any) -> Found | None:
        headers = _headers(scope["headers"])
        if headers is None:
            return None
        authorization, units, user = headers
        if authorization is None:
            return None
        token = _tokens.get(authorization, _UNSEEN)
        if token is _UNSEEN:
            token = _bearer(authorization)
        if token is None:
            return None
        claim = self._claim(scope, token)
        if isinstance(read, v2_reads.Route):
            answered = v2_reads.answer(claim.world, token, read, units)
            return None if answered is None else (claim, *answered)
        body = v3_signals.answer(claim.world, token, read, user)
        return None if body is None else (claim, body, [], 0.0, None)

    def _claim(self, scope: Scope, token: str) -> tenancy.Claim:
        """`tenancy.bearer_claim(scope, token)`, without building the claim again while
        every part of it is the same: the same tenant knows the token (with the same
        World and journal), or none does and the app's World issued it to the same
        application. A claim of the unclaimed journal is never kept (the token may be
        issued next)."""
        # The app's State's own dict: its `[]` is a Python method.
        app_state = scope["app"].state._state
        tenants: Tenants = app_state["tenants"]
        world: World = app_state["world"]
        if world is not self._claims_world:
            self._claims.clear()
            self._claims_world = world
        tenant = tenants.by_access_token(token) or tenants.by_management_token(token)
        known = self._claims.get(token)
        if known is not None:
            if known.tenant is not tenant:
                same = False
            elif tenant is not None:
                same = (known.world is tenant.world and known.journal is tenant.journal
                        and known.client_id == tenant.client_id)
            else:
                issued = (world.tokens_by_access.get(token)
                          or world.application_tokens.get(token))
                same = (issued is not None and known.world is world
                        and known.journal is tenants.scenario_journal
                        and known.client_id == issued.client_id)
            if same:
                scope.setdefault("state", {})[tenancy.CLAIM] = known
                return known
            self._claims.pop(token, None)
        claim = tenancy.bearer_claim(scope, token)
        if claim.journal is not tenants.unclaimed_journal:
            if len(self._claims) >= _CLAIMS_KEPT:
                self._claims.clear()
            self._claims[token] = claim
        return claim


def route(path: str) -> Route | None:
    """What a path asks the fast path for (a v2 read or a v3 signal), None for anything
    else. Kept per path (`_routes`, looked up first) for paths under the two prefixes:
    a pure function of the text, so a kept route is always what would be worked out
    again."""
    found: Route | None
    if path.startswith(v2_reads.PREFIX):
        found = v2_reads.route(path)
    elif path.startswith(v3_signals.PREFIX):
        found = v3_signals.route(path)
    else:
        return None
    if len(_routes) >= _KEPT:
        _routes.clear()
    _routes[path] = found
    return found


def _bearer(authorization: bytes) -> str | None:
    """The token of `Authorization: Bearer <token>` (the scheme in any case, the token
    stripped), None for any other scheme or none. Kept per header value (`_tokens`,
    looked up first)."""
    scheme, _, value = authorization.decode("latin-1").partition(" ")
    token = value.strip()
    found = token if scheme.lower() == "bearer" and token else None
    if len(_tokens) >= _KEPT:
        _tokens.clear()
    _tokens[authorization] = found
    return found


def _length(size: int) -> tuple[bytes, bytes]:
    """The `content-length` header of a body of `size` bytes, the pair kept per size (a
    response and its journal entry share it)."""
    found = _lengths.get(size)
    if found is None:
        if len(_lengths) >= _KEPT:
            _lengths.clear()
        found = _lengths[size] = (b"content-length", b"%d" % size)
    return found


_UNSEEN: Any = object()  # "not kept yet" (None is a kept answer)
_KEPT = 4096
_routes: dict[str, Route | None] = {}
_tokens: dict[bytes, str | None] = {}
_lengths: dict[int, tuple[bytes, bytes]] = {}


def _headers(pairs: Any) -> tuple[bytes | None, bytes | None, bytes | None] | None:
    """The first Authorization, sc-unit-system and sc-user-id, in one pass that also
    sums the headers' size as the Guard does; None for a request the Guard refuses
    or reads a body of."""
    size = 0
    authorization = units = user = None
    for name, value in pairs:
        size += len(name) + len(value)
        if name == b"authorization":
            if authorization is None:
                authorization = bytes(value)
        elif name == b"sc-unit-system":
            if units is None:
                units = bytes(value)
        elif name == b"sc-user-id":
            if user is None:
                user = bytes(value)
        elif name in _BODY_HEADERS:
            return None
    if size > MAX_HEADER_BYTES:
        return None
    return authorization, units, user

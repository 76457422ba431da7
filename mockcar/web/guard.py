"""The checks every request passes before a handler sees it, in one pure ASGI middleware
(`Guard`), refusing in the shape of the host the path belongs to (mockcar.web.error_shapes):

* request headers over 64 KiB in total: 431;
* a body over `Settings.max_body_bytes` (`max_scenario_bytes` when registering an
  application, whose inline scenario may be large, or restoring a snapshot): 413, by its Content-Length before a
  byte of it is read; a chunked body is read up to the limit here, then handed on whole;
* the control API, the dashboard and the Postman downloads (they show and change client
  secrets, tokens and every World) answer only to a Host mockcar serves: loopback names
  and addresses, the public URL's host, the bound address (any IP address when bound to
  all interfaces) and `Settings.allowed_hosts`. A page whose DNS name an attacker points
  at 127.0.0.1 (DNS rebinding) sends its own name as Host and gets 421;
* with `Settings.control_token` set, every /_mockcar request needs
  `Authorization: Bearer <token>` (401), or Basic credentials with the token as their
  password (what a browser sends once the dashboard asked for them), but for an
  application's own routes (/_mockcar/applications/{client_id}/...), which an application
  registered at run time opens with its own credentials; so do the Postman
  downloads under /postman/ (the environment holds the demo application's secret and
  management token), whose 401 asks a browser for Basic credentials in the dashboard's
  realm, so one sign-in opens both;
* a control request that changes state (POST, PUT, PATCH, DELETE) is refused when a web
  page of a foreign origin sends it (`Origin`, or `Sec-Fetch-Site: cross-site`; 403) or
  when its body is not JSON (415): a page can only send text/plain, form or multipart
  bodies without a CORS preflight, which mockcar never grants.

Every response leaves with `X-Content-Type-Options: nosniff`; an HTML page without a
Content-Security-Policy of its own gets Connect's, and `X-Frame-Options: DENY`.

It sits on the hot path of every Vehicle API read: a GET costs one pass over its headers
and a prefix test, with no parsing, no regular expression and no allocation but the
wrapped `send`.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockcar import basic_auth
from mockcar.settings import Settings
from mockcar.web import error_shapes
from mockcar.web.connect import pages as connect
from mockcar.web.dashboard import paths as dashboard

MAX_HEADER_BYTES = 64 * 1024
CONTROL = "/_mockcar"
REGISTER = CONTROL + "/applications"
POSTMAN = "/postman/"
# The dashboard's realm (mockcar.web.dashboard.layout.SHARED_REALM): a browser that signed
# in there sends the same credentials for a Postman download, unasked.
POSTMAN_CHALLENGE = 'Basic realm="mockcar", charset="UTF-8"'
# Paths that show or change secrets: the control API, the Postman downloads, and the
# dashboard ("/" and its pages).
GUARDED = (CONTROL, POSTMAN, *dashboard.PREFIXES)
CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})

_NOSNIFF = (b"x-content-type-options", b"nosniff")
_PAGE_HEADERS = [(b"content-security-policy",
                  connect.PAGE_HEADERS["content-security-policy"].encode()),
                 (b"x-frame-options", b"DENY")]


def hostname(raw: str) -> str | None:
    """The host of a Host header or URL authority, lowercased, without port, brackets
    or a trailing dot; None when empty."""
    raw = raw.strip().lower()
    if raw.startswith("["):
        name = raw[1:raw.find("]")] if "]" in raw else raw[1:]
    else:
        name, colon, port = raw.rpartition(":")
        if not colon or not port.isdigit():
            name = raw
    name = name.rstrip(".")
    return name or None


def _address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


class Hosts:
    """Which Host and Origin values mockcar answers to (see the module's docstring)."""

    def __init__(self, settings: Settings) -> None:
        names = {"localhost"}
        if settings.public_url:
            public = urlsplit(settings.public_url).hostname
            if public:
                names.add(public.lower().rstrip("."))
        bound = hostname(settings.host) or ""
        self.wildcard = bound in WILDCARD_BINDS or settings.host in WILDCARD_BINDS
        if not self.wildcard:
            names.add(bound)
        extra = {hostname(h) or "" for h in settings.allowed_hosts} - {""}
        self.any = "*" in extra
        self.names = frozenset(names | (extra - {"*"}))
        self._verdicts: dict[bytes, bool] = {}

    def known(self, name: str | None) -> bool:
        """A name or address mockcar serves under, whichever way it was bound."""
        if name is None:
            return False
        if name in self.names or name.endswith(".localhost"):  # RFC 6761: loopback
            return True
        address = _address(name)
        return address is not None and (address.is_loopback or (
            isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None
            and address.ipv4_mapped.is_loopback))

    def host_allowed(self, raw: bytes) -> bool:
        verdict = self._verdicts.get(raw)
        if verdict is None:
            name = hostname(raw.decode("latin-1"))
            # An IP address as Host never comes from DNS rebinding: with every interface
            # bound, whichever address reached mockcar is one it serves.
            verdict = self.any or self.known(name) or (
                self.wildcard and name is not None and _address(name) is not None)
            if len(self._verdicts) < 1024:
                self._verdicts[raw] = verdict
        return verdict

    def origin_allowed(self, origin: bytes, host: bytes | None) -> bool:
        """A page on mockcar's own host, or on one it knows. `*` and "any address" do
        not extend to origins: they open the Host check, not cross-site requests."""
        try:
            name = urlsplit(origin.decode("latin-1").strip()).hostname
        except ValueError:
            return False
        if name is None:  # "null": a sandboxed page, a file, a redirect across sites
            return False
        name = name.rstrip(".")
        own = hostname(host.decode("latin-1")) if host is not None else None
        return name == own or self.known(name)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _own_world(path: str) -> bool:
    """Whether `path` is one application's part of the control API
    (/_mockcar/applications/{client_id}/...), which a run-time application's own
    credentials open on a shared server too (mockcar.web.control.routes checks them)."""
    return path.startswith(REGISTER + "/") and path[len(REGISTER) + 1:].split("/", 1)[0] != ""


def _is_json(content_type: bytes) -> bool:
    kind = content_type.split(b";", 1)[0].strip().lower()
    return kind == b"application/json" or kind.endswith(b"+json")


class Guard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hosts = Hosts(settings)
        self.token = settings.control_token.encode() if settings.control_token else None
        self.max_body = settings.max_body_bytes
        self.max_scenario = settings.max_scenario_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _secured(send)
        size = 0
        length: bytes | None = None
        chunked = False
        for name, value in scope["headers"]:
            size += len(name) + len(value)
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                chunked = True
        if size > MAX_HEADER_BYTES:
            await self._refuse(scope, send, 431, f"The request's headers total {size} bytes; "
                               f"mockcar takes at most {MAX_HEADER_BYTES // 1024} KiB.")
            return
        path: str = scope["path"]
        if path == "/" or path.startswith(GUARDED):
            refused = self._check(scope, path, length, chunked)
            if refused is not None:
                await self._refuse(scope, send, *refused)
                return
        if length is None and not chunked:
            await self.app(scope, receive, send)
            return
        # Registering (an inline scenario) and restoring a snapshot take large bodies.
        registering = scope["method"] == "POST" and (
            path.rstrip("/") == REGISTER or (path.startswith(CONTROL + "/")
                                            and path.rstrip("/").endswith("/snapshot")))
        limit = self.max_scenario if registering else self.max_body
        if not chunked:
            try:
                declared = int(length or b"")
            except ValueError:
                await self._refuse(scope, send, 400, "Content-Length is not a number.")
                return
            if declared > limit:
                await self._refuse(scope, send, 413, _too_large(limit, registering),
                                   close=True)
                return
            await self.app(scope, receive, send)
            return
        # Chunked: no length to trust. Read it here, up to the limit, and hand it on whole.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away; there is no one to answer
            body: bytes = message.get("body", b"")
            received += len(body)
            if received > limit:
                await self._refuse(scope, send, 413, _too_large(limit, registering),
                                   close=True)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    def _carries_token(self, scope: Scope) -> bool:
        """Whether the request sends the control token: as a bearer token (scripts), or as
        the password of HTTP Basic credentials, which a browser asks for once on the
        dashboard and then sends with every page and control call of this origin."""
        assert self.token is not None
        given = (_header(scope, b"authorization") or b"").strip()
        scheme, _, value = given.partition(b" ")
        if scheme.lower() == b"bearer":
            return hmac.compare_digest(value.strip(), self.token)
        try:
            basic = basic_auth.parse(given.decode("latin-1"))
        except basic_auth.MalformedBasic:
            return False
        return basic is not None and hmac.compare_digest(basic.password.encode(), self.token)

    def _check(self, scope: Scope, path: str, length: bytes | None,
               chunked: bool) -> tuple[int, str] | None:
        """Why a guarded path is refused, or None."""
        host = _header(scope, b"host")
        if host is not None and not self.hosts.host_allowed(host):
            name = hostname(host.decode("latin-1"))
            return 421, (f"mockcar does not answer to the host {name!r} here. The control "
                         "API, the dashboard and the Postman downloads answer to loopback "
                         "(localhost, 127.0.0.1, [::1]), the host of MOCKCAR_PUBLIC_URL, the "
                         "address mockcar is bound to, and the hosts in MOCKCAR_ALLOWED_HOSTS "
                         f"(comma-separated, * for any): add {name} there if it is yours.")
        carries_token = self.token is not None and self._carries_token(scope)
        if carries_token:
            scope.setdefault("state", {})["control_token"] = True
        if path.startswith(POSTMAN):
            if self.token is not None and not carries_token:
                return 401, ("This mockcar is shared: its Postman collection and environment "
                             "(they hold the demo application's credentials) need the "
                             "control token it was started with (MOCKCAR_CONTROL_TOKEN), as "
                             "'Authorization: Bearer <token>' or as the password of Basic "
                             "credentials (any user name): curl -H 'Authorization: Bearer "
                             f"<token>' -o {path.rsplit('/', 1)[-1]} <this URL>.")
            return None
        if path != CONTROL and not path.startswith(CONTROL + "/"):
            return None
        if self.token is not None and not carries_token and not _own_world(path):
            return 401, ("This mockcar is shared: every /_mockcar request needs "
                         "'Authorization: Bearer <token>' with the token it was started "
                         "with (MOCKCAR_CONTROL_TOKEN).")
        if scope["method"] not in CHANGING:
            return None
        origin = _header(scope, b"origin")
        if origin is not None:
            if not self.hosts.origin_allowed(origin, host):
                shown = origin.decode("latin-1")
                return 403, (f"A web page ({shown}) may not change mockcar's state: the "
                             "control API takes requests from tests, scripts and tools. If "
                             "that origin is yours, add its host to MOCKCAR_ALLOWED_HOSTS.")
        elif _header(scope, b"sec-fetch-site") == b"cross-site":
            return 403, ("A web page of another site may not change mockcar's state: the "
                         "control API takes requests from tests, scripts and tools.")
        content_type = _header(scope, b"content-type")
        has_body = chunked or (length is not None and length.strip() not in (b"", b"0"))
        if (content_type is not None and not _is_json(content_type)) or (
                content_type is None and has_body):
            sent = content_type.decode("latin-1") if content_type is not None else "none"
            return 415, (f"The control API takes JSON bodies only (Content-Type: {sent}): "
                         "send 'Content-Type: application/json' (curl: --json '{...}').")
        return None

    async def _refuse(self, scope: Scope, send: Send, status: int, message: str,
                      close: bool = False) -> None:
        """Answer without calling the app. `close`: the body was not read, so the
        connection cannot carry another request."""
        request = Request(scope)
        headers = {"connection": "close"} if close else {}
        if status == 401:
            headers["www-authenticate"] = (POSTMAN_CHALLENGE if scope["path"].startswith(POSTMAN)
                                           else 'Bearer realm="mockcar control"')
        response = error_shapes.respond(request, status, message, headers)
        await response(scope, _nothing, send)


def _too_large(limit: int, registering: bool) -> str:
    setting = "MOCKCAR_MAX_SCENARIO_BYTES" if registering else "MOCKCAR_MAX_BODY_BYTES"
    return (f"The body is over {limit} bytes, the most mockcar takes here ({setting}); "
            "the connection is closed.")


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read ahead as one message, then whatever the server sends next (a
    disconnect)."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed


def _secured(send: Send) -> Send:
    async def secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", ()), _NOSNIFF]
            for name, value in headers:
                if name == b"content-type" and value.startswith(b"text/html"):
                    present = {n for n, _ in headers}
                    headers += [h for h in _PAGE_HEADERS if h[0] not in present]
                    break
            message["headers"] = headers
        await send(message)

    return secured


# -- OpenAPI -------------------------------------------------------------------------------

_V2_ERROR: dict[str, Any] = {"description": "Error", "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def declare(paths: dict[str, dict[str, Any]]) -> None:
    """Add the guard's refusals to every operation of an OpenAPI document's `paths`,
    described like the operation's other errors (they are in its host's shape)."""
    for path, item in paths.items():
        control = path == CONTROL or path.startswith(CONTROL + "/")
        postman = path.startswith(POSTMAN)
        guarded = path == "/" or path.startswith(GUARDED)
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            like = responses.get("default") or next(
                (responses[s] for s in ("404", "400", "401", *responses)
                 if s in responses and s[0] in "45" and responses[s].get("content")),
                _V2_ERROR)
            refusals = {413: "The body is too large (MOCKCAR_MAX_BODY_BYTES).",
                        431: "The request's headers are over 64 KiB."}
            if guarded:
                refusals[421] = "The Host is not one mockcar answers to here " \
                                "(MOCKCAR_ALLOWED_HOSTS)."
            if control or postman:
                refusals[401] = "A control token is set and was not sent " \
                                "(MOCKCAR_CONTROL_TOKEN)."
                if method.upper() in CHANGING:
                    refusals[403] = "Sent by a web page of a foreign origin."
                    refusals[415] = "The body is not JSON."
            content = like.get("content") or _V2_ERROR["content"]
            for status, text in refusals.items():
                responses.setdefault(str(status), {"description": text, "content": content})

"""What every dashboard page shares: which World it shows (`view`), rendering a page into
dashboard/layout.html (`render`), the page headers (a Content-Security-Policy of 'self'
only: no inline script or style, nothing from another origin) and the static files under
`/assets/dashboard/` (`asset_url`, `serve_asset`).

A page shows the scenario's World at its own path (`/vehicles`) and a run-time
application's World under `/applications/{client_id}` (`/applications/{id}/vehicles`).
An application's World opens with its credentials (HTTP Basic `client_id:secret`, which
the browser asks for, or its management token as a bearer token), with the server's
control token, or for anyone when the server runs unguarded on loopback (no control
token, bound to a loopback address), as the control API's Worlds do. With a control token
set, the scenario's World opens only with it (HTTP Basic, the token as password).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockcar import basic_auth
from mockcar.domain.journal.journal import Journal
from mockcar.domain.world.records import Application
from mockcar.domain.world.tenants import Tenants
from mockcar.domain.world.world import World
from mockcar.settings import Settings
from mockcar.web.control.operations import APPLICATION_PREFIX, PREFIX
from mockcar.web.control.responses import clock as clock_body
from mockcar.web.dashboard.paths import ASSETS
from mockcar.web.templating import TEMPLATES

ASSET_DIR = Path(__file__).parent.parent.parent / "templates" / "assets" / "dashboard"

# 'self' only: scripts and styles are files of this origin (no inline <script>, no
# style="" attributes), fetch and server-sent events go to this origin, nothing is framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": CONTENT_SECURITY_POLICY,
}

# (key, label, path within a World) in the header's order; the API docs are the server's.
NAV: tuple[tuple[str, str, str], ...] = (
    ("start", "Start here", "/"),
    ("vehicles", "Vehicles", "/vehicles"),
    ("requests", "Requests", "/requests"),
    ("webhooks", "Webhooks", "/webhooks"),
    ("faults", "Faults", "/faults"),
)
DOCS = ("docs", "API docs", "/docs")


# A server started with a control token shows the scenario's World to those who give it:
# the browser asks once (any user name, the token as password) and sends it with every
# page and control call after.
SHARED_REALM = 'Basic realm="mockcar", charset="UTF-8"'
SHARED_SERVER = ("This mockcar is shared: sign in with any user name and its control token "
                 "(MOCKCAR_CONTROL_TOKEN) as the password.")


class PageError(Exception):
    """A page cannot be shown: rendered as the dashboard's error page with `status`."""

    def __init__(self, status: int, message: str,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, dict(headers or {})


@dataclass(frozen=True)
class View:
    """The World a page shows and where its links and control calls go."""

    world: World
    journal: Journal
    # The run-time application whose World this is; None for the scenario's World.
    application: Application | None = None
    # The page was asked for with the server's control token (mockcar.web.guard): the
    # browser sends it again with every control call, so the script adds nothing.
    shared: bool = False

    @property
    def base(self) -> str:
        """The dashboard's path prefix for this World: "" or /applications/{id}."""
        return f"/applications/{self.application.client_id}" if self.application else ""

    @property
    def control_base(self) -> str:
        """The control API's prefix for this World."""
        if self.application is None:
            return PREFIX
        return APPLICATION_PREFIX.replace("{client_id}", self.application.client_id)

    @property
    def control_auth(self) -> str | None:
        """The Authorization the page's script sends with control calls, or None."""
        if self.application is None or self.shared:
            return None
        return "Bearer " + self.application.management_token

    def page(self, path: str = "/") -> str:
        """A dashboard page of this World: `page("/vehicles")`."""
        if not self.base:
            return path
        return self.base if path == "/" else self.base + path

    def control(self, path: str = "") -> str:
        """A control API path of this World: `control("/clock")`."""
        return self.control_base + path


def view(request: Request) -> View:
    """The World `request` asks for (see the module's docstring); raises PageError."""
    tenants: Tenants = request.app.state.tenants
    scenario: World = request.app.state.world
    client_id = request.path_params.get("client_id")
    shared = bool(request.scope.get("state", {}).get("control_token"))
    if client_id is None or (tenants.get(client_id) is None
                             and scenario.application(client_id) is not None):
        if _wants_token(request):
            raise PageError(401, SHARED_SERVER, {"www-authenticate": SHARED_REALM})
        return View(scenario, tenants.scenario_journal, shared=shared)
    tenant = tenants.get(client_id)
    if tenant is None:
        raise PageError(404, f"No application {client_id!r} is registered on this server.")
    application = tenant.application
    if not _may_open(request, application):
        raise PageError(401, f"The World of {application.name!r} opens with its client id "
                        "and secret (or its management token as a bearer token).",
                        {"www-authenticate": f'Basic realm="mockcar {application.client_id}"'})
    return View(tenant.world, tenant.journal, application, shared)


def _wants_token(request: Request) -> bool:
    """The server's control token guards the scenario's World and `request` lacks it."""
    settings: Settings = request.app.state.settings
    return (settings.control_token is not None
            and not request.scope.get("state", {}).get("control_token"))


def may_open_any(request: Request) -> bool:
    """Whether every application's World opens without its credentials: the request
    carries the server's control token, or the server runs unguarded on loopback."""
    if request.scope.get("state", {}).get("control_token"):
        return True
    settings: Settings = request.app.state.settings
    return settings.control_token is None and _loopback(settings.host)


def _may_open(request: Request, application: Application) -> bool:
    if may_open_any(request):
        return True
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return hmac.compare_digest(value.strip().encode(), application.management_token.encode())
    try:
        given = basic_auth.parse(header)
    except basic_auth.MalformedBasic:
        return False
    return (given is not None and given.user == application.client_id
            and hmac.compare_digest(given.password.encode(),
                                    application.client_secret.encode()))


def _loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def origin(request: Request) -> str:
    """This server's origin as the browser reached it."""
    return str(request.base_url).rstrip("/")


def render(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
           title: str, active: str = "", status: int = 200,
           headers: Mapping[str, str] | None = None, page_view: View | None = None,
           with_clock: bool = True) -> Response:
    """`template` (which extends dashboard/layout.html) with what the layout needs:
    `view`, `nav`, `clock` (None without `with_clock`: the header shows no clock),
    `origin`, `asset` (a function: asset("vehicle.css") is the URL of
    templates/assets/dashboard/vehicle.css) and `title`."""
    shown = page_view or view(request)
    nav = [{"key": key, "label": label, "href": shown.page(path), "current": key == active}
           for key, label, path in NAV]
    nav.append({"key": DOCS[0], "label": DOCS[1], "href": DOCS[2], "current": active == "docs"})
    values: dict[str, Any] = {
        "view": shown, "nav": nav, "title": title, "origin": origin(request),
        "clock": clock_body(shown.world.clock) if with_clock else None, "asset": asset_url,
        **(context or {}),
    }
    response = TEMPLATES.TemplateResponse(request, template, values, status_code=status)
    response.headers.update({**PAGE_HEADERS, **(headers or {})})
    return response


def error_page(request: Request, error: PageError) -> Response:
    """The dashboard's own error page: the scenario World's header, and its clock unless
    the server's control token guards that World and the request lacks it (a clock
    whose every control call would be refused, for someone who may not see it)."""
    tenants: Tenants = request.app.state.tenants
    fallback = View(request.app.state.world, tenants.scenario_journal)
    return render(request, "dashboard/error.html", {"message": error.message},
                  title="Not available", status=error.status, headers=error.headers,
                  page_view=fallback, with_clock=not _wants_token(request))


# -- assets ------------------------------------------------------------------------------

MEDIA_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
               "svg": "image/svg+xml", "json": "application/json"}
ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*\.(css|js|svg|json)$")
_digests: dict[str, tuple[int, str]] = {}


def _digest(name: str) -> str:
    path = ASSET_DIR / name
    stamp = path.stat().st_mtime_ns
    known = _digests.get(name)
    if known is None or known[0] != stamp:
        known = (stamp, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        _digests[name] = known
    return known[1]


def asset_url(name: str) -> str:
    """The URL of a file in templates/assets/dashboard/, versioned by its content (so
    it can be cached for good)."""
    return f"{ASSETS}/{name}?v={_digest(name)}"


async def serve_asset(request: Request) -> Response:
    name = request.path_params["name"]
    found = ASSET_NAME.match(name)
    path = ASSET_DIR / name
    if found is None or not path.is_file():
        raise PageError(404, f"No dashboard asset {name!r}.")
    versioned = request.query_params.get("v") == _digest(name)
    return Response(path.read_bytes(), media_type=MEDIA_TYPES[found.group(1)], headers={
        "cache-control": "public, max-age=31536000, immutable" if versioned else "no-cache"})

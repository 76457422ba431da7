"""Smartcar Connect as HTML pages that work without JavaScript
(https://smartcar.com/docs/connect/what-is-connect); the one script, the brand list's
filter-as-you-type, only adds to a search that also works as a plain form.

`GET /oauth/authorize` validates the Connect URL and shows the preamble; the steps live
under `/oauth/authorize/{session}/…` and follow Post/Redirect/Get, so reloading a page
never resubmits a form. The step machine is mockcar.domain.connect.flow; these handlers parse the
form, check the session's CSRF token, call it and render. Every failure is an HTML page
with a fitting status, never JSON and never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from mockcar.domain.connect import flow
from mockcar.domain.connect.brands import make_name
from mockcar.domain.connect.flow import AppRedirect, StepError, find_brand, search_brands
from mockcar.domain.connect.session import ConnectSession
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.scopes import DESCRIPTIONS
from mockcar.domain.world.world import World
from mockcar.web import tenancy
from mockcar.web.connect.authorize_request import (
    COUNTRY_NAMES,
    ConnectRequestError,
    parse_authorization_request,
)
from mockcar.web.connect.reauthentication import parse_reauthentication_request
from mockcar.web.handler import Handler, with_operations
from mockcar.web.page_assets import CONTENT_SECURITY_POLICY
from mockcar.web.templating import TEMPLATES

# Consent pages: never cached, never framed (clickjacking), only their own hashed
# style and script (mockcar.web.page_assets).
PAGE_HEADERS = {
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy": CONTENT_SECURITY_POLICY,
}
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
BASE = "/oauth/authorize"
REAUTHENTICATE = "/oauth/reauthenticate"


class PageError(Exception):
    """Stop and show an error page (mockcar.web.error_shapes renders it with
    `error_page`)."""

    def __init__(
        self, status: int, title: str, message: str, details: tuple[str, ...] = (),
        session: ConnectSession | None = None, headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message
        self.details, self.session = details, session
        self.headers = dict(headers or {})


class StepRedirect(Exception):
    """Stop and send the browser to `url` (303), the step the session is at
    (mockcar.web.error_shapes answers it with `see_other`)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


# -- rendering --------------------------------------------------------------------------


def _world(request: Request) -> World:
    """The tenant's World: by `client_id` on the Connect URL, by session afterwards."""
    return tenancy.world(request)


def step_url(session: ConnectSession, step: str) -> str:
    return f"{BASE}/{session.id}/{step}"


def _page(
    request: Request, template: str, session: ConnectSession | None, status_code: int = 200,
    **context: Any,
) -> Response:
    base: dict[str, Any] = {"mode": None, "summary": None, "error": None}
    if session is not None:
        base.update(
            mode=session.request.mode,
            summary=session.request.summary(),
            app_name=session.request.application_name,
            csrf_token=session.csrf_token,
            exit_action=step_url(session, "exit"),
        )
    response = TEMPLATES.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
    response.headers.update(PAGE_HEADERS)
    return response


def error_page(request: Request, error: PageError) -> Response:
    session = error.session
    response = _page(
        request, "error.html", session, error.status,
        title=error.title, message=error.message, details=error.details,
        status=error.status,
        exit_action=step_url(session, "exit") if session and session.blocked else None,
    )
    response.headers.update(error.headers)
    return response


def see_other(redirect: StepRedirect) -> Response:
    return _see(redirect.url)


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _leave(redirect: AppRedirect) -> Response:
    """Back to the application: 302, as Smartcar documents
    (https://smartcar.com/docs/connect/handle-the-response)."""
    return RedirectResponse(redirect.url, status_code=302, headers={"cache-control": "no-store"})


# -- request plumbing -------------------------------------------------------------------


def _session(request: Request) -> ConnectSession:
    session = flow.find_session(_world(request), str(request.path_params.get("session", "")))
    if session is None:
        raise PageError(
            404, "Connect session not found",
            "This Connect session has expired or does not exist. Start again from the "
            "application (sessions last 30 minutes).",
        )
    return session


async def _form(request: Request, session: ConnectSession) -> FormData:
    """The POSTed form, after checking the session's CSRF token."""
    try:
        form = await request.form(max_files=0, max_fields=500)
    except (HTTPException, ValueError):  # a malformed body or too many fields
        raise PageError(400, "Bad request", "The form could not be read.") from None
    if not session.csrf_ok(_text(form, "csrf_token")):
        raise PageError(
            400, "Bad request",
            "The form's security token is missing or does not belong to this Connect "
            "session. Go back, reload the page and try again.",
        )
    return form


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


def _texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def _guard(session: ConnectSession, step: str) -> None:
    """Steps are taken in order: ahead of the session, go back to where it is."""
    if not session.reached(step):
        raise StepRedirect(step_url(session, session.step))
    if session.blocked and step == flow.PERMISSIONS:
        raise PageError(400, "Cannot continue", session.blocked, session=session)


def _endpoint(get: Handler | None = None, post: Handler | None = None) -> Handler:
    """One endpoint for every method, so wrong methods, missing sessions and surprises
    all end on an HTML page rather than the API's JSON errors."""
    usable = [m for m, h in (("GET", get), ("POST", post)) if h]
    allowed = [*usable, "HEAD"] if get else usable

    async def endpoint(request: Request) -> Response:
        # A PageError, a StepRedirect or any failure is answered by
        # mockcar.web.error_shapes: an HTML page or a redirect, never JSON.
        method = "GET" if request.method == "HEAD" else request.method
        handler = {"GET": get, "POST": post}.get(method)
        if handler is None:
            raise PageError(
                405, "Method not allowed",
                f"{request.method} is not allowed here; use {' or '.join(usable)}.",
                headers={"allow": ", ".join(allowed)},
            )
        return await handler(request)

    return with_operations(endpoint, {m: h.__name__ for m, h in (("GET", get), ("POST", post))
                                      if h is not None})


# -- handlers, one per step -------------------------------------------------------------


async def authorize(request: Request) -> Response:
    world = _world(request)
    try:
        auth = parse_authorization_request(world, request.query_params)
    except ConnectRequestError as bad:
        raise PageError(400, "Invalid Connect request", bad.message, bad.details) from None
    session = flow.start_session(world, auth)
    tenancy.remember_session(request, session.id)
    return _page(request, "connect/preamble.html", session, action=step_url(session, "continue"))


async def reauthenticate(request: Request) -> Response:
    """`/oauth/reauthenticate` (mockcar.web.connect.reauthentication): the preamble, then sign-in."""
    world = _world(request)
    try:
        auth = parse_reauthentication_request(world, request.query_params)
    except ConnectRequestError as bad:
        raise PageError(400, "Invalid re-authentication request", bad.message,
                        bad.details) from None
    session = flow.start_session(world, auth)
    tenancy.remember_session(request, session.id)
    return _page(request, "connect/preamble.html", session, action=step_url(session, "continue"))


async def continue_(request: Request) -> Response:
    session = _session(request)
    await _form(request, session)
    return _see(step_url(session, session.step))


async def show_brands(request: Request) -> Response:
    session = _session(request)
    if session.request.make is not None:
        raise StepRedirect(step_url(session, flow.SIGN_IN))
    return _brands_page(request, session, request.query_params.get("q", ""))


def _brands_page(
    request: Request, session: ConnectSession, query: str, error: str | None = None,
    status: int = 200,
) -> Response:
    country = session.request.country
    return _page(
        request, "connect/brands.html", session, status,
        brands=search_brands(_world(request), query), query=query, error=error,
        country=country, country_name=COUNTRY_NAMES.get(country, country),
        search_action=step_url(session, flow.BRAND), action=step_url(session, flow.BRAND),
    )


async def choose_brand(request: Request) -> Response:
    session = _session(request)
    form = await _form(request, session)
    if session.request.make is not None:
        raise StepRedirect(step_url(session, flow.SIGN_IN))
    brand = find_brand(_world(request), _text(form, "make") or "")
    if brand is None:
        return _brands_page(request, session, "", "Choose one of the brands below.", 400)
    flow.choose_brand(session, brand)
    return _see(step_url(session, flow.SIGN_IN))


def _sign_in_page(
    request: Request, session: ConnectSession, email: str = "", error: str | None = None,
    status: int = 200,
) -> Response:
    return _page(
        request, "connect/sign_in.html", session, status, brand=session.make, email=email,
        error=error, action=step_url(session, flow.SIGN_IN),
        brands_url=None if session.request.make else step_url(session, flow.BRAND),
    )


async def show_sign_in(request: Request) -> Response:
    session = _session(request)
    _guard(session, flow.SIGN_IN)
    return _sign_in_page(request, session)


async def sign_in(request: Request) -> Response:
    session = _session(request)
    form = await _form(request, session)
    _guard(session, flow.SIGN_IN)
    email = _text(form, "username") or ""
    try:
        done = flow.sign_in(_world(request), session, email, _text(form, "password") or "")
    except StepError as refused:
        return _sign_in_page(request, session, email, refused.message, 401)
    if done is not None:
        return _leave(done)
    return _see(step_url(session, session.step))


def _shown(vehicle: Vehicle) -> dict[str, str | int]:
    return {"id": vehicle.id, "year": vehicle.year, "make_name": make_name(vehicle.make),
            "model": vehicle.model, "vin": vehicle.vin}


def _permissions_page(
    request: Request, session: ConnectSession, status: int = 200, *,
    error: str | None = None, vehicle_error: str | None = None, form: FormData | None = None,
) -> Response:
    """The consent page. With several vehicles (`vehicle_ids` still None) the choice sits
    above the permissions: checkboxes all ticked, or radios under `single_select`, only
    the requested VIN ticked under `single_select_vin`. Shown again after a refused
    POST, `form` keeps what the user had ticked."""
    world = _world(request)
    scope = session.request.scope
    choosing = session.vehicle_ids is None
    if choosing:
        vehicles = flow.candidates(world, session)
        if form is not None:
            selected = set(_texts(form, "vehicle"))
        elif session.request.single_select_vin is not None or not session.request.single_select:
            selected = {v.id for v in vehicles}
        else:
            selected = set()
    else:
        vehicles = [world.vehicles[v] for v in session.vehicle_ids or () if v in world.vehicles]
        selected = {v.id for v in vehicles}
    ticked = set(_texts(form, "permission")) if form is not None else set(scope.permissions)
    permissions = [
        {"name": p, "description": DESCRIPTIONS.get(p, p), "required": p in scope.required,
         "checked": p in ticked or p in scope.required}
        for p in scope.permissions
    ]
    signed_in = flow.owner(world, session)
    return _page(
        request, "connect/permissions.html", session, status, permissions=permissions,
        vehicles=[_shown(v) for v in vehicles], selected=selected, choosing=choosing,
        single=session.request.single_select, error=error, vehicle_error=vehicle_error,
        owner_email=signed_in.email if signed_in else "",
        action=step_url(session, flow.PERMISSIONS),
    )


async def show_permissions(request: Request) -> Response:
    session = _session(request)
    _guard(session, flow.PERMISSIONS)
    return _permissions_page(request, session)


async def decide(request: Request) -> Response:
    session = _session(request)
    form = await _form(request, session)
    _guard(session, flow.PERMISSIONS)
    world = _world(request)
    decision = _text(form, "decision")
    if decision == "deny":
        return _leave(flow.deny(world, session))
    if decision != "allow":
        return _permissions_page(request, session, 400, error="Choose Allow or Deny.",
                                 form=form)
    offered = session.vehicle_ids is None
    if offered:
        try:
            flow.choose_vehicles(world, session, _texts(form, "vehicle"))
        except StepError as refused:
            return _permissions_page(request, session, 400, vehicle_error=refused.message,
                                     form=form)
    try:
        return _leave(flow.approve(world, session, _texts(form, "permission")))
    except StepError as refused:
        if offered:  # the choice is the user's to make again, with the error
            session.vehicle_ids = None
        return _permissions_page(request, session, 400, error=refused.message, form=form)


async def exit_flow(request: Request) -> Response:
    session = _session(request)
    form = await _form(request, session)
    done = flow.exit_flow(_world(request), session, _text(form, "reason") or "")
    if done is None:
        raise PageError(400, "Bad request", "There is nothing to leave from here.",
                        session=session)
    return _leave(done)


async def not_found(request: Request) -> Response:
    raise PageError(404, "Not found", "There is no Connect page at this address.")


def _routes(table: Mapping[str, tuple[Handler | None, Handler | None]]) -> list[BaseRoute]:
    return [
        Route(path, _endpoint(get, post), methods=ALL_METHODS, name=f"connect:{path}")
        for path, (get, post) in table.items()
    ]


STEP = BASE + "/{session}/"
routes: list[BaseRoute] = _routes({
    BASE: (authorize, None),
    REAUTHENTICATE: (reauthenticate, None),
    STEP + "continue": (None, continue_),
    STEP + flow.BRAND: (show_brands, choose_brand),
    STEP + flow.SIGN_IN: (show_sign_in, sign_in),
    STEP + flow.PERMISSIONS: (show_permissions, decide),
    STEP + "exit": (None, exit_flow),
    BASE + "/{rest:path}": (not_found, not_found),
})

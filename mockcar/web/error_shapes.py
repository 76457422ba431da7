"""The one place an exception becomes a response: a refusal made outside any handler (a
body too large, a foreign Host, a path no route matches), an error a handler raises
(`SmartcarError`, the control API's `ControlError`, Management's `ManagementError`) and
an unexpected failure, each in the shape of the host its path belongs to, so a client
always gets the error body it knows how to read:

* `/_mockcar…` and the Postman downloads (`/postman/…`): the control API's
  `{"error", "message", "status"}`;
* `/v3/subscriptions…`: Management API v3's JSON:API `errors[]`;
* any other `/v3…`: API v3's `errors[]`;
* the token endpoints `/oauth/token` and `/oauth2/token`: OAuth 2.0's
  `{"error", "error_description"}` (https://www.rfc-editor.org/rfc/rfc6749#section-5.2);
* Connect (`/oauth/authorize…`, `/oauth/reauthenticate…`) and the dashboard (`/`,
  `/vehicles…`: mockcar.web.dashboard.paths): an HTML page;
* everything else (`/v2.0/…`, `/v1.0/…`, management and compatibility): Vehicle API
  v2's envelope (https://smartcar.com/docs/api-reference/api-errors).

The host is told by the path's first characters, never by matching a route, so a path
no route pattern accepts (an encoded newline: `/v3/a%0Ab`) still gets its host's shape.
Handlers raise; no router catches: `exception_handlers` (the app's) and `ShapedErrors`
(around the routes, for failures no handler expected) answer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import Enum
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockcar.domain.webhooks.subscriptions import ManagementError
from mockcar.errors import SmartcarError
from mockcar.web import errors as v2_errors
from mockcar.web.connect import pages as connect
from mockcar.web.control.operations import ControlError
from mockcar.web.dashboard import paths as dashboard
from mockcar.web.templating import TEMPLATES
from mockcar.web.v3 import errors as v3_errors
from mockcar.web.v3 import management as webhooks_v3

log = logging.getLogger("mockcar")

TOKEN_PATHS = frozenset({"/oauth/token", "/oauth2/token"})


class Shape(Enum):
    CONTROL = "control"
    MANAGEMENT = "management"
    V3 = "v3"
    OAUTH = "oauth"
    PAGE = "page"
    V2 = "v2"


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def shape(path: str) -> Shape:
    if _under(path, "/_mockcar") or _under(path, "/postman"):
        return Shape.CONTROL
    if _under(path, "/v3/subscriptions"):
        return Shape.MANAGEMENT
    if _under(path, "/v3"):
        return Shape.V3
    if path.rstrip("/") in TOKEN_PATHS:
        return Shape.OAUTH
    if (dashboard.is_dashboard(path) or _under(path, connect.BASE)
            or _under(path, connect.REAUTHENTICATE)):
        return Shape.PAGE
    return Shape.V2


# The control API's and the management API's `error`/`code` for each status.
_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
          421: "host_not_allowed", 431: "headers_too_large"}


def respond(request: Request, status: int, message: str,
            headers: Mapping[str, str] | None = None) -> Response:
    """`status` with `message` (what was wrong and what to do) in the path's host's shape."""
    extra = dict(headers or {})
    code = _CODES.get(status, "error")
    match shape(request.url.path):
        case Shape.CONTROL:
            body = ControlError(status, code, message).body()
            return JSONResponse(body, status_code=status, headers=extra)
        case Shape.MANAGEMENT:
            return webhooks_v3.error_response(status, message, extra, code=code)
        case Shape.V3:
            return v3_errors.error_response(request, _smartcar(status, message), status, extra)
        case Shape.OAUTH:
            return JSONResponse({"error": "invalid_request", "error_description": message},
                                status_code=status, headers=extra)
        case Shape.PAGE:
            return _page(request, status, message, extra)
        case Shape.V2:
            return v2_errors.error_response(request, _smartcar(status, message), status, extra)


def _smartcar(status: int, message: str) -> SmartcarError:
    if status == 404:
        return SmartcarError("RESOURCE_NOT_FOUND", "PATH", message=message)
    return SmartcarError("VALIDATION", None, message=message)


def _page(request: Request, status: int, message: str, headers: dict[str, str]) -> Response:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    context: dict[str, Any] = {"mode": None, "summary": None, "error": None, "status": status,
                               "title": title, "message": message, "details": (),
                               "exit_action": None}
    response = TEMPLATES.TemplateResponse(request, "error.html", context, status_code=status)
    response.headers.update({**connect.PAGE_HEADERS, **headers})
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    """The app-wide handler of Starlette's 404 (no route) and 405 (a route without the
    method): in the path's host's shape; v2's own handler for v2 paths."""
    assert isinstance(exc, HTTPException)
    if shape(request.url.path) is Shape.V2:
        answer: Response = await v2_errors.http_error(request, exc)
        return answer
    if exc.status_code == 404:
        message = f"No route for {request.method} {request.url.path}."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}."
    else:
        message = str(exc.detail)
    return respond(request, exc.status_code, message, exc.headers)


async def smartcar_error(request: Request, exc: Exception) -> Response:
    """A Smartcar refusal: API v3's `errors[]` under /v3, the control API's shape under
    /_mockcar, Vehicle API v2's envelope (v1's under /v1.x) anywhere else."""
    assert isinstance(exc, SmartcarError)
    match shape(request.url.path):
        case Shape.V3:
            return v3_errors.error_response(request, exc)
        case Shape.CONTROL:
            return _control(ControlError(exc.status, _CODES.get(exc.status, "error"),
                                         exc.description))
        case _:
            return v2_errors.error_response(request, exc)


async def control_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ControlError)
    return _control(exc)


async def management_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ManagementError)
    return webhooks_v3.refusal(exc)


async def page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, connect.PageError)
    return connect.error_page(request, exc)


async def step_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, connect.StepRedirect)
    return connect.see_other(exc)


def _control(error: ControlError) -> Response:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


UNEXPECTED = "mockcar hit an unexpected error; its log has the details."


async def unexpected(request: Request, exc: Exception) -> Response:
    """The app's last resort, when a middleware failed: answered outside every
    middleware (Starlette's ServerErrorMiddleware), so without the guard's header; it
    is set here."""
    response = failure(request, exc)
    response.headers["x-content-type-options"] = "nosniff"
    return response


def failure(request: Request, exc: Exception) -> Response:
    """A failure no handler expected: logged, and a 500 in the host's shape. The home
    page's is Vehicle API v2's envelope (it has no page of its own for it)."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    path = request.url.path
    nosniff: dict[str, str] = {}
    match shape(path):
        case Shape.CONTROL:
            return _control(ControlError(500, "internal", UNEXPECTED, headers=nosniff))
        case Shape.MANAGEMENT:
            return webhooks_v3.error_response(500, UNEXPECTED, nosniff)
        case Shape.V3:
            return v3_errors.error_response(
                request, SmartcarError("SERVER", "INTERNAL", message=UNEXPECTED),
                headers=nosniff)
        case Shape.PAGE if path != "/":
            return connect.error_page(request, connect.PageError(
                500, "Something went wrong", UNEXPECTED, headers=nosniff))
        case _:
            return v2_errors.error_response(
                request, SmartcarError("SERVER", "INTERNAL", message=UNEXPECTED),
                headers=nosniff)


class ShapedErrors:
    """Around the routes: a failure a handler did not expect is answered by
    `unexpected` here, inside the request id and journal middleware, rather than by
    Starlette's outermost handler."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            # The Start here page's failure is the app's last resort's, as it always was.
            if started or scope["path"] == "/":
                raise
            response = failure(Request(scope), exc)
            await response(scope, receive, send)


exception_handlers: dict[Any, Any] = {
    HTTPException: http_error,
    SmartcarError: smartcar_error,
    ControlError: control_error,
    ManagementError: management_error,
    connect.PageError: page_error,
    connect.StepRedirect: step_redirect,
    Exception: unexpected,
}

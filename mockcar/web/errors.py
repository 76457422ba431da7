"""Rendering errors for clients: the v2 error envelope
(https://smartcar.com/docs/api-reference/api-errors),
and Starlette's 404/405 in it (mockcar.web.error_shapes picks the shape by host)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.errors import SmartcarError
from mockcar.web import legacy

log = logging.getLogger("mockcar")

DOC_SLUGS = {
    "AUTHENTICATION": "authentication-errors",
    "PERMISSION": "permission-errors",
    "VALIDATION": "validation-errors",
    "RESOURCE_NOT_FOUND": "resource-not-found-errors",
    "BILLING": "billing-errors",
    "COMPATIBILITY": "compatibility-errors",
    "CONNECTED_SERVICES_ACCOUNT": "connected-services-account-errors",
    "RATE_LIMIT": "rate-limit-errors",
    "SERVER": "server-errors",
    "UPSTREAM": "upstream-errors",
    "VEHICLE_STATE": "vehicle-state-errors",
}


def doc_url(error_type: str, code: str | None) -> str:
    anchor = code.lower().replace("_", "-") if code else "null"
    slug = DOC_SLUGS.get(error_type, error_type.lower().replace("_", "-") + "-errors")
    return f"https://smartcar.com/docs/errors/api-errors/{slug}#{anchor}"


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


def error_body(
    error: SmartcarError, request_id: str, status: int | None = None, origin: str = ""
) -> dict[str, Any]:
    """Every key all three SDKs dereference, always present; `suggestedUserMessage` is
    left out rather than null because Java's parser fails on a null there. A resolution
    URL the domain gives as a path (Connect's re-authentication) is made absolute with
    `origin`: Connect is served on the same origin as the API."""
    resolution: dict[str, Any] = {"type": error.spec.resolution}
    if error.resolution_url:
        url = error.resolution_url
        resolution["url"] = origin + url if url.startswith("/") else url
    body: dict[str, Any] = {
        "type": error.type,
        "code": error.code,
        "description": error.description,
        "docURL": doc_url(error.type, error.code),
        "statusCode": status or error.status,
        "requestId": request_id,
        "resolution": resolution,
        "detail": error.detail,
    }
    if error.spec.suggested_user_message:
        body["suggestedUserMessage"] = error.spec.suggested_user_message
    return body


HINT_HEADER = "mockcar-hint"
_HINT_LIMIT = 1000  # characters; a hint is one sentence or two


def hint_value(hint: str) -> str:
    """A hint made safe for a header: one line of printable ASCII (anything else is
    escaped, so an echoed id or path can neither split the header nor fail to encode)."""
    line = " ".join(hint.split())[:_HINT_LIMIT]
    ascii_line = line.encode("ascii", "backslashreplace").decode("ascii")
    # Control characters are ASCII but no header may carry them (an encoded %1B in a
    # path is echoed here): uvicorn would drop the connection instead of answering.
    return "".join(c if " " <= c < "\x7f" else f"\\x{ord(c):02x}" for c in ascii_line)


def error_headers(error: SmartcarError) -> dict[str, str]:
    """Retry-After where the error has one, and mockcar's explanation of the refusal in
    its own header: Smartcar's body carries Smartcar's text only."""
    headers: dict[str, str] = {}
    if error.retry_after is not None:
        headers["retry-after"] = str(error.retry_after)
    if error.hint:
        headers[HINT_HEADER] = hint_value(error.hint)
    return headers


def error_response(
    request: Request, error: SmartcarError, status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """`status` overrides the catalog's, for HTTP-level refusals (405) that Smartcar's
    catalog has no entry for; the body's statusCode always equals the HTTP status.
    Requests under `/v1.x/` get the legacy v1.0 shape (mockcar.web.legacy)."""
    code = status or error.status
    if legacy.is_legacy(request.url.path):
        body = legacy.error_body(error, request_id(request), code)
    else:
        body = error_body(error, request_id(request), status,
                          origin=str(request.base_url).rstrip("/"))
    return JSONResponse(
        body, status_code=code, headers={**error_headers(error), **(headers or {})},
    )


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's 404 (no route) and 405 in Vehicle API v2's envelope."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        error = SmartcarError(
            "RESOURCE_NOT_FOUND", "PATH",
            message=f"No route for {request.method} {request.url.path}.",
        )
        return error_response(request, error)
    allowed = (exc.headers or {}).get("Allow")
    if exc.status_code == 405:
        error = SmartcarError(
            "VALIDATION", None,
            message=f"{request.method} is not allowed on {request.url.path}"
            + (f"; use {allowed}." if allowed else "."),
        )
    else:
        error = SmartcarError("VALIDATION", None, message=str(exc.detail))
    return error_response(request, error, exc.status_code, exc.headers)

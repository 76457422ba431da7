"""Answering errors to clients: the v2 error envelope (mockcar.wire.errors writes it,
https://smartcar.com/docs/api-reference/api-errors) as a response, and Starlette's
404/405 in it (mockcar.web.error_shapes picks the shape by host)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockcar.errors import SmartcarError
from mockcar.web import legacy
from mockcar.wire.errors import error_body, error_headers


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


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

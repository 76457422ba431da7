"""API v3's error envelope, the one place it is written (the error responses of
https://smartcar.com/docs/api-reference/get-signal; each `links.about` is a page under
https://smartcar.com/docs/errors/api-errors/).

    {"errors": [{"status": "409", "type": "VEHICLE_STATE", "code": "IN_MOTION",
                 "title": "In Motion", "detail": "...", "links": {"about": "<docURL>"},
                 "resolution": {"type": null}[, "suggestedUserMessage": "..."]}]}

The domain raises the same `SmartcarError` for both API versions; only the rendering
differs. v3 has no null codes: AUTHENTICATION is `UNAUTHORIZED` (Smartcar's
example), PERMISSION `ACCESS_DENIED` (its 403 for resources outside the token),
VALIDATION `INVALID_INPUT_FORMAT` (the v3 catalogue's validation code). Inside a signal's
`status.error`, the short `{type, code}` form keeps v2's codes, as Smartcar's webhook
fixtures show (`{"type": "PERMISSION", "code": null}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from mockcar.errors import SmartcarError
from mockcar.wire.errors import doc_url, error_headers

V3_CODES: dict[str, str] = {
    "AUTHENTICATION": "UNAUTHORIZED",
    "PERMISSION": "ACCESS_DENIED",
    "VALIDATION": "INVALID_INPUT_FORMAT",
}


def code(error: SmartcarError) -> str:
    return error.code or V3_CODES.get(error.type, "UNKNOWN")


def title(error_code: str) -> str:
    """`MAKE_NOT_COMPATIBLE` → `Make Not Compatible`, as Smartcar's example."""
    return " ".join(word.capitalize() for word in error_code.split("_"))


def error_object(error: SmartcarError, status: int | None = None) -> dict[str, Any]:
    resolution: dict[str, Any] = {"type": error.spec.resolution}
    if error.resolution_url:
        resolution["url"] = error.resolution_url
    found = code(error)
    body: dict[str, Any] = {
        "status": str(status or error.status),
        "type": error.type,
        "code": found,
        "title": title(found),
        "detail": error.description,
        "links": {"about": doc_url(error.type, error.code)},
        "resolution": resolution,
    }
    if error.spec.suggested_user_message:
        body["suggestedUserMessage"] = error.spec.suggested_user_message
    return body


def signal_error(error: SmartcarError) -> dict[str, Any]:
    """The short form inside a signal's `status.error`."""
    return {"type": error.type, "code": error.code, "description": error.description,
            "resolution": {"type": error.spec.resolution}}


def error_response(
    request: Request, error: SmartcarError, status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """`status` overrides the catalog's for HTTP-level refusals (405). A resolution URL
    given as a path (Connect's re-authentication) is made absolute: Connect is served on
    this origin."""
    body = error_object(error, status)
    url = body["resolution"].get("url")
    if isinstance(url, str) and url.startswith("/"):
        body["resolution"]["url"] = str(request.base_url).rstrip("/") + url
    return JSONResponse({"errors": [body]}, status_code=status or error.status,
                        headers={**error_headers(error), **(headers or {})})

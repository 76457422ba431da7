"""Smartcar's error objects as JSON, free of HTTP: the v2 error envelope every SDK parses
(https://smartcar.com/docs/api-reference/api-errors), each error's documentation URL,
and the headers that travel with it. The HTTP layer answers them (mockcar.web.errors);
a scheduled webhook's batch items and a v3 webhook's errors carry them too."""

from __future__ import annotations

from typing import Any

from mockcar.errors import SmartcarError

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

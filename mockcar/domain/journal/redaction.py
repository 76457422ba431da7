"""Redaction: what the request journal shows in place of secrets.

Every dump of a journal entry goes through these functions, so no client secret, access
or refresh token, authorization code, management token or password recorded from a
request ever leaves mockcar in clear (the request journal's dumps). The journal keeps the
raw request, which never leaves the process, and redacts on the way out.

A key is sensitive when its lower-cased name is one of `SENSITIVE_KEYS` or contains one
of `SENSITIVE_PARTS`; JSON bodies are walked at any depth, form bodies and query strings
key by key. A body that is neither JSON nor a form is not shown at all: mockcar cannot
know where a secret sits in it.

A response body is the exception for `code`: no response of Smartcar's API carries an
authorization code (it comes back in Connect's redirect, a Location header redacted like a
query), while `code` is what an error names (`{"type": "VEHICLE_STATE", "code":
"ASLEEP"}`, https://smartcar.com/docs/errors/api-errors), a batch part's HTTP status and a
v3 signal's id; hiding those would hide what the requests monitor is read for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mockcar import jsontext

REDACTED = "[REDACTED]"

SENSITIVE_KEYS = frozenset({
    "code", "assertion", "authorization", "cookie", "set-cookie", "amt", "signature",
    "sc-signature", "client_assertion",
})
SENSITIVE_PARTS = ("secret", "token", "password", "passwd")
_SHOWN_IN_RESPONSES = frozenset({"code"})

# Connect step pages live under /oauth/authorize/<session>/…: the session id is a
# capability to finish someone's consent, so dumps do not show it either.
_CONNECT_STEPS = "/oauth/authorize/"


def sensitive(key: str) -> bool:
    folded = key.lower()
    return folded in SENSITIVE_KEYS or any(part in folded for part in SENSITIVE_PARTS)


def sensitive_in_response(key: str) -> bool:
    return key.lower() not in _SHOWN_IN_RESPONSES and sensitive(key)


def query(raw: str) -> str:
    """A query string with every sensitive parameter's value replaced."""
    if not raw:
        return ""
    return _pairs(parse_qsl(raw, keep_blank_values=True))


def headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers by lower-case name; an Authorization header keeps its scheme only."""
    shown: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        if name == "authorization":
            scheme = value.strip().partition(" ")[0]
            shown[name] = f"{scheme} {REDACTED}" if scheme else REDACTED
        elif sensitive(name):
            shown[name] = REDACTED
        else:
            shown[name] = value
    return shown


def response_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A response's headers by lower-case name: sensitive ones (Set-Cookie) replaced, and
    a Location's query redacted like a request's (Connect's redirect carries the code)."""
    shown: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        if sensitive(name):
            shown[name] = REDACTED
        elif name == "location":
            shown[name] = url(value)
        else:
            shown[name] = value
    return shown


def url(raw: str) -> str:
    """A URL (absolute or a path) with its path and query redacted as a request's are."""
    try:
        parts = urlsplit(raw)
    except ValueError:
        return REDACTED
    return urlunsplit(parts._replace(path=path(parts.path), query=query(parts.query)))


def body(raw: bytes, content_type: str | None, *, truncated: bool = False,
         response: bool = False) -> Any:
    """A request's (or with `response`, a response's) body as JSON can show it: parsed
    JSON or form fields with sensitive values replaced, None when empty, otherwise a note
    saying what was left out."""
    secret = sensitive_in_response if response else sensitive
    if not raw:
        return None
    kind = (content_type or "").split(";")[0].strip().lower()
    if truncated:
        return f"<{len(raw)}+ bytes of {kind or 'unknown type'}, too long to show>"
    if kind == "application/json" or kind.endswith("+json"):
        try:
            return value(jsontext.loads(raw), secret)
        except (ValueError, UnicodeDecodeError):
            return f"<{len(raw)} bytes, not valid JSON, not shown>"
    if kind == "application/x-www-form-urlencoded":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(raw)} bytes, not UTF-8, not shown>"
        fields: dict[str, Any] = {}
        for k, v in parse_qsl(text, True):
            shown = REDACTED if secret(k) else v
            # A repeated field (Connect's permission and vehicle boxes) keeps every value.
            held = fields.get(k)
            fields[k] = shown if k not in fields else (
                [*held, shown] if isinstance(held, list) else [held, shown])
        return fields
    return f"<{len(raw)} bytes of {kind or 'unknown type'}, not shown>"


def value(data: Any, secret: Callable[[str], bool] = sensitive) -> Any:
    """JSON data with the value of every `secret` key replaced, at any depth."""
    if isinstance(data, dict):
        return {
            k: REDACTED if isinstance(k, str) and secret(k) and v is not None
            else value(v, secret)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [value(item, secret) for item in data]
    return data


def path(raw: str) -> str:
    """The path, with a Connect session id replaced."""
    if raw.startswith(_CONNECT_STEPS) and raw.count("/") >= 4:
        rest = raw[len(_CONNECT_STEPS):]
        _, slash, step = rest.partition("/")
        return f"{_CONNECT_STEPS}{REDACTED}{slash}{step}"
    return raw


def _pairs(pairs: list[tuple[str, str]]) -> str:
    return urlencode([(k, REDACTED if sensitive(k) else v) for k, v in pairs], safe="[]")

"""Checking a response against mockcar's OpenAPI document: find the documented path
and operation, then the response by status, then its media type, required headers and
JSON body (JSON Schema 2020-12, the dialect of OpenAPI 3.1).

Used by the session-wide recorder (tests/support/openapi_plugin.py) on every response the
suite provokes, and by tests/web/test_openapi.py directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:mockcar:openapi"
ERROR_POINTER = "#/components/schemas/Error"


@dataclass(frozen=True)
class Exchange:
    """One response as the app sent it. `body` is kept for JSON only."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes | None
    test: str = ""

    @property
    def media(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _path_patterns(item: dict[str, Any]) -> dict[str, str]:
    """Path parameters whose schema has a `pattern`, as unanchored regex groups."""
    found: dict[str, str] = {}
    for operation in item.values():
        for parameter in operation.get("parameters", []) if isinstance(operation, dict) else ():
            pattern = parameter.get("schema", {}).get("pattern")
            if parameter.get("in") == "path" and isinstance(pattern, str):
                found[parameter["name"]] = "(?:" + pattern.strip("^$") + ")"
    return found


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


@dataclass
class Checker:
    document: dict[str, Any]
    _validators: dict[str, Draft202012Validator] = field(default_factory=dict)
    _matchers: list[tuple[re.Pattern[str], str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(BASE, resource)

        def literal(template: str) -> int:
            return len(re.sub(r"\{[^}]+\}", "", template))

        for template in sorted(self.document["paths"], key=literal, reverse=True):
            pattern = ""
            catch_all = template.endswith("/{rest}")
            declared = _path_patterns(self.document["paths"][template])
            for piece in re.split(r"(\{[^}]+\})", template):
                if piece == "{rest}" and catch_all:
                    pattern += "(?s:.+)"  # a catch-all's `{rest:path}`, newlines too
                elif piece.startswith("{"):
                    # A documented pattern (API v2's `{version}` is `\d+\.\d+`) keeps
                    # `/v3/...` out of `/v{version}/...`.
                    pattern += declared.get(piece[1:-1], "[^/]+")
                else:
                    pattern += re.escape(piece)
            self._matchers.append((re.compile(pattern), template, catch_all))

    def template(self, path: str) -> str | None:
        """The documented path a request path falls under; a trailing slash is
        tolerated as the vehicle endpoints tolerate it; catch-alls come last."""
        for last_resort in (False, True):
            for candidate in (path, path.rstrip("/") if len(path) > 1 else path):
                for pattern, template, catch_all in self._matchers:
                    if catch_all == last_resort and pattern.fullmatch(candidate):
                        return template
        return None

    def problem(self, exchange: Exchange) -> str | None:
        """What is wrong with this response, or None when the document describes it."""
        template = self.template(exchange.path)
        method = "get" if exchange.method == "HEAD" else exchange.method.lower()
        if template is None:
            if exchange.status not in (404, 405):
                return f"no documented path matches, yet the status is {exchange.status}"
            return self._body_matches_any(exchange, [ERROR_POINTER])
        item = self.document["paths"][template]
        base = f"#/paths/{_escape(template)}"
        operation = item.get(method)
        if operation is None:
            if exchange.status not in (404, 405):
                return f"{method.upper()} is not documented on {template}, yet answered " \
                       f"{exchange.status}"
            pointers = [ERROR_POINTER] + [
                f"{base}/{m}/responses/{s}/content/application~1json/schema"
                for m, op in item.items() if isinstance(op, dict)
                for s, reply in op.get("responses", {}).items()
                if not s.startswith("2") and "application/json" in reply.get("content", {})
            ]
            return self._body_matches_any(exchange, pointers, html_ok=True)
        responses = operation["responses"]
        status = str(exchange.status)
        if status not in responses and "default" not in responses:
            return f"status {status} is not documented for {method.upper()} {template}"
        key = status if status in responses else "default"
        reply = responses[key]
        for name, header in reply.get("headers", {}).items():
            if header.get("required") and name not in exchange.headers:
                return f"header {name} is missing"
            pattern = header.get("schema", {}).get("pattern")
            if pattern and name in exchange.headers and not re.match(pattern,
                                                                      exchange.headers[name]):
                return f"header {name}={exchange.headers[name]!r} does not match {pattern}"
        content = reply.get("content")
        if not content:
            return None
        if exchange.media not in content:
            return f"content-type {exchange.media!r} is not one of {sorted(content)}"
        if exchange.media != "application/json" or "schema" not in content[exchange.media]:
            return None
        pointer = f"{base}/{method}/responses/{key}/content/application~1json/schema"
        return self._body_matches_any(exchange, [pointer])

    def _body_matches_any(self, exchange: Exchange, pointers: list[str],
                          html_ok: bool = False) -> str | None:
        if exchange.media == "text/html" and html_ok:
            return None
        if exchange.media != "application/json":
            return f"expected a JSON error body, got {exchange.media!r}"
        try:
            body = json.loads(exchange.body or b"")
        except ValueError:
            return "the body is not JSON"
        errors = []
        for pointer in pointers:
            found = next(iter(self._validator(pointer).iter_errors(body)), None)
            if found is None:
                return None
            at = "/".join(str(p) for p in found.absolute_path) or "(root)"
            errors.append(f"{at}: {found.message[:300]}")
        return "body does not match the schema: " + "; ".join(errors[:2])

    def _validator(self, pointer: str) -> Draft202012Validator:
        found = self._validators.get(pointer)
        if found is None:
            found = Draft202012Validator({"$ref": BASE + pointer}, registry=self._registry)
            self._validators[pointer] = found
        return found

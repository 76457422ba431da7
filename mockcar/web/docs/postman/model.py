"""The Postman Collection Format v2.1 as mockcar writes it: a `Call` (one request and
what its test script checks and stores) rendered into items, folders and auth blocks.

Format: https://schema.getpostman.com/json/collection/v2.1.0/collection.json — an item
is `{name, request: {method, header, url, body?, auth?}, event: [{listen, script}],
response}`, a folder `{name, item, description?}`, auth `{type, <type>: [{key, value,
type}]}`. Pure data in, JSON-ready dicts out; which calls exist is decided by
`mockcar.web.docs.postman.v2_folders` and `mockcar.web.docs.postman.control_tour` from the route tables.

Every call's test script asserts its status and, for a JSON answer, one field the
answer must carry (or that it is an array); values a later request needs are stored in
the environment inside a test, so a missing value is a failed assertion, not a silent
`undefined` three requests later.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
JSON_CONTENT = "application/json"

Auth = dict[str, Any]
NOAUTH: Auth = {"type": "noauth"}


def basic(username: str, password: str) -> Auth:
    return {"type": "basic", "basic": [_attr("username", username), _attr("password", password)]}


def bearer(token: str) -> Auth:
    return {"type": "bearer", "bearer": [_attr("token", token)]}


def oauth2(**settings: str | bool) -> Auth:
    """Postman's OAuth 2.0 block: the keys its UI writes (`authUrl`, `accessTokenUrl`,
    `clientId`, `client_authentication`, ...) and the ones newman signs with
    (`accessToken`, `addTokenTo`, `headerPrefix`)."""
    return {"type": "oauth2", "oauth2": [_attr(key, value) for key, value in settings.items()]}


def _attr(key: str, value: str | bool) -> dict[str, Any]:
    return {"key": key, "value": value, "type": "boolean" if isinstance(value, bool) else "string"}


@dataclass(frozen=True)
class Call:
    """One request of the collection.

    `path` is below `{{baseUrl}}` and may hold `{{variables}}`; `body` is JSON, `form` an
    urlencoded body. `key` names a field the JSON answer must have; `array` says the
    answer is a JSON array; `contains` is text an HTML answer must include. `save` maps
    environment variables to JavaScript expressions over the parsed answer `body`.
    `auth` None inherits the collection's OAuth 2.0 (the owner's access token).
    """

    name: str
    method: str
    path: str
    status: int = 200
    key: str | None = None
    array: bool = False
    contains: str | None = None
    body: Any = None
    form: tuple[tuple[str, str], ...] | None = None
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    auth: Auth | None = None
    save: tuple[tuple[str, str], ...] = ()
    checks: tuple[str, ...] = ()  # more JavaScript, run after the status test
    prerequest: tuple[str, ...] = ()
    description: str = ""
    smartcar: bool = False  # a Smartcar API answer: it carries sc-request-id
    route: tuple[str, str] | None = field(default=None, compare=False)  # (method, template)


def render(call: Call) -> dict[str, Any]:
    """The item for `call`."""
    request: dict[str, Any] = {
        "method": call.method,
        "header": [{"key": k, "value": v, "type": "text"} for k, v in call.headers],
        "url": url(call.path, call.query),
    }
    if call.description:
        request["description"] = call.description
    if call.auth is not None:
        request["auth"] = call.auth
    if call.body is not None:
        request["header"].append({"key": "Content-Type", "value": JSON_CONTENT, "type": "text"})
        request["body"] = {"mode": "raw", "raw": json.dumps(call.body, indent=2),
                           "options": {"raw": {"language": "json"}}}
    elif call.form is not None:
        request["body"] = {"mode": "urlencoded", "urlencoded": [
            {"key": k, "value": v, "type": "text"} for k, v in call.form]}
    events = [event("test", tests(call))]
    if call.prerequest:
        events.insert(0, event("prerequest", list(call.prerequest)))
    return {"name": call.name, "event": events, "request": request, "response": []}


def folder(name: str, items: list[dict[str, Any]], description: str = "",
           prerequest: tuple[str, ...] = ()) -> dict[str, Any]:
    """A folder; a `prerequest` script runs before each request inside it."""
    result: dict[str, Any] = {"name": name, "item": items}
    if description:
        result["description"] = description
    if prerequest:
        result["event"] = [event("prerequest", list(prerequest))]
    return result


def url(path: str, query: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """Postman's parsed URL: `raw` plus host and path segments, query pairs apart."""
    raw = "{{baseUrl}}" + path
    if query:
        raw += "?" + "&".join(f"{k}={_query_text(v)}" for k, v in query)
    result: dict[str, Any] = {"raw": raw, "host": ["{{baseUrl}}"],
                              "path": [s for s in path.split("/") if s]}
    if path.endswith("/"):
        result["path"].append("")
    if query:
        result["query"] = [{"key": k, "value": _query_text(v)} for k, v in query]
    return result


def variables(path: str) -> str:
    """A route's `{name}` path parameters as Postman `{{name}}` variables."""
    return re.sub(r"(?<!\{)\{(\w+)\}(?!\})", r"{{\1}}", path)


def _query_text(value: str) -> str:
    # Postman shows and sends query values as written; spaces it encodes itself, but a
    # literal & or = would split the pair.
    return quote(value, safe=" {}:/,@.-_")


def tests(call: Call) -> list[str]:
    """The test script's lines."""
    lines = _test(f"status is {call.status}", f"pm.response.to.have.status({call.status});")
    if call.smartcar:
        lines += _test("carries sc-request-id", 'pm.response.to.have.header("sc-request-id");')
    if call.key is not None:
        lines += _test(f"answer has {call.key}",
                       f"pm.expect(pm.response.json()).to.have.property({_js(call.key)});")
    if call.array:
        lines += _test("answer is an array", 'pm.expect(pm.response.json()).to.be.an("array");')
    if call.status == 204:
        lines += _test("answer is empty", 'pm.expect(pm.response.text()).to.equal("");')
    if call.contains is not None:
        lines += _test(f"page shows {call.contains}",
                       f"pm.expect(pm.response.text()).to.include({_js(call.contains)});")
    lines += list(call.checks)
    for variable, expression in call.save:
        lines += _test(f"stores {variable}", (
            "const body = pm.response.json();\n"
            f"const value = {expression};\n"
            f"pm.expect(value, {_js(variable)}).to.be.a(\"string\").that.is.not.empty;\n"
            f"pm.environment.set({_js(variable)}, value);"
        ))
    return lines


def test(title: str, body: str) -> tuple[str, ...]:
    """One `pm.test` block, for `Call.checks`."""
    return tuple(_test(title, body))


def _test(title: str, body: str) -> list[str]:
    return [f"pm.test({_js(title)}, function () {{",
            *("    " + line for line in body.splitlines()), "});"]


def event(listen: str, lines: list[str]) -> dict[str, Any]:
    """A script of a request, folder or collection: `listen` is "prerequest" or "test"."""
    return {"listen": listen, "script": {"type": "text/javascript", "exec": lines}}


def _js(text: str) -> str:
    return json.dumps(text)

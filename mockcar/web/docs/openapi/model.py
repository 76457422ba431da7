"""The vocabulary the OpenAPI document is written in: JSON Schema builders (2020-12, the
dialect of OpenAPI 3.1), the `Operation` a route is documented by, and `render`, the one
place an `Operation` becomes an OpenAPI operation object (API v2's routes in
`mockcar.web.docs.openapi.document` and API v3's in `mockcar.web.v3.openapi` both use it).
The document is assembled in `mockcar.web.docs.openapi.document`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
FRACTION: Schema = {"type": "number", "minimum": 0, "maximum": 1}
ANY: Schema = {}
# sc-data-age, sc-fetched-at and every time in a body: ISO 8601, milliseconds, Z.
TIMESTAMP: Schema = {"type": "string",
                     "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
UUID: Schema = {"type": "string", "format": "uuid"}
HTML = "text/html"
JSON = "application/json"


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    if set(schema) == {"type"} and isinstance(schema["type"], str):
        return {"type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def array(items: Schema, **constraints: Any) -> Schema:
    return {"type": "array", "items": items, **constraints}


def obj(optional: Mapping[str, Schema] | None = None, /, **required: Schema) -> Schema:
    """A closed object: every keyword is a required property, `optional` the others.
    Closed, so that a renamed or stray field fails validation instead of drifting."""
    properties = {**required, **(optional or {})}
    schema: Schema = {"type": "object", "properties": properties,
                      "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def open_obj(**properties: Schema) -> Schema:
    """An object of which only these keys are described (all required)."""
    return {"type": "object", "properties": properties, "required": list(properties)}


@dataclass(frozen=True)
class Reply:
    """One documented response. `schema` describes a JSON body; `media` other bodies
    (HTML pages) are described by their type only; `headers` are always sent."""

    description: str
    schema: Schema | None = None
    media: str = JSON
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # query | header | path
    schema: Schema = field(default_factory=lambda: dict(STRING))
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """How one (method, path) is documented. `security` names schemes of
    `mockcar.web.docs.openapi.document.SECURITY_SCHEMES` (any one of them suffices)."""

    summary: str
    replies: Mapping[int | str, Reply]
    security: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    body: Schema | None = None
    body_media: str = JSON
    tags: tuple[str, ...] = ()
    description: str = ""
    operation_id: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)  # x-… keys


_PATH_PARAMETER = re.compile(r"\{(\w+)\}")


def render(
    path: str,
    operation: Operation,
    operation_id: str | None = None,
    *,
    headers: Mapping[str, Schema],
    path_parameters: Mapping[str, Schema] | None = None,
) -> dict[str, Any]:
    """The OpenAPI 3.1 operation object documenting `operation` at `path`
    (https://spec.openapis.org/oas/v3.1.0#operation-object).

    Every `{name}` of the path is a required path parameter, its schema from
    `path_parameters` (a string otherwise); a reply's headers are looked up in `headers`,
    which each API words its own way. `operation_id` overrides the operation's own (the
    trailing-slash twin of a path gets its own id)."""
    known = path_parameters or {}
    parameters = [
        {"name": name, "in": "path", "required": True,
         "schema": known.get(name, STRING)}
        for name in _PATH_PARAMETER.findall(path)
    ] + [_parameter(p) for p in operation.params]
    result: dict[str, Any] = {
        "operationId": operation_id or operation.operation_id,
        "summary": operation.summary,
        "tags": list(operation.tags),
        "parameters": parameters,
        "responses": {str(status): _reply(reply, headers)
                      for status, reply in operation.replies.items()},
        "security": [{name: []} for name in operation.security],
    }
    if operation.description:
        result["description"] = operation.description
    if operation.body is not None:
        result["requestBody"] = {"required": True,
                                 "content": {operation.body_media: {"schema": operation.body}}}
    result.update(operation.extensions)
    return result


def _parameter(param: Param) -> dict[str, Any]:
    result: dict[str, Any] = {"name": param.name, "in": param.where, "schema": param.schema,
                              "required": param.required}
    if param.description:
        result["description"] = param.description
    return result


def _reply(reply: Reply, headers: Mapping[str, Schema]) -> dict[str, Any]:
    """A JSON reply with its schema, another media type by its type alone, an empty
    media type (a redirect, a 204) with no content."""
    result: dict[str, Any] = {"description": reply.description}
    if reply.media == JSON and reply.schema is not None:
        result["content"] = {JSON: {"schema": reply.schema}}
    elif reply.media and reply.media != JSON:
        result["content"] = {reply.media: {}}
    if reply.headers:
        result["headers"] = {name: headers[name] for name in reply.headers}
    return result

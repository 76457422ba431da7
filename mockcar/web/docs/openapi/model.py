"""The vocabulary the OpenAPI document is written in: JSON Schema builders (2020-12, the
dialect of OpenAPI 3.1) and the `Operation` a route is documented by. Pure data; the
document is assembled in `mockcar.web.docs.openapi.document`."""

from __future__ import annotations

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

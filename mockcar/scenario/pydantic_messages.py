"""Pydantic's validation errors, reworded as the one-line fixes a scenario author needs.

Pydantic says "Input should be a valid string"; a YAML author needs to hear that `no`
was read as a boolean and should be quoted. Unknown keys get a "did you mean" hint.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "model_type": "a mapping of keys to values",
    "dict_type": "a mapping of keys to values",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "less_than_equal": ("le", "at most"),
    "greater_than": ("gt", "greater than"),
    "less_than": ("lt", "less than"),
}


def describe(value: Any) -> str:
    """How YAML read a value: `no` -> "boolean false", `'7'` -> "string '7'"."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, date):  # YAML reads 2024-05-01 as a date
        return f"date {value.isoformat()}"
    return type(value).__name__


def message(error: ErrorDetails, model: type[BaseModel] | None) -> str:
    """The text after `path: ` for one pydantic error. `model` is the model the
    erroneous key belongs to, for listing and suggesting known keys."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key(str(error["loc"][-1]), model)
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in _EXPECTED:
        text = f"must be {_EXPECTED[kind]}, got {describe(value)}"
        if kind == "string_type" and isinstance(value, bool):
            text += " (YAML reads yes/no/on/off/true/false as booleans; quote the value)"
        elif kind == "string_type" and isinstance(value, int | float):
            text += " (quote the value to keep it text)"
        return text
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {_number(ctx.get(key))}, got {describe(value)}"
    if kind == "too_short":
        count = ctx.get("min_length")
        return f"must have at least {count} item{'' if count == 1 else 's'}"
    return str(error["msg"])


def _number(value: Any) -> str:
    """Bounds as written in the schema: 0, not 0.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def suggestion(key: str, model: type[BaseModel] | None) -> str | None:
    """The model's key closest to a misspelt one, if any is close."""
    if model is None:
        return None
    close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown_key(key: str, model: type[BaseModel] | None) -> str:
    if model is None:
        return "unknown key"
    close = suggestion(key, model)
    hint = f"did you mean '{close}'? " if close else ""
    return f"unknown key; {hint}allowed keys: {', '.join(model.model_fields)}"

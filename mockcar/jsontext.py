"""JSON text from outside mockcar (request bodies, the journal's copies of them, a
webhook receiver's answer), parsed within bounds.

`json.loads` alone raises RecursionError on 2 kB of `[` (a 500, and uvicorn drops the
connection), and a document nested a few hundred deep parses but breaks whatever walks it
afterwards (redaction, rendering). `loads` refuses both with `JSONTextError`, a
ValueError, so every caller's existing `except ValueError` answers a 400 in its own shape.
No body Smartcar or the control API takes nests more than a handful of levels.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # arrays and objects inside one another


class JSONTextError(ValueError):
    """Not JSON, not UTF-8, or nested deeper than MAX_DEPTH."""


def loads(raw: bytes | str) -> Any:
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JSONTextError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
        raise JSONTextError(str(error)) from None
    # Counting brackets is C-fast; only a text with many of them is walked.
    if isinstance(raw, bytes):
        openers = raw.count(b"[") + raw.count(b"{")
    else:
        openers = raw.count("[") + raw.count("{")
    if openers > MAX_DEPTH and too_deep(value, MAX_DEPTH):
        raise JSONTextError(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value


def too_deep(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` deep, walked without
    recursion."""
    if not isinstance(value, dict | list):
        return False
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                pending.append((child, depth + 1))
    return False

"""Reading what a client sent: JSON bodies, their fields, query dates and paging.

Every refusal is a Smartcar VALIDATION error whose `detail` names the field, in the
shape Smartcar uses (`[{"field": [...], "message": ...}]`,
https://smartcar.com/docs/errors/api-errors/validation-errors): a missing or malformed field is
VALIDATION with a null code, a well-formed value out of range is VALIDATION:PARAMETER.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from mockcar import jsontext
from mockcar.errors import SmartcarError

MAX_OFFSET = 10**9  # the largest `offset` a paged list takes


def required(name: str, message: str | None = None) -> SmartcarError:
    text = message or f'"{name}" is required'
    return SmartcarError("VALIDATION", None, message=f"{text}.",
                         detail=[{"field": [name], "message": text}])


def parameter(name: str, message: str) -> SmartcarError:
    return SmartcarError("VALIDATION", "PARAMETER", message=f"'{name}' {message}.",
                         detail=[{"field": [name], "message": message}])


def parse_json(raw: bytes) -> Any:
    """The body as JSON; an empty body is None (some SDKs send none on POST)."""
    if not raw.strip():
        return None
    try:
        return jsontext.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise SmartcarError(
            "VALIDATION", None, message="The body is not valid JSON.",
            detail=[{"field": ["body"], "message": "must be a JSON object"}],
        ) from None


def field(body: Any, name: str) -> Any:
    """`body[name]`, or VALIDATION naming it when the body is not an object or lacks it."""
    if not isinstance(body, dict) or body.get(name) is None:
        raise required(name)
    return body[name]


def action(body: Any, allowed: tuple[str, ...]) -> str:
    """The `action` of a command body, one of `allowed`."""
    value = body.get("action") if isinstance(body, dict) else None
    if value not in allowed:
        choices = ", ".join(allowed)
        raise SmartcarError(
            "VALIDATION", None, message=f'The JSON body needs "action": one of {choices}.',
            detail=[{"field": ["action"], "message": f"must be one of {choices}"}],
        )
    return str(value)


def number(value: Any, name: str) -> float:
    """A JSON number, or a string holding one: the Node SDK sends the charge limit as
    a string (its `setChargeLimit`)."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise required(name, f'"{name}" must be a number')
    return float(value)


def query_value(query: Mapping[str, str], *names: str) -> str | None:
    """The first of `names` present in the query: Smartcar's SDKs disagree on spelling
    (Python `startDate`, Node and Java `start_date`)."""
    for name in names:
        if query.get(name):
            return query[name]
    return None


def query_number(query: Mapping[str, str], name: str, low: float, high: float) -> float:
    raw = query.get(name)
    if raw is None or raw == "":
        raise required(name)
    try:
        value = float(raw)
    except ValueError:
        raise parameter(name, f"must be a number from {low} to {high}") from None
    if not low <= value <= high:
        raise parameter(name, f"must be a number from {low} to {high}")
    return value


def query_datetime(query: Mapping[str, str], *names: str, end_of_day: bool = False
                   ) -> datetime | None:
    """`YYYY-MM-DD` or an ISO 8601 UTC instant (`...T16:20:00.000Z`); a bare end date
    means the end of that day, so the day itself is included."""
    raw = query_value(query, *names)
    if raw is None:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            moment = datetime.combine(day, time(), UTC)
            return moment + timedelta(days=1, microseconds=-1) if end_of_day else moment
        parsed = datetime.fromisoformat(raw)  # 3.11 reads the Z suffix
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        raise parameter(names[0], "must be a date as YYYY-MM-DD or an ISO 8601 "
                        "time such as 2024-01-31T12:00:00.000Z") from None


def date_range(query: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """(start, end) from either spelling; start after end is VALIDATION:PARAMETER."""
    start = query_datetime(query, "startDate", "start_date")
    end = query_datetime(query, "endDate", "end_date", end_of_day=True)
    if start and end and start > end:
        raise parameter("startDate", "must not be after endDate")
    return start, end


def query_date(query: Mapping[str, str], *names: str) -> date | None:
    found = query_datetime(query, *names)
    return found.date() if found else None


def paging(query: Mapping[str, str], default: int, maximum: int) -> tuple[int, int]:
    """(limit, offset) of a paged list
    (https://smartcar.com/docs/api-reference/all-vehicles)."""

    def integer(name: str, fallback: int, low: int, high: int) -> int:
        raw = query.get(name)
        if raw is None or raw == "":
            return fallback
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise SmartcarError(
                "VALIDATION", "PARAMETER",
                message=f"'{name}' must be an integer from {low} to {high}.",
                detail=[{"field": [name], "message": f"must be between {low} and {high}"}],
            )
        return int(raw)

    return integer("limit", default, 1, maximum), integer("offset", 0, 0, MAX_OFFSET)


def page_number(query: Mapping[str, str]) -> int:
    raw = query.get("page") or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise parameter("page", "must be a whole number from 1")
    return int(raw)

"""The bytes a fast read sends, made the way the Starlette path makes them but cheaper:
JSON as `JSONResponse` writes it, `sc-request-id` as `uuid.uuid4()` writes it, and
API v2's ISO 8601 timestamps remembered while the same moment is asked for again.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from mockcar.wire.v2.vehicle_responses import timestamp

# Starlette's JSONResponse: compact, UTF-8, no NaN (a NaN fails the request).
_STDLIB = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
# Types orjson would write where the standard library raises or writes them otherwise
# (dataclasses, datetimes, str/int subclasses such as StrEnum) go to the standard library.
_PASSTHROUGH = (orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
                | orjson.OPT_PASSTHROUGH_SUBCLASS)


def json_bytes(body: Any) -> bytes | None:
    """`body` byte for byte as `JSONResponse(body).body`, or None where that fails (a
    NaN or a value JSON cannot hold: the Starlette path answers those)."""
    try:
        out = orjson.dumps(body, option=_PASSTHROUGH)
    except (orjson.JSONEncodeError, TypeError):
        out = None
    if out is not None and not _may_differ(out):
        return out
    try:
        return _STDLIB.encode(body).encode("utf-8")
    except (TypeError, ValueError):
        return None


def _may_differ(out: bytes) -> bool:
    """Whether orjson may have written something the standard library writes otherwise.
    The two agree on strings and on every float but those of magnitude 1e-9 to 1e-4
    (orjson `0.00001`, `1e-7`; Python `1e-05`, `1e-07`), and orjson writes NaN and
    infinities as null where Python refuses them. So a `null`, a `0.0000` or an exponent
    of one digit sends the body through the standard library (a false alarm, such as a
    string holding one of them, costs time, never a different answer)."""
    # find, not `in`: `bytes in bytes` first tries the needle as an integer, and the
    # TypeError it makes and drops costs more than the search.
    if out.find(b"null") != -1 or out.find(b"0.0000") != -1:
        return True
    at = out.find(b"e-")
    while at != -1:
        if out[at - 1:at].isdigit() and out[at + 2:at + 3].isdigit() and \
                not out[at + 3:at + 4].isdigit():
            return True
        at = out.find(b"e-", at + 2)
    return False


def request_id() -> str:
    """A random UUID, version 4, in `str(uuid.uuid4())`'s form, from `os.urandom` as
    `uuid4` draws it, without building a UUID object; drawn `_BATCH` at a time (one
    system call for many requests), each used once."""
    try:
        return _ids.pop()
    except IndexError:
        _ids.extend(_draw())
        return _ids.pop()


def _draw() -> list[str]:
    """`_BATCH` ids, written by a few operations on the whole batch instead of a string
    format per id (which cost more than the rest of a request id): uuid4's version and
    variant bits set in every 16 bytes (bytes 6 and 8), the hex digits in groups of
    four, and of each id's eight groups (`gggg-gggg-...-gggg-`) the dashes that
    `8-4-4-4-12` does not have dropped and its last made the separator."""
    raw = bytearray(os.urandom(16 * _BATCH))
    raw[6::16] = raw[6::16].translate(_VERSION)
    raw[8::16] = raw[8::16].translate(_VARIANT)
    text = bytearray(raw.hex("-", 2), "ascii")
    text.append(ord("-"))
    for at in (4, 29, 34):  # after the 1st, 6th and 7th group of four
        text[at::40] = _DROP
    text[39::40] = _APART
    return text.replace(b"\0", b"").decode("ascii").split()


_BATCH = 64
_VERSION = bytes((byte & 0x0F) | 0x40 for byte in range(256))  # version 4
_VARIANT = bytes((byte & 0x3F) | 0x80 for byte in range(256))  # RFC 4122
_DROP, _APART = b"\0" * _BATCH, b" " * _BATCH
_ids: list[str] = []
# A forked child draws its own: ids drawn before the fork would repeat in both.
os.register_at_fork(after_in_child=_ids.clear)


Header = tuple[bytes, bytes]


class Timestamps:
    """The header `name: timestamp(moment)`, remembering the last few moments asked for
    (the pair itself, so a response and its journal entry share it): a frozen clock asks
    for the same `now` every request, and a vehicle's data time (`sc-data-age`) changes
    only when its state does."""

    def __init__(self, name: bytes, size: int = 64) -> None:
        self.name = name
        self.size = size
        self._known: dict[datetime, Header] = {}

    def __call__(self, moment: datetime) -> Header:
        if moment.tzinfo is not UTC:  # equal instants in other zones are written otherwise
            return self.name, timestamp(moment).encode("latin-1")
        found = self._known.get(moment)
        if found is None:
            if len(self._known) >= self.size:
                self._known.clear()
            found = self._known[moment] = self.name, timestamp(moment).encode("latin-1")
        return found


class Milliseconds:
    """The header `name: timestamp(moment)` for a clock that moves on (`sc-fetched-at`):
    the text names the millisecond only (isoformat cuts the microseconds, never rounds),
    so within one second it is the second's text (kept) and the millisecond's three
    digits; the last millisecond's header is kept whole."""

    def __init__(self, name: bytes) -> None:
        self.name = name
        # (first moment of the second, first moment after it, its text up to the
        # fraction's dot, the last millisecond written in it, that header), replaced as
        # one tuple: a reader on another thread never mixes two seconds.
        self._last: tuple[datetime, datetime, bytes, int, Header] | None = None

    def __call__(self, moment: datetime) -> Header:
        if moment.tzinfo is not UTC:  # equal instants in other zones are written otherwise
            return self.name, timestamp(moment).encode("latin-1")
        last = self._last
        millisecond = moment.microsecond // 1000
        if last is not None and last[0] <= moment < last[1]:
            if last[3] == millisecond:
                return last[4]
            start, end, second = last[0], last[1], last[2]
        else:
            start = moment.replace(microsecond=0)
            if start >= _LAST_SECOND:  # no second after it to bound this one
                return self.name, timestamp(moment).encode("latin-1")
            end = start + _SECOND
            second = timestamp(start).encode("latin-1")[:20]  # "YYYY-MM-DDTHH:MM:SS."
        header = self.name, b"%s%03dZ" % (second, millisecond)
        self._last = (start, end, second, millisecond, header)
        return header


_SECOND = timedelta(seconds=1)
_LAST_SECOND = datetime.max.replace(microsecond=0, tzinfo=UTC)

"""The request journal: the last requests one tenant received, in a bounded ring
(`GET /_mockcar/journal` reads it).

An entry keeps what a test asks about — method, path, query, a few headers, the body,
status, duration, application, vehicle, token — as received, and the response's headers
and body as sent. Entries are only ever shown through `Entry.shown()`, which redacts
(mockcar.domain.journal.redaction); filters run on the raw values, so a test may look
requests up by the access token it holds. A watcher (`Journal.watch`: the dashboard's
live requests monitor) is told of every entry as it is recorded.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mockcar.domain.journal import redaction

CAPACITY = 1000  # entries kept per tenant; the oldest go first
BODY_LIMIT = 8192  # bytes of a request (and of a response) body kept
# Request headers an entry shows (Authorization with its credential redacted).
KEPT_HEADERS = frozenset({
    b"authorization", b"content-type", b"sc-unit-system", b"user-agent", b"accept",
    b"sc-signature", b"sc-user-id",  # API v3 names the owner with an application token
})


def token_id(token: str) -> str:
    """A stable, non-reversible name for a token: requests made with one token can be
    grouped and found without the journal ever showing the token."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass(slots=True)
class Entry:
    """One request as received. Recording stores raw values (the header list and query
    bytes as the server gave them, the bearer credential itself); everything derived —
    decoded headers, the token's id, the vehicle — is computed when asked, so the
    request path pays for an append and nothing else.

    Nothing assigns to an entry once recorded; it is not a frozen dataclass because a
    frozen one's `__init__` sets each field through `object.__setattr__`, which alone
    cost more than the rest of recording (its header list made it unhashable anyway)."""

    seq: int  # 1, 2, … per journal; never reused, so `since=` paging is exact
    at: float  # wall-clock time the response finished, seconds since the epoch
    method: str
    path: str
    query: bytes
    raw_headers: Sequence[tuple[bytes, bytes]]
    body: bytes
    body_truncated: bool
    status: int
    duration_ms: float
    client_id: str | None
    token: str | None  # never shown; see token_id
    request_id: str | None
    hint: str | None = None  # mockcar's explanation of an error answer (mockcar-hint)
    # The response as the app sent it: every header, and the body up to BODY_LIMIT.
    response_headers: Sequence[tuple[bytes, bytes]] = ()
    response_body: bytes = b""
    response_truncated: bool = False

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [(k.decode("latin-1"), v.decode("latin-1"))
                for k, v in self.raw_headers if k in KEPT_HEADERS]

    @property
    def content_type(self) -> str | None:
        return next((v.decode("latin-1") for k, v in self.raw_headers
                     if k == b"content-type"), None)

    @property
    def token_id(self) -> str | None:
        return token_id(self.token) if self.token else None

    @property
    def vehicle_id(self) -> str | None:
        """The `{id}` of a `/v{version}/vehicles/{id}/…` path."""
        parts = self.path.split("/", 4)
        if len(parts) > 3 and parts[2] == "vehicles" and parts[3]:
            return parts[3]
        return None

    def shown(self) -> dict[str, Any]:
        """The entry as every dump shows it: secrets redacted."""
        return {
            "seq": self.seq,
            "at": datetime.fromtimestamp(self.at, UTC),
            "method": self.method,
            "path": redaction.path(self.path),
            "query": redaction.query(self.query.decode("latin-1")),
            "headers": redaction.headers(self.headers),
            "body": redaction.body(self.body, self.content_type, truncated=self.body_truncated),
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "client_id": self.client_id,
            "vehicle_id": self.vehicle_id,
            "token_id": self.token_id,
            "request_id": self.request_id,
            "hint": self.hint,
            "response": {
                "headers": redaction.response_headers(self._response_header_pairs()),
                "body": redaction.body(self.response_body, self.response_content_type,
                                       truncated=self.response_truncated, response=True),
            },
        }

    def _response_header_pairs(self) -> list[tuple[str, str]]:
        pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self.response_headers]
        if self.request_id:  # put on the response outside the journal (web/request_id.py)
            pairs.append(("sc-request-id", self.request_id))
        return pairs

    @property
    def response_content_type(self) -> str | None:
        return next((v.decode("latin-1") for k, v in self.response_headers
                     if k.lower() == b"content-type"), None)


@dataclass(frozen=True)
class Match:
    """Which entries a query or a verification counts. Every field left None matches
    anything. `path` is a pattern: `*` matches any run of characters (slashes too) and a
    `{name}` segment one path segment, so `/v2.0/vehicles/{id}/odometer` and
    `*/odometer` both match an odometer read; a trailing slash never matters."""

    method: str | None = None
    path: str | None = None
    status: int | None = None
    vehicle_id: str | None = None
    client_id: str | None = None
    token: str | None = None  # the credential as the caller holds it
    token_id: str | None = None  # or its id, as a dump shows it
    since: int | None = None  # only entries with seq > since
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", path_pattern(self.path) if self.path else None)

    def __call__(self, entry: Entry) -> bool:
        return (
            (self.since is None or entry.seq > self.since)
            and (self.method is None or entry.method == self.method.upper())
            and (self._pattern is None or self._pattern.fullmatch(entry.path.rstrip("/")) is not None)
            and (self.status is None or entry.status == self.status)
            and (self.vehicle_id is None or entry.vehicle_id == self.vehicle_id)
            and (self.client_id is None or entry.client_id == self.client_id)
            and (self.token is None or entry.token == self.token)
            and (self.token_id is None or entry.token_id == self.token_id)
        )


def path_pattern(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/{}]*\}|\*)", pattern.rstrip("/") or "/")
    regex = "".join(
        ".*" if part == "*" else "[^/]+" if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


class Journal:
    """A bounded ring of entries, oldest first. Recording is an append; queries scan
    (a ring holds at most `capacity` entries)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._seq = itertools.count(1)
        self.dropped = 0  # entries pushed out of the full ring since the last clear
        self._watchers: tuple[Watcher, ...] = ()

    def __len__(self) -> int:
        return len(self._entries)

    def record(
        self, at: float, method: str, path: str, query: bytes,
        headers: Sequence[tuple[bytes, bytes]], body: bytes, body_truncated: bool, status: int,
        duration_ms: float, client_id: str | None, token: str | None, request_id: str | None,
        hint: str | None = None, response_headers: Sequence[tuple[bytes, bytes]] = (),
        response_body: bytes = b"", response_truncated: bool = False,
    ) -> Entry:
        entry = Entry(next(self._seq), at, method, path, query, headers, body, body_truncated,
                      status, duration_ms, client_id, token, request_id, hint,
                      response_headers, response_body, response_truncated)
        if len(self._entries) == self.capacity:
            self.dropped += 1
        self._entries.append(entry)
        for watcher in self._watchers:
            watcher(entry)
        return entry

    def watch(self, watcher: Watcher) -> Callable[[], None]:
        """Call `watcher` with every entry recorded from now on, and with None when the
        journal is cleared; returns the function that stops it. A watcher is called on
        the request's path, so it only hands the entry on (to a bounded queue)."""
        self._watchers = (*self._watchers, watcher)

        def stop() -> None:
            self._watchers = tuple(w for w in self._watchers if w is not watcher)

        return stop

    def last_seq(self) -> int:
        """The seq of the newest entry kept, 0 when there is none."""
        return self._entries[-1].seq if self._entries else 0

    def entries(self, match: Match | None = None, limit: int | None = None) -> list[Entry]:
        """Matching entries, oldest first; with `limit`, the newest `limit` of them."""
        found = [e for e in self._entries if match is None or match(e)]
        if limit is not None and limit < len(found):
            return found[len(found) - limit:]
        return found

    def count(self, match: Match | None = None) -> int:
        if match is None:
            return len(self._entries)
        return sum(1 for e in self._entries if match(e))

    def clear(self) -> None:
        self._entries.clear()
        self.dropped = 0
        for watcher in self._watchers:
            watcher(None)


# Told of each entry as it is recorded, and of a clear (None).
Watcher = Callable[[Entry | None], None]

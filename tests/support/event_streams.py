"""Reading the control API's server-sent event streams (the journal's and the World's) on
a live server, and the ways every such stream must end."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from mockcar.web.control.journal_stream import streams_of


@dataclass
class Event:
    kind: str
    data: dict[str, Any]
    id: str | None = None


def events(lines: Iterator[str], wanted: int, kinds: tuple[str, ...] = ("request",),
           comments: list[str] | None = None) -> list[Event]:
    """Read the stream until `wanted` events of `kinds` have come."""
    found: list[Event] = []
    fields: dict[str, str] = {}
    for line in lines:
        if line.startswith(":"):
            if comments is not None:
                comments.append(line)
                if wanted == 0:
                    return found
            continue
        if line:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
            continue
        if "event" in fields and fields["event"] in kinds:
            found.append(Event(fields["event"], json.loads(fields["data"]), fields.get("id")))
            if len(found) == wanted:
                return found
        fields = {}
    raise AssertionError(f"the stream ended after {found}")


def opened(lines: Iterator[str], name: str) -> None:
    """The stream's opening: the retry field and a comment naming what it streams."""
    assert [next(lines) for _ in range(3)] == ["retry: 1000", f": mockcar {name}", ""]


def assert_ends_when_its_client_goes_away(server: MockcarServer, path: str, name: str) -> None:
    streams = streams_of(server.app.state)
    with httpx.Client(timeout=10) as http, http.stream("GET", server.url + path) as stream:
        lines = stream.iter_lines()  # kept: dropping the iterator closes the connection
        opened(lines, name)
        assert len(streams.open) == 1
    deadline = time.monotonic() + 10
    while streams.open and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not streams.open


def assert_shutdown_ends_it(path: str, name: str, first: tuple[str, ...] = ()) -> None:
    """A server shut down while the stream is open ends it instead of waiting for it;
    `first`: the kinds of one event to read before the shutdown."""
    server = MockcarServer(Settings()).start()
    http = httpx.Client(timeout=10)
    try:
        with http.stream("GET", server.url + path) as stream:
            lines = stream.iter_lines()
            opened(lines, name)
            if first:
                events(lines, 1, first)
            server.stop()  # joins uvicorn's thread: it must finish, not wait on us
            assert not server._thread.is_alive()
            assert list(lines) == []  # the stream ended cleanly, no error
    finally:
        http.close()
        server.stop()

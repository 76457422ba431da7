"""The request journal as server-sent events (GET /_mockcar/journal/stream), against a
live uvicorn: entries arrive as they are recorded, filtered, resumable by
Last-Event-ID, with keep-alive comments; a stream ends when its client goes away and
when the server shuts down, which then never waits on it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.journal.journal import Journal, Match
from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from mockcar.web.control import journal_stream
from mockcar.web.control.journal_stream import QUEUE_LIMIT, Streams
from tests.support.event_streams import (
    assert_ends_when_its_client_goes_away,
    assert_shutdown_ends_it,
    events,
    opened,
)

STREAM = "/_mockcar/journal/stream"


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    # A read timeout fails a test that waits for an event that never comes.
    with httpx.Client(timeout=10) as client:
        yield client


def _opened(lines: Iterator[str]) -> None:
    opened(lines, "request journal")


def test_a_request_arrives_as_it_is_recorded(server: MockcarServer, http: httpx.Client) -> None:
    with http.stream("GET", server.url + STREAM) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert stream.headers["cache-control"] == "no-store"
        lines = stream.iter_lines()
        _opened(lines)
        http.get(server.url + "/v2.0/vehicles", headers={"Authorization": "Bearer nope"})
        application = next(iter(server.world.applications.values()))
        http.get(server.url + "/v2.0/compatibility?vin=1HGCM82633A004352&scope=read_odometer"
                 "&country=US", auth=(application.client_id, application.client_secret))
        [event] = events(lines, 1)
    # The first request was nobody's (an unknown token): only the scenario's journal
    # is streamed here.
    assert event.data["path"] == "/v2.0/compatibility"
    assert event.id == str(event.data["seq"])
    assert event.data["response"]["headers"]["content-type"] == "application/json"


def test_filters_and_since_send_only_matching_kept_entries(
    server: MockcarServer, http: httpx.Client
) -> None:
    application = next(iter(server.world.applications.values()))
    auth = (application.client_id, application.client_secret)
    for vin in ("1HGCM82633A004352", "5YJ3E1EA7KF317000"):
        http.get(server.url + f"/v2.0/compatibility?vin={vin}&scope=read_odometer&country=US",
                 auth=auth)
    kept = http.get(server.url + "/_mockcar/journal").json()["entries"]
    since = kept[-3]["seq"] if len(kept) > 2 else 0
    with http.stream("GET", server.url + STREAM, params={
            "since": since, "path": "*/compatibility", "status": 200}) as stream:
        lines = stream.iter_lines()
        _opened(lines)
        backlog = events(lines, 2)
    assert [e.data["query"].split("&")[0] for e in backlog] == [
        "vin=1HGCM82633A004352", "vin=5YJ3E1EA7KF317000"]
    assert all(e.data["seq"] > since for e in backlog)


def test_last_event_id_resumes_where_a_client_left(
    server: MockcarServer, http: httpx.Client
) -> None:
    application = next(iter(server.world.applications.values()))
    auth = (application.client_id, application.client_secret)
    http.get(server.url + "/v2.0/compatibility?vin=1HGCM82633A004352&scope=read_odometer"
             "&country=US", auth=auth)
    last = http.get(server.url + "/_mockcar/journal?limit=1").json()["entries"][0]["seq"]
    http.get(server.url + "/v2.0/compatibility?vin=WBA00000000000001&scope=read_odometer"
             "&country=US", auth=auth)
    with http.stream("GET", server.url + STREAM,
                     headers={"Last-Event-ID": str(last)}) as stream:
        lines = stream.iter_lines()
        _opened(lines)
        [missed] = events(lines, 1)
    assert missed.data["seq"] == last + 1
    assert "WBA00000000000001" in missed.data["query"]


def test_keep_alive_comments_come_every_heartbeat(
    server: MockcarServer, http: httpx.Client
) -> None:
    comments: list[str] = []
    with http.stream("GET", server.url + STREAM, params={"heartbeat": "0.05"}) as stream:
        lines = stream.iter_lines()
        _opened(lines)
        events(lines, 0, comments=comments)
    assert comments == [": keep-alive"]


def test_an_application_streams_its_own_journal_with_its_credentials(
    server: MockcarServer, http: httpx.Client
) -> None:
    registered = http.post(server.url + "/_mockcar/applications", json={}).json()
    path = f"/_mockcar/applications/{registered['client_id']}/journal/stream"
    refused = http.get(server.url + path)
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorized"
    token = {"Authorization": f"Bearer {registered['management_token']}"}
    connected = http.post(server.url + f"/_mockcar/applications/{registered['client_id']}"
                          "/connect", headers=token,
                          json={"email": "alice@example.com", "exchange": True}).json()
    with http.stream("GET", server.url + path, headers=token) as stream:
        lines = stream.iter_lines()
        _opened(lines)
        http.get(server.url + "/v2.0/vehicles",
                 headers={"Authorization": f"Bearer {connected['access_token']}"})
        [event] = events(lines, 1)
    assert event.data["client_id"] == registered["client_id"]
    assert event.data["headers"]["authorization"] == "Bearer [REDACTED]"
    assert connected["access_token"] not in json.dumps(event.data)


def test_the_unclaimed_requests_stream_too(server: MockcarServer, http: httpx.Client) -> None:
    with http.stream("GET", server.url + "/_mockcar/journal/unclaimed/stream") as stream:
        lines = stream.iter_lines()
        _opened(lines)
        http.get(server.url + "/v2.0/vehicles/x/odometer",
                 headers={"Authorization": "Bearer not-anyones"})
        [event] = events(lines, 1)
    assert (event.data["path"], event.data["status"]) == ("/v2.0/vehicles/x/odometer", 401)
    assert event.data["client_id"] is None
    assert "not-anyones" not in json.dumps(event.data)


def test_a_stream_ends_when_its_client_goes_away(server: MockcarServer) -> None:
    assert_ends_when_its_client_goes_away(server, STREAM, "request journal")


def test_shutdown_ends_open_streams_instead_of_waiting_for_them() -> None:
    assert_shutdown_ends_it(STREAM, "request journal")


def test_bad_requests_get_the_control_api_s_errors() -> None:
    with TestClient(create_app(Settings()), base_url="http://localhost") as client:
        bad = client.get(STREAM, params={"heartbeat": "0"})
        assert bad.status_code == 400
        assert bad.json()["problems"] == ["heartbeat: must be from 0.05 to 300"]
        assert client.get(STREAM, params={"status": "ok"}).status_code == 400
        assert client.get(STREAM, headers={"Last-Event-ID": "x"}).status_code == 400
        wrong = client.post(STREAM, json={})
        assert wrong.status_code == 405
        assert wrong.headers["allow"] == "GET, HEAD"
        head = client.head(STREAM)
        assert head.status_code == 200
        assert head.headers["content-type"] == "text/event-stream; charset=utf-8"
        missing = client.get("/_mockcar/applications/nobody/journal/stream")
        assert missing.status_code == 404


def test_a_slow_client_s_queue_is_bounded_and_what_did_not_fit_is_reported() -> None:
    async def run() -> list[bytes]:
        journal, streams = Journal(), Streams()
        stream = journal_stream._events(journal, Match(), None, 60.0, streams)
        sent = [await anext(stream)]  # subscribed
        for n in range(QUEUE_LIMIT + 3):
            journal.record(0.0, "GET", f"/v2.0/vehicles/{n}", b"", [], b"", False, 200, 1.0,
                           None, None, None)
        journal.clear()
        sent += [await anext(stream) for _ in range(QUEUE_LIMIT + 1)]
        assert len(streams.open) == 1
        await stream.aclose()
        assert not streams.open
        return sent

    sent = asyncio.run(run())
    assert sent[1] == b'event: dropped\ndata: {"dropped":4}\n\n'  # 3 entries and the clear
    assert sent[2].startswith(b"id: 1\nevent: request\n")
    assert sent[-1].startswith(f"id: {QUEUE_LIMIT}\n".encode())


def test_streams_over_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_stream, "MAX_STREAMS", 0)
    with TestClient(create_app(Settings()), base_url="http://localhost") as client:
        refused = client.get(STREAM)
    assert refused.status_code == 503
    assert refused.json()["error"] == "unavailable"
    assert refused.headers["retry-after"] == "5"

"""A World as server-sent events (GET /_mockcar/stream), against a live uvicorn: what a
page follows comes at connect as the control API's GET routes answer it, a change made
through the control API arrives as an event, an unchanged World sends only keep-alive
comments, an application's stream wants its credentials, and a bad query gets the
control API's errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.webhooks.deliveries import Attempt
from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from tests.support.event_streams import (
    Event,
    assert_ends_when_its_client_goes_away,
    assert_shutdown_ends_it,
    events,
    opened,
)

STREAM = "/_mockcar/stream"
FROZEN_AT = "2026-03-10T09:00:00Z"
AT_CONNECT = ("clock", "readings", "timeline", "connections", "webhooks", "faults",
              "states", "deliveries")
KINDS = (*AT_CONNECT, "missing", "error")


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        # A car with a timeline moves as the clock runs: frozen, the World holds still.
        httpx.post(running.url + "/_mockcar/clock/freeze", json={"at": FROZEN_AT})
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    # A read timeout fails a test that waits for an event that never comes.
    with httpx.Client(timeout=10) as client:
        yield client


def _opened(lines: Iterator[str]) -> None:
    opened(lines, "World")


def _until(lines: Iterator[str], kind: str, seen: list[Event] | None = None) -> Event:
    """Read events until one of `kind` comes; the others go to `seen`."""
    while True:
        [found] = events(lines, 1, KINDS)
        if found.kind == kind:
            return found
        if seen is not None:
            seen.append(found)


def _vehicles(server: MockcarServer) -> list[str]:
    return list(server.world.vehicles)


def _get(http: httpx.Client, server: MockcarServer, path: str) -> Any:
    answer = http.get(server.url + "/_mockcar" + path)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_what_a_page_follows_comes_at_connect_as_the_get_routes_answer_it(
    server: MockcarServer, http: httpx.Client
) -> None:
    first, second = _vehicles(server)[:2]
    with http.stream("GET", server.url + STREAM, params={
            "vehicle": first, "vehicles": f"{first},{second}", "deliveries": 0,
            "limit": 10}) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"] == "text/event-stream; charset=utf-8"
        lines = stream.iter_lines()
        _opened(lines)
        found = {e.kind: e.data for e in events(lines, len(AT_CONNECT), KINDS)}
    assert sorted(found) == sorted(AT_CONNECT)
    assert found["clock"] == _get(http, server, "/clock")
    assert found["clock"]["now"] == FROZEN_AT.replace("Z", ".000Z")
    base = f"/vehicles/{first}"
    readings = _get(http, server, base + "/readings")
    assert {**found["readings"], "at": readings["at"]} == readings
    assert found["timeline"] == _get(http, server, base + "/timeline")
    assert found["connections"] == _get(http, server, base + "/connections")
    assert found["webhooks"] == _get(http, server, base + "/webhooks?limit=10")
    assert found["faults"] == _get(http, server, "/faults")
    listed = {v["id"]: v for v in _get(http, server, "/vehicles")["vehicles"]}
    assert found["states"] == {"vehicles": [listed[first], listed[second]]}
    assert set(found["deliveries"]) == {"deliveries"}


def test_a_change_through_the_control_api_arrives_as_an_event(
    server: MockcarServer, http: httpx.Client
) -> None:
    first = _vehicles(server)[0]
    with http.stream("GET", server.url + STREAM,
                     params={"vehicle": first, "vehicles": first}) as stream:
        lines = stream.iter_lines()
        _opened(lines)
        events(lines, 7, KINDS)
        answer = http.post(server.url + f"/_mockcar/vehicles/{first}/state",
                           json={"battery_level": 0.42, "locked": False})
        assert answer.status_code == 200, answer.text
        changed: list[Event] = []
        readings = _until(lines, "readings", changed)
        states = _until(lines, "states", changed)
        http.post(server.url + "/_mockcar/clock/advance", json={"hours": 1})
        clock = _until(lines, "clock", changed)
    assert readings.data["battery"]["percent_remaining"] == 0.42
    assert readings.data["security"]["is_locked"] is False
    assert states.data["vehicles"][0]["state"]["battery_level"] == 0.42
    assert clock.data["now"] == "2026-03-10T10:00:00.000Z"
    assert all(e.kind not in ("clock", "faults", "connections") for e in changed)
    http.post(server.url + "/_mockcar/clock/freeze", json={"at": FROZEN_AT})


def test_an_unchanged_world_sends_only_keep_alive_comments(
    server: MockcarServer, http: httpx.Client
) -> None:
    first = _vehicles(server)[0]
    with http.stream("GET", server.url + STREAM, params={
            "vehicle": first, "vehicles": first, "deliveries": 0,
            "heartbeat": 0.05}) as stream:
        lines = stream.iter_lines()
        _opened(lines)
        events(lines, len(AT_CONNECT), KINDS)
        quiet: list[str] = []
        for line in lines:
            if line:
                quiet.append(line)
            if quiet.count(": keep-alive") == 3:
                break
    # Three looks at the World, and nothing but comments: no event is sent twice.
    assert quiet == [": keep-alive"] * 3


def test_a_delivery_attempt_arrives_in_deliveries_and_in_its_vehicle_s_webhooks(
    server: MockcarServer, http: httpx.Client
) -> None:
    first = _vehicles(server)[0]
    hook = next(hook for application in server.world.applications.values()
                for hook in application.webhooks)
    log = server.world.deliveries
    since = log.next_seq()
    with http.stream("GET", server.url + STREAM, params={
            "vehicle": first, "deliveries": since, "limit": 3}) as stream:
        lines = stream.iter_lines()
        _opened(lines)
        at_connect = {e.kind: e.data for e in events(lines, 7, KINDS)}
        log.record(Attempt(log.next_seq(), "event-1", "delivery-1", "VEHICLE_STATE", hook.id,
                           first, 1, "http://127.0.0.1:9/hook", "failed", status=500,
                           detail="the receiver answered 500"))
        changed: dict[str, Any] = {}
        while not {"deliveries", "webhooks"} <= set(changed):
            [found] = events(lines, 1, KINDS)
            changed[found.kind] = found.data
    assert at_connect["deliveries"] == {"deliveries": []}
    [sent] = changed["deliveries"]["deliveries"]
    assert (sent["event_id"], sent["webhook_id"], sent["status"]) == ("event-1", hook.id, 500)
    assert sent["seq"] > since
    assert changed["webhooks"]["deliveries"][0] == sent
    assert set(changed) == {"deliveries", "webhooks"}  # nothing else changed


def test_a_vehicle_gone_from_the_world_is_told_once(
    server: MockcarServer, http: httpx.Client
) -> None:
    made = http.post(server.url + "/_mockcar/vehicles", json={
        "owner": "gone@example.com", "vehicle": {"make": "FORD", "model": "F-150"}})
    assert made.status_code == 201, made.text
    vehicle_id = made.json()["id"]
    with http.stream("GET", server.url + STREAM, params={"vehicle": vehicle_id}) as stream:
        lines = stream.iter_lines()
        _opened(lines)
        events(lines, 6, KINDS)
        assert http.post(server.url + "/_mockcar/reset", json={}).status_code == 200
        missing = _until(lines, "missing")
    assert missing.data["status"] == 404
    assert missing.data["error"] == "not_found"
    http.post(server.url + "/_mockcar/clock/freeze", json={"at": FROZEN_AT})


def test_an_application_s_stream_needs_its_credentials(
    server: MockcarServer, http: httpx.Client
) -> None:
    app = http.post(server.url + "/_mockcar/applications", json={}).json()
    path = f"/_mockcar/applications/{app['client_id']}/stream"
    refused = http.get(server.url + path)
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorized"
    headers = {"Authorization": f"Bearer {app['management_token']}"}
    with http.stream("GET", server.url + path, headers=headers,
                     params={"deliveries": 0}) as stream:
        assert stream.status_code == 200
        lines = stream.iter_lines()
        _opened(lines)
        found = {e.kind: e.data for e in events(lines, 2, KINDS)}
    assert found["deliveries"] == {"deliveries": []}
    assert set(found["clock"]) == {"now", "frozen", "speed"}
    basic = http.get(server.url + path, auth=(app["client_id"], "wrong"))
    assert basic.status_code == 401


FLEET = """\
version: 1
seed: 5
applications:
  - {name: Fleet, client_id: fleet-app, client_secret: s, redirect_uris: ['http://localhost/cb']}
fleet: {count: 100000, name: rental, vehicles_per_owner: 3}
"""


def test_a_fleet_s_states_are_read_as_the_listing_reads_them_without_growing_the_world(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(FLEET, encoding="utf-8")
    with MockcarServer(Settings(scenario=path)) as fleet, httpx.Client(timeout=10) as http:
        httpx.post(fleet.url + "/_mockcar/clock/freeze", json={"at": FROZEN_AT})
        listed = http.get(fleet.url + "/_mockcar/vehicles", params={"offset": 50_000}).json()
        ids = [vehicle["id"] for vehicle in listed["vehicles"]]
        assert len(ids) == 50
        with http.stream("GET", fleet.url + STREAM, params={"vehicles": ",".join(ids)}) as stream:
            lines = stream.iter_lines()
            _opened(lines)
            states = _until(lines, "states")
        assert states.data["vehicles"] == listed["vehicles"]
        # Made to be read, not kept: the World does not grow by a page looked at.
        assert all(fleet.world.vehicles.get_made(vehicle_id) is None for vehicle_id in ids)


def test_a_stream_ends_when_its_client_goes_away(server: MockcarServer) -> None:
    assert_ends_when_its_client_goes_away(server, STREAM, "World")


def test_shutdown_ends_open_world_streams() -> None:
    assert_shutdown_ends_it(STREAM, "World", first=KINDS)


def test_bad_or_unknown_parameters_get_the_control_api_s_errors() -> None:
    with TestClient(create_app(Settings()), base_url="http://localhost") as client:
        unknown = client.get(STREAM, params={"vehicel": "x", "deliveries": "soon"})
        assert unknown.status_code == 400
        assert unknown.json()["error"] == "invalid_request"
        assert unknown.json()["problems"] == ["vehicel: unknown parameter",
                                              "deliveries: must be a whole number"]
        many = client.get(STREAM, params={"vehicles": ",".join(f"v{n}" for n in range(51))})
        assert many.json()["problems"] == ["vehicles: at most 50 ids"]
        assert client.get(STREAM, params={"heartbeat": "0"}).status_code == 400
        missing = client.get(STREAM, params={"vehicle": "no-such-car"})
        assert missing.status_code == 404
        assert missing.json() == {"error": "not_found", "status": 404, "message": (
            "No vehicle 'no-such-car' in this world (ids and VINs are listed by "
            "GET …/vehicles).")}
        wrong = client.post(STREAM, json={})
        assert wrong.status_code == 405
        assert wrong.headers["allow"] == "GET, HEAD"
        assert client.get("/_mockcar/applications/nobody/stream").status_code == 404

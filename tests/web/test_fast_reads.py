"""The fast read path (mockcar.web.fast_reads) answers exactly as the Starlette path: one
World served by two apps, one with the fast path and one without, asked the same
requests. Status, every header (the request id aside) and the body must be the same
bytes, and so must the journal entry and the console's request-log line; and the fast
path must really have answered the plain reads (and nothing else)."""

from __future__ import annotations

import io
import json
import math
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from mockcar.app import create_app
from mockcar.domain.connect.test_accounts import error_trigger
from mockcar.domain.signals.catalog import CATALOG
from mockcar.domain.vehicles import fixed_vehicle
from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle
from mockcar.domain.world import application_tokens
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.latency import Latency, Policy
from mockcar.domain.world.rate_limits import RateLimitSettings
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.web.fast_reads import FastReads
from mockcar.web.fast_reads.encoding import json_bytes, request_id
from mockcar.web.request_log import RequestLog
from mockcar.wire.v2.reads import ALL_READS
from tests.web.v2.conftest import owner_of
from tests.web.v3.conftest import V3_APP

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
DURATION = re.compile(r" \d+\.\d ms\b")


class Waits(list[float]):
    """`app.state.sleep`: the latency waits a request asked for, recorded, not slept."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Counting:
    """The Starlette stack behind FastReads, counting the requests that reach it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.calls += 1
        await self.app(scope, receive, send)


@dataclass
class Pair:
    world: World
    fast_app: Starlette
    slow_app: Starlette
    fast: TestClient
    slow: TestClient
    behind: Counting
    fast_log: io.StringIO
    slow_log: io.StringIO
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def pair() -> Iterator[Pair]:
    world = load_world(default_scenario(), clock=Clock(frozen_at=START))
    world.add_application(V3_APP)
    fast_app = create_app(Settings(fast_reads=True), world)
    slow_app = create_app(Settings(fast_reads=False), world)
    fast_log, slow_log = io.StringIO(), io.StringIO()
    with TestClient(RequestLog(fast_app, fast_log), base_url="http://localhost") as fast, \
            TestClient(RequestLog(slow_app, slow_log), base_url="http://localhost") as slow:
        stack = fast_app.middleware_stack
        assert isinstance(stack, FastReads), "the fast path is outermost"
        assert not isinstance(slow_app.middleware_stack, FastReads)
        behind = stack.app = Counting(stack.app)
        for app in (fast_app, slow_app):
            app.state.sleep = Waits()
        yield Pair(world, fast_app, slow_app, fast, slow, behind, fast_log, slow_log)


def grant(world: World, vehicle: Vehicle, name: str,
          permissions: tuple[str, ...] | None = None, client_id: str | None = None) -> str:
    """An access token `name` (the same string in both apps: they share the World)."""
    client_id = client_id or next(iter(world.applications))
    connection = world.connect(client_id, owner_of(world, vehicle), [vehicle.id],
                               sorted(PERMISSIONS) if permissions is None else permissions,
                               "test")
    return world.issue_token(connection.id, client_id, name, name + "-refresh").access_token


def _entry(app: Starlette, rid: str) -> dict[str, Any] | None:
    """The journal entry of request `rid`, ids and times left out; None for a request
    the Guard refused (it is not journaled)."""
    tenants = app.state.tenants
    for journal in (tenants.scenario_journal, tenants.unclaimed_journal):
        for entry in journal.entries():
            if entry.request_id == rid:
                shown: dict[str, Any] = entry.shown()
                for key in ("seq", "at", "duration_ms", "request_id"):
                    shown.pop(key)
                found: dict[str, Any] = json.loads(json.dumps(shown).replace(rid, "<id>"))
                return found
    return None


def _log_line(stream: io.StringIO) -> str:
    line = stream.getvalue().splitlines()[-1]
    return DURATION.sub(" <ms>", line.split(" ", 1)[1])  # without the time of day


def same(pair: Pair, path: str, headers: dict[str, str] | None = None,
         method: str = "GET") -> tuple[int, bool]:
    """Ask both apps; assert the same answer, entry and log line. (status, whether the
    fast path answered)."""
    before = pair.behind.calls
    fast = pair.fast.request(method, path, headers=headers)
    took = pair.behind.calls == before
    slow = pair.slow.request(method, path, headers=headers)
    fast_id, slow_id = fast.headers["sc-request-id"], slow.headers["sc-request-id"]
    assert uuid.UUID(fast_id).version == 4 and str(uuid.UUID(fast_id)) == fast_id
    what = f"{method} {path} {headers}"
    assert fast.status_code == slow.status_code, what
    assert [(k, b"<id>" if k == b"sc-request-id" else v) for k, v in fast.headers.raw] == \
        [(k, b"<id>" if k == b"sc-request-id" else v) for k, v in slow.headers.raw], what
    assert fast.content.replace(fast_id.encode(), b"<id>") == \
        slow.content.replace(slow_id.encode(), b"<id>"), what
    assert _entry(pair.fast_app, fast_id) == _entry(pair.slow_app, slow_id), what
    assert _log_line(pair.fast_log) == _log_line(pair.slow_log), what
    return fast.status_code, took


def v2(vehicle: Vehicle, read: str = "") -> str:
    return f"/v2.0/vehicles/{vehicle.id}{read}"


def signal(vehicle: Vehicle, code: str) -> str:
    return f"/v3/vehicles/{vehicle.id}/signals/{code}"


# -- API v2 --------------------------------------------------------------------------------


def test_every_v2_read_of_every_vehicle_is_the_same_and_the_200s_are_fast(pair: Pair) -> None:
    answered: dict[int, int] = {}
    kinds = {(v.make, v.powertrain, v.motion is None): v for v in pair.world.vehicles.values()}
    for vehicle in kinds.values():
        token = grant(pair.world, vehicle, f"every-read-{vehicle.id}")
        for read in ALL_READS:
            status, took = same(pair, v2(vehicle, read.path),
                                {"Authorization": f"Bearer {token}"})
            answered[status] = answered.get(status, 0) + 1
            # The battery-capacity selector's URL needs the request's origin: Starlette's.
            fast = status == 200 and read.path != "/battery/nominal_capacity"
            assert took == fast, (vehicle.make, read.path, status)
    # Every powertrain answers some reads and is refused others (501, 403 for makes).
    assert answered[200] > 60 and answered.get(501, 0) > 20, answered


@pytest.mark.parametrize("units", [None, "imperial", "metric", " IMPERIAL ", "furlongs"])
@pytest.mark.parametrize("powertrain", [Powertrain.ICE, Powertrain.BEV, Powertrain.PHEV])
def test_units_headers_are_the_same(pair: Pair, units: str | None,
                                    powertrain: Powertrain) -> None:
    vehicle = next(v for v in pair.world.vehicles.values() if v.powertrain is powertrain)
    headers = {"Authorization": f"Bearer {grant(pair.world, vehicle, 'units')}"}
    if units is not None:
        headers["sc-unit-system"] = units
    for read in ("/odometer", "/fuel", "/battery", "/tires/pressure", "/location",
                 "/service/history", "/vin"):
        same(pair, v2(vehicle, read), headers)


def test_timeline_vehicles_read_the_same_as_the_clock_moves(pair: Pair) -> None:
    moving = [v for v in pair.world.vehicles.values() if v.motion is not None]
    assert moving
    for vehicle in moving:
        token = grant(pair.world, vehicle, f"moving-{vehicle.id}")
        for _ in range(4):
            for read in ("/odometer", "/location", "/charge", "/battery", "/fuel"):
                same(pair, v2(vehicle, read), {"Authorization": f"Bearer {token}"})
            pair.world.clock.advance(timedelta(minutes=37))


def test_v2_spellings_and_refusals_are_the_same_and_go_to_starlette(pair: Pair) -> None:
    world = pair.world
    ice = next(v for v in world.vehicles.values() if v.powertrain is Powertrain.ICE)
    other = next(v for v in world.vehicles.values() if v.id != ice.id)
    token = grant(world, ice, "spellings")
    bearer = {"Authorization": f"Bearer {token}"}
    fast = [(v2(ice, "/odometer/"), bearer), (v2(ice) + "/", bearer),
            (v2(ice, "/odometer"), {"Authorization": f"bearer   {token}  "}),
            (v2(ice, "/odometer"), {**bearer, "sc-user-id": "anyone"})]
    for path, headers in fast:
        assert same(pair, path, headers) == (200, True), path
    refused = [
        (v2(ice, "/odometer"), {}),
        (v2(ice, "/odometer"), {"Authorization": "Basic abc"}),
        (v2(ice, "/odometer"), {"Authorization": "Bearer "}),
        (v2(ice, "/odometer"), {"Authorization": "Bearer not-a-token"}),
        (v2(other, "/odometer"), bearer),
        (f"/v2.0/vehicles/{ice.id}x/odometer", bearer),
        (v2(ice, "/odometer?units=x"), bearer),
        (v2(ice, "/permissions?limit=1"), bearer),
        (v2(ice, "/odometer//"), bearer),
        (v2(ice, "/no/such/read"), bearer),
        (v2(ice, "/TESLA/charge"), bearer),
        (v2(ice, "/battery"), bearer),  # an ICE car: 501
        (f"/v1.0/vehicles/{ice.id}/odometer", bearer),
        (f"/v2.1/vehicles/{ice.id}/odometer", bearer),
        ("/v2.0/vehicles//odometer", bearer),
        ("/v2.0/vehicles/", bearer),
        (v2(ice, "/odometer"), {**bearer, "Content-Length": "0"}),
        (v2(ice, "/odometer"), {**bearer, "X-Big": "x" * (64 * 1024)}),
    ]
    for path, headers in refused:
        assert not same(pair, path, headers)[1], path
    assert not same(pair, v2(ice, "/odometer"), bearer, method="HEAD")[1]
    assert not same(pair, v2(ice, "/odometer"), bearer, method="OPTIONS")[1]


def test_a_permission_not_granted_is_the_same_403(pair: Pair) -> None:
    vehicle = next(v for v in pair.world.vehicles.values() if v.powertrain is Powertrain.BEV)
    token = grant(pair.world, vehicle, "vin-only", ("read_vin",))
    headers = {"Authorization": f"Bearer {token}"}
    assert same(pair, v2(vehicle, "/vin"), headers) == (200, True)
    assert same(pair, v2(vehicle, "/odometer"), headers) == (403, False)
    assert same(pair, v2(vehicle), headers) == (403, False)  # read_vehicle_info


def test_worlds_with_rules_a_read_obeys_go_to_starlette_and_answer_the_same(
        pair: Pair) -> None:
    world = pair.world
    vehicle = next(v for v in world.vehicles.values() if v.powertrain is Powertrain.BEV)
    headers = {"Authorization": f"Bearer {grant(world, vehicle, 'rules')}"}
    assert same(pair, v2(vehicle, "/odometer"), headers) == (200, True)

    world.rate_limits.configure(RateLimitSettings(enabled=True, application_capacity=500,
                                                  vehicle_capacity=500))
    assert same(pair, v2(vehicle, "/odometer"), headers) == (200, False)
    world.rate_limits.switch(False)

    rule = world.faults.add("UPSTREAM", "UNKNOWN_ISSUE", endpoint="/charge")
    assert same(pair, v2(vehicle, "/odometer"), headers) == (200, False)
    assert same(pair, v2(vehicle, "/charge"), headers)[0] >= 400
    world.faults.remove(rule.id)
    assert same(pair, v2(vehicle, "/odometer"), headers) == (200, True)


@pytest.mark.parametrize("email", ["VEHICLE_STATE.ASLEEP@smartcar.com",
                                   "SERVER.INTERNAL@smartcar.com"])
def test_test_mode_error_logins_answer_the_same(pair: Pair, email: str) -> None:
    owner = pair.world.sign_in(email, "any-password", "test")
    vehicle = pair.world.vehicles[owner.vehicle_ids[0]]
    headers = {"Authorization": f"Bearer {grant(pair.world, vehicle, email)}"}
    assert same(pair, v2(vehicle, "/odometer"), headers)[1] is False
    assert same(pair, v2(vehicle, "/vin"), headers) == (200, True)  # static: no trigger
    assert same(pair, signal(vehicle, "odometer-traveleddistance"), headers)[1] is False


def test_an_expired_token_is_the_same_401(pair: Pair) -> None:
    vehicle = next(iter(pair.world.vehicles.values()))
    headers = {"Authorization": f"Bearer {grant(pair.world, vehicle, 'expiring')}"}
    assert same(pair, v2(vehicle, "/vin"), headers) == (200, True)
    pair.world.clock.advance(timedelta(hours=3))
    assert same(pair, v2(vehicle, "/vin"), headers) == (401, False)


def test_a_registered_applications_reads_are_fast_and_journaled_in_its_tenant(
        pair: Pair) -> None:
    """Each app registers its own tenant (separate registries), so the journal and the
    log name each one; the answers and entries match but for the ids."""
    created = []
    for client in (pair.fast, pair.slow):
        response = client.post("/_mockcar/applications", json={"name": "Fleet tests"})
        assert response.status_code == 201, response.text
        created.append(response.json())
    answers = []
    for app, client, made in zip((pair.fast_app, pair.slow_app), (pair.fast, pair.slow),
                                 created, strict=True):
        tenant = app.state.tenants.get(made["client_id"])
        world = tenant.world
        vehicle = next(v for v in world.vehicles.values() if v.powertrain is Powertrain.ICE)
        token = grant(world, vehicle, "tenant-token", client_id=made["client_id"])
        before = pair.behind.calls
        response = client.get(v2(vehicle, "/odometer"), headers={
            "Authorization": f"Bearer {token}", "sc-unit-system": "imperial"})
        assert response.status_code == 200
        answers.append((response.content, pair.behind.calls == before))
        rid = response.headers["sc-request-id"]
        entry = tenant.journal.entries()[-1]
        assert entry.request_id == rid and entry.client_id == made["client_id"]
        assert entry.status == 200 and entry.response_body == response.content
        # A reset rebuilds the application's World without the token: refused, though
        # the World that issued it still holds it.
        reset = client.post(f"/_mockcar/applications/{made['client_id']}/reset",
                            headers={"Authorization": f"Bearer {made['management_token']}"})
        assert reset.status_code == 200, reset.text
        before = pair.behind.calls
        again = client.get(v2(vehicle, "/odometer"), headers={
            "Authorization": f"Bearer {token}", "sc-unit-system": "imperial"})
        assert again.status_code == 401
        assert pair.behind.calls == before + (app is pair.fast_app)  # Starlette answered
        assert world.tokens_by_access.get(token) is not None
    assert answers[0] == (answers[1][0], True)


def test_the_fetched_at_time_follows_the_clock_to_the_millisecond(pair: Pair) -> None:
    """`sc-fetched-at` names the millisecond the clock reads: the same text within one,
    the next one's from its first microsecond, an earlier one's when the clock is set
    back, another second's (or hour's) with the same milliseconds (both paths read the
    same frozen clock)."""
    vehicle = next(iter(pair.world.vehicles.values()))
    headers = {"Authorization": f"Bearer {grant(pair.world, vehicle, 'fetched-at')}"}
    seen = []
    for at in ("2026-11-23T09:30:00.000500Z", "2026-11-23T09:30:00.000999Z",
               "2026-11-23T09:30:00.001000Z", "2026-11-23T09:30:00.000999Z",
               "2026-11-23T09:30:00.001999Z", "2026-11-23T09:30:00.002000Z",
               "2026-11-23T09:31:07.002000Z", "2026-11-23T09:30:00.002000Z",
               "2026-11-23T09:30:00.999999Z", "2026-11-23T09:30:01.000000Z",
               "2026-11-23T10:30:01.000000Z", "2026-11-23T10:30:00.999000Z"):
        moved = pair.fast.post("/_mockcar/clock/set", json={"at": at})
        assert moved.status_code == 200, moved.text
        assert same(pair, v2(vehicle, "/odometer"), headers) == (200, True), at
        seen.append(pair.fast.get(v2(vehicle, "/odometer"), headers=headers)
                    .headers["sc-fetched-at"])
    assert seen == ["2026-11-23T09:30:00.000Z", "2026-11-23T09:30:00.000Z",
                    "2026-11-23T09:30:00.001Z", "2026-11-23T09:30:00.000Z",
                    "2026-11-23T09:30:00.001Z", "2026-11-23T09:30:00.002Z",
                    "2026-11-23T09:31:07.002Z", "2026-11-23T09:30:00.002Z",
                    "2026-11-23T09:30:00.999Z", "2026-11-23T09:30:01.000Z",
                    "2026-11-23T10:30:01.000Z", "2026-11-23T10:30:00.999Z"]


def test_a_token_read_again_after_the_world_is_replaced_reads_the_new_world(
        pair: Pair) -> None:
    """A snapshot restored replaces the app's World by a new one holding the same token:
    the next read is claimed by, answered from and journaled for the new World."""
    vehicle = next(v for v in pair.world.vehicles.values() if v.motion is None)
    headers = {"Authorization": f"Bearer {grant(pair.world, vehicle, 'restored')}"}
    taken = pair.fast.get("/_mockcar/snapshot")
    assert taken.status_code == 200, taken.text
    assert same(pair, v2(vehicle, "/odometer"), headers) == (200, True)
    restored = pair.fast.post("/_mockcar/snapshot", json=taken.json())
    assert restored.status_code == 200, restored.text
    fresh = pair.fast_app.state.world
    assert fresh is not pair.world
    pair.slow_app.state.world = fresh
    changed = pair.fast.post(f"/_mockcar/vehicles/{vehicle.id}/state",
                             json={"odometer_km": 43210.5})
    assert changed.status_code == 200, changed.text
    assert same(pair, v2(vehicle, "/odometer"), headers) == (200, True)
    answer = pair.fast.get(v2(vehicle, "/odometer"), headers=headers)
    assert answer.json() == {"distance": 43210.5}
    entry = pair.fast_app.state.tenants.scenario_journal.entries()[-1]
    assert entry.request_id == answer.headers["sc-request-id"]
    assert entry.response_body == answer.content


def _latency_world(policy: str) -> tuple[World, list[tuple[str, dict[str, str]]]]:
    """A World whose latency waits, and the requests to send it, made the same way every
    time (two of them are compared: the latency's draws are the World's)."""
    world = load_world(default_scenario(), clock=Clock(frozen_at=START))
    asleep = next(v for v in world.vehicles.values() if v.at(START).state.asleep)
    ice = next(v for v in world.vehicles.values() if v.powertrain is Powertrain.ICE)
    world.latency = Latency(seed=7, default=Policy(mode=policy) if policy == "realistic"
                            else Policy.fixed({"/odometer": 800, "/vin": 40, "*": 1500}))
    awake = {"Authorization": f"Bearer {grant(world, ice, 'waits')}"}
    sleeping = {"Authorization": f"Bearer {grant(world, asleep, 'waits-asleep')}"}
    return world, [(v2(ice, "/odometer"), awake), (v2(ice, "/vin"), awake),
                   (v2(ice, "/location"), awake), (v2(ice), awake),
                   (v2(asleep, "/vin"), sleeping), (v2(asleep, "/odometer"), sleeping),
                   (v2(asleep, "/odometer"), sleeping), (v2(ice, "/odometer"), awake)]


@pytest.mark.parametrize("policy", ["fixed", "realistic"])
def test_latency_waits_and_wakes_the_same(policy: str) -> None:
    """Two Worlds made alike, one per path: the same waits in the same order (the
    realistic policy's seeded draws included), an asleep car woken once, same answers;
    the fast path answered them all."""
    seen: list[tuple[list[Any], list[float]]] = []
    for fast_reads in (True, False):
        world, requests = _latency_world(policy)
        app = create_app(Settings(fast_reads=fast_reads), world)
        app.state.sleep = waits = Waits()
        answers = []
        with TestClient(app, base_url="http://localhost") as client:
            stack = app.middleware_stack
            assert isinstance(stack, FastReads) == fast_reads
            behind = None
            if isinstance(stack, FastReads):
                behind = stack.app = Counting(stack.app)
            for path, headers in requests:
                response = client.get(path, headers=headers)
                answers.append((response.status_code, response.content, [
                    (k, v) for k, v in response.headers.raw if k != b"sc-request-id"]))
        assert behind is None or behind.calls == 0
        seen.append((answers, list(waits)))
    assert seen[0] == seen[1]
    answers, recorded = seen[0]
    assert {status for status, _, _ in answers} == {200}
    assert len(recorded) == len(answers) and sum(w >= 12 for w in recorded) == 1  # a wake


# -- API v3 --------------------------------------------------------------------------------


def _v3_users(pair: Pair) -> list[tuple[Vehicle, dict[str, str]]]:
    """An application token with sc-user-id, and an owner's access token, for a car of
    each powertrain."""
    world = pair.world
    app_token = "v3-application-token"
    application_tokens.issue(world, V3_APP.client_id, app_token)
    found = []
    for powertrain in (Powertrain.BEV, Powertrain.ICE, Powertrain.PHEV, Powertrain.HEV):
        vehicle = next(v for v in world.vehicles.values()
                       if v.powertrain is powertrain and v.motion is None)
        owner = owner_of(world, vehicle)
        world.connect(V3_APP.client_id, owner, [vehicle.id], sorted(PERMISSIONS), "live")
        found.append((vehicle, {"Authorization": f"Bearer {app_token}",
                                "sc-user-id": owner.id}))
        owners_token = grant(world, vehicle, f"owner-{vehicle.id}")
        found.append((vehicle, {"Authorization": f"Bearer {owners_token}"}))
    return found


def test_every_signal_of_every_powertrain_is_the_same_and_fast(pair: Pair) -> None:
    """Each signal through one of the callers in turn, and a few through all of them."""
    users = _v3_users(pair)
    few = ("odometer-traveleddistance", "tractionbattery-stateofcharge",
           "internalcombustionengine-fuellevel", "location-preciselocation")
    asked = [(users[i % len(users)], spec.code) for i, spec in enumerate(CATALOG)]
    asked += [(user, code) for user in users for code in few]
    for (vehicle, headers), code in asked:
        assert same(pair, signal(vehicle, code), headers) == (200, True), (code, headers)


def test_v3_spellings_and_refusals_are_the_same(pair: Pair) -> None:
    (vehicle, app_user), (_, owner) = _v3_users(pair)[:2]
    code = "odometer-traveleddistance"
    for path, headers in [(signal(vehicle, code) + "/", app_user),
                          (signal(vehicle, code.upper()), app_user),
                          (signal(vehicle, "Odometer-TraveledDistance"), owner),
                          (signal(vehicle, code), {**owner, "sc-user-id": "  "})]:
        assert same(pair, path, headers) == (200, True), (path, headers)
    owner_id = app_user["sc-user-id"]
    other = next(v for v in pair.world.vehicles.values()
                 if owner_of(pair.world, v).id != owner_id)
    for path, headers in [
        (signal(vehicle, code), {"Authorization": app_user["Authorization"]}),
        (signal(vehicle, code), {**app_user, "sc-user-id": "someone-else"}),
        (signal(vehicle, code), {**owner, "sc-user-id": "someone-else"}),
        (signal(vehicle, code), {**owner, "sc-user-id": owner_id + "x"}),
        (signal(other, code), app_user),
        (signal(other, code), owner),
        (signal(vehicle, "no-such-signal"), app_user),
        (signal(vehicle, code) + "?x=1", app_user),
        (signal(vehicle, code) + "//", app_user),
        (f"/v3/vehicles/{vehicle.id}/signals", app_user),
        (f"/v3/vehicles/{vehicle.id}", app_user),
        (signal(vehicle, code), {}),
        (signal(vehicle, code), {"Authorization": "Bearer nope", "sc-user-id": owner_id}),
        (f"/v3/vehicles/{fixed_vehicle.VEHICLE_ID}/signals/{code}",
         {"Authorization": f"Bearer {fixed_vehicle.ACCESS_TOKEN}"}),
    ]:
        assert not same(pair, path, headers)[1], (path, headers)
    assert not same(pair, signal(vehicle, code), app_user, method="HEAD")[1]


def test_signals_refused_inside_a_200_are_fast(pair: Pair) -> None:
    """A signal without its permission, or that the car lacks, is an ERROR inside a 200
    (the body holds nulls, which the standard library writes)."""
    world = pair.world
    ice = next(v for v in world.vehicles.values() if v.powertrain is Powertrain.ICE)
    headers = {"Authorization": f"Bearer {grant(world, ice, 'few', ('read_vin',))}"}
    for code in ("odometer-traveleddistance", "tractionbattery-stateofcharge"):
        assert same(pair, signal(ice, code), headers) == (200, True), code


def test_a_path_read_before_is_checked_again_after_its_car_is_disconnected(
        pair: Pair) -> None:
    """What the fast path keeps per path (the read or signal it names, the resource's
    parts) and per Authorization header (the token) holds nothing about access: once
    the car is disconnected, the same path with the same header is refused as
    Starlette refuses it, in v2 and in v3, for the owner's token and the application's."""
    (vehicle, app_user), (_, owner) = _v3_users(pair)[:2]
    code = "odometer-traveleddistance"
    asked = [(v2(vehicle, "/odometer"), owner), (signal(vehicle, code), owner),
             (signal(vehicle, code), app_user)]
    for path, headers in asked:
        assert same(pair, path, headers) == (200, True), (path, headers)
    for connection in list(pair.world.connections.values()):
        if vehicle.id in connection.vehicle_ids:
            connection.vehicle_ids = tuple(v for v in connection.vehicle_ids
                                           if v != vehicle.id)
    for path, headers in asked:
        status, took = same(pair, path, headers)
        assert status != 200 and not took, (path, headers, status)


def test_a_user_connected_twice_reads_with_every_permission_of_both(pair: Pair) -> None:
    """Two connections of one user to the application cover the car, each with one
    permission: signals of either read, a third permission's signal is an ERROR; a
    test-mode error on either connection sends the read to Starlette."""
    world = pair.world
    bev = next(v for v in world.vehicles.values()
               if v.powertrain is Powertrain.BEV and v.motion is None)
    owner = owner_of(world, bev)
    application_tokens.issue(world, V3_APP.client_id, "twice-token")
    headers = {"Authorization": "Bearer twice-token", "sc-user-id": owner.id}
    codes = ("odometer-traveleddistance", "tractionbattery-stateofcharge",
             "location-preciselocation")
    world.connect(V3_APP.client_id, owner, [bev.id], ["read_odometer"], "live")
    assert same(pair, signal(bev, codes[0]), headers) == (200, True)
    second = world.connect(V3_APP.client_id, owner, [bev.id], ["read_battery"], "live")
    for code in codes:
        assert same(pair, signal(bev, code), headers) == (200, True), code
    second.error_trigger = error_trigger("VEHICLE_STATE.ASLEEP@smartcar.com")
    assert second.error_trigger is not None
    assert same(pair, signal(bev, codes[0]), headers)[1] is False


def test_a_fault_rule_on_v3_goes_to_starlette(pair: Pair) -> None:
    vehicle, headers = _v3_users(pair)[0]
    code = "odometer-traveleddistance"
    rule = pair.world.faults.add("UPSTREAM", "UNKNOWN_ISSUE", endpoint=f"/signals/{code}")
    assert same(pair, signal(vehicle, code), headers)[1] is False
    pair.world.faults.remove(rule.id)
    assert same(pair, signal(vehicle, code), headers) == (200, True)


# -- the pieces ----------------------------------------------------------------------------


class Colour(StrEnum):
    RED = "red"


@pytest.mark.parametrize("value", [
    {"distance": 1234.5}, {"a": 1e-05}, {"a": -3.5e-9}, {"a": [1.2e-7, 0.0001]},
    {"a": 1e16}, {"a": 1e-10}, {"a": 5e-324}, {"a": 0.1 + 0.2}, {"a": -0.0},
    {"a": None, "b": True}, {"s": "0.00001 and 1e-5 and null"}, {"e": Colour.RED},
    {"big": 2**70}, {"t": (1, "é\u2028\x7f\x1f")}, {1: "int key"},
])
def test_json_bytes_are_what_starlette_writes(value: Any) -> None:
    starlette = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None,
                           separators=(",", ":")).encode("utf-8")
    assert json_bytes(value) == starlette


@pytest.mark.parametrize("value", [{"a": math.nan}, {"a": math.inf}, {"a": object()}])
def test_json_bytes_leave_what_starlette_refuses_to_it(value: Any) -> None:
    assert json_bytes(value) is None


def test_request_ids_are_uuid4_strings() -> None:
    seen = {request_id() for _ in range(2000)}
    assert len(seen) == 2000
    for rid in seen:
        parsed = uuid.UUID(rid)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == rid
    assert {rid[19] for rid in seen} == set("89ab")
    # Every other digit is drawn: each takes all sixteen values across 2,000 ids.
    for at in range(36):
        if at not in (8, 13, 18, 23, 14, 19):  # the dashes, the version, the variant
            assert {rid[at] for rid in seen} == set("0123456789abcdef"), at


def test_the_fast_path_is_on_unless_mockcar_fast_reads_is_0(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKCAR_FAST_READS", raising=False)
    assert Settings().fast_reads is True
    monkeypatch.setenv("MOCKCAR_FAST_READS", "0")
    assert Settings().fast_reads is False
    assert Settings.from_env().fast_reads is False
    assert Settings.from_env({"MOCKCAR_FAST_READS": "yes"}).fast_reads is True
    app = create_app(Settings())
    with TestClient(app, base_url="http://localhost"):
        assert not isinstance(app.middleware_stack, FastReads)

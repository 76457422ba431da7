"""Connect's rules without HTTP: the step machine (mockcar.domain.connect.flow), typed
sessions and their lifetime by the World's clock, Single Select, the brand a sign-in is
made at, what approval creates, and headless Connect
(https://smartcar.com/docs/connect/connect-parameters,
https://smartcar.com/docs/getting-started/test-your-integration)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from mockcar.domain.connect import flow, headless
from mockcar.domain.connect.authorization import AuthorizationRequest
from mockcar.domain.connect.brands import Brand
from mockcar.domain.connect.session import (
    MAX_SESSIONS,
    SESSION_LIFETIME,
    ConnectSession,
    ConnectSessions,
)
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle, VehicleState
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import RequestedScope
from mockcar.domain.world.world import Application, Mode, Owner, World

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CLIENT_ID = "c0ffee00-0000-4000-8000-000000000001"
REDIRECT = "https://app.example/callback?source=connect"
TESLA = Brand("TESLA", "Tesla")
FORD = Brand("FORD", "Ford")


def _vehicle(vehicle_id: str, make: str, vin: str) -> Vehicle:
    return Vehicle(
        id=vehicle_id, make=make, model="Model", year=2022, vin=vin,
        powertrain=Powertrain.BEV, region=Region.US,
        state=VehicleState(odometer_km=1000.0, location=Location(37.77, -122.42),
                           battery_level=0.5),
        updated_at=START, battery_capacity_kwh=75.0, range_km_full=500.0,
    )


def _generated(email: str, brand: str | None, count: int) -> list[Vehicle]:
    make = brand or "TESLA"
    return [_vehicle(f"gen-{make}-{i}", make, f"5YJGEN{make[:3]}{i:08d}") for i in range(count)]


@pytest.fixture
def world() -> World:
    world = World(clock=Clock(frozen_at=START), seed=7, vehicle_factory=_generated)
    world.add_application(Application(
        client_id=CLIENT_ID, client_secret="secret", name="Acme Fleet",
        redirect_uris=(REDIRECT,), management_token="amt",
    ))
    cars = [
        _vehicle("v-alice-1", "TESLA", "5YJ3E1EA0KF000001"),
        _vehicle("v-alice-2", "TESLA", "7SAYGDEE0PF000002"),
        _vehicle("v-alice-ford", "FORD", "1FTFW1E50PF000003"),
    ]
    world.add_owner(Owner("u-alice", "alice@example.com", "alice-pw", "US",
                          [v.id for v in cars]), cars)
    bob = [_vehicle("v-bob-1", "TESLA", "7G2CEHED0RA000004")]
    world.add_owner(Owner("u-bob", "bob@example.com", "bob-pw", "US", ["v-bob-1"]), bob)
    world.add_owner(Owner("u-empty", "empty@example.com", "empty-pw", "US", []), [])
    return world


def request(
    *, make: Brand | None = TESLA, mode: str = Mode.SIMULATED,
    scope: str = "required:read_vehicle_info read_odometer read_location",
    single_select: bool = False, single_select_vin: str | None = None,
    connect_redirect: str = "code", redirect_uri_given: bool = True,
    reauthenticate_vehicle: str | None = None,
) -> AuthorizationRequest:
    return AuthorizationRequest(
        client_id=CLIENT_ID, application_name="Acme Fleet", connect_redirect=connect_redirect,
        redirect_uri=REDIRECT, redirect_uri_given=redirect_uri_given,
        scope=RequestedScope.parse(scope), mode=mode, state="s-1", make=make,
        single_select=single_select or single_select_vin is not None,
        single_select_vin=single_select_vin, approval_prompt="auto", flags=None,
        country="US", user=None, reauthenticate_vehicle=reauthenticate_vehicle,
    )


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- sessions ---------------------------------------------------------------------------


def test_the_world_keeps_typed_sessions_with_a_csrf_token_each(world: World) -> None:
    first = flow.start_session(world, request())
    second = flow.start_session(world, request())
    assert isinstance(world.connect_sessions, ConnectSessions)
    assert all(isinstance(s, ConnectSession) for s in world.connect_sessions.values())
    assert first.id != second.id and first.csrf_token != second.csrf_token
    assert first.csrf_ok(first.csrf_token)
    assert not first.csrf_ok(second.csrf_token) and not first.csrf_ok(None)
    assert flow.find_session(world, first.id) is first


def test_a_session_expires_thirty_minutes_after_it_began_by_the_world_clock(
    world: World,
) -> None:
    session = flow.start_session(world, request())
    assert session.expires_at == START + SESSION_LIFETIME == START + timedelta(minutes=30)
    world.clock.advance(timedelta(minutes=29, seconds=59))
    assert flow.find_session(world, session.id) is session
    world.clock.advance(timedelta(seconds=1))
    assert flow.find_session(world, session.id) is None
    assert session.id not in world.connect_sessions, "an expired session is forgotten"


def test_starting_a_session_drops_the_expired_ones(world: World) -> None:
    old = flow.start_session(world, request())
    world.clock.advance(SESSION_LIFETIME)
    new = flow.start_session(world, request())
    assert list(world.connect_sessions) == [new.id]
    assert old.expired(world.now()) and not new.expired(world.now())


def test_a_full_store_lets_the_oldest_session_go() -> None:
    store = ConnectSessions()
    sessions = [store.start(request(), START) for _ in range(MAX_SESSIONS + 1)]
    assert len(store) == MAX_SESSIONS
    assert sessions[0].id not in store and sessions[-1].id in store


# -- steps ------------------------------------------------------------------------------


def test_steps_follow_what_the_session_holds(world: World) -> None:
    session = flow.start_session(world, request(make=None))
    assert session.step == flow.BRAND
    assert not session.reached(flow.SIGN_IN)
    flow.choose_brand(session, TESLA)
    assert session.step == flow.SIGN_IN and session.reached(flow.SIGN_IN)
    assert flow.sign_in(world, session, "alice@example.com", "alice-pw") is None
    assert session.step == flow.PERMISSIONS and session.reached(flow.BRAND)
    flow.choose_brand(session, FORD)
    assert session.step == flow.SIGN_IN, "another brand forgets the sign-in"
    assert session.owner_email is None and session.vehicle_ids is None


def test_a_make_on_the_connect_url_skips_the_brand_step(world: World) -> None:
    assert flow.start_session(world, request(make=TESLA)).step == flow.SIGN_IN


def test_wrong_password_is_refused_at_sign_in_outside_test_mode(world: World) -> None:
    session = flow.start_session(world, request(mode=Mode.SIMULATED))
    with pytest.raises(flow.StepError):
        flow.sign_in(world, session, "alice@example.com", "wrong")
    assert session.step == flow.SIGN_IN


def test_sign_in_lists_only_the_brands_vehicles(world: World) -> None:
    session = flow.start_session(world, request(make=TESLA))
    flow.sign_in(world, session, "alice@example.com", "alice-pw")
    assert [v.id for v in flow.candidates(world, session)] == ["v-alice-1", "v-alice-2"]
    assert session.vehicle_ids is None, "two cars: the user chooses"
    at_ford = flow.start_session(world, request(make=FORD))
    flow.sign_in(world, at_ford, "alice@example.com", "alice-pw")
    assert at_ford.vehicle_ids == ("v-alice-ford",), "one car at Ford: nothing to choose"


def test_an_account_without_vehicles_at_the_brand_ends_with_no_vehicles(world: World) -> None:
    session = flow.start_session(world, request())
    ended = flow.sign_in(world, session, "empty@example.com", "empty-pw")
    assert ended is not None and ended.error == "no_vehicles"
    assert ended.params["state"] == "s-1"


@pytest.mark.parametrize(("email", "error", "vin"), [
    ("smartcar@invalid-subscription.com", "invalid_subscription", None),
    ("SMARTCAR@vehicle-incompatible.com", "vehicle_incompatible", "0SCAUDI012FE3B132"),
])
def test_test_mode_error_accounts_end_connect_at_sign_in(
    world: World, email: str, error: str, vin: str | None,
) -> None:
    session = flow.start_session(world, request(mode=Mode.TEST))
    ended = flow.sign_in(world, session, email, "anything")
    assert ended is not None and ended.error == error
    assert ended.params.get("vin") == vin
    assert query(ended.url)["source"] == ["connect"], "the redirect URI's own query stays"


def test_error_accounts_sign_in_normally_in_live_mode(world: World) -> None:
    session = flow.start_session(world, request(mode=Mode.LIVE))
    with pytest.raises(flow.StepError):
        flow.sign_in(world, session, "smartcar@invalid-subscription.com", "anything")


# -- single select ----------------------------------------------------------------------


def test_single_select_takes_one_vehicle(world: World) -> None:
    session = flow.start_session(world, request(single_select=True))
    flow.sign_in(world, session, "alice@example.com", "alice-pw")
    with pytest.raises(flow.StepError, match="one vehicle only"):
        flow.choose_vehicles(world, session, ["v-alice-1", "v-alice-2"])
    assert session.vehicle_ids is None
    flow.choose_vehicles(world, session, ["v-alice-2"])
    assert session.vehicle_ids == ("v-alice-2",)


def test_single_select_vin_offers_only_that_vehicle(world: World) -> None:
    session = flow.start_session(world, request(single_select_vin="7saygdee0pf000002"))
    flow.sign_in(world, session, "alice@example.com", "alice-pw")
    assert [v.id for v in flow.candidates(world, session)] == ["v-alice-2"]
    with pytest.raises(flow.StepError):
        flow.choose_vehicles(world, session, ["v-alice-1"])


def test_single_select_vin_the_account_lacks_blocks_until_the_user_leaves(
    world: World,
) -> None:
    session = flow.start_session(world, request(single_select_vin="00000000000000000"))
    assert flow.sign_in(world, session, "alice@example.com", "alice-pw") is None
    assert session.blocked is not None and "00000000000000000" in session.blocked
    assert flow.exit_flow(world, session, "no_brand") is None, "the make was given"
    ended = flow.exit_flow(world, session, "configuration")
    assert ended is not None and ended.error == "configuration_error"
    assert ended.params["status_code"] == "400"
    assert session.id not in world.connect_sessions


def test_choosing_nothing_or_a_stranger_s_vehicle_is_refused(world: World) -> None:
    session = flow.start_session(world, request())
    flow.sign_in(world, session, "alice@example.com", "alice-pw")
    with pytest.raises(flow.StepError, match="Select a vehicle"):
        flow.choose_vehicles(world, session, ["v-bob-1"])


# -- approval ---------------------------------------------------------------------------


def test_approval_connects_the_vehicles_and_issues_a_code(world: World) -> None:
    session = flow.start_session(world, request())
    flow.sign_in(world, session, "alice@example.com", "alice-pw")
    flow.choose_vehicles(world, session, ["v-alice-1", "v-alice-2"])
    ended = flow.approve(world, session, ["read_odometer"])
    connection, code = ended.connection, ended.code
    assert connection is not None and code is not None
    assert connection.vehicle_ids == ("v-alice-1", "v-alice-2")
    # The required permission is granted whether ticked or not; unticked ones are not.
    assert set(connection.permissions) == {"read_vehicle_info", "read_odometer"}
    assert connection.client_id == CLIENT_ID and connection.mode == Mode.SIMULATED
    assert world.connections[connection.id] is connection
    assert world.codes[code.code] is code and code.redirect_uri == REDIRECT
    assert code.connection_id == connection.id and code.client_id == CLIENT_ID
    assert ended.params == {"code": code.code, "state": "s-1"}
    assert query(ended.url)["code"] == [code.code]
    assert session.id not in world.connect_sessions, "a finished session is forgotten"


def test_a_code_is_bound_to_the_redirect_uri_only_when_the_request_sent_one(
    world: World,
) -> None:
    session = flow.start_session(world, request(redirect_uri_given=False))
    flow.sign_in(world, session, "bob@example.com", "bob-pw")
    ended = flow.approve(world, session, ["read_odometer"])
    assert ended.code is not None and ended.code.redirect_uri is None


def test_an_api_v3_application_gets_the_user_id_and_no_code(world: World) -> None:
    session = flow.start_session(world, request(connect_redirect=flow.USER_ID_REDIRECT))
    flow.sign_in(world, session, "bob@example.com", "bob-pw")
    ended = flow.approve(world, session, ["read_odometer"])
    assert ended.code is None and ended.connection is not None
    assert ended.params == {"user_id": ended.connection.user_id, "state": "s-1"}
    assert not world.codes


def test_approval_needs_a_sign_in_and_a_permission(world: World) -> None:
    session = flow.start_session(world, request(scope="read_odometer"))
    with pytest.raises(flow.StepError, match="Sign in"):
        flow.approve(world, session, ["read_odometer"])
    flow.sign_in(world, session, "bob@example.com", "bob-pw")
    with pytest.raises(flow.StepError, match="at least one permission"):
        flow.approve(world, session, [])
    assert not world.connections and session.id in world.connect_sessions


def test_deny_ends_with_access_denied_and_connects_nothing(world: World) -> None:
    session = flow.start_session(world, request())
    flow.sign_in(world, session, "bob@example.com", "bob-pw")
    ended = flow.deny(world, session)
    assert ended.error == "access_denied" and ended.connection is None
    assert not world.connections and not world.connect_sessions


def test_reauthentication_ends_at_sign_in_with_the_vehicle_id(world: World) -> None:
    session = flow.start_session(world, request(reauthenticate_vehicle="v-bob-1"))
    with pytest.raises(flow.StepError, match="does not have the vehicle"):
        flow.sign_in(world, session, "alice@example.com", "alice-pw")
    ended = flow.sign_in(world, session, "bob@example.com", "bob-pw")
    assert ended is not None and ended.params == {"vehicle_id": "v-bob-1", "state": "s-1"}


# -- brands -----------------------------------------------------------------------------


def test_the_brand_list_adds_the_world_s_makes_and_searches_without_accents(
    world: World,
) -> None:
    world.add_owner(Owner("u-c", "c@example.com", "pw", "US", ["v-smart"]),
                    [_vehicle("v-smart", "SMART", "WME4530421Y000005")])
    assert flow.find_brand(world, "smart") == Brand("SMART", "Smart")
    assert flow.find_brand(world, "Mercedes-Benz") == Brand("MERCEDES_BENZ", "Mercedes-Benz")
    assert flow.find_brand(world, "DeLorean") is None
    assert [b.key for b in flow.search_brands(world, "skod")] == ["SKODA"]
    names = [b.name for b in flow.brands(world)]
    assert names.index("Škoda") < names.index("Subaru"), "Š sorts with S"


# -- headless ---------------------------------------------------------------------------


def test_headless_connect_approves_by_vin_and_leaves_no_session(world: World) -> None:
    ended = headless.complete(world, request(), "alice@example.com", "alice-pw",
                              ["7saygdee0pf000002"])
    assert ended.connection is not None and ended.connection.vehicle_ids == ("v-alice-2",)
    assert set(ended.connection.permissions) == {
        "read_vehicle_info", "read_odometer", "read_location"}
    assert not world.connect_sessions


def test_headless_connect_refuses_what_the_pages_refuse(world: World) -> None:
    with pytest.raises(headless.SignInRefused):
        headless.complete(world, request(), "alice@example.com", "wrong")
    with pytest.raises(flow.StepError, match="has no vehicle v-bob-1"):
        headless.complete(world, request(), "alice@example.com", "alice-pw", ["v-bob-1"])
    denied = headless.complete(world, request(), "bob@example.com", "bob-pw", deny=True)
    assert denied.error == "access_denied"
    assert not world.connections and not world.connect_sessions


def test_headless_connect_defaults_to_the_first_scenario_owner_with_a_car(
    world: World,
) -> None:
    assert headless.default_account(world, None) == ("alice@example.com", "alice-pw")
    assert headless.default_account(world, "given") == ("alice@example.com", "given")
    empty = World(clock=Clock(frozen_at=START), seed=1)
    assert headless.default_account(empty, None) == (headless.DEFAULT_EMAIL, None)

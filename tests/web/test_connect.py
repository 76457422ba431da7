"""Connect through HTTP, as a browser without JavaScript walks it: every form field and
CSRF token posted is read out of the served HTML (tests/support/forms.py).

One live server for the module (real uvicorn, real HTTP); each test hands it a fresh
World, which is what a reset does.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from markupsafe import escape

from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle, VehicleState
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import Application, Owner, World
from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from tests.support.forms import Page, follow, open_page

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CLIENT_ID = "c0ffee00-0000-4000-8000-000000000001"
REDIRECT = "http://localhost:8000/exchange"
REDIRECT_WITH_QUERY = "https://app.example/callback?source=connect"
SCOPE = "required:read_vehicle_info read_odometer read_location"


def _vehicle(vehicle_id: str, make: str, model: str, vin: str) -> Vehicle:
    return Vehicle(
        id=vehicle_id, make=make, model=model, year=2022, vin=vin,
        powertrain=Powertrain.BEV, region=Region.US,
        state=VehicleState(odometer_km=1000.0, location=Location(37.77, -122.42),
                           battery_level=0.5),
        updated_at=START, battery_capacity_kwh=75.0, range_km_full=500.0,
    )


def _generated(email: str, brand: str | None, count: int) -> list[Vehicle]:
    tag = re.sub(r"[^a-z0-9]", "", email.lower())[:12]
    return [
        _vehicle(f"gen-{tag}-{i}", "TESLA", "Model Y", f"5YJGEN{i:011d}") for i in range(count)
    ]


def build_world() -> World:
    world = World(clock=Clock(frozen_at=START), seed=7, vehicle_factory=_generated)
    world.add_application(Application(
        client_id=CLIENT_ID, client_secret="secret", name="Acme Fleet",
        redirect_uris=(REDIRECT, REDIRECT_WITH_QUERY), management_token="amt",
    ))
    alice_cars = [
        _vehicle("v-alice-1", "TESLA", "Model 3", "5YJ3E1EA0KF000001"),
        _vehicle("v-alice-2", "TESLA", "Model Y", "7SAYGDEE0PF000002"),
        _vehicle("v-alice-3", "TESLA", "Model S", "5YJSA1E20MF000003"),
    ]
    world.add_owner(Owner("u-alice", "alice@example.com", "alice-pw", "US",
                          [v.id for v in alice_cars]), alice_cars)
    bob_car = [_vehicle("v-bob-1", "TESLA", "Cybertruck", "7G2CEHED0RA000004")]
    world.add_owner(Owner("u-bob", "bob@example.com", "bob-pw", "US", ["v-bob-1"]), bob_car)
    world.add_owner(Owner("u-empty", "empty@example.com", "empty-pw", "US", []), [])
    return world


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings(), build_world()) as running:
        yield running


@pytest.fixture
def world(server: MockcarServer) -> World:
    fresh = build_world()
    server.app.state.world = fresh
    return fresh


@pytest.fixture
def client(server: MockcarServer, world: World) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


def connect_url(**params: str | None) -> str:
    query: dict[str, str | None] = {
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT,
        "scope": SCOPE, "state": "s-123", "approval_prompt": "auto", "mode": "test",
    }
    query.update(params)
    return "/oauth/authorize?" + urlencode({k: v for k, v in query.items() if v is not None})


def redirect_query(page: Page) -> dict[str, list[str]]:
    assert page.response.status_code == 302, page.html
    return parse_qs(urlsplit(page.response.headers["location"]).query)


def to_sign_in(client: httpx.Client, url: str, brand: str = "TESLA") -> Page:
    page = open_page(client, url).submit(client, "continue-button")
    if page.has(brand):
        page = page.submit(client, brand)
    assert page.has("sign-in-button"), page.html
    return page


def sign_in(client: httpx.Client, page: Page, email: str, password: str = "pw") -> Page:
    return page.submit(client, "sign-in-button", fill={"username": email, "password": password})


def walk(client: httpx.Client, url: str, email: str, password: str = "pw",
         check: set[str] | None = None, approve: bool = True) -> Page:
    page = sign_in(client, to_sign_in(client, url), email, password)
    return page.submit(client, "approval-button" if approve else "deny-button", check=check)


def ids(page: Page, kind: str, name: str = "vehicle") -> list[str]:
    """The ids of the page's `kind` inputs named `name` (vehicles, by default)."""
    return [c.id for f in page.forms() for c in f.controls
            if c.type == kind and c.name == name and c.id]


# -- the happy path ---------------------------------------------------------------------


def test_allow_redirects_with_a_code_bound_to_client_and_redirect_uri(
    client: httpx.Client, world: World
) -> None:
    preamble = open_page(client, connect_url())
    assert preamble.response.status_code == 200
    assert preamble.response.headers["content-type"].startswith("text/html")
    assert preamble.response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in preamble.response.headers["content-security-policy"]
    assert "Acme Fleet wants to connect to your vehicle" in preamble.html

    brands = preamble.submit(client, "continue-button")
    assert urlsplit(brands.url).path.endswith("/brands")
    assert brands.has("TESLA") and brands.has("FORD") and brands.has("MERCEDES_BENZ")
    assert 'id="brand-search"' in brands.html
    assert re.search(r'<button[^>]*id="TESLA" class="brand-list-item"', brands.html)

    sign_in_page = brands.submit(client, "TESLA")
    assert "Sign in to Tesla" in sign_in_page.html
    assert '<label for="username">' in sign_in_page.html
    assert '<label for="password">' in sign_in_page.html

    permissions = sign_in(client, sign_in_page, "alice@example.com", "anything")
    assert urlsplit(permissions.url).path.endswith("/permissions")
    vehicles = [c.id for f in permissions.forms() for c in f.controls if c.name == "vehicle"]
    assert vehicles == ["vehicle-1", "vehicle-2", "vehicle-3"]
    for description in ("Make, model and year", "Odometer", "Location"):
        assert description in permissions.html
    final = permissions.submit(client, "approval-button")

    location = final.response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    query = redirect_query(final)
    assert query["state"] == ["s-123"]
    code = world.codes[query["code"][0]]
    assert code.client_id == CLIENT_ID
    assert code.redirect_uri == REDIRECT
    assert not code.used
    connection = world.connections[code.connection_id]
    assert connection.user_id == "u-alice"
    assert connection.vehicle_ids == ("v-alice-1", "v-alice-2", "v-alice-3")
    assert connection.permissions == ("read_vehicle_info", "read_odometer", "read_location")
    assert connection.mode == "test"
    assert world.connect_sessions == {}, "a finished session is forgotten"


def test_brand_search_filters_on_the_server(client: httpx.Client) -> None:
    brands = open_page(client, connect_url()).submit(client, "continue-button")
    found = brands.submit(client, "brand-search-button", fill={"brand-search": "tes"})
    assert found.response.status_code == 200
    assert found.has("TESLA") and not found.has("FORD")
    assert 'value="tes"' in found.html
    nothing = brands.submit(client, "brand-search-button", fill={"brand-search": "zzz"})
    assert not nothing.has("TESLA") and 'id="no-brands"' in nothing.html


def test_deny_redirects_with_access_denied(client: httpx.Client, world: World) -> None:
    final = walk(client, connect_url(state="keep me"), "alice@example.com", approve=False)
    location = final.response.headers["location"]
    assert location == (
        REDIRECT + "?error=access_denied&error_description=User+denied+access+to+application."
        "&state=keep+me"
    )
    assert world.codes == {} and world.connections == {}


def test_redirect_uri_with_a_query_keeps_it_and_state_is_verbatim(
    client: httpx.Client,
) -> None:
    state = "a b&c=d/é?"
    final = walk(client, connect_url(redirect_uri=REDIRECT_WITH_QUERY, state=state),
                 "bob@example.com")
    location = final.response.headers["location"]
    assert location.startswith("https://app.example/callback?source=connect&code=")
    query = redirect_query(final)
    assert query["source"] == ["connect"] and query["state"] == [state]


def test_omitted_redirect_uri_uses_the_first_registered(
    client: httpx.Client, world: World
) -> None:
    final = walk(client, connect_url(redirect_uri=None, state=None), "bob@example.com")
    location = final.response.headers["location"]
    assert location.startswith(REDIRECT + "?code=") and "state=" not in location
    code = world.codes[redirect_query(final)["code"][0]]
    # Not sent, so the token endpoint must not require it (RFC 6749 §4.1.3).
    assert code.redirect_uri is None


def test_application_id_is_an_alias_of_client_id(client: httpx.Client) -> None:
    page = open_page(client, connect_url(client_id=None, application_id=CLIENT_ID))
    assert page.response.status_code == 200 and page.has("continue-button")


def test_make_bypass_skips_the_brand_list(client: httpx.Client) -> None:
    page = open_page(client, connect_url(make="tesla")).submit(client, "continue-button")
    assert urlsplit(page.url).path.endswith("/sign-in")
    assert "Sign in to Tesla" in page.html
    brand_list = page.url.replace("/sign-in", "/brands")
    assert client.get(brand_list).headers["location"].endswith("/sign-in")


def test_one_vehicle_skips_vehicle_selection(client: httpx.Client) -> None:
    page = sign_in(client, to_sign_in(client, connect_url()), "bob@example.com")
    assert page.has("approval-button") and "Cybertruck" in page.html


# -- vehicle selection ------------------------------------------------------------------


def test_choosing_some_of_several_vehicles(client: httpx.Client, world: World) -> None:
    page = sign_in(client, to_sign_in(client, connect_url()), "alice@example.com")
    assert page.has("approval-button") and page.has("deny-button")
    assert all(c.checked for f in page.forms() for c in f.controls if c.type == "checkbox")
    assert page.html.index('id="vehicle-1"') < page.html.index('id="permission-')
    query = redirect_query(page.submit(client, "approval-button", uncheck={"vehicle-2"}))
    connection = world.connections[world.codes[query["code"][0]].connection_id]
    assert connection.vehicle_ids == ("v-alice-1", "v-alice-3")


def test_choosing_no_vehicle_is_refused(client: httpx.Client) -> None:
    page = sign_in(client, to_sign_in(client, connect_url()), "alice@example.com")
    again = page.submit(client, "approval-button",
                        uncheck={"vehicle-1", "vehicle-2", "vehicle-3"})
    assert again.response.status_code == 400
    assert 'id="vehicles-error"' in again.html and "Select a vehicle" in again.html
    assert again.has("approval-button") and ids(again, "checkbox") == [
        "vehicle-1", "vehicle-2", "vehicle-3"]


def test_a_refused_permission_choice_keeps_the_vehicle_choice(
    client: httpx.Client, world: World
) -> None:
    url = connect_url(scope="read_odometer read_location")
    page = sign_in(client, to_sign_in(client, url), "alice@example.com")
    again = page.submit(client, "approval-button", uncheck={
        "vehicle-1", "permission-read_odometer", "permission-read_location"})
    assert again.response.status_code == 400 and "at least one permission" in again.html
    ticked = {c.id for f in again.forms() for c in f.controls if c.checked}
    assert ticked == {"vehicle-2", "vehicle-3"}
    final = again.submit(client, "approval-button", check={"permission-read_location"})
    connection = world.connections[world.codes[redirect_query(final)["code"][0]].connection_id]
    assert connection.vehicle_ids == ("v-alice-2", "v-alice-3")
    assert connection.permissions == ("read_location",)


def test_deny_needs_no_vehicle_choice(client: httpx.Client) -> None:
    page = sign_in(client, to_sign_in(client, connect_url()), "alice@example.com")
    final = page.submit(client, "deny-button", uncheck={"vehicle-1", "vehicle-2", "vehicle-3"})
    assert redirect_query(final)["error"] == ["access_denied"]


def test_single_select_offers_radios_and_takes_one(client: httpx.Client, world: World) -> None:
    page = sign_in(client, to_sign_in(client, connect_url(single_select="true")),
                   "alice@example.com")
    assert ids(page, "radio") == ["vehicle-1", "vehicle-2", "vehicle-3"]
    assert ids(page, "checkbox") == []
    assert not any(c.checked for f in page.forms() for c in f.controls if c.type == "radio")
    query = redirect_query(page.submit(client, "approval-button", check={"vehicle-2"}))
    connection = world.connections[world.codes[query["code"][0]].connection_id]
    assert connection.vehicle_ids == ("v-alice-2",)


def test_single_select_refuses_two_vehicles(client: httpx.Client) -> None:
    page = sign_in(client, to_sign_in(client, connect_url(single_select="true")),
                   "alice@example.com")
    form = next(f for f in page.forms() if any(c.id == "approval-button" for c in f.controls))
    token = next(c.value for c in form.controls if c.name == "csrf_token")
    # A browser cannot send two radios of one group; a hand-made POST can.
    response = client.post(form.action, data={
        "csrf_token": token, "vehicle": ["v-alice-1", "v-alice-2"], "decision": "allow",
        "permission": "read_odometer",
    })
    assert response.status_code == 400 and "one vehicle only" in response.text


def test_single_select_vin_offers_only_that_vehicle(client: httpx.Client, world: World) -> None:
    url = connect_url(single_select="true", single_select_vin="7SAYGDEE0PF000002")
    page = sign_in(client, to_sign_in(client, url), "alice@example.com")
    radios = [c for f in page.forms() for c in f.controls if c.type == "radio"]
    assert [(c.value, c.checked) for c in radios] == [("v-alice-2", True)]
    assert "Model 3" not in page.html
    query = redirect_query(page.submit(client, "approval-button"))
    connection = world.connections[world.codes[query["code"][0]].connection_id]
    assert connection.vehicle_ids == ("v-alice-2",)


def test_single_select_vin_not_in_the_account_ends_in_configuration_error(
    client: httpx.Client,
) -> None:
    url = connect_url(single_select_vin="NOSUCHVIN00000000")
    page = sign_in(client, to_sign_in(client, url), "alice@example.com")
    assert page.response.status_code == 400
    assert "NOSUCHVIN00000000" in page.html
    query = redirect_query(page.submit(client, "exit-button"))
    assert query["error"] == ["configuration_error"]
    assert query["status_code"] == ["400"] and "NOSUCHVIN00000000" in query["error_message"][0]
    assert query["state"] == ["s-123"]


# -- permissions ------------------------------------------------------------------------


def test_required_permissions_cannot_be_dropped(client: httpx.Client, world: World) -> None:
    page = sign_in(client, to_sign_in(client, connect_url()), "bob@example.com")
    assert re.search(r'id="permission-read_vehicle_info"\s+checked disabled', page.html)
    assert "required" in page.html
    final = page.submit(client, "approval-button", uncheck={
        "permission-read_vehicle_info", "permission-read_odometer", "permission-read_location",
    })
    connection = world.connections[world.codes[redirect_query(final)["code"][0]].connection_id]
    assert connection.permissions == ("read_vehicle_info",)


def test_unchecking_an_optional_permission_drops_it(client: httpx.Client, world: World) -> None:
    page = sign_in(client, to_sign_in(client, connect_url()), "bob@example.com")
    final = page.submit(client, "approval-button", uncheck={"permission-read_location"})
    connection = world.connections[world.codes[redirect_query(final)["code"][0]].connection_id]
    assert connection.permissions == ("read_vehicle_info", "read_odometer")


def test_allowing_nothing_is_refused(client: httpx.Client) -> None:
    page = sign_in(client, to_sign_in(client, connect_url(scope="read_odometer")),
                   "bob@example.com")
    again = page.submit(client, "approval-button", uncheck={"permission-read_odometer"})
    assert again.response.status_code == 400 and "at least one permission" in again.html


def test_no_scope_asks_for_the_default_permissions(client: httpx.Client) -> None:
    page = sign_in(client, to_sign_in(client, connect_url(scope=None)), "bob@example.com")
    assert {c.value for f in page.forms() for c in f.controls if c.name == "permission"} == {
        "read_vehicle_info", "read_vin", "read_odometer", "read_location",
    }


# -- modes and sign-in ------------------------------------------------------------------


def test_simulated_mode_wrong_password_shows_the_form_again(client: httpx.Client) -> None:
    page = to_sign_in(client, connect_url(mode="simulated"))
    refused = sign_in(client, page, "alice@example.com", "wrong")
    assert refused.response.status_code == 401
    assert "Incorrect email or password" in refused.html
    assert 'value="alice@example.com"' in refused.html
    accepted = sign_in(client, refused, "alice@example.com", "alice-pw")
    assert accepted.has("approval-button") and accepted.has("vehicle-1")


def test_simulated_mode_needs_a_scenario_owner(client: httpx.Client) -> None:
    page = to_sign_in(client, connect_url(mode="simulated"))
    refused = sign_in(client, page, "stranger@example.com", "whatever")
    assert refused.response.status_code == 401 and "Incorrect email" in refused.html


def test_test_mode_accepts_any_account_and_n_vehicles(client: httpx.Client) -> None:
    page = sign_in(client, to_sign_in(client, connect_url()), "4-vehicles@smartcar.com")
    assert len(ids(page, "checkbox")) == 4


@pytest.mark.parametrize("mode, banner", [
    ("live", "Live mode: sign in with a scenario owner's credentials."),
    ("simulated", "Simulated mode: sign in with a scenario owner's credentials."),
    ("test", "Test mode: any email and password work."),
    (None, "Live mode: sign in with a scenario owner's credentials."),
])
def test_every_page_shows_its_mode(client: httpx.Client, mode: str | None, banner: str) -> None:
    preamble = open_page(client, connect_url(mode=mode))
    sign_in_page = to_sign_in(client, connect_url(mode=mode))
    for page in (preamble, sign_in_page):
        assert 'id="mode-banner"' in page.html and banner in page.html


def test_live_mode_works_like_simulated(client: httpx.Client, world: World) -> None:
    page = to_sign_in(client, connect_url(mode="live"))
    assert sign_in(client, page, "stranger@example.com").response.status_code == 401
    final = walk(client, connect_url(mode="live"), "bob@example.com", "bob-pw")
    connection = world.connections[world.codes[redirect_query(final)["code"][0]].connection_id]
    assert connection.mode == "live"


@pytest.mark.parametrize("mode", ["test", "simulated"])
def test_invalid_subscription_account(client: httpx.Client, mode: str) -> None:
    page = to_sign_in(client, connect_url(mode=mode))
    final = sign_in(client, page, "smartcar@invalid-subscription.com")
    assert final.response.headers["location"] == (
        REDIRECT + "?error=invalid_subscription&error_description=User+does+not+have+an+"
        "active+connected+vehicle+subscription&state=s-123"
    )


@pytest.mark.parametrize("mode", ["test", "simulated"])
def test_vehicle_incompatible_account(client: httpx.Client, mode: str) -> None:
    page = to_sign_in(client, connect_url(mode=mode))
    query = redirect_query(sign_in(client, page, "Smartcar@Vehicle-Incompatible.com"))
    assert query == {
        "error": ["vehicle_incompatible"],
        "error_description": ["The user’s vehicle is not compatible."],
        "vin": ["0SCAUDI012FE3B132"], "make": ["AUDI"], "model": ["A4"], "year": ["2019"],
        "state": ["s-123"],
    }


def test_error_accounts_are_ordinary_logins_in_live_mode(client: httpx.Client) -> None:
    page = to_sign_in(client, connect_url(mode="live"))
    refused = sign_in(client, page, "smartcar@invalid-subscription.com")
    assert refused.response.status_code == 401 and "location" not in refused.response.headers


def test_account_without_vehicles_ends_in_no_vehicles(client: httpx.Client) -> None:
    page = to_sign_in(client, connect_url(mode="simulated"))
    query = redirect_query(sign_in(client, page, "empty@example.com", "empty-pw"))
    assert query["error"] == ["no_vehicles"]
    assert query["error_description"] == [
        "No vehicles found. Please add vehicles to your account and try again."
    ]


def test_i_dont_see_my_brand(client: httpx.Client) -> None:
    brands = open_page(client, connect_url()).submit(client, "continue-button")
    query = redirect_query(brands.submit(client, "no-brand-button"))
    assert query["error"] == ["vehicle_incompatible"] and query["state"] == ["s-123"]


def test_country_flag_is_shown_on_the_brand_page(client: httpx.Client) -> None:
    brands = open_page(client, connect_url(flags="country:DE color:00819D")).submit(
        client, "continue-button")
    assert "Country: Germany (DE)" in brands.html
    default = open_page(client, connect_url()).submit(client, "continue-button")
    assert "Country: United States (US)" in default.html


def test_user_is_carried_along(client: httpx.Client) -> None:
    page = to_sign_in(client, connect_url(user="owner-77"))
    assert "<dt>user</dt><dd>owner-77</dd>" in page.html


# -- refused requests: error pages, never redirects ------------------------------------


@pytest.mark.parametrize("params, message", [
    ({"response_type": None}, 'Missing required parameter: "response_type"'),
    ({"response_type": "token"}, "Unsupported response_type"),
    ({"client_id": None}, 'Missing required parameter: "client_id"'),
    ({"client_id": "nope"}, "No application with client_id"),
    ({"redirect_uri": "https://evil.example/steal"}, "is not registered"),
    ({"redirect_uri": REDIRECT + "/"}, "is not registered"),
    ({"redirect_uri": "javascript:alert(1)"}, "is not registered"),
    ({"mode": "production"}, "Invalid mode"),
    ({"scope": "read_odometer read_minds required:fly"}, '"read_minds", "fly".'),
    ({"make": "Trabant"}, "Unknown make"),
])
def test_bad_connect_urls_get_an_error_page(
    client: httpx.Client, params: dict[str, str | None], message: str
) -> None:
    response = client.get(connect_url(**params))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert str(escape(message)) in response.text
    assert 'href="javascript' not in response.text


def test_unregistered_redirect_uri_lists_the_registered_ones(client: httpx.Client) -> None:
    response = client.get(connect_url(redirect_uri="https://evil.example/steal"))
    assert REDIRECT in response.text and str(escape(REDIRECT_WITH_QUERY)) in response.text


# -- CSRF, sessions, methods ------------------------------------------------------------


def _csrf_form(page: Page, button: str) -> tuple[str, str]:
    form = next(f for f in page.forms() if any(c.id == button for c in f.controls))
    return form.action, next(c.value for c in form.controls if c.name == "csrf_token")


@pytest.mark.parametrize("token", [None, "", "forged"])
def test_posts_without_the_sessions_csrf_token_are_refused(
    client: httpx.Client, token: str | None
) -> None:
    page = to_sign_in(client, connect_url())
    action, _ = _csrf_form(page, "sign-in-button")
    data = {"username": "alice@example.com", "password": "pw"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post(action, data=data)
    assert response.status_code == 400 and "security token" in response.text
    assert "location" not in response.headers


def test_a_token_from_another_session_is_refused(client: httpx.Client) -> None:
    first = to_sign_in(client, connect_url())
    second = to_sign_in(client, connect_url())
    action, _ = _csrf_form(first, "sign-in-button")
    _, other_token = _csrf_form(second, "sign-in-button")
    response = client.post(action, data={"csrf_token": other_token, "username": "a@b.c"})
    assert response.status_code == 400


def test_unknown_and_expired_sessions(client: httpx.Client, world: World) -> None:
    bogus = client.get("/oauth/authorize/not-a-session/sign-in")
    assert bogus.status_code == 404 and "expired or does not exist" in bogus.text
    page = to_sign_in(client, connect_url())
    action, token = _csrf_form(page, "sign-in-button")
    world.clock.advance(timedelta(minutes=31))
    response = client.post(action, data={"csrf_token": token, "username": "a@b.c"})
    assert response.status_code == 404 and "expired" in response.text
    assert world.connect_sessions == {}


def test_steps_cannot_be_skipped(client: httpx.Client) -> None:
    brands = open_page(client, connect_url()).submit(client, "continue-button")
    permissions = brands.url.replace("/brands", "/permissions")
    response = client.get(permissions)
    assert response.status_code == 303 and response.headers["location"].endswith("/brands")
    action, token = _csrf_form(brands, "TESLA")
    response = client.post(permissions, data={"csrf_token": token, "decision": "allow"})
    assert response.status_code == 303 and response.headers["location"].endswith("/brands")
    assert action.endswith("/brands")


@pytest.mark.parametrize("method, path", [
    ("POST", "/oauth/authorize"),
    ("PUT", "/oauth/authorize"),
    ("DELETE", "/oauth/authorize/x/brands"),
    ("GET", "/oauth/authorize/x/continue"),
])
def test_wrong_methods_get_an_html_405(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert "allow" in response.headers and "is not allowed here" in response.text


def test_unknown_connect_paths_are_html_404s(client: httpx.Client) -> None:
    response = client.post("/oauth/authorize/x/y/z")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_head_and_malformed_bodies(client: httpx.Client) -> None:
    assert client.head(connect_url()).status_code == 200
    page = to_sign_in(client, connect_url())
    action, _ = _csrf_form(page, "sign-in-button")
    response = client.post(action, content=b"--x\r\nbroken", headers={
        "content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    uploaded = client.post(action, files={"csrf_token": ("a.txt", b"x")})
    assert uploaded.status_code == 400


def test_back_to_another_brand_forgets_the_sign_in(client: httpx.Client) -> None:
    page = sign_in(client, to_sign_in(client, connect_url()), "alice@example.com")
    assert page.has("vehicle-1")
    brands = open_page(client, page.url.replace("/permissions", "/brands"))
    again = brands.submit(client, "FORD")
    assert "Sign in to Ford" in again.html
    response = client.get(page.url)
    assert response.status_code == 303 and response.headers["location"].endswith("/sign-in")


# -- hostile input ----------------------------------------------------------------------

PAYLOADS = ['"><script>alert(1)</script>', "'onmouseover='alert(1)'x", "javascript:alert(1)//<b>"]


def _assert_escaped(html: str, payload: str) -> None:
    assert payload not in html
    assert str(escape(payload)) in html
    assert "<script>alert" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("param", [
    "state", "client_id", "redirect_uri", "scope", "make", "user", "flags", "mode",
    "single_select_vin", "response_type",
])
def test_hostile_parameters_are_escaped(client: httpx.Client, param: str, payload: str) -> None:
    response = client.get(connect_url(**{param: payload}))
    assert response.status_code in (200, 400)
    _assert_escaped(response.text, payload)
    if response.status_code == 200:  # carried along: on every later page too
        page = to_sign_in(client, connect_url(**{param: payload}))
        _assert_escaped(page.html, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_email_and_search_are_escaped(client: httpx.Client, payload: str) -> None:
    page = to_sign_in(client, connect_url(mode="simulated"))
    refused = sign_in(client, page, payload + "@example.com")
    assert refused.response.status_code == 401
    _assert_escaped(refused.html, payload + "@example.com")
    brands = open_page(client, connect_url()).submit(client, "continue-button")
    found = brands.submit(client, "brand-search-button", fill={"brand-search": payload})
    _assert_escaped(found.html, payload)


def test_hostile_state_goes_back_url_encoded(client: httpx.Client) -> None:
    payload = PAYLOADS[0]
    final = walk(client, connect_url(state=payload), "bob@example.com")
    location = final.response.headers["location"]
    assert payload not in location
    assert redirect_query(final)["state"] == [payload]


def test_redirects_stay_on_connect_pages(client: httpx.Client) -> None:
    page = open_page(client, connect_url())
    response = client.post(_csrf_form(page, "continue-button")[0],
                           data={"csrf_token": _csrf_form(page, "continue-button")[1]})
    assert response.status_code == 303
    assert follow(client, response).has("TESLA")


# -- page structure, content security policy, look --------------------------------------


def _inline(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.DOTALL)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _every_connect_response(client: httpx.Client) -> dict[str, httpx.Response]:
    """Each kind of Connect page, as served: steps, refusals, error pages, and the
    re-authentication pages of a connected vehicle."""
    preamble = open_page(client, connect_url(mode="simulated"))
    brands = preamble.submit(client, "continue-button")
    sign_in_page = brands.submit(client, "TESLA")
    several = sign_in(client, sign_in_page, "alice@example.com", "alice-pw")
    one = sign_in(client, to_sign_in(client, connect_url(mode="simulated")),
                  "bob@example.com", "bob-pw")
    assert redirect_query(one.submit(client, "approval-button"))["code"]
    reauth = open_page(client, "/oauth/reauthenticate?" + urlencode({
        "response_type": "vehicle_id", "client_id": CLIENT_ID, "vehicle_id": "v-bob-1"}))
    return {
        "preamble": preamble.response, "brands": brands.response,
        "brands, nothing found": brands.submit(
            client, "brand-search-button", fill={"brand-search": "zzz"}).response,
        "sign-in": sign_in_page.response,
        "sign-in refused": sign_in(client, sign_in_page, "alice@example.com", "no").response,
        "permissions with the vehicle choice": several.response,
        "vehicle choice refused": several.submit(
            client, "approval-button", uncheck={"vehicle-1", "vehicle-2", "vehicle-3"}).response,
        "permissions of one vehicle": sign_in(
            client, to_sign_in(client, connect_url(mode="simulated")), "bob@example.com",
            "bob-pw").response,
        "re-authentication preamble": reauth.response,
        "re-authentication sign-in": reauth.submit(client, "continue-button").response,
        "bad Connect URL": client.get(connect_url(client_id="nope")),
        "bad re-authentication URL": client.get("/oauth/reauthenticate?response_type=x"),
        "unknown session": client.get("/oauth/authorize/nope/sign-in"),
        "wrong method": client.put("/oauth/authorize"),
    }


def test_every_connect_page_wraps_its_content_in_page_content(client: httpx.Client) -> None:
    for name, response in _every_connect_response(client).items():
        assert response.headers["content-type"].startswith("text/html"), name
        found = re.findall(r'<main class="page-content">(.*?)</main>', response.text, re.DOTALL)
        assert len(found) == 1 and "<h1>" in found[0], name


def test_inline_style_and_script_are_allowed_by_hash_only(client: httpx.Client) -> None:
    scripts: set[str] = set()
    for name, response in _every_connect_response(client).items():
        policy = response.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'", name
        assert "unsafe" not in policy and "*" not in policy, name
        styles = _inline(response.text, "style")
        assert len(styles) == 1 and directives["style-src"] == _sha256(styles[0]), name
        for script in _inline(response.text, "script"):
            assert directives["script-src"] == _sha256(script), name
            scripts.add(name)
        assert "style=" not in response.text, f"{name}: style attributes are not allowed"
    assert scripts == {"brands", "brands, nothing found"}, "the brand filter, there only"


def test_the_favicon_is_served_and_linked(client: httpx.Client) -> None:
    page = open_page(client, connect_url())
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page.html)
    assert link is not None
    icon = client.get(link.group(1))
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.text.startswith("<svg")
    assert "img-src 'self'" in page.response.headers["content-security-policy"]


def test_makes_are_shown_by_name_and_chosen_by_id(client: httpx.Client) -> None:
    brands = open_page(client, connect_url()).submit(client, "continue-button")
    assert re.search(r'id="MERCEDES_BENZ" class="brand-list-item">Mercedes-Benz<', brands.html)
    page = sign_in(client, to_sign_in(client, connect_url(mode="simulated")),
                   "alice@example.com", "alice-pw")
    assert "2022 Tesla Model 3" in page.html and "2022 Tesla Model S" in page.html
    assert "TESLA" not in page.html.split("</main>")[0]


def test_brands_sort_and_match_without_accents(client: httpx.Client) -> None:
    brands = open_page(client, connect_url()).submit(client, "continue-button")
    order = [c.id for f in brands.forms() for c in f.controls if c.name == "make"]
    assert order.index("RIVIAN") < order.index("SKODA") < order.index("SUBARU")
    found = brands.submit(client, "brand-search-button", fill={"brand-search": "skoda"})
    assert found.has("SKODA") and "Škoda" in found.html

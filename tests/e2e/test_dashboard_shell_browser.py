"""The dashboard's shell pages in a real headless Chromium: a vehicle added through the
form signs in through Connect in simulated mode with the credentials the page shows, and
the official Python SDK reads the make, model, year and battery the form chose; a vehicle
added connected works with the SDK at once from the tokens shown; the clock widget
advances the World; every control has an accessible name and is reached by keyboard; no
request leaves the origin; nothing scrolls sideways at 375 px."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import smartcar
from playwright.sync_api import Page, expect

from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from tests.e2e.dashboard_support import (
    DESKTOP,
    PHONE,
    disclosure_names,
    horizontal_overflow,
    same_origin_only,
    tab_stops,
    unnamed_controls,
)
from tests.support.app_site import AppSite

VIEWS = ("/", "/vehicles", "/vehicles?q=tesla", "/vehicles/new", "/applications",
         "/applications/{tenant}", "/applications/{tenant}/vehicles")


@pytest.fixture(scope="module")
def server(app_site: AppSite) -> Iterator[MockcarServer]:
    """A mockcar whose applications redirect first to the test's app site, so the Connect
    links the dashboard builds end there."""
    with MockcarServer() as running, smartcar_sdk_pointed_at(running.url):
        world = running.world
        for client_id, app in list(world.applications.items()):
            world.applications[client_id] = dataclasses.replace(
                app, redirect_uris=(app_site.redirect_uri, *app.redirect_uris))
        yield running


@pytest.fixture(scope="module")
def tenant(server: MockcarServer) -> str:
    """A run-time application's client id (its World opens on unguarded loopback)."""
    registered = httpx.post(server.url + "/_mockcar/applications", json={"name": "Suite run"})
    assert registered.status_code == 201, registered.text
    client_id: str = registered.json()["client_id"]
    return client_id


def choose_car(page: Page, make: str, model: str, year: str) -> None:
    page.get_by_label("Region").select_option("US")
    page.get_by_role("combobox", name="Make").select_option(label=make)
    page.get_by_role("combobox", name="Model").select_option(label=model)
    page.get_by_role("combobox", name="Year").select_option(year)


def test_a_vehicle_added_disconnected_signs_in_through_connect_and_the_sdk_reads_it(
        server: MockcarServer, browser_page: Page, app_site: AppSite) -> None:
    page = browser_page
    with same_origin_only(page, server.url):
        page.goto(server.url + "/vehicles/new")
        choose_car(page, "Ford", "Mustang Mach-E", "2022")
        expect(page.get_by_role("combobox", name="Powertrain")).to_have_value("BEV")
        expect(page.get_by_label("Fuel level (%)")).to_be_hidden()
        page.get_by_label("Battery level (%)").fill("42")
        page.get_by_label("Parked").check()
        page.get_by_label("Not connected").check()
        page.get_by_role("button", name="Add vehicle").click()
        result = page.locator("#result")
        expect(result).to_be_visible()
        expect(result).to_be_focused()
        expect(page.get_by_role("heading", name="2022 Ford Mustang Mach-E added")).to_be_visible()
        email = page.inner_text("#result-email")
        password = page.inner_text("#result-password")
        link = page.get_by_role("link", name="Connect with this vehicle")
        href = link.get_attribute("href") or ""
        assert parse_qs(urlsplit(href).query)["make"] == ["FORD"]
        assert parse_qs(urlsplit(href).query)["mode"] == ["simulated"]
    link.click()
    expect(page.locator("#mode-banner")).to_contain_text("Simulated mode")
    page.click("#continue-button")
    expect(page.locator("h1")).to_have_text("Sign in to Ford")
    page.fill("#username", email)
    page.fill("#password", password)
    page.click("#sign-in-button")
    page.click("#approval-button")
    page.wait_for_selector("#done")
    code = parse_qs(urlsplit(page.url).query)["code"][0]

    app = next(iter(server.world.applications.values()))
    client = smartcar.AuthClient(app.client_id, app.client_secret, app_site.redirect_uri,
                                 mode="simulated")
    access = client.exchange_code(code)
    [vehicle_id] = smartcar.get_vehicles(access.access_token).vehicles
    vehicle = smartcar.Vehicle(vehicle_id, access.access_token)
    attributes = vehicle.attributes()
    assert (attributes.make, attributes.model, attributes.year) == ("FORD", "Mustang Mach-E",
                                                                    2022)
    assert vehicle.battery().percent_remaining == 0.42


def test_a_vehicle_added_connected_works_with_the_sdk_at_once(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    with same_origin_only(page, server.url):
        page.goto(server.url + "/vehicles/new")
        choose_car(page, "Tesla", "Model Y", "2023")
        page.get_by_label("Battery level (%)").fill("77")
        page.get_by_role("radio", name="Connected: get an access").check()
        page.keyboard.press("Enter")  # submits the form from the focused radio
        expect(page.locator("#result-connected")).to_be_visible()
        token = page.inner_text("#result-access-token")
        refresh = page.inner_text("#result-refresh-token")
        vehicle_id = page.inner_text("#result-id")
        expires = page.get_attribute("#result-expires", "datetime") or ""
        assert "read_battery" in page.inner_text("#result-permissions")
        assert "read_fuel" not in page.inner_text("#result-permissions")
        assert vehicle_id in page.inner_text("#result-snippet")
    issued = datetime.fromisoformat(expires) - timedelta(hours=2)
    assert abs((issued - server.world.now()).total_seconds()) < 60
    vehicle = smartcar.Vehicle(vehicle_id, token)
    attributes = vehicle.attributes()
    assert (attributes.make, attributes.model, attributes.year) == ("TESLA", "Model Y", 2023)
    assert vehicle.battery().percent_remaining == 0.77
    app = next(iter(server.world.applications.values()))
    client = smartcar.AuthClient(app.client_id, app.client_secret, app.redirect_uris[0])
    assert client.exchange_refresh_token(refresh).access_token != token


def test_a_control_api_error_shows_next_to_the_form(server: MockcarServer,
                                                     browser_page: Page) -> None:
    page = browser_page
    page.goto(server.url + "/vehicles/new")
    page.get_by_label("VIN", exact=True).check()
    page.get_by_role("textbox", name="VIN").fill("ZZZ3E1EA0NF123456")
    expect(page.locator("#vin-decoded")).to_contain_text("Unknown maker")
    page.get_by_role("button", name="Add vehicle").click()
    error = page.locator("#add-vehicle > .control-error[role=alert]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("The VIN's maker is not one mockcar knows")
    by_the_field = page.locator('[data-error-for="vin"]')
    expect(by_the_field).to_contain_text("World Manufacturer Identifier")
    expect(page.locator("#result")).to_be_hidden()


def test_add_vehicle_errors_show_by_the_field_that_caused_them(server: MockcarServer,
                                                              browser_page: Page) -> None:
    page = browser_page
    world = server.world
    page.goto(server.url + "/vehicles/new")
    choose_car(page, "Toyota", "RAV4 Prime", "2023")
    battery = page.get_by_label("Battery level (%)")
    fuel = page.get_by_label("Fuel level (%)")
    submit = page.get_by_role("button", name="Add vehicle")
    before = len(world.vehicles)
    # A level is typed in percent: 150 is refused by the field, in percent, and nothing
    # is sent; an emptied level is refused too rather than sent as 0.
    battery.fill("150")
    submit.click()
    expect(page.locator("#battery-error")).to_have_text("Battery level: a percentage from 0 to 100.")
    expect(battery).to_have_attribute("aria-invalid", "true")
    expect(battery).to_be_focused()
    battery.fill("55")
    fuel.fill("")
    submit.click()
    expect(page.locator("#fuel-error")).to_have_text("Fuel level: a percentage from 0 to 100.")
    expect(page.locator("#battery-error")).to_be_hidden()
    expect(battery).not_to_have_attribute("aria-invalid", "true")
    assert len(world.vehicles) == before
    # What only mockcar can tell (an email it refuses) shows by that field too.
    fuel.fill("30")
    page.get_by_label("An owner by email").check()
    owner = page.get_by_label("Owner's email")
    owner.fill("not-an-email")
    submit.click()
    expect(page.locator("#owner-error")).to_contain_text("must be an email address")
    expect(owner).to_have_attribute("aria-invalid", "true")
    # Under the button, the control API's message leads into its problems.
    expect(page.locator("#add-vehicle > .control-error[role=alert]")).to_have_text(
        "The vehicle cannot be made: owner.email: must be an email address, got "
        "'not-an-email'")
    expect(page.locator("#fuel-error")).to_be_hidden()
    owner.fill("alice@example.com")
    submit.click()
    expect(page.get_by_role("heading", name="2023 Toyota RAV4 Prime added")).to_be_visible()
    assert len(world.vehicles) == before + 1
    added = world.vehicles[page.inner_text("#result-id")]
    assert added.state.battery_level == 0.55 and added.state.fuel_level == 0.3


@pytest.mark.parametrize(("start", "plugged"), [("Parked", False), ("Commute", False),
                                                ("Charging", True)])
def test_a_plug_in_car_starts_plugged_in_only_when_asked(
        server: MockcarServer, browser_page: Page, start: str, plugged: bool) -> None:
    page = browser_page
    page.goto(server.url + "/vehicles/new")
    choose_car(page, "Ford", "Mustang Mach-E", "2022")
    page.get_by_role("radio", name=re.compile("^" + start + " ")).check()
    with page.expect_request(lambda r: r.method == "POST"
                             and r.url.endswith("/_mockcar/vehicles")) as sent:
        page.get_by_role("button", name="Add vehicle").click()
    # What the form asks for says so, rather than leaving the cable to chance.
    asked = (sent.value.post_data_json or {})["vehicle"]
    assert (asked["plugged_in"], asked["charging"]) == (plugged, plugged)
    expect(page.locator("#result")).to_be_visible()
    made = httpx.get(f"{server.url}/_mockcar/vehicles/{page.inner_text('#result-id')}")
    state = made.json()["state"]
    assert (state["plugged_in"], state["charging"]) == (plugged, plugged)


def test_a_car_added_charging_gains_charge_as_the_clock_runs(server: MockcarServer,
                                                             browser_page: Page) -> None:
    page = browser_page
    page.goto(server.url + "/vehicles/new")
    choose_car(page, "Ford", "Mustang Mach-E", "2022")
    page.get_by_label("Battery level (%)").fill("40")
    page.get_by_role("radio", name=re.compile("^Charging ")).check()
    page.get_by_role("button", name="Add vehicle").click()
    expect(page.locator("#result-connected")).to_be_visible()
    vehicle = smartcar.Vehicle(page.inner_text("#result-id"),
                               page.inner_text("#result-access-token"))
    assert vehicle.charge().state == "CHARGING"
    assert vehicle.battery().percent_remaining == 0.4
    advanced = httpx.post(server.url + "/_mockcar/clock/advance", json={"hours": 1})
    assert advanced.status_code == 200, advanced.text
    # An hour on an 11 kW charger: a few tens of percent more, still charging.
    assert 0.45 < vehicle.battery().percent_remaining < 0.8
    assert vehicle.charge().state == "CHARGING"


def test_a_control_error_replaces_the_field_errors_of_the_last_try(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    page.goto(server.url + "/vehicles/new")
    taken = next(iter(server.world.vehicles.values())).vin
    # Two failed calls from the form, as its script makes them (mockcar.control with the
    # form as the source): the first names the owner's email, the second the VIN.
    page.evaluate("""async (vin) => {
        const form = document.getElementById("add-vehicle");
        const car = {make: "TESLA", model: "Model 3", year: 2022, powertrain: "BEV"};
        await mockcar.control("POST", "/vehicles", {vehicle: car, owner: "nope"}, form)
            .catch(() => {});
        await mockcar.control("POST", "/vehicles", {vehicle: {...car, vin: vin}}, form)
            .catch(() => {});
    }""", taken)
    expect(page.locator("#vin-error")).to_contain_text("is taken by another vehicle")
    expect(page.locator("#owner-error")).to_have_attribute("hidden", "")
    expect(page.locator("#owner-error")).to_have_text("")
    expect(page.locator("#owner-email")).not_to_have_attribute("aria-invalid", "true")


def test_the_clock_menu_closes_with_escape_or_a_click_elsewhere(server: MockcarServer,
                                                                browser_page: Page) -> None:
    page = browser_page
    page.goto(server.url + "/vehicles")
    menu = page.locator(".clock__controls")
    summary = page.locator(".clock__controls > summary")
    # Named "Clock" as Chromium tells a screen reader, without its decorative arrow.
    assert disclosure_names(page) == ["Clock"]
    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Freeze")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".clock__panel")).to_be_visible()
    page.get_by_role("heading", name="Vehicles", exact=True).click()
    expect(page.locator(".clock__panel")).to_be_hidden()
    # A click inside the panel keeps it open.
    summary.click()
    page.get_by_text("Advance by").click()
    expect(page.locator(".clock__panel")).to_be_visible()


def test_the_clock_badge_speaks_only_when_the_clock_changes(server: MockcarServer,
                                                            browser_page: Page) -> None:
    page = browser_page
    page.goto(server.url + "/")
    badge = page.locator("[data-clock-state]")
    expect(badge).to_have_attribute("role", "status")
    page.evaluate("""() => {
        window.badgeWrites = 0;
        new MutationObserver(records => { window.badgeWrites += records.length; })
            .observe(document.querySelector("[data-clock-state]"),
                     {childList: true, characterData: true, subtree: true});
    }""")
    # Readings of an unchanged clock (the widget takes one every few seconds) leave the
    # live region alone.
    page.evaluate("async () => { await mockcar.refreshClock(); await mockcar.refreshClock(); }")
    assert page.evaluate("window.badgeWrites") == 0
    frozen = httpx.post(server.url + "/_mockcar/clock/freeze", json={})
    assert frozen.status_code == 200, frozen.text
    try:
        page.evaluate("async () => { await mockcar.refreshClock(); await mockcar.refreshClock(); }")
        expect(badge).to_have_text("Frozen")
        assert page.evaluate("window.badgeWrites") == 1
    finally:
        httpx.post(server.url + "/_mockcar/clock/unfreeze", json={})


def test_every_radio_of_add_vehicle_is_the_same_size(server: MockcarServer,
                                                      browser_page: Page) -> None:
    page = browser_page
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(server.url + "/vehicles/new")
        sizes = page.evaluate("""() => Array.from(
            document.querySelectorAll('input[type=radio]'), radio => {
                const box = radio.getBoundingClientRect();
                return box.width ? Math.round(box.width) + 'x' + Math.round(box.height) : null;
            }).filter(Boolean)""")
        assert len(sizes) >= 10 and len(set(sizes)) == 1, sizes


def _contrast(first: str, second: str) -> float:
    """WCAG contrast of two computed colours ("rgb(r, g, b)")."""
    def luminance(colour: str) -> float:
        channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_form_fields_edge_stands_out_from_its_card(server: MockcarServer,
                                                     browser_page: Page, scheme: str) -> None:
    page = browser_page
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    page.goto(server.url + "/vehicles/new")
    for field in ("#region", "#battery"):
        edge, card = page.locator(field).evaluate("""e => [
            getComputedStyle(e).borderTopColor,
            getComputedStyle(e.closest('.card')).backgroundColor]""")
        # WCAG 1.4.11: what identifies a control contrasts 3:1 with what is next to it.
        assert _contrast(edge, card) >= 3, (field, edge, card)


def test_a_focused_tab_shows_its_whole_focus_ring(server: MockcarServer,
                                                   browser_page: Page) -> None:
    page = browser_page
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(server.url + "/vehicles")
        page.locator(".brand").focus()
        page.keyboard.press("Tab")  # the Clock menu
        page.keyboard.press("Tab")
        tab = page.get_by_role("navigation", name="Dashboard").get_by_role(
            "link", name="Start here")
        expect(tab).to_be_focused()
        # The ring (the link's box grown by outline offset and width) lies inside the
        # list, which clips whatever is drawn outside it.
        ring, clip = tab.evaluate("""a => {
            const style = getComputedStyle(a);
            const grow = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
            const box = a.getBoundingClientRect();
            const list = a.closest('ul').getBoundingClientRect();
            return [[box.top - grow, box.bottom + grow, box.left - grow, box.right + grow],
                    [list.top, list.bottom, list.left, list.right]];
        }""")
        assert ring[0] >= clip[0] and ring[1] <= clip[1], (viewport, ring, clip)
        assert ring[2] >= clip[2] and ring[3] <= clip[3], (viewport, ring, clip)


def test_at_phone_width_every_tab_shows_and_stacked_rows_keep_values_beside_labels(
        server: MockcarServer, tenant: str, browser_page: Page) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(server.url + "/")
    for link in page.get_by_role("navigation", name="Dashboard").get_by_role("link").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            link.inner_text(), box)
    # alice owns four cars: each line of her Vehicles cell starts at the same place,
    # beside the column's name, not under it.
    owners = page.get_by_role("table", name="Owners")
    alice = owners.get_by_role("row").filter(has_text="alice@example.com")
    starts = {round((link.bounding_box() or {"x": -1})["x"])
              for link in alice.get_by_role("link").all()}
    assert len(starts) == 1 and starts.pop() > 60
    # The SDK environment is read whole, wrapped, rather than scrolled sideways.
    for block in ("#env-python", "#env-node"):
        assert page.locator(block).evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    assert f"export SMARTCAR_API_ORIGIN={server.url}\n" in page.inner_text("#env-python")
    # A client id breaks rather than running past its card.
    page.goto(server.url + "/applications")
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    expect(page.get_by_text(tenant)).to_be_visible()


def test_a_vin_is_checked_by_its_field_before_it_is_sent(server: MockcarServer,
                                                         browser_page: Page) -> None:
    page = browser_page
    page.goto(server.url + "/vehicles/new")
    page.get_by_label("VIN", exact=True).check()
    vin = page.get_by_role("textbox", name="VIN")
    before = len(server.world.vehicles)
    for typed, count in (("1FTFW1E5", 8), ("1FTFW1E5OMFA48213", 17), ("1FTFW1E5-MFA48213", 17)):
        vin.fill(typed)
        page.get_by_role("button", name="Add vehicle").click()
        expect(page.locator("#vin-error")).to_have_text(
            f"A VIN has 17 letters and digits, never I, O or Q ({count} characters given).")
        expect(vin).to_be_focused()
    assert len(server.world.vehicles) == before
    vin.fill("1ftfw1e55mfa40001")
    page.get_by_role("button", name="Add vehicle").click()
    expect(page.locator("#result")).to_be_visible()
    assert server.world.vehicles[page.inner_text("#result-id")].vin == "1FTFW1E55MFA40001"


def test_the_clock_widget_advances_the_world_and_the_page_follows(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    world = server.world
    shown = page.locator("[data-clock-time]")

    def at(moment: datetime) -> str:
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    page.goto(server.url + "/vehicles")
    page.get_by_text("Clock", exact=True).click()
    page.get_by_role("button", name="Freeze").click()
    # The badge changes with the control API's answer: the World is frozen by then.
    expect(page.locator("[data-clock-state]")).to_have_text("Frozen")
    assert world.clock.frozen
    frozen_at = world.now()
    expect(shown).to_have_attribute("datetime", at(frozen_at))
    other = page.context.new_page()  # another open view, in another tab
    other.goto(server.url + "/")
    page.get_by_role("button", name="+1 day").click()
    expect(shown).to_have_attribute("datetime", at(frozen_at + timedelta(days=1)))
    assert world.now() == frozen_at + timedelta(days=1)
    # The other tab follows the World's clock by itself (it reads it every 3 s).
    expect(other.locator("[data-clock-time]")).to_have_attribute(
        "datetime", at(frozen_at + timedelta(days=1)))
    expect(other.locator("[data-clock-state]")).to_have_text("Frozen")
    other.close()
    page.get_by_role("spinbutton", name="Advance by").fill("2")
    page.get_by_role("combobox", name="Unit").select_option("hours")
    page.get_by_role("button", name="Advance", exact=True).click()
    expect(shown).to_have_attribute("datetime", at(frozen_at + timedelta(days=1, hours=2)))
    page.get_by_label("10×").check()
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("[data-clock-state]")).to_have_text("Running ×10")
    assert world.clock.speed == 10 and not world.clock.frozen
    page.get_by_label("1×", exact=True).check()
    expect(page.locator("[data-clock-state]")).to_have_text("Running")


def test_copy_buttons_put_the_value_on_the_clipboard(server: MockcarServer,
                                                     browser_page: Page) -> None:
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=server.url)
    page.goto(server.url + "/")
    copy = page.get_by_role("button", name="Copy server URL")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == server.url
    page.get_by_role("button", name="Copy the Python environment").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"export SMARTCAR_API_ORIGIN={server.url}\n" in copied
    assert f"export SMARTCAR_AUTH_ORIGIN={server.url}/oauth/token\n" in copied


def test_the_vehicles_state_column_follows_the_world_without_a_reload(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    made = httpx.post(server.url + "/_mockcar/vehicles", json={"vehicle": {
        "make": "TESLA", "model": "Model 3", "powertrain": "BEV", "locked": True,
        "battery": {"level": 0.5}}})
    assert made.status_code == 201, made.text
    car = made.json()
    page.goto(server.url + "/vehicles?q=" + car["vin"])
    row = page.locator(f'tr[data-vehicle-id="{car["id"]}"]')
    expect(row.get_by_text("Battery 50 %")).to_be_visible()
    expect(row.get_by_text("Locked", exact=True)).to_be_visible()
    changed = httpx.post(f"{server.url}/_mockcar/vehicles/{car['id']}/state",
                         json={"locked": False, "battery_level": 0.31})
    assert changed.status_code == 200, changed.text
    # Moving the clock from the widget redraws every live view at once.
    page.get_by_text("Clock", exact=True).click()
    page.get_by_role("button", name="+1 h").click()
    expect(row.get_by_text("Unlocked", exact=True)).to_be_visible()
    expect(row.get_by_text("Battery 31 %")).to_be_visible()


def test_the_state_column_says_charging_as_the_api_does(server: MockcarServer,
                                                        browser_page: Page) -> None:
    page = browser_page
    made = httpx.post(server.url + "/_mockcar/vehicles", json={"vehicle": {
        "make": "TESLA", "model": "Model 3", "powertrain": "BEV", "charge_limit": 0.8,
        "battery": {"level": 0.5}, "plugged_in": True, "charging": True}, "connect": {}})
    assert made.status_code == 201, made.text
    car = made.json()
    vehicle = smartcar.Vehicle(car["id"], car["connection"]["access_token"])
    page.goto(server.url + "/vehicles?q=" + car["vin"])
    row = page.locator(f'tr[data-vehicle-id="{car["id"]}"]')
    assert vehicle.charge().state == "CHARGING"
    expect(row.get_by_text("Charging", exact=True)).to_be_visible()
    # At its limit the API reads FULLY_CHARGED, though the car is still set charging:
    # the list, drawn live by the page's script, says so too.
    changed = httpx.post(f"{server.url}/_mockcar/vehicles/{car['id']}/state",
                         json={"battery_level": 0.85})
    assert changed.status_code == 200, changed.text
    expect(row.get_by_text("Fully charged", exact=True)).to_be_visible()
    expect(row.get_by_text("Charging", exact=True)).to_have_count(0)
    assert vehicle.charge().state == "FULLY_CHARGED"
    # And as the server draws the page.
    page.reload()
    expect(row.get_by_text("Fully charged", exact=True)).to_be_visible()


def test_the_vehicle_filters_url_names_only_what_is_set(server: MockcarServer,
                                                        browser_page: Page) -> None:
    page = browser_page
    page.goto(server.url + "/vehicles")
    page.get_by_role("combobox", name="Make").select_option(label="Ford")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(server.url + "/vehicles?make=FORD")
    expect(page.get_by_role("link", name="2021 Ford F-150")).to_be_visible()
    expect(page.get_by_role("link", name="2022 Tesla Model 3")).to_have_count(0)
    page.go_back()
    page.wait_for_url(server.url + "/vehicles")
    search = page.get_by_role("searchbox", name="Search")
    expect(search).to_be_enabled()
    search.fill("tesla")
    search.press("Enter")
    # (The make chosen before is there again when the browser restores the form.)
    page.wait_for_url(re.compile(re.escape(server.url) + r"/vehicles\?q=tesla(&make=FORD)?$"))


@pytest.mark.parametrize("path", VIEWS)
def test_every_view_is_named_reachable_by_keyboard_and_fits_a_phone(
        server: MockcarServer, tenant: str, browser_page: Page, path: str) -> None:
    page = browser_page
    path = path.format(tenant=tenant)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        with same_origin_only(page, server.url):
            page.goto(server.url + path)
            # Not "networkidle": the page's World stream stays open.
            expect(page.locator("body[data-live=open]")).to_have_count(1)
            assert unnamed_controls(page) == []
            if viewport is PHONE:
                assert horizontal_overflow(page) <= 0, path
    stops = tab_stops(page)
    assert stops[0].startswith("a|Skip to content")
    assert any(stop.startswith("a|Vehicles") for stop in stops)
    assert any("summary|Clock" in stop for stop in stops)

"""One vehicle's page in a real headless Chromium, checked against the official Python
SDK: the battery set to 42 % on the page is what `vehicle.battery()` reads; lock and
unlock from the page are what `vehicle.lock_status()` reads; a refused change shows its
error next to the form that sent it; a commuting car's next stage and an hour on the
clock widget move its odometer and position on the page, and the API agrees; revoking
the application on the page ends the SDK's access; the page subscribes the car to a
webhook of an application connected to it and back; every control has an accessible name
and is reached by keyboard; no request leaves the origin; nothing scrolls sideways at
375 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import smartcar
from playwright.sync_api import Page, expect

from mockcar.domain.webhooks.deliveries import Attempt
from mockcar.domain.world.clock import Clock
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from tests.e2e.dashboard_support import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    same_origin_only,
    tab_stops,
    unnamed_controls,
)

COMMUTER = "5bc8fbbc-bde5-4099-8164-d8399f767c45"  # rosa's Tesla, timeline: commute
ROSA = "rosa@example.com"
DEMO_CLIENT = "d3e0a9b1-0000-4000-8000-000000000001"
DEMO_TOKEN = "demo-management-token"
DEMO_WEBHOOK = "5d2a2f6e-3b1c-4c8e-9a47-1f0b8e6d2c11"
# The commuting car's day starts at midnight UTC of the day its World is built: a World
# built at a fixed instant and frozen there puts it at the same stage whatever the time
# of day the tests run (01:30 in San Francisco).
FROZEN_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    world = load_world(default_scenario(), clock=Clock(frozen_at=FROZEN_AT))
    with MockcarServer(Settings(), world) as running, smartcar_sdk_pointed_at(running.url):
        # Frozen: nothing moves unless a test moves it.
        assert httpx.get(running.url + "/_mockcar/clock").json()["frozen"] is True
        yield running


def sdk_vehicle(server: MockcarServer) -> smartcar.Vehicle:
    """The commuting car as the Demo App sees it after its owner connected it."""
    answer = httpx.post(
        f"{server.url}/_mockcar/applications/{DEMO_CLIENT}/connect",
        headers={"Authorization": f"Bearer {DEMO_TOKEN}"},
        json={"email": ROSA, "vehicles": [COMMUTER], "exchange": True})
    answer.raise_for_status()
    return smartcar.Vehicle(COMMUTER, answer.json()["access_token"])


def open_page(page: Page, server: MockcarServer) -> None:
    page.goto(f"{server.url}/vehicles/{COMMUTER}")
    expect(page.get_by_role("heading", name="2024 Tesla Model Y")).to_be_visible()


def kilometres(page: Page) -> int:
    text = page.locator('[data-r="odometer"]').inner_text()
    found = re.match(r"([\d,]+) km", text)
    assert found, text
    return int(found.group(1).replace(",", ""))


def test_the_battery_set_on_the_page_is_what_the_sdk_reads(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    vehicle = sdk_vehicle(server)
    with same_origin_only(page, server.url):
        open_page(page, server)
        # An app changes the charge limit after the page showed it: the battery form
        # sends only what was edited, so that limit stays.
        httpx.post(f"{server.url}/_mockcar/vehicles/{COMMUTER}/state",
                   json={"charge_limit": 0.85}).raise_for_status()
        page.get_by_label("Battery level (%)").fill("42")
        page.get_by_role("button", name="Set battery").click()
        expect(page.locator('[data-r="battery.percent"]')).to_have_text("42 %")
        expect(page.locator('meter[data-meter="battery"]')).to_have_attribute("value", "0.42")
    assert vehicle.battery().percent_remaining == 0.42
    assert vehicle.get_charge_limit().limit == 0.85


def test_a_refused_change_shows_its_error_next_to_its_form(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    # Plugged in and not charging, whatever the time of day (and the battery set by the
    # test before) made it, so both choices below are edits the form sends.
    httpx.post(f"{server.url}/_mockcar/vehicles/{COMMUTER}/state",
               json={"plugged_in": True, "charging": False}).raise_for_status()
    open_page(page, server)
    form = page.locator("form", has=page.get_by_role("button", name="Set charging"))
    form.get_by_label("Charging cable").select_option("false")
    form.get_by_label("Charging", exact=True).select_option("true")
    form.get_by_role("button", name="Set charging").click()
    error = form.get_by_role("alert")
    expect(error).to_be_visible()
    expect(error).to_contain_text("charging: needs plugged_in: true")
    # Only that form says so.
    expect(page.locator(".control-error:visible")).to_have_count(1)


def test_lock_and_unlock_from_the_page_are_what_the_sdk_reads(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    vehicle = sdk_vehicle(server)
    open_page(page, server)
    page.get_by_role("button", name="Unlock", exact=True).click()
    expect(page.locator('[data-r="lock"]')).to_have_text("Unlocked")
    assert vehicle.lock_status().is_locked is False
    page.get_by_role("button", name="Lock", exact=True).click()
    expect(page.locator('[data-r="lock"]')).to_have_text("Locked")
    assert vehicle.lock_status().is_locked is True


def test_an_hour_of_a_commuting_car_moves_it_on_the_page_and_in_the_api(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    vehicle = sdk_vehicle(server)
    open_page(page, server)
    now = page.locator('.stages li[aria-current="step"]')
    # Skip to the start of its next drive (the clock stays where it is): at least one
    # stage on, since at some times of day it is already near the end of a drive.
    for _ in range(8):
        before = now.inner_text()
        page.get_by_role("button", name="Next stage").click()
        expect(now).not_to_have_text(before)
        if now.inner_text().startswith("Driving"):
            break
    expect(now).to_contain_text("Driving")
    expect(page.locator('[data-r="motion"]')).to_contain_text("Driving at")
    odometer = kilometres(page)
    position = page.locator('[data-r="position"]').inner_text()
    marker = page.locator("[data-map] [data-marker]").first
    spot = (marker.get_attribute("cx"), marker.get_attribute("cy"))
    assert abs(vehicle.odometer().distance - odometer) <= 0.5

    # An hour on the World's clock, from the clock widget in the page's header.
    page.locator(".clock__controls > summary").click()
    page.get_by_role("button", name="+1 h").click()
    expect(page.locator('[data-r="position"]')).not_to_have_text(position)
    expect(page.locator('[data-r="motion"]')).to_have_text("Parked")  # arrived
    assert kilometres(page) > odometer
    assert (marker.get_attribute("cx"), marker.get_attribute("cy")) != spot
    # The API agrees with the page.
    assert abs(vehicle.odometer().distance - kilometres(page)) <= 0.5
    location = vehicle.location()
    shown = page.locator('[data-r="position"]').inner_text()
    assert shown == f"{location.latitude:.5f}, {location.longitude:.5f}"


def test_revoking_the_application_on_the_page_ends_the_sdks_access(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    vehicle = sdk_vehicle(server)
    vehicle.odometer()
    open_page(page, server)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke Demo App's access").first.click()
    expect(page.get_by_text("No application is connected to this vehicle.")).to_be_visible()
    with pytest.raises(smartcar.exception.SmartcarException):
        vehicle.odometer()


def test_controls_are_named_and_reached_by_keyboard_and_stay_on_the_origin(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    with same_origin_only(page, server.url) as requested:
        page.set_viewport_size(PHONE)
        open_page(page, server)
        # The World's stream is open: its requests are in `requested` too.
        expect(page.locator('[data-r="odometer"]')).not_to_have_text("")
        assert horizontal_overflow(page) == 0
        page.set_viewport_size(DESKTOP)
        assert unnamed_controls(page) == []
        stops = tab_stops(page, most=120)
    assert any("/_mockcar/stream?vehicle=" in url for url in requested)
    for wanted in ("button#timeline-next|Next stage", "button#lock-button|Lock",
                   "input#set-battery|", "select#set-plug|"):
        assert any(stop.startswith(wanted) for stop in stops), (wanted, stops)
    # The keyboard does what the mouse does: Enter on a focused "Unlock".
    page.focus("#unlock-button")
    page.keyboard.press("Enter")
    expect(page.locator('[data-r="lock"]')).to_have_text("Unlocked")


def test_a_paused_car_holds_while_the_clock_widget_moves_time(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    open_page(page, server)
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("[data-timeline-state]")).to_have_text("Paused")
    odometer = kilometres(page)
    position = page.locator('[data-r="position"]').inner_text()
    before = httpx.get(server.url + "/_mockcar/clock").json()["now"]
    shown = page.locator(".clock__time").inner_text()
    page.locator(".clock__controls > summary").click()
    page.get_by_role("button", name="+1 day").click()
    expect(page.locator(".clock__time")).not_to_have_text(shown)
    assert httpx.get(server.url + "/_mockcar/clock").json()["now"] > before
    page.reload()
    assert kilometres(page) == odometer
    assert page.locator('[data-r="position"]').inner_text() == position
    page.get_by_role("button", name="Play").click()
    expect(page.locator("[data-timeline-state]")).to_have_text("Playing")


def test_an_applications_world_is_driven_through_its_own_control_routes(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    registered = httpx.post(server.url + "/_mockcar/applications", json={}).json()
    client_id, token = registered["client_id"], registered["management_token"]
    auth = {"Authorization": f"Bearer {token}"}
    base = f"{server.url}/_mockcar/applications/{client_id}"
    car = httpx.get(base + "/vehicles", headers=auth).json()["vehicles"][0]
    with same_origin_only(page, server.url) as requested:
        page.goto(f"{server.url}/applications/{client_id}/vehicles/{car['id']}")
        form = page.locator("form", has=page.get_by_role("button", name="Set odometer"))
        form.get_by_label("Odometer (km)").fill("12345")
        form.get_by_role("button", name="Set odometer").click()
        expect(page.locator('[data-r="odometer"]')).to_contain_text("12,345 km")
    assert any(f"/_mockcar/applications/{client_id}/vehicles/{car['id']}/state" in url
               for url in requested)
    # That World changed, the scenario's did not.
    assert httpx.get(f"{base}/vehicles/{car['id']}", headers=auth).json()[
        "state"]["odometer_km"] == 12345
    scenario = httpx.get(f"{server.url}/_mockcar/vehicles/{car['id']}").json()
    assert scenario["state"]["odometer_km"] != 12345


def test_the_page_subscribes_a_connected_car_to_a_webhook_and_back(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    sdk_vehicle(server)  # the Demo App reaches the car: its webhook is offered
    webhook = f"{server.url}/_mockcar/applications/{DEMO_CLIENT}/webhooks/{DEMO_WEBHOOK}"
    auth = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    open_page(page, server)
    page.get_by_role("button", name="Subscribe to Demo battery webhook").click()
    unsubscribe = page.get_by_role("button", name="Unsubscribe from Demo battery webhook")
    expect(unsubscribe).to_be_visible()
    assert COMMUTER in httpx.get(webhook, headers=auth).json()["subscribers"]
    unsubscribe.click()
    expect(page.get_by_role("button", name="Subscribe to Demo battery webhook")).to_be_visible()
    assert COMMUTER not in httpx.get(webhook, headers=auth).json()["subscribers"]


def test_motion_and_sleep_set_on_the_page_are_what_the_api_reads(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    vehicle = sdk_vehicle(server)
    readings = f"{server.url}/_mockcar/vehicles/{COMMUTER}/readings"
    open_page(page, server)
    motion = page.locator("form", has=page.get_by_role("button", name="Set motion"))
    motion.get_by_label("Driving", exact=True).select_option("true")
    motion.get_by_label("Speed (km/h)").fill("50")
    motion.get_by_label("Heading (° from north)").fill("90")
    motion.get_by_role("button", name="Set motion").click()
    expect(page.locator('[data-r="motion"]')).to_have_text("Driving at 50 km/h")
    expect(page.locator('[data-r="heading"]')).to_have_text("90°")
    with pytest.raises(smartcar.exception.SmartcarException) as refused:
        vehicle.unlock()  # a moving car refuses it
    assert refused.value.code == "IN_MOTION"
    motion.get_by_label("Driving", exact=True).select_option("false")
    motion.get_by_role("button", name="Set motion").click()
    expect(page.locator('[data-r="motion"]')).to_have_text("Parked")
    read = httpx.get(readings).json()
    assert (read["moving"], read["speed_kmh"], read["heading"]) == (False, 0.0, 90.0)

    sleep = page.locator("form", has=page.get_by_role("button", name="Set sleep"))
    sleep.get_by_label("Asleep").select_option("true")
    sleep.get_by_role("button", name="Set sleep").click()
    expect(page.locator('[data-r="motion"]')).to_have_text("Parked · asleep")
    assert httpx.get(readings).json()["asleep"] is True
    sleep.get_by_label("Asleep").select_option("false")
    sleep.get_by_role("button", name="Set sleep").click()
    expect(page.locator('[data-r="motion"]')).to_have_text("Parked")
    assert httpx.get(readings).json()["asleep"] is False


def test_a_teslas_virtual_key_and_charge_port_set_on_the_page_are_what_the_sdk_sees(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    vehicle = sdk_vehicle(server)
    state = f"{server.url}/_mockcar/vehicles/{COMMUTER}/state"
    # Unplugged, so the port reads open only when held open.
    httpx.post(state, json={"plugged_in": False, "charge_port_open": False,
                            "moving": False}).raise_for_status()
    open_page(page, server)
    key = page.locator("form", has=page.get_by_role("button", name="Set virtual key"))
    key.get_by_label("Smartcar virtual key").select_option("false")
    key.get_by_role("button", name="Set virtual key").click()
    expect(page.locator('[data-r="virtual_key"]')).to_have_text("Not paired")
    with pytest.raises(smartcar.exception.SmartcarException) as refused:
        vehicle.lock()
    assert refused.value.code == "VIRTUAL_KEY_REQUIRED"
    key.get_by_label("Smartcar virtual key").select_option("true")
    key.get_by_role("button", name="Set virtual key").click()
    expect(page.locator('[data-r="virtual_key"]')).to_have_text("Paired")
    vehicle.lock()

    charging = page.locator("form", has=page.get_by_role("button", name="Set charging"))
    charging.get_by_label("Charge port door").select_option("true")
    charging.get_by_role("button", name="Set charging").click()
    expect(page.locator('[data-r="charge.port"]')).to_have_text("port open")
    assert [p["status"] for p in vehicle.lock_status().charging_port] == ["OPEN"]
    charging.get_by_label("Charge port door").select_option("false")
    charging.get_by_role("button", name="Set charging").click()
    expect(page.locator('[data-r="charge.port"]')).to_have_text("port closed")
    assert [p["status"] for p in vehicle.lock_status().charging_port] == ["CLOSED"]


def test_forms_follow_the_car_until_someone_edits_them(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    vehicle = sdk_vehicle(server)
    state = f"{server.url}/_mockcar/vehicles/{COMMUTER}/state"
    open_page(page, server)
    # An app (or the clock) changes the car: the untouched odometer form shows it, so
    # pressing its button does not set the old value back.
    httpx.post(state, json={"odometer_km": 20000}).raise_for_status()
    odometer = page.get_by_label("Odometer (km)")
    expect(odometer).to_have_value("20000")
    page.get_by_role("button", name="Set odometer").click()
    expect(page.locator('[data-r="odometer"]')).to_contain_text("20,000 km")
    assert vehicle.odometer().distance == 20000
    # A form being edited keeps what was typed while the car changes under it.
    battery = page.get_by_label("Battery level (%)")
    battery.fill("55")
    httpx.post(state, json={"battery_level": 0.3}).raise_for_status()
    expect(page.locator('[data-r="battery.percent"]')).to_have_text("30 %")
    expect(battery).to_have_value("55")
    page.get_by_role("button", name="Set battery").click()
    expect(page.locator('[data-r="battery.percent"]')).to_have_text("55 %")
    assert vehicle.battery().percent_remaining == 0.55


def test_an_emptied_field_is_refused_by_its_form_and_nothing_is_sent(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    open_page(page, server)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "")
            if r.method == "POST" and r.url.endswith("/state") else None)
    odometer = page.get_by_label("Odometer (km)")
    odometer.fill("")
    page.get_by_role("button", name="Set odometer").click()
    assert odometer.evaluate("field => field.validity.valueMissing") is True
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/state")):
        page.get_by_role("button", name="Lock", exact=True).click()
    assert sent == ['{"locked":true}']


def test_a_fault_for_its_make_reads_the_same_drawn_by_the_page_or_its_script(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    open_page(page, server)
    rule = httpx.post(server.url + "/_mockcar/faults", json={
        "type": "VEHICLE_STATE", "code": "ASLEEP", "make": "tesla",
        "endpoint": "/tesla/compass", "times": 3, "probability": 0.5}).json()
    try:
        item = page.locator("[data-faults] li", has_text="/tesla/compass")
        # Sent by the World's stream, drawn by the page's script, in the words the
        # page's first render uses.
        expect(item).to_contain_text("every Tesla")
        expect(item).not_to_contain_text("TESLA")
        expect(item).to_contain_text("3 times (3 left); 50 % of matching requests")
        page.reload()
        expect(item).to_contain_text(
            "every Tesla · 3 times (3 left); 50 % of matching requests · hits 0")
    finally:
        httpx.post(f"{server.url}/_mockcar/faults/{rule['id']}/delete", json={})


def test_a_car_moved_by_hand_out_of_its_close_up_says_so_on_that_map(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    state = f"{server.url}/_mockcar/vehicles/{COMMUTER}/state"
    home = httpx.get(f"{server.url}/_mockcar/vehicles/{COMMUTER}/readings").json()["location"]
    open_page(page, server)
    close_up, region = (page.locator("figure.map", has_text=name)
                        for name in ("Close-up:", "Region:"))
    expect(close_up.locator("[data-outside]")).to_be_hidden()
    location = page.locator("form", has=page.get_by_role("button", name="Move it"))
    try:
        location.get_by_label("Latitude").fill("34.05")  # Los Angeles, 550 km south
        location.get_by_label("Longitude").fill("-118.24")
        location.get_by_role("button", name="Move it").click()
        expect(page.locator('[data-r="position"]')).to_have_text("34.05000, -118.24000")
        expect(close_up.locator("[data-outside]")).to_be_visible()
        expect(region.locator("[data-outside]")).to_be_hidden()  # still in the US
        page.reload()
        expect(page.locator("[data-outside]:visible")).to_have_count(0)
    finally:
        httpx.post(state, json={"location": home}).raise_for_status()


def test_the_page_says_so_when_its_vehicle_is_gone(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    registered = httpx.post(server.url + "/_mockcar/applications", json={}).json()
    client_id = registered["client_id"]
    auth = {"Authorization": f"Bearer {registered['management_token']}"}
    base = f"{server.url}/_mockcar/applications/{client_id}"
    car = httpx.get(base + "/vehicles", headers=auth).json()["vehicles"][0]
    page.goto(f"{server.url}/applications/{client_id}/vehicles/{car['id']}")
    notice = page.locator("[data-gone]")
    expect(page.locator('[data-r="odometer"]')).to_be_visible()
    expect(notice).to_be_hidden()
    httpx.post(base + "/delete", headers=auth, json={}).raise_for_status()
    expect(notice).to_be_visible()  # told by the World's stream
    expect(notice).to_contain_text("no longer in this World")


def test_subscribing_keeps_the_deliveries_to_the_pages_ten(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    sdk_vehicle(server)  # the Demo App reaches the car: its webhook is offered
    log = server.world.deliveries
    for n in range(12):
        log.record(Attempt(log.next_seq(), f"event-{n}", f"delivery-{n}", "VEHICLE_STATE",
                           DEMO_WEBHOOK, COMMUTER, 1, "http://127.0.0.1:9/hook", "failed",
                           status=500, detail="the receiver answered 500",
                           sent_at=FROZEN_AT))
    open_page(page, server)
    rows = page.locator("[data-webhooks] tbody tr")
    expect(rows).to_have_count(10)
    page.get_by_role("button", name="Subscribe to Demo battery webhook").click()
    unsubscribe = page.get_by_role("button", name="Unsubscribe from Demo battery webhook")
    expect(unsubscribe).to_be_visible()
    expect(rows).to_have_count(10)  # drawn from the subscribe's answer, which holds 20
    unsubscribe.click()
    expect(page.get_by_role("button", name="Subscribe to Demo battery webhook")).to_be_visible()
    expect(rows).to_have_count(10)

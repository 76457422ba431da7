"""The requests monitor (/requests) in Chromium, with the official Python SDK as the
application under test: its requests arrive without a reload, the filters narrow the
list (rendered and live), and a request's page shows it redacted with a curl command
that replays it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import smartcar
from playwright.sync_api import Page, expect

from mockcar.domain.journal.journal import BODY_LIMIT
from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from tests.control.helpers import ALICE

ROWS = "[data-monitor-rows] tr"


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running, smartcar_sdk_pointed_at(running.url):
        yield running


@pytest.fixture
def connected(server: MockcarServer) -> dict[str, Any]:
    """Alice connected to the scenario's application (headless Connect): a token and
    her vehicles."""
    application = next(iter(server.world.applications.values()))
    answer = httpx.post(
        f"{server.url}/_mockcar/applications/{application.client_id}/connect",
        headers={"Authorization": f"Bearer {application.management_token}"},
        json={"email": ALICE[0], "exchange": True}, timeout=10)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def live(page: Page, server: MockcarServer, query: str = "") -> None:
    page.goto(f"{server.url}/requests{query}")
    expect(page.locator("[data-monitor-live]")).to_have_text("Live")
    page.evaluate("window.notReloaded = true")


def test_an_sdk_request_appears_without_a_reload(
    server: MockcarServer, connected: dict[str, Any], browser_page: Page
) -> None:
    page = browser_page
    live(page, server)
    vehicle = smartcar.Vehicle(connected["vehicles"][0], connected["access_token"])
    odometer = vehicle.odometer()
    row = page.locator(ROWS).first
    expect(row).to_contain_text(f"/v2.0/vehicles/{vehicle.vehicle_id}/odometer", timeout=2000)
    expect(row.locator("[data-label=Status]")).to_have_text("200")
    shown = row.locator("[data-label=Vehicle] a")
    expect(shown).to_have_attribute("data-vehicle-id", vehicle.vehicle_id)
    expect(shown).to_have_text(vehicle.vehicle_id[:8] + "…")
    expect(shown).to_have_attribute("href", f"/vehicles/{vehicle.vehicle_id}")
    assert page.evaluate("window.notReloaded") is True
    assert odometer.distance > 0


def test_filters_narrow_the_list_and_the_live_stream(
    server: MockcarServer, connected: dict[str, Any], browser_page: Page
) -> None:
    page = browser_page
    vehicle = smartcar.Vehicle(connected["vehicles"][0], connected["access_token"])
    vehicle.vin()
    vehicle.odometer()
    # Rendered: words of the path match anywhere.
    page.goto(f"{server.url}/requests")
    page.fill("#filter-path", "odometer")
    page.select_option("#filter-method", "GET")
    page.click("text=Filter")
    expect(page.locator("[data-monitor-live]")).to_have_text("Live")
    paths = page.locator(f"{ROWS} [data-label=Path] a").all_inner_texts()
    assert paths and all(path.endswith("/odometer") for path in paths), paths
    # Live, with the same filters: a VIN read does not come, the odometer read does.
    before = page.locator(ROWS).count()
    vehicle.vin()
    vehicle.odometer()
    expect(page.locator(ROWS)).to_have_count(before + 1, timeout=2000)
    expect(page.locator(ROWS).first).to_contain_text("/odometer")
    # A status filter: a request with a bad token answers 401.
    with pytest.raises(smartcar.exception.SmartcarException):
        smartcar.Vehicle(vehicle.vehicle_id, "not-a-token").odometer()
    page.goto(f"{server.url}/requests?status=200&vehicle_id={vehicle.vehicle_id}")
    statuses = page.locator(f"{ROWS} [data-label=Status]").all_inner_texts()
    assert statuses and set(statuses) == {"200"}
    vehicles = {link.get_attribute("data-vehicle-id")
                for link in page.locator(f"{ROWS} [data-label=Vehicle] a").all()}
    assert vehicles == {vehicle.vehicle_id}
    application = next(iter(server.world.applications.values()))
    page.goto(f"{server.url}/requests")
    page.select_option("#filter-application", application.client_id)
    page.click("text=Filter")
    clients = {cell.get_attribute("data-client-id")
               for cell in page.locator(f"{ROWS} [data-label=Application]").all()}
    assert clients == {application.client_id}
    names = page.locator(f"{ROWS} [data-label=Application]").all_inner_texts()
    assert set(names) == {application.name}
    # A filter the journal cannot take is said next to the form, and nothing streams.
    page.goto(f"{server.url}/requests?status=abc")
    expect(page.locator("form.filters .control-error")).to_contain_text("status")
    expect(page.locator("[data-monitor-live]")).to_have_text("Not live: fix the filters")


def test_a_request_opens_redacted_and_its_curl_replays(
    server: MockcarServer, connected: dict[str, Any], browser_page: Page
) -> None:
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    token = connected["access_token"]
    vehicle = smartcar.Vehicle(connected["vehicles"][0], token)
    read = vehicle.odometer()
    live(page, server, "?path=odometer")
    page.locator(f"{ROWS} [data-label=Path] a").first.click()
    expect(page.locator("h1")).to_contain_text(f"/v2.0/vehicles/{vehicle.vehicle_id}/odometer")
    # Redacted: the token never shows, on the page or in the command.
    assert token not in page.content()
    expect(page.locator(".headers-table").first).to_contain_text("Bearer [REDACTED]")
    response = json.loads(page.locator("[data-response-body]").inner_text())
    assert response["distance"] == read.distance
    command = page.locator("#curl").inner_text()
    assert "${ACCESS_TOKEN}" in command
    page.get_by_role("button", name="Copy the curl command").click()
    assert page.evaluate("navigator.clipboard.readText()") == command

    curl = shutil.which("curl")
    assert curl, "the copy-as-curl test runs curl: install it (apt-get install curl)"
    count = httpx.get(f"{server.url}/_mockcar/journal/count").json()["count"]
    replayed = subprocess.run(
        ["bash", "-c", command + " --silent --show-error --fail-with-body"],
        env={**os.environ, "ACCESS_TOKEN": token}, capture_output=True, text=True,
        timeout=30, check=False)
    assert replayed.returncode == 0, replayed.stderr + replayed.stdout
    assert json.loads(replayed.stdout)["distance"] == read.distance
    # It reached this server as the same request.
    assert httpx.get(f"{server.url}/_mockcar/journal/count").json()["count"] == count + 1
    latest = httpx.get(f"{server.url}/_mockcar/journal?limit=1").json()["entries"][0]
    assert (latest["method"], latest["path"], latest["status"]) == (
        "GET", f"/v2.0/vehicles/{vehicle.vehicle_id}/odometer", 200)


def test_a_post_body_replays_with_its_json(
    server: MockcarServer, connected: dict[str, Any], browser_page: Page
) -> None:
    page = browser_page
    token = connected["access_token"]
    vehicle = smartcar.Vehicle(connected["vehicles"][0], token)
    vehicle.unlock()
    live(page, server, "?path=security&method=POST")
    page.locator(f"{ROWS} [data-label=Path] a").first.click()
    assert json.loads(page.locator("[data-request-body]").inner_text()) == {"action": "UNLOCK"}
    command = page.locator("#curl").inner_text()
    assert command.startswith("curl -X POST ")
    replayed = subprocess.run(
        ["bash", "-c", command + " --silent --show-error --fail-with-body"],
        env={**os.environ, "ACCESS_TOKEN": token}, capture_output=True, text=True,
        timeout=30, check=False)
    assert replayed.returncode == 0, replayed.stderr + replayed.stdout
    assert json.loads(replayed.stdout)["status"] == "success"


def test_an_unknown_request_is_a_page_not_a_traceback(
    server: MockcarServer, browser_page: Page
) -> None:
    page = browser_page
    answer = page.goto(f"{server.url}/requests/999999")
    assert answer is not None and answer.status == 404
    expect(page.locator("main")).to_contain_text("not in the journal")


def test_requests_no_application_claimed_have_their_own_live_list(
    server: MockcarServer, browser_page: Page
) -> None:
    page = browser_page
    page.goto(f"{server.url}/requests")
    page.get_by_role("link", name="Unclaimed").click()
    expect(page).to_have_url(f"{server.url}/requests?journal=unclaimed")
    expect(page.locator("[data-monitor-live]")).to_have_text("Live")
    with pytest.raises(smartcar.exception.SmartcarException):
        smartcar.Vehicle("no-such-vehicle", "a-token-nobody-issued").odometer()
    row = page.locator(ROWS).first
    expect(row).to_contain_text("/v2.0/vehicles/no-such-vehicle/odometer", timeout=2000)
    expect(row.locator("[data-label=Status]")).to_have_text("401")
    row.locator("[data-label=Path] a").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+\?journal=unclaimed$"))
    expect(page.locator(".notice")).to_contain_text("access token is unknown")
    assert "a-token-nobody-issued" not in page.content()
    assert "${ACCESS_TOKEN}" in page.locator("#curl").inner_text()


def test_pause_holds_new_rows_and_clear_empties_every_open_monitor(
    server: MockcarServer, connected: dict[str, Any], browser_page: Page
) -> None:
    page = browser_page
    vehicle = smartcar.Vehicle(connected["vehicles"][0], connected["access_token"])
    vehicle.odometer()
    live(page, server)
    kept = page.locator("[data-monitor-kept]")
    before = int(kept.inner_text())
    pause = page.get_by_role("button", name="Pause")
    pause.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Resume")).to_be_focused()
    expect(page.get_by_role("button", name="Resume")).not_to_have_attribute("aria-pressed",
                                                                            re.compile(".*"))
    shown = page.locator(ROWS).count()
    vehicle.vin()
    vehicle.location()
    expect(page.locator("[data-monitor-live]")).to_have_text("Paused · 2 new", timeout=2000)
    expect(kept).to_have_text(str(before + 2))
    assert page.locator(ROWS).count() == shown
    with page.expect_navigation():  # resuming shows what arrived meanwhile
        page.get_by_role("button", name="Resume").click()
    expect(page.locator(ROWS).first).to_contain_text("/location")

    other = page.context.new_page()
    other.goto(f"{server.url}/requests")
    expect(other.locator("[data-monitor-live]")).to_have_text("Live")
    expect(page.locator("[data-monitor-live]")).to_have_text("Live")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear journal").click()
    for monitor in (page, other):
        expect(monitor.locator(ROWS)).to_have_count(0)
        expect(monitor.locator("[data-monitor-empty]")).to_be_visible()
        expect(monitor.locator("[data-monitor-kept]")).to_have_text("0")
    other.close()
    assert httpx.get(f"{server.url}/_mockcar/journal/count").json()["count"] == 0


def test_an_error_answer_shows_smartcar_s_type_and_code(
    server: MockcarServer, connected: dict[str, Any], browser_page: Page
) -> None:
    page = browser_page
    vehicle = smartcar.Vehicle(connected["vehicles"][0], connected["access_token"])
    added = httpx.post(f"{server.url}/_mockcar/faults", json={
        "type": "VEHICLE_STATE", "code": "ASLEEP", "endpoint": "/odometer", "times": 1},
        timeout=10)
    assert added.status_code == 201, added.text
    with pytest.raises(smartcar.exception.SmartcarException) as raised:
        vehicle.odometer()
    live(page, server, "?path=odometer&status=409")
    page.locator(f"{ROWS} [data-label=Path] a").first.click()
    response = json.loads(page.locator("[data-response-body]").inner_text())
    assert (response["type"], response["code"]) == ("VEHICLE_STATE", "ASLEEP")
    assert raised.value.code == response["code"]


def test_a_response_longer_than_the_journal_keeps_says_so(
    server: MockcarServer, connected: dict[str, Any], browser_page: Page
) -> None:
    page = browser_page
    read = httpx.get(f"{server.url}/v3/vehicles/{connected['vehicles'][0]}/signals",
                     headers={"Authorization": f"Bearer {connected['access_token']}"},
                     timeout=10)
    assert read.status_code == 200 and len(read.content) > BODY_LIMIT
    live(page, server, "?path=*/signals")
    page.locator(f"{ROWS} [data-label=Path] a").first.click()
    expect(page.locator("[data-body-cut]")).to_contain_text(
        f"first {BODY_LIMIT // 1024} KiB of a body, and this one is longer "
        f"({read.headers['content-length']} bytes): the curl above reads it again whole")
    expect(page.locator("[data-response-body]")).to_have_count(0)

"""The dashboard's live views follow the World's server-sent events stream
(GET /_mockcar/stream), in a real headless Chromium: a vehicle's page, the Vehicles list
and the clock widget show what a script changes through the control API, and the page
makes no request meanwhile (no polling), only its one stream; a hidden tab closes its
streams and a shown one opens them again, the requests monitor with every row it missed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, Request, expect

from mockcar.domain.world.clock import Clock
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.testing import MockcarServer
from mockcar.web.control.journal_stream import streams_of

COMMUTER = "5bc8fbbc-bde5-4099-8164-d8399f767c45"  # rosa's Tesla, timeline: commute
# The commuting car's day starts at midnight UTC of the day its World is built: built
# at a fixed instant and frozen there, it is at the same stage whenever the tests run.
FROZEN_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    world = load_world(default_scenario(), clock=Clock(frozen_at=FROZEN_AT))
    with MockcarServer(Settings(), world) as running:
        yield running


@pytest.fixture(autouse=True)
def frozen(server: MockcarServer) -> None:
    answer = httpx.post(server.url + "/_mockcar/clock/freeze",
                        json={"at": FROZEN_AT.isoformat()})
    assert answer.status_code == 200, answer.text


def control(server: MockcarServer, path: str, body: dict[str, object]) -> None:
    """What a script does: a POST to the control API, not through the page."""
    answer = httpx.post(server.url + "/_mockcar" + path, json=body, timeout=10)
    assert answer.status_code == 200, answer.text


class Requests:
    """The URLs a page requests from the moment it is made."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        page.on("request", self.note)

    def note(self, request: Request) -> None:
        self.urls.append(request.method + " " + request.url.split("?")[0])


def opened(page: Page, server: MockcarServer, path: str) -> Requests:
    """The page at `path`, following the World through one stream (its clock widget's
    and its own views' together); what it requests after that."""
    made = Requests(page)
    page.goto(server.url + path)
    expect(page.locator("body[data-live=open]")).to_have_count(1)
    streams = [url for url in made.urls if url.endswith("/_mockcar/stream")]
    assert streams == ["GET " + server.url + "/_mockcar/stream"], made.urls
    made.urls.clear()
    return made


def test_the_vehicle_page_follows_a_script_without_polling(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    made = opened(page, server, f"/vehicles/{COMMUTER}")
    control(server, f"/vehicles/{COMMUTER}/state", {"battery_level": 0.37, "locked": False})
    expect(page.locator('[data-r="battery.percent"]')).to_have_text("37 %")
    expect(page.locator('[data-r="lock"]')).to_have_text("Unlocked")
    # On to its next drive, then an hour on the clock: it arrives, further on.
    for _ in range(8):
        timeline = httpx.post(server.url + f"/_mockcar/vehicles/{COMMUTER}/timeline/next",
                              json={}).json()
        if timeline["stages"][timeline["current"]]["kind"] == "driving":
            break
    now = page.locator('.stages li[aria-current="step"]')
    expect(now).to_contain_text("Driving")
    expect(page.locator('[data-r="motion"]')).to_contain_text("Driving at")
    odometer = page.locator('[data-r="odometer"]')
    before = odometer.inner_text()
    control(server, "/clock/advance", {"hours": 1})
    expect(page.locator('[data-r="motion"]')).to_have_text("Parked")
    expect(odometer).not_to_have_text(before)
    expect(page.locator("[data-clock-time]")).to_have_attribute(
        "datetime", "2026-11-23T10:30:00.000Z")
    answer = httpx.post(server.url + "/_mockcar/faults", json={
        "type": "RATE_LIMIT", "code": "VEHICLE", "vehicle_id": COMMUTER})
    assert answer.status_code in (200, 201), answer.text
    expect(page.locator("[data-faults]")).to_contain_text("RATE_LIMIT:VEHICLE")
    assert made.urls == [], made.urls  # no GET of the control API: the stream told it all
    control(server, "/faults/clear", {})


def test_the_vehicles_list_follows_a_script_without_polling(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    made = opened(page, server, "/vehicles")
    state = page.locator(f'tr[data-vehicle-id="{COMMUTER}"] [data-state]')
    control(server, f"/vehicles/{COMMUTER}/state", {"battery_level": 0.11, "locked": True})
    expect(state).to_contain_text("Battery 11 %")
    expect(state).to_contain_text("Locked")
    control(server, f"/vehicles/{COMMUTER}/state", {"locked": False})
    expect(state).to_contain_text("Unlocked")
    assert made.urls == [], made.urls


def test_the_clock_widget_follows_a_script_on_every_page(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    made = opened(page, server, "/")
    badge = page.locator("[data-clock-state]")
    expect(badge).to_have_text("Frozen")
    control(server, "/clock/set", {"at": "2026-12-24T18:00:00Z"})
    expect(page.locator("[data-clock-time]")).to_have_attribute(
        "datetime", "2026-12-24T18:00:00.000Z")
    control(server, "/clock/unfreeze", {})
    expect(badge).to_have_text("Running")
    control(server, "/clock/speed", {"speed": 60})
    expect(badge).to_have_text("Running ×60")
    control(server, "/clock/speed", {"speed": 1})
    control(server, "/clock/freeze", {"at": FROZEN_AT.isoformat()})
    expect(badge).to_have_text("Frozen")
    assert made.urls == [], made.urls


def _streams_open(server: MockcarServer, wanted: int) -> None:
    """Wait until the server has `wanted` streams open (a closed tab's connection ends
    a moment after the page drops it)."""
    streams = streams_of(server.app.state)
    deadline = time.monotonic() + 10
    while len(streams.open) != wanted and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(streams.open) == wanted


def _show(page: Page, state: str) -> None:
    """The tab hidden or shown, as the browser tells a page (document.visibilityState)."""
    page.evaluate("""(state) => {
        Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""", state)


def test_a_hidden_tab_closes_its_streams_and_the_monitor_resumes_with_every_row(
        server: MockcarServer, browser_page: Page) -> None:
    page = browser_page
    opened(page, server, "/requests")
    expect(page.locator("[data-monitor-live]")).to_have_text("Live")
    _streams_open(server, 2)  # the journal's, and the World's for the clock
    application = next(iter(server.world.applications.values()))
    auth = (application.client_id, application.client_secret)

    def compatibility(vin: str) -> None:
        httpx.get(server.url + f"/v2.0/compatibility?vin={vin}&scope=read_odometer"
                  "&country=US", auth=auth)

    compatibility("1HGCM82633A004352")
    rows = page.locator("[data-monitor-rows] tr")
    expect(rows.first).to_contain_text("/v2.0/compatibility")
    drawn = rows.count()
    _show(page, "hidden")
    _streams_open(server, 0)
    for vin in ("5YJ3E1EA7KF317000", "1FTEW1EP5JFA00000"):
        compatibility(vin)
    _show(page, "visible")
    expect(rows).to_have_count(drawn + 2)
    _streams_open(server, 2)
    links = page.locator("[data-monitor-rows] tr a[href*='/requests/']")
    expect(links.nth(0)).to_contain_text("/v2.0/compatibility")
    expect(links.nth(1)).to_contain_text("/v2.0/compatibility")

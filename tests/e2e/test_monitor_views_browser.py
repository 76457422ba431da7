"""The requests, webhooks, faults and API docs views in Chromium, at phone and desktop
width: nothing leaves mockcar's origin or breaks the Content-Security-Policy, nothing
scrolls sideways, every control has an accessible name and keyboard focus is seen; and
an application registered at run time has its own live monitor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import smartcar
from playwright.sync_api import Page, ViewportSize, expect

from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from tests.control.helpers import ALICE
from tests.e2e.dashboard_support import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    same_origin_only,
    tab_stops,
    unnamed_controls,
)

VIEWS = ("/requests", "/requests?path=odometer&status=200", "/requests/1", "/requests/2",
         "/requests?journal=unclaimed", "/faults",
         "/webhooks", "/docs")


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    """A server with something on each view: a request, a fault rule, a delivery."""
    with MockcarServer(Settings()) as running, smartcar_sdk_pointed_at(running.url):
        application = next(iter(running.world.applications.values()))
        connected = httpx.post(
            f"{running.url}/_mockcar/applications/{application.client_id}/connect",
            headers={"Authorization": f"Bearer {application.management_token}"},
            json={"email": ALICE[0], "exchange": True}, timeout=10).json()
        vehicle = smartcar.Vehicle(connected["vehicles"][0], connected["access_token"])
        vehicle.odometer()
        vehicle.batch(["/odometer", "/location"])
        added = httpx.post(f"{running.url}/_mockcar/faults", json={
            "type": "RATE_LIMIT", "code": "VEHICLE", "endpoint": "/tesla/*", "times": 3,
            "probability": 0.5, "start": "10:00", "end": "11:00"}, timeout=10)
        assert added.status_code == 201, added.text
        yield running


def sideways_tables(page: Page) -> list[str]:
    """The tables that scroll sideways inside their box, by caption."""
    found: list[str] = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')]
        .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
        .map(wrap => (wrap.querySelector('caption') || wrap).textContent.trim().slice(0, 40))""")
    return found


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("view", VIEWS)
def test_each_view_is_usable_at_any_width(
    server: MockcarServer, browser_page: Page, view: str, size: dict[str, int]
) -> None:
    page = browser_page
    page.set_viewport_size(ViewportSize(width=size["width"], height=size["height"]))
    with same_origin_only(page, server.url):
        answer = page.goto(server.url + view)
        assert answer is not None and answer.status == 200
        expect(page.locator("h1")).to_be_visible()
        if view == "/docs":  # Swagger UI drawn (slow on shared cores), then checked
            expect(page.locator("#swagger-ui[data-loaded=true]")).to_be_attached(
                timeout=60_000)
    assert horizontal_overflow(page) == 0
    if size == PHONE:  # a table is made to fit: a value cut off at its edge is lost
        assert sideways_tables(page) == []
    assert unnamed_controls(page) == []
    assert tab_stops(page)


def test_an_application_s_own_world_has_its_own_live_monitor(
    server: MockcarServer, browser_page: Page
) -> None:
    registered: dict[str, Any] = httpx.post(f"{server.url}/_mockcar/applications", json={
        "name": "Monitored app"}, timeout=10).json()
    control = f"{server.url}/_mockcar/applications/{registered['client_id']}"
    auth = {"Authorization": f"Bearer {registered['management_token']}"}
    connected = httpx.post(f"{control}/connect", headers=auth,
                           json={"email": ALICE[0], "exchange": True}, timeout=10).json()
    page = browser_page
    page.goto(f"{server.url}/applications/{registered['client_id']}/requests")
    expect(page.locator("[data-monitor-live]")).to_have_text("Live")
    vehicle = smartcar.Vehicle(connected["vehicles"][0], connected["access_token"])
    vehicle.odometer()
    row = page.locator("[data-monitor-rows] tr").first
    expect(row).to_contain_text("/odometer", timeout=2000)
    application = row.locator("[data-label=Application]")
    expect(application).to_have_text("Monitored app")
    expect(application).to_have_attribute("data-client-id", registered["client_id"])
    row.locator("[data-label=Path] a").click()
    expect(page).to_have_url(
        f"{server.url}/applications/{registered['client_id']}/requests/1")
    expect(page.locator("h1")).to_contain_text("/odometer")

"""Connect walked the way automation written for Smartcar's real Connect walks it
(Selenium-style: ids and classes only, waiting for `.page-content` after each step):
`#continue-button` → `button#<MAKE>.brand-list-item` (KIA found by typing into
`#brand-search`, never submitting) → `#username`/`#password` → `#sign-in-button` →
`#approval-button` → the application's redirect URI with a code. And every page at a
phone's width (375 px) without horizontal scrolling.

The redirect URI is this module's own little app on a free port, so nothing else that
listens on the machine answers it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import smartcar
import smartcar.config
from playwright.sync_api import Browser, Page, ViewportSize

from mockcar.domain.world.scopes import DESCRIPTIONS
from mockcar.domain.world.world import Application
from mockcar.testing import MockcarServer
from tests.support.app_site import AppSite

SCOPE = ["read_vehicle_info", "read_odometer", "read_battery"]
PHONE = ViewportSize(width=375, height=812)




def auth_url(server: MockcarServer, application: Application, app_site: AppSite,
             monkeypatch: pytest.MonkeyPatch, mode: str = "test",
             scope: list[str] = SCOPE, **options: object) -> str:
    """The Connect URL the official SDK builds for this origin."""
    monkeypatch.setattr(smartcar.config, "CONNECT_ORIGIN", server.url)
    client = smartcar.AuthClient(
        client_id=application.client_id, client_secret=application.client_secret,
        redirect_uri=app_site.redirect_uri, mode=mode,
    )
    url: str = client.get_auth_url(scope, {"state": "walk", **options})
    return url


def step(page: Page) -> None:
    """What Selenium scripts for Connect wait for after each step."""
    page.wait_for_selector(".page-content")


def back_in_the_app(page: Page, app_site: AppSite) -> dict[str, list[str]]:
    page.wait_for_selector("#done")
    assert page.url.startswith(app_site.redirect_uri + "?")
    return parse_qs(urlsplit(page.url).query)


@pytest.mark.parametrize("vehicles", [1, 3])
@pytest.mark.parametrize("make", ["CHEVROLET", "FORD", "KIA", "BMW", "TESLA"])
def test_a_script_for_real_connect_runs_unchanged(
    server: MockcarServer, application: Application, app_site: AppSite,
    browser_page: Page, monkeypatch: pytest.MonkeyPatch, make: str, vehicles: int,
) -> None:
    page = browser_page
    page.goto(auth_url(server, application, app_site, monkeypatch))
    step(page)
    page.click("#continue-button")
    step(page)
    if make == "KIA":
        brands_url = page.url
        page.locator("#brand-search").press_sequentially("kia")
        page.wait_for_selector("button#FORD.brand-list-item", state="hidden")
        assert page.url == brands_url, "typing filters in place, nothing is submitted"
        visible = page.locator("button.brand-list-item:visible")
        assert visible.count() == 1 and visible.first.get_attribute("id") == "KIA"
        hidden = page.evaluate(
            "[...document.querySelectorAll('button.brand-list-item')].filter(b => b.hidden).length")
        assert hidden > 40
    page.click(f"button#{make}.brand-list-item")
    step(page)
    page.fill("#username", f"{vehicles}-vehicles@smartcar.com")
    page.fill("#password", "password")
    page.click("#sign-in-button")
    step(page)
    page.click("#approval-button")

    query = back_in_the_app(page, app_site)
    assert query["state"] == ["walk"] and set(query) == {"code", "state"}
    connection = server.world.connections[server.world.codes[query["code"][0]].connection_id]
    assert len(connection.vehicle_ids) == vehicles, "every vehicle is ticked by default"
    assert sorted(connection.permissions) == sorted(SCOPE)


def test_the_brand_filter_shows_all_again_and_says_when_nothing_matches(
    server: MockcarServer, application: Application, app_site: AppSite,
    browser_page: Page, monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = browser_page
    page.goto(auth_url(server, application, app_site, monkeypatch))
    page.click("#continue-button")
    every = page.locator("button.brand-list-item").count()
    search = page.locator("#brand-search")
    search.press_sequentially("zzz")
    page.wait_for_selector("#brand-filter-empty", state="visible")
    assert page.locator("button.brand-list-item:visible").count() == 0
    search.fill("")
    page.wait_for_selector("#brand-filter-empty", state="hidden")
    assert page.locator("button.brand-list-item:visible").count() == every
    search.press_sequentially("mercedes")
    page.wait_for_selector("button#TESLA.brand-list-item", state="hidden")
    assert page.locator("button#MERCEDES_BENZ.brand-list-item").inner_text() == "Mercedes-Benz"


def _no_horizontal_scroll(page: Page, where: str) -> None:
    page.wait_for_selector(".page-content")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: {width} px wide"


def test_every_connect_page_fits_a_phone(
    server: MockcarServer, application: Application, app_site: AppSite,
    chromium: Browser, monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = chromium.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        # A long state and user make the request summary's values long; every
        # permission, the longest names among them.
        page.goto(auth_url(server, application, app_site, monkeypatch, state="s" * 300,
                           scope=sorted(DESCRIPTIONS), user="owner-" + "x" * 120))
        page.click("details.request summary")
        _no_horizontal_scroll(page, "preamble")
        page.click("#continue-button")
        _no_horizontal_scroll(page, "brands")
        page.click("button#MERCEDES_BENZ.brand-list-item")
        _no_horizontal_scroll(page, "sign-in")
        page.fill("#username", "a-very-long-address-for-a-narrow-screen@example-fleet.com")
        page.fill("#password", "x")
        page.click("#sign-in-button")
        page.wait_for_selector("#approval-button")
        _no_horizontal_scroll(page, "permissions with three vehicles")
        # Each permission name on one line, never broken mid-word.
        heights = page.evaluate("[...document.querySelectorAll('.permission-name')]"
                                ".map(e => e.getClientRects().length)")
        assert len(heights) == len(DESCRIPTIONS) and set(heights) == {1}
        page.goto(f"{server.url}/oauth/authorize?client_id=" + "x" * 200)
        _no_horizontal_scroll(page, "error page")
    finally:
        context.close()

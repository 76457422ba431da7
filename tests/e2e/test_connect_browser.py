"""Connect in a real headless Chromium: the URL the official Python SDK builds, walked
by clicking and typing, ending at the application's redirect URI.

That URI is the test's own little "app" on a free port, not the scenario's
http://localhost:8000/exchange: Playwright's routes never see the target of a redirect,
so a page.route on port 8000 did not catch Connect's redirect, and whatever else
listened there (the developer's own app) answered it, and broke the tests."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import smartcar
import smartcar.config
from playwright.sync_api import Dialog, Page

from mockcar.domain.world.world import Application, Owner
from mockcar.testing import MockcarServer
from tests.support.app_site import AppSite

SCOPE = ["read_odometer", "read_vehicle_info"]


def auth_url(
    server: MockcarServer, application: Application, monkeypatch: pytest.MonkeyPatch,
    mode: str = "test", **options: object,
) -> str:
    redirect_uri = application.redirect_uris[-1]  # the test's app site
    # The SDK read SMARTCAR_CONNECT_ORIGIN when it was imported; point it here.
    monkeypatch.setattr(smartcar.config, "CONNECT_ORIGIN", server.url)
    client = smartcar.AuthClient(
        client_id=application.client_id, client_secret=application.client_secret,
        redirect_uri=redirect_uri, mode=mode,
    )
    url: str = client.get_auth_url(SCOPE, {"state": "xyz", **options})
    assert url.startswith(server.url + "/oauth/authorize?")
    return url


def sign_in(page: Page, email: str, password: str) -> None:
    page.fill("#username", email)
    page.fill("#password", password)
    page.click("#sign-in-button")


def returned(page: Page, site: AppSite) -> dict[str, list[str]]:
    page.wait_for_selector("#done")
    assert site.seen and page.url == site.seen[-1]
    assert page.url.startswith(site.redirect_uri + "?")
    return parse_qs(urlsplit(page.url).query)


def several_vehicles(server: MockcarServer) -> tuple[Owner, str]:
    """The scenario owner (not a test-mode account) with the most vehicles of one make,
    and that make (Connect lists the vehicles of the brand signed in at)."""
    world = server.world
    owner, make = max(
        ((o, world.vehicles[v].make) for o in world.owners.values() if not o.generated
         for v in o.vehicle_ids),
        key=lambda pair: sum(world.vehicles[v].make == pair[1] for v in pair[0].vehicle_ids))
    assert sum(world.vehicles[v].make == make for v in owner.vehicle_ids) > 1
    return owner, make


def test_connect_in_a_browser_returns_a_code(
    server: MockcarServer, application: Application, browser_page: Page,
    monkeypatch: pytest.MonkeyPatch, app_site: AppSite,
) -> None:
    page = browser_page
    page.goto(auth_url(server, application, monkeypatch))
    assert "wants to connect to your vehicle" in page.inner_text("h1")
    assert "Test mode" in page.inner_text("#mode-banner")
    page.click("#continue-button")

    page.fill("#brand-search", "tes")
    page.press("#brand-search", "Enter")
    page.wait_for_url("**/brands?q=tes")
    assert page.locator("button.brand-list-item").count() >= 1
    assert page.locator("#FORD").count() == 0
    page.click("button#TESLA.brand-list-item")

    assert page.inner_text("h1") == "Sign in to Tesla"
    assert page.get_by_label("Email").count() == 1 and page.get_by_label("Password").count() == 1
    sign_in(page, "3-vehicles@smartcar.com", "any password")

    page.wait_for_selector(".page-content #approval-button")
    boxes = page.locator("input[type=checkbox][name=vehicle]")
    assert boxes.count() == 3
    assert all(boxes.nth(i).is_checked() for i in range(3))
    boxes.nth(1).uncheck()
    assert "Odometer" in page.content()
    page.click("#approval-button")

    query = returned(page, app_site)
    assert query["state"] == ["xyz"]
    code = server.world.codes[query["code"][0]]
    assert code.client_id == application.client_id and code.redirect_uri == app_site.redirect_uri
    connection = server.world.connections[code.connection_id]
    assert len(connection.vehicle_ids) == 2
    assert sorted(connection.permissions) == sorted(SCOPE)


def test_deny_in_a_browser_returns_access_denied(
    server: MockcarServer, application: Application, browser_page: Page,
    monkeypatch: pytest.MonkeyPatch, app_site: AppSite,
) -> None:
    page = browser_page
    owner, make = several_vehicles(server)
    page.goto(auth_url(server, application, monkeypatch, mode="simulated",
                       make_bypass=make, single_select={"enabled": True}))
    assert "Simulated mode" in page.inner_text("#mode-banner")
    page.click("#continue-button")

    sign_in(page, owner.email, "wrong password")
    assert "Incorrect email or password" in page.inner_text("#sign-in-error")
    assert page.input_value("#username") == owner.email
    sign_in(page, owner.email, owner.password)

    page.wait_for_selector(".page-content #deny-button")
    radios = page.locator("input[type=radio][name=vehicle]")
    assert radios.count() > 1 and not any(r.is_checked() for r in radios.all())
    radios.first.check()
    page.click("#deny-button")

    query = returned(page, app_site)
    assert query == {
        "error": ["access_denied"],
        "error_description": ["User denied access to application."],
        "state": ["xyz"],
    }


def test_hostile_parameters_are_inert_in_a_browser(
    server: MockcarServer, application: Application, browser_page: Page,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = browser_page
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    page.goto(auth_url(server, application, monkeypatch, state=payload, user=payload))
    page.click("#continue-button")
    page.click("button#TESLA.brand-list-item")
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    shown = page.locator("details.request dd")
    assert shown.filter(has_text="alert(1)").count() == 2  # state and user, as text
    assert all(t == payload for t in shown.filter(has_text="alert(1)").all_text_contents())
    assert dialogs == []

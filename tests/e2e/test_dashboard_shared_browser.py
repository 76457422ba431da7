"""The dashboard of a server started with a control token (MOCKCAR_CONTROL_TOKEN): the
browser asks for it once (HTTP Basic, the token as password) and every page and control
call works with it; without it no page of the scenario's World is shown. An application
registered at run time opens its own World with its own credentials, controls included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, HttpCredentials, expect

from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from mockcar.testing.client import ControlClient

TOKEN = "team-secret"


@pytest.fixture(scope="module")
def shared() -> Iterator[MockcarServer]:
    with MockcarServer(Settings(control_token=TOKEN)) as server:
        yield server


def test_the_browser_gives_the_token_once_and_the_clock_widget_works(
        shared: MockcarServer, chromium: Browser) -> None:
    context = chromium.new_context(http_credentials={"username": "me", "password": TOKEN})
    try:
        page = context.new_page()
        page.goto(shared.url + "/vehicles")
        page.get_by_text("Clock", exact=True).click()
        page.get_by_role("button", name="Freeze").click()
        expect(page.locator("[data-clock-state]")).to_have_text("Frozen")
        frozen_at = shared.world.now()
        page.get_by_role("button", name="+1 day").click()
        shown = page.locator("[data-clock-time]")
        expected = (frozen_at + timedelta(days=1)).isoformat(timespec="milliseconds")
        expect(shown).to_have_attribute("datetime", expected.replace("+00:00", "Z"))
        assert shared.world.now() == frozen_at + timedelta(days=1)
    finally:
        context.close()


def test_without_the_token_the_browser_is_asked_for_it(
        shared: MockcarServer, chromium: Browser) -> None:
    # A headless browser has no one to type the token: the page it is refused with is
    # read through the context's own requests.
    mistyped = HttpCredentials(username="me", password="nope")
    for credentials in (None, mistyped):
        context = chromium.new_context(http_credentials=credentials)
        try:
            answer = context.request.get(shared.url + "/vehicles")
            assert answer.status == 401
            assert answer.headers["www-authenticate"].startswith("Basic ")
            assert "MOCKCAR_CONTROL_TOKEN" in answer.text()
        finally:
            context.close()


def test_a_run_time_application_drives_its_own_world_with_its_credentials(
        shared: MockcarServer, chromium: Browser) -> None:
    server = ControlClient(shared.url, token=TOKEN)
    try:
        registered = server.post("/_mockcar/applications", {"name": "Team run"})
        own = f"/_mockcar/applications/{registered['client_id']}"
        car = server.get(own + "/vehicles")["vehicles"][0]["id"]
        server.post(f"{own}/vehicles/{car}/state", {"locked": False})
        context = chromium.new_context(http_credentials={
            "username": registered["client_id"], "password": registered["client_secret"]})
        try:
            page = context.new_page()
            refused: list[str] = []
            page.on("response", lambda r: refused.append(r.url) if r.status >= 400 else None)
            page.goto(f"{shared.url}/applications/{registered['client_id']}/vehicles/{car}")
            page.get_by_role("button", name="Lock", exact=True).click()
            expect(page.locator('[data-r="lock"]')).to_have_text("Locked")
            assert server.get(f"{own}/vehicles/{car}")["state"]["locked"] is True
            page.get_by_text("Clock", exact=True).click()
            page.get_by_role("button", name="Freeze").click()
            expect(page.locator("[data-clock-state]")).to_have_text("Frozen")
            frozen_at = datetime.fromisoformat(server.get(own + "/clock")["now"])
            scenario_clock = server.post("/_mockcar/clock/freeze")
            page.get_by_role("button", name="+1 h").click()
            later = (frozen_at + timedelta(hours=1)).isoformat(timespec="milliseconds")
            expect(page.locator("[data-clock-time]")).to_have_attribute(
                "datetime", later.replace("+00:00", "Z"))
            assert datetime.fromisoformat(server.get(own + "/clock")["now"]) == (
                frozen_at + timedelta(hours=1))
            # Only the application's World moved, and no control call was refused.
            assert server.get("/_mockcar/clock")["now"] == scenario_clock["now"]
            assert refused == []
        finally:
            context.close()
    finally:
        server.close()

"""Screenshots of every Connect page at desktop (1440 px) and phone (375 px) width, into
docs/screenshots/ as `connect-<page>-<width>.png`: `make screenshots`.

A mockcar on a free loopback port with the default scenario, walked in headless Chromium
(scripts/browser_shots.py) the way a person walks it. The pages only: the PNGs are linked from the docs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from urllib.parse import urlencode

from browser_shots import shoot
from playwright.sync_api import Page

from mockcar.domain.world.world import Application
from mockcar.testing import MockcarServer

SCOPE = "required:read_vehicle_info read_odometer read_battery read_location control_security"


def connect_url(server: MockcarServer, app: Application, **params: str) -> str:
    query = {"response_type": "code", "client_id": app.client_id,
             "redirect_uri": app.redirect_uris[0], "scope": SCOPE, "state": "0facda3319",
             "mode": "test", **params}
    return f"{server.url}/oauth/authorize?{urlencode(query)}"


def sign_in(page: Page, email: str, password: str = "password") -> None:
    page.fill("#username", email)
    page.fill("#password", password)
    page.click("#sign-in-button")
    page.wait_for_selector(".page-content")


def pages(server: MockcarServer) -> dict[str, Callable[[Page], None]]:
    """Each page by name: how to reach it from a fresh browser tab."""
    world = server.world
    app = next(iter(world.applications.values()))
    owner = next(o for o in world.owners.values() if len(o.vehicle_ids) > 1)
    vehicle = world.vehicles[owner.vehicle_ids[0]]
    world.connect(app.client_id, owner, [vehicle.id], ["read_odometer"], "simulated")

    def start(page: Page, **params: str) -> None:
        page.goto(connect_url(server, app, **params))
        page.wait_for_selector(".page-content")

    def brands(page: Page) -> None:
        start(page)
        page.click("#continue-button")
        page.wait_for_selector(".page-content")

    def brand_typed(page: Page) -> None:
        brands(page)
        page.locator("#brand-search").press_sequentially("me")
        page.wait_for_selector("button#TESLA.brand-list-item", state="hidden")

    def sign_in_page(page: Page, **params: str) -> None:
        start(page, make="MERCEDES_BENZ", **params)
        page.click("#continue-button")
        page.wait_for_selector("#sign-in-button")

    def sign_in_refused(page: Page) -> None:
        sign_in_page(page, mode="simulated")
        sign_in(page, owner.email, "not the password")

    def several(page: Page, **params: str) -> None:
        sign_in_page(page, **params)
        sign_in(page, "3-vehicles@smartcar.com")

    def one(page: Page) -> None:
        sign_in_page(page)
        sign_in(page, "1-vehicles@smartcar.com")

    def refused(page: Page) -> None:
        several(page)
        for box in page.locator("input[name=vehicle]").all():
            box.uncheck()
        page.click("#approval-button")
        page.wait_for_selector("#vehicles-error")

    def bad_request(page: Page) -> None:
        page.goto(connect_url(server, app, redirect_uri="https://elsewhere.example/callback"))

    def blocked(page: Page) -> None:
        sign_in_page(page, single_select_vin="1HGCM82633A004352")
        sign_in(page, "3-vehicles@smartcar.com")

    def reauthenticate(page: Page) -> None:
        page.goto(f"{server.url}/oauth/reauthenticate?" + urlencode({
            "response_type": "vehicle_id", "client_id": app.client_id,
            "vehicle_id": vehicle.id, "state": "0facda3319"}))
        page.wait_for_selector(".page-content")
        page.click("#continue-button")
        page.wait_for_selector("#sign-in-button")

    return {
        "preamble": start,
        "brands": brands,
        "brands-filtered": brand_typed,
        "sign-in": sign_in_page,
        "sign-in-refused": sign_in_refused,
        "permissions-several-vehicles": several,
        "permissions-single-select": lambda page: several(page, single_select="true"),
        "permissions-one-vehicle": one,
        "permissions-no-vehicle-chosen": refused,
        "reauthenticate-sign-in": reauthenticate,
        "error-invalid-request": bad_request,
        "error-configuration": blocked,
    }


def main() -> int:
    with MockcarServer() as server:
        def settled(reach: Callable[[Page], None]) -> Callable[[Page], None]:
            def then(page: Page) -> None:
                reach(page)
                page.wait_for_selector(".page-content")
            return then

        shoot("connect", [(name, settled(reach)) for name, reach in pages(server).items()])
    return 0


if __name__ == "__main__":
    sys.exit(main())

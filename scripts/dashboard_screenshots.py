"""Screenshots of every dashboard view at desktop (1440 px) and phone (375 px) width, into
docs/screenshots/ as `dashboard-<view>-<width>.png`: `make screenshots` (after the Connect
pages of scripts/screenshots.py).

A mockcar on a free loopback port with the default scenario, given something to show
first (a run-time application, a vehicle added connected, an API request, a fault rule,
a webhook test payload), walked in headless Chromium
(scripts/browser_shots.py). Each view is one row of `VIEWS`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from browser_shots import shoot
from playwright.sync_api import Page

from mockcar.testing import MockcarServer

MAX_HEIGHT = 2000  # px of a page kept


@dataclass(frozen=True)
class Setup:
    """What the views need to name: made on the server before the first screenshot."""

    vehicle_id: str
    client_id: str


@dataclass(frozen=True)
class View:
    name: str
    path: Callable[[Setup], str]
    # After the page loads: what to click or fill, and what to wait for.
    then: Callable[[Page], None] | None = None


def _add_vehicle_result(page: Page) -> None:
    page.get_by_role("button", name="Add vehicle").click()
    page.wait_for_selector("#result-connected:not([hidden])")


def _clock_open(page: Page) -> None:
    page.get_by_text("Clock", exact=True).click()
    page.wait_for_selector(".clock__panel")


def _swagger(page: Page) -> None:
    page.wait_for_selector(".swagger-ui .opblock-tag-section", timeout=60_000)


# Every dashboard view; a page's helper adds its own views here.
VIEWS: tuple[View, ...] = (
    View("start", lambda s: "/"),
    View("vehicles", lambda s: "/vehicles"),
    View("vehicles-search", lambda s: "/vehicles?q=tesla"),
    View("add-vehicle", lambda s: "/vehicles/new"),
    View("add-vehicle-connected", lambda s: "/vehicles/new", _add_vehicle_result),
    View("clock", lambda s: "/vehicles", _clock_open),
    View("applications", lambda s: "/applications"),
    View("application-world", lambda s: f"/applications/{s.client_id}"),
    View("vehicle", lambda s: f"/vehicles/{s.vehicle_id}"),
    # A commuting car (the default scenario's): its routes on the map, its timeline.
    View("vehicle-commute", lambda s: "/vehicles/5bc8fbbc-bde5-4099-8164-d8399f767c45"),
    View("requests", lambda s: "/requests"),
    View("request", lambda s: "/requests/1"),
    View("faults", lambda s: "/faults"),
    View("webhooks", lambda s: "/webhooks"),
    View("docs", lambda s: "/docs", _swagger),
)


def prepare(server: MockcarServer) -> Setup:
    """A run-time application, a commuting car added connected (read once through the
    API), a fault rule and a webhook test payload, so the views have something to show."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        registered = http.post("/_mockcar/applications", json={"name": "Test suite run"})
        registered.raise_for_status()
        car = http.post("/_mockcar/vehicles", json={
            "vehicle": {"make": "FORD", "model": "Mustang Mach-E", "year": 2023,
                        "powertrain": "BEV", "battery": {"level": 0.64},
                        "timeline": {"profile": "commute"}},
            "connect": {}})
        car.raise_for_status()
        vehicle = car.json()
        token = vehicle["connection"]["access_token"]
        http.get(f"/v2.0/vehicles/{vehicle['id']}/odometer",
                 headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        http.post("/_mockcar/faults", json={"type": "VEHICLE_STATE", "code": "ASLEEP",
                                            "endpoint": "/odometer", "times": 3})
        app = next(iter(server.world.applications.values()))
        auth = {"Authorization": f"Bearer {app.management_token}"}
        base = f"/_mockcar/applications/{app.client_id}"
        hooks = http.get(base + "/webhooks", headers=auth)
        if hooks.status_code == 200 and hooks.json().get("webhooks"):
            hook = hooks.json()["webhooks"][0]["id"]
            http.post(f"{base}/webhooks/{hook}/test", headers=auth, json={})
    return Setup(vehicle_id=vehicle["id"], client_id=registered.json()["client_id"])


def main() -> int:
    with MockcarServer() as server:
        setup = prepare(server)

        def reach(view: View) -> Callable[[Page], None]:
            def then(page: Page) -> None:
                page.goto(server.url + view.path(setup))
                # Live views keep a stream open: "networkidle" never comes.
                page.wait_for_load_state("load")
                page.wait_for_timeout(800)
                if view.then is not None:
                    view.then(page)
            return then

        shoot("dashboard", [(view.name, reach(view)) for view in VIEWS],
              max_height=MAX_HEIGHT, color_scheme="light")
    return 0


if __name__ == "__main__":
    sys.exit(main())

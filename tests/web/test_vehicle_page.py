"""The vehicle page over HTTP: it shows what the control API reads (battery or fuel, oil
life only with an engine), its timeline's stages with the current one marked, the map
drawn inline as SVG from the bundled outlines, its forms' accessible labels, and a
vehicle that is not there as the dashboard's 404 page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.webhooks.deliveries import Attempt
from mockcar.domain.world.clock import Clock
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.web.dashboard import vehicle_map

COMMUTER = "5bc8fbbc-bde5-4099-8164-d8399f767c45"  # rosa's Tesla, a commute timeline
F150 = "14a03569-d26b-4496-92e5-dfe8cb1855fe"


@pytest.fixture
def client() -> Iterator[TestClient]:
    world = load_world(default_scenario(),
                       clock=Clock(frozen_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC)))
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as test_client:
        yield test_client


def test_an_electric_car_shows_its_battery_and_charging_not_fuel_or_oil(
        client: TestClient) -> None:
    client.post(f"/_mockcar/vehicles/{COMMUTER}/state", json={"battery_level": 0.42})
    page = client.get(f"/vehicles/{COMMUTER}")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    html = page.text
    assert "<h1>2024 Tesla Model Y" in html
    assert re.search(r'data-r="battery.percent">42 %<', html)
    assert 'data-meter="battery"' in html and 'data-meter="fuel"' not in html
    assert 'id="set-oil"' not in html and 'id="set-battery"' in html
    # A US car's distances also in miles.
    assert re.search(r'data-r="odometer">[\d,]+ km · [\d,]+ mi<', html)
    # The timeline: one stage is now, and its controls are there.
    assert html.count('aria-current="step"') == 1
    assert 'data-timeline-next' in html and "Playing" in html
    # No inline script or style: the CSP forbids them.
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_a_combustion_car_shows_fuel_and_oil_life(client: TestClient) -> None:
    html = client.get(f"/vehicles/{F150}").text
    assert 'data-meter="fuel"' in html and 'data-meter="oil"' in html
    assert 'data-meter="battery"' not in html and 'id="set-battery"' not in html


def test_every_form_control_has_a_label(client: TestClient) -> None:
    html = client.get(f"/vehicles/{COMMUTER}").text
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    assert ids
    for found in ids:
        if found == "clock-amount":
            continue
        assert f'for="{found}"' in html, found
    # Checkboxes are wrapped in their label.
    assert re.search(r'<label class="choice"><input type="checkbox" name="windows_open"', html)


def test_the_maps_are_drawn_inline_from_the_bundled_outlines(client: TestClient) -> None:
    html = client.get(f"/vehicles/{COMMUTER}").text
    assert html.count("data-map ") == 2
    assert 'class="map__route"' in html and 'data-marker' in html
    assert "http://" not in html.split("<main", 1)[1].split("</main>")[0]
    # A car without routes gets the region map only.
    lone = client.post("/_mockcar/vehicles", json={
        "owner": "new@example.com", "vehicle": {"make": "FORD", "model": "F-150"}}).json()["id"]
    assert client.get(f"/vehicles/{lone}").text.count("data-map ") == 1
    regions = vehicle_map.outlines()
    assert set(regions) == {"US", "CA", "EUROPE"}
    for region in regions.values():
        assert all(len(polygon) >= 3 for polygon in region["polygons"])


def test_a_missing_vehicle_is_the_dashboards_404(client: TestClient) -> None:
    page = client.get("/vehicles/no-such-car")
    assert page.status_code == 404
    assert "No vehicle &#39;no-such-car&#39; in this World" in page.text


def test_an_applications_world_shows_its_own_vehicle(client: TestClient) -> None:
    registered = client.post("/_mockcar/applications", json={}).json()
    auth = {"Authorization": "Bearer " + registered["management_token"]}
    base = f"/_mockcar/applications/{registered['client_id']}"
    car = client.get(base + "/vehicles", headers=auth).json()["vehicles"][0]["id"]
    page = client.get(f"/applications/{registered['client_id']}/vehicles/{car}", headers=auth)
    assert page.status_code == 200
    assert f'data-vehicle-control="{base}/vehicles/{car}"' in page.text


def test_a_teslas_own_endpoints_and_virtual_key_show_on_its_page_only(
        client: TestClient) -> None:
    client.post(f"/_mockcar/vehicles/{COMMUTER}/state",
                json={"virtual_key_paired": False, "charge_port_open": True})
    read = client.get(f"/_mockcar/vehicles/{COMMUTER}/readings").json()
    assert read["virtual_key_paired"] is False and read["charge"]["port_open"] is True
    html = client.get(f"/vehicles/{COMMUTER}").text
    assert re.search(r'GET /tesla/compass</td><td data-label="Feature">Tesla only<', html)
    assert re.search(r'data-r="virtual_key">Not paired<', html)
    assert re.search(r'data-r="charge.port">port open<', html)
    assert re.search(r'<option value="true" selected>Held open<', html)
    for field in ("set-moving", "set-speed", "set-heading", "set-asleep", "set-port",
                  "set-virtual-key"):
        assert f'id="{field}"' in html, field

    ford = client.get(f"/_mockcar/vehicles/{F150}/readings").json()
    assert ford["virtual_key_paired"] is None and ford["charge"] is None
    html = client.get(f"/vehicles/{F150}").text
    assert 'id="set-virtual-key"' not in html and 'data-r="virtual_key"' not in html
    assert "Tesla only" not in html and 'id="set-moving"' in html


def test_a_delivery_shows_why_it_failed_and_times_read_to_the_second() -> None:
    world = load_world(default_scenario(),
                       clock=Clock(frozen_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC)))
    hook = next(iter(world.applications.values())).webhooks[0]
    sent = datetime(2026, 11, 23, 9, 29, 5, 250000, tzinfo=UTC)
    world.deliveries.record(Attempt(
        world.deliveries.next_seq(), "event-1", "delivery-1", "VEHICLE_STATE", hook.id,
        COMMUTER, 1, "http://127.0.0.1:9/hook", "failed", status=500,
        detail="the receiver answered 500", sent_at=sent))
    with TestClient(create_app(Settings(), world), base_url="http://localhost") as client:
        html = client.get(f"/vehicles/{COMMUTER}").text
        answer = client.get(f"/_mockcar/vehicles/{COMMUTER}/webhooks").json()
        none = client.get(f"/_mockcar/vehicles/{COMMUTER}/webhooks?limit=0").json()
    assert none["deliveries"] == [] and len(answer["deliveries"]) == 1
    assert answer["deliveries"][0]["detail"] == "the receiver answered 500"
    assert re.search(r'failed <span class="small muted delivery__detail">the receiver '
                     r'answered 500</span>', html)
    assert '<time datetime="2026-11-23T09:29:05.250Z">2026-11-23 09:29:05 UTC</time>' in html


def test_a_commuters_maps_ring_both_ends_of_its_drives(client: TestClient) -> None:
    timeline = client.get(f"/_mockcar/vehicles/{COMMUTER}/timeline").json()
    ends = {tuple(p) for s in timeline["stages"] if s["route"]
            for p in (s["route"][0], s["route"][-1])}
    assert len(ends) == 2  # home and work
    html = client.get(f"/vehicles/{COMMUTER}").text
    maps = re.findall(r'<svg class="map__svg".*?</svg>', html, re.DOTALL)
    assert len(maps) == 2  # the region and the close-up
    for svg in maps:
        assert svg.count('class="map__stop"') == 2


def test_halves_round_up_as_the_pages_script_rounds_them(client: TestClient) -> None:
    # 12.5 % and 240.5 kPa: Python's round() would say 12 and 240, the page's script
    # (Math.round) 13 and 241 at the stream's first readings.
    client.post(f"/_mockcar/vehicles/{COMMUTER}/state", json={
        "battery_level": 0.125, "tire_pressures_kpa": [240.5, 240, 240, 240],
        "heading": 90.5}).raise_for_status()
    html = client.get(f"/vehicles/{COMMUTER}").text
    assert re.search(r'data-r="battery.percent">13 %<', html)
    assert re.search(r'data-r="tires.front_left">241 kPa', html)
    assert re.search(r'data-r="heading">91°<', html)

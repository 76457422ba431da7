"""The faults page (/faults) in Chromium: a rule added from the form makes the official
Python SDK raise exactly that Smartcar error, as many times as asked; removing it from the
page restores the answer; a rule the control API refuses is explained under the form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import smartcar
from playwright.sync_api import Page, expect

from mockcar.domain.connect.brands import make_name
from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at
from tests.control.helpers import ALICE


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running, smartcar_sdk_pointed_at(running.url):
        yield running


@pytest.fixture
def vehicle(server: MockcarServer) -> Iterator[smartcar.Vehicle]:
    application = next(iter(server.world.applications.values()))
    answer = httpx.post(
        f"{server.url}/_mockcar/applications/{application.client_id}/connect",
        headers={"Authorization": f"Bearer {application.management_token}"},
        json={"email": ALICE[0], "exchange": True}, timeout=10)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    yield smartcar.Vehicle(body["vehicles"][0], body["access_token"])
    httpx.post(f"{server.url}/_mockcar/faults/clear", json={}, timeout=10)


def test_a_rule_from_the_form_makes_the_sdk_raise_that_error(
    server: MockcarServer, vehicle: smartcar.Vehicle, browser_page: Page
) -> None:
    page = browser_page
    page.goto(server.url + "/faults")
    expect(page.locator(".notice")).to_contain_text("No fault rules")
    page.select_option("#fault-error", "CONNECTED_SERVICES_ACCOUNT:SUBSCRIPTION")
    expect(page.locator("[data-fault-description]")).not_to_be_empty()
    page.select_option("#fault-method", "GET")
    page.fill("#fault-endpoint", "/odometer")
    page.fill("#fault-vehicle", vehicle.vehicle_id)
    page.fill("#fault-times", "1")
    with page.expect_navigation():
        page.get_by_role("button", name="Add rule").click()
    row = page.locator("[data-fault-id=fault-1]")
    expect(row).to_contain_text("CONNECTED_SERVICES_ACCOUNT · SUBSCRIPTION")
    expect(row.locator("[data-label=Matches]")).to_contain_text("GET /odometer")
    car = server.world.vehicles[vehicle.vehicle_id]
    expect(row.locator("[data-label=Matches]")).to_contain_text(
        f"the {car.year} {make_name(car.make)} {car.model}")
    expect(row).to_contain_text("1 time (1 left)")
    expect(row.locator("[data-label=State]")).to_have_text("Active")

    with pytest.raises(smartcar.exception.SmartcarException) as raised:
        vehicle.odometer()
    assert (raised.value.type, raised.value.code) == ("CONNECTED_SERVICES_ACCOUNT",
                                                      "SUBSCRIPTION")
    assert raised.value.status_code == 400
    vehicle.location()  # another endpoint: the rule does not match
    assert vehicle.odometer().distance > 0  # once only

    page.reload()
    expect(row.locator("[data-label=State]")).to_have_text("Used up")
    expect(row.locator("[data-label=Hits]")).to_have_text("1")


def test_a_rule_by_make_fires_until_it_is_removed_from_the_page(
    server: MockcarServer, vehicle: smartcar.Vehicle, browser_page: Page
) -> None:
    page = browser_page
    make = server.world.vehicles[vehicle.vehicle_id].make
    page.goto(server.url + "/faults")
    page.select_option("#fault-error", "VEHICLE_STATE:ASLEEP")
    page.select_option("#fault-make", label=make_name(make))
    page.select_option("#fault-method", "GET")
    with page.expect_navigation():
        page.get_by_role("button", name="Add rule").click()
    rule = page.locator("tbody tr").first
    rule_id = rule.get_attribute("data-fault-id")
    expect(rule).to_contain_text(f"{make_name(make)} vehicles")
    for _ in range(2):
        with pytest.raises(smartcar.exception.SmartcarException) as raised:
            vehicle.odometer()
        assert (raised.value.type, raised.value.code) == ("VEHICLE_STATE", "ASLEEP")

    with page.expect_navigation():
        page.get_by_role("button", name=f"Remove {rule_id}").click()
    expect(page.locator(f"[data-fault-id={rule_id}]")).to_have_count(0)
    assert vehicle.odometer().distance > 0
    assert httpx.get(f"{server.url}/_mockcar/faults").json()["faults"] == []


def test_a_refused_rule_is_explained_by_the_field_it_names(
    server: MockcarServer, browser_page: Page
) -> None:
    page = browser_page
    page.goto(server.url + "/faults")
    page.fill("#fault-probability", "150")
    page.fill("#fault-start", "tomorrow-ish")
    page.get_by_role("button", name="Add rule").click()
    error = page.locator("[data-fault-form] .control-error:not([data-error-for])")
    expect(error).to_be_visible()
    expect(error).to_contain_text("probability")
    # ... and by the field it names, which is marked invalid.
    expect(page.locator("#fault-probability-error")).to_have_text(
        "probability: must be above 0 and at most 1")
    expect(page.locator("#fault-probability")).to_have_attribute("aria-invalid", "true")
    assert page.locator("#fault-probability").input_value() == "150"  # nothing lost
    page.fill("#fault-probability", "50")
    page.get_by_role("button", name="Add rule").click()
    expect(page.locator("#fault-start-error")).to_contain_text("start: 'tomorrow-ish'")
    expect(page.locator("#fault-probability-error")).to_be_hidden()
    expect(page.locator("#fault-probability")).not_to_have_attribute("aria-invalid", "true")
    assert httpx.get(f"{server.url}/_mockcar/faults").json()["faults"] == []

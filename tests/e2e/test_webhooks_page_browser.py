"""The webhooks page (/webhooks) in Chromium: Re-verify and Send test payload reach a
real receiver (checked with the official SDK's hash_challenge and verify_payload), and
the delivery log then shows those attempts with the payload and signature the receiver
got; the control API's refusals show on the webhook's card."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import smartcar
from playwright.sync_api import Browser, Page, expect

from mockcar.domain.connect.brands import make_name
from mockcar.domain.world.world import Application
from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from tests.e2e.dashboard_support import disclosure_names
from tests.webhooks.receiver import Receiver

HOOK = "dashboard-hook"
SHARED_TOKEN = "team-secret"


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        yield running


@pytest.fixture
def application(server: MockcarServer) -> Application:
    return next(iter(server.world.applications.values()))


@pytest.fixture
def receiver(server: MockcarServer, application: Application) -> Iterator[Receiver]:
    """A receiver, and a webhook of the scenario's application pointed at it (verified
    when it is made); removed afterwards."""
    control = f"{server.url}/_mockcar/applications/{application.client_id}"
    auth = {"Authorization": f"Bearer {application.management_token}"}
    with Receiver(application.management_token) as started:
        made = httpx.post(f"{control}/webhooks", headers=auth, json={
            "id": HOOK, "name": "Dashboard test hook", "url": started.url,
            "signals": ["odometer-traveleddistance"]}, timeout=10)
        assert made.status_code == 201, made.text
        started.wait_kind("VERIFY")
        yield started
        httpx.post(f"{control}/webhooks/{HOOK}/delete", headers=auth, json={}, timeout=10)


def test_re_verify_and_a_test_payload_reach_the_receiver_and_the_log(
    server: MockcarServer, application: Application, receiver: Receiver, browser_page: Page
) -> None:
    page = browser_page
    page.goto(server.url + "/webhooks")
    hook = page.locator(f"[data-webhook-id={HOOK}]")
    expect(hook.locator("[data-verification]")).to_have_text("Verified")

    with page.expect_navigation():  # the page reloads once the new attempt is logged
        hook.get_by_role("button", name="Re-verify").click()
    challenges = receiver.wait_kind("VERIFY", 2)
    assert len(challenges) == 2
    expect(page.locator(f"[data-webhook-id={HOOK}] [data-verification]")).to_have_text(
        "Verified")

    with page.expect_navigation():
        page.locator(f"[data-webhook-id={HOOK}]").get_by_role(
            "button", name="Send test payload").click()
    [test] = receiver.wait_kind("VEHICLE_STATE")
    assert test.json["meta"]["mode"] == "TEST"
    assert test.signature is not None
    assert smartcar.verify_payload(application.management_token, test.signature, test.raw)

    # The log: the test event, delivered at the first attempt, with what was sent.
    event = page.locator(f"[data-event-id='{test.json['eventId']}']")
    expect(event).to_contain_text("VEHICLE_STATE")
    expect(event).to_contain_text("delivered")
    about = test.json["data"]["vehicle"]  # the vehicle by name, its make as a person reads it
    expect(event.locator("summary").first).to_contain_text(
        f"{about['year']} {make_name(about['make'])} {about['model']}")
    event.locator("summary").first.click()
    expect(event.locator("[data-signature]")).to_have_text(test.signature)
    event.locator("details summary", has_text="Payload").click()
    assert '"mode": "TEST"' in event.locator("[data-payload]").inner_text()
    verifies = page.locator(".timeline__event", has_text="VERIFY").filter(
        has_text="Dashboard test hook")
    assert verifies.count() >= 2
    # A screen reader says each event as it reads, not the decorative arrow first.
    summaries = disclosure_names(page)
    assert any(name.startswith("delivered VEHICLE_STATE") for name in summaries), summaries
    assert not [name for name in summaries if name[:1] in "▸▾"]


def test_an_action_the_control_api_refuses_is_shown_on_its_card(
    server: MockcarServer, application: Application, receiver: Receiver, browser_page: Page
) -> None:
    page = browser_page
    page.goto(server.url + "/webhooks")
    hook = page.locator(f"[data-webhook-id={HOOK}]")
    expect(hook).to_be_visible()
    # Removed behind the page's back (a script, another tab): the card says so.
    removed = httpx.post(
        f"{server.url}/_mockcar/applications/{application.client_id}/webhooks/{HOOK}/delete",
        headers={"Authorization": f"Bearer {application.management_token}"}, json={},
        timeout=10)
    assert removed.status_code == 200
    hook.get_by_role("button", name="Send test payload").click()
    error = hook.locator(".control-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(f"No webhook '{HOOK}'")


def test_the_log_filters_by_webhook_and_outcome(
    server: MockcarServer, receiver: Receiver, browser_page: Page
) -> None:
    page = browser_page
    page.goto(f"{server.url}/webhooks?webhook_id={HOOK}&outcome=delivered")
    events = page.locator(".timeline__event")
    expect(events.first).to_be_visible()
    assert all("delivered" in text and "Dashboard test hook" in text
               for text in events.all_inner_texts())
    answer = page.goto(f"{server.url}/webhooks?outcome=lost")
    assert answer is not None and answer.status == 400
    expect(page.locator("main")).to_contain_text("outcome must be one of")


def test_on_a_shared_server_the_buttons_use_the_control_token(chromium: Browser) -> None:
    """A server started with a control token opens its scenario's applications only with
    that token: the page's calls go with it (as the browser sends it), not with the
    application's management token."""
    with MockcarServer(Settings(control_token=SHARED_TOKEN)) as shared:
        application = next(iter(shared.world.applications.values()))
        with Receiver(application.management_token) as receiver:
            made = httpx.post(
                f"{shared.url}/_mockcar/applications/{application.client_id}/webhooks",
                headers={"Authorization": f"Bearer {SHARED_TOKEN}"}, json={
                    "id": HOOK, "name": "Shared hook", "url": receiver.url}, timeout=10)
            assert made.status_code == 201, made.text
            receiver.wait_kind("VERIFY")
            context = chromium.new_context(
                http_credentials={"username": "me", "password": SHARED_TOKEN})
            try:
                page = context.new_page()
                page.goto(shared.url + "/webhooks")
                assert application.management_token not in page.content()
                with page.expect_navigation():
                    page.locator(f"[data-webhook-id={HOOK}]").get_by_role(
                        "button", name="Send test payload").click()
                [test] = receiver.wait_kind("VEHICLE_STATE")
                event = page.locator(f"[data-event-id='{test.json['eventId']}']")
                expect(event).to_contain_text("delivered")
            finally:
                context.close()

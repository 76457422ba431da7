"""The interactive API docs at /docs, in Chromium: Swagger UI renders mockcar's
/openapi.json with every file served by mockcar, and no request leaves its origin."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, Request, expect

from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from tests.control.helpers import ALICE

# Swagger UI parses and draws a document of ~300 operations: on two cores shared with
# other work that has taken over 15 s, so these tests wait longer than the default.
SLOW_MS = 60_000


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        yield running


@pytest.fixture
def docs_page(browser_page: Page) -> Page:
    browser_page.set_default_timeout(SLOW_MS)
    return browser_page


def loaded(page: Page) -> None:
    expect(page.locator("#swagger-ui[data-loaded=true]")).to_be_attached(timeout=SLOW_MS)


def test_docs_show_the_operations_from_this_origin_only(
    server: MockcarServer, docs_page: Page
) -> None:
    page = docs_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    failed: list[Request] = []
    page.on("requestfailed", lambda request: failed.append(request))

    page.goto(server.url + "/docs")
    loaded(page)
    # Swagger UI read the document: mockcar's title and tags, and the operations.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("mockcar")
    expect(page.locator(".swagger-ui .opblock-tag-section").first).to_be_visible()
    tags = page.locator(".swagger-ui .opblock-tag").all_inner_texts()
    assert any("mockcar control" in tag for tag in tags), tags
    page.locator(".swagger-ui .opblock-tag", has_text="mockcar control").first.click()
    stream = page.locator(".swagger-ui .opblock", has_text="/_mockcar/journal/stream").first
    expect(stream).to_be_visible(timeout=SLOW_MS)
    expect(stream).to_contain_text("The request journal live")

    assert requested and all(url.startswith(server.url + "/") for url in requested), [
        url for url in requested if not url.startswith(server.url + "/")]
    assert server.url + "/openapi.json" in requested
    assert not failed, [request.url for request in failed]
    assert not violations


def test_try_it_out_calls_this_server(server: MockcarServer, docs_page: Page) -> None:
    page = docs_page
    page.goto(server.url + "/docs")
    loaded(page)
    page.locator(".swagger-ui .opblock-tag", has_text="mockcar control").first.click()
    operation = page.locator(".swagger-ui .opblock-get", has=page.locator(
        ".opblock-summary-path", has_text="/_mockcar/health")).first
    operation.locator(".opblock-summary").first.click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response(server.url + "/_mockcar/health") as answered:
        operation.get_by_role("button", name="Execute").click()
    assert answered.value.status == 200
    expect(operation.locator(".responses-wrapper .live-responses-table")).to_contain_text(
        '"ok"', timeout=SLOW_MS)


def test_only_swagger_ui_s_own_files_are_served(server: MockcarServer,
                                                browser_page: Page) -> None:
    answer = browser_page.request.get(server.url + "/docs/assets/index.html")
    assert answer.status == 404
    assert "No API docs file" in answer.text()
    css = browser_page.request.get(server.url + "/docs/assets/swagger-ui.css")
    assert css.status == 200
    assert css.headers["content-type"] == "text/css; charset=utf-8"


def test_authorize_with_an_access_token_and_try_an_api_read(
    server: MockcarServer, docs_page: Page
) -> None:
    application = next(iter(server.world.applications.values()))
    connected = httpx.post(
        f"{server.url}/_mockcar/applications/{application.client_id}/connect",
        headers={"Authorization": f"Bearer {application.management_token}"},
        json={"email": ALICE[0], "exchange": True}, timeout=10).json()
    page = docs_page
    page.goto(server.url + "/docs")
    loaded(page)
    page.locator(".swagger-ui .auth-wrapper button.authorize").click()
    dialog = page.locator(".swagger-ui .dialog-ux")
    # Each scheme says what to give it (Markdown: no placeholder lost as an HTML tag).
    expect(dialog).to_contain_text("default:<application management token>")
    scheme = dialog.locator(".auth-container", has_text="accessToken")
    scheme.locator("input").fill(connected["access_token"])
    scheme.locator("button.authorize").click()
    dialog.locator("button.close-modal").click()

    page.locator(".swagger-ui .opblock-tag[data-tag=User]").click()
    operation = page.locator("#operations-User-get_vehicles")
    operation.locator(".opblock-summary").first.click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("tr[data-param-name=version] input").fill("2.0")
    with page.expect_response(server.url + "/v2.0/vehicles") as answered:
        operation.get_by_role("button", name="Execute").click()
    assert answered.value.status == 200
    assert answered.value.json()["vehicles"] == connected["vehicles"]
    # The read is the application's, so it is in the requests monitor like an SDK's.
    page.goto(server.url + "/requests?path=/v2.0/vehicles")
    expect(page.locator("[data-monitor-rows] tr").first.locator("[data-label=Status]")
           ).to_have_text("200")

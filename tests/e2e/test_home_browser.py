"""The home page in Chromium under the guard's headers: its stylesheet applies under the
Content-Security-Policy (no violation reported), and a page of another origin cannot
frame it (X-Frame-Options: DENY, frame-ancestors 'none')."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page

from mockcar.testing import MockcarServer


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running:
        yield running


def test_the_home_page_is_styled_within_its_policy(server: MockcarServer,
                                                   browser_page: Page) -> None:
    complaints: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            complaints.append(message.text)

    browser_page.on("console", note)
    answer = browser_page.goto(server.url + "/")
    assert answer is not None and answer.status == 200
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    # The shared stylesheet sets a page background; an unstyled page has none.
    background = browser_page.evaluate(
        "getComputedStyle(document.body).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert complaints == []


def test_another_origin_cannot_frame_the_home_page(server: MockcarServer,
                                                   browser_page: Page) -> None:
    # A page of another origin (about:blank here) puts the home page in a frame; its load
    # event waits for the frame's.
    browser_page.set_content(f'<iframe src="{server.url}/"></iframe>', wait_until="load")
    [child] = browser_page.main_frame.child_frames
    # Chromium refused to render mockcar there: the frame holds its error page.
    assert not child.url.startswith(server.url), child.url
    assert "mockcar is running" not in child.content()

"""Shared pytest fixtures. Each section belongs to the tests that use it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Every response of every mockcar app in the session is checked against /openapi.json.
pytest_plugins = ("tests.support.openapi_plugin",)


# -- Playwright: one headless Chromium for the whole session (tests/e2e/*_browser.py) ----

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# Markers the fixtures a test uses give it, for `make check` (-m "not browser and not
# newman"): the fast inner loop leaves out what needs Chromium or the node tools.
NEEDS = {"browser": ("chromium",), "newman": ("newman", "node", "node_sdk")}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium (Playwright)")
    config.addinivalue_line("markers", "newman: runs newman or Postman's node tools")


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last. Playwright's sync API keeps an asyncio loop running on
    the main thread from the first browser test until the session ends, and
    `asyncio.run`/`anyio.run` fail under it; after every other test, it disturbs none."""
    for item in items:
        used = getattr(item, "fixturenames", ())
        for marker, fixtures in NEEDS.items():
            if any(name in used for name in fixtures):
                item.add_marker(marker)
    items.sort(key=lambda item: "chromium" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium (or `MOCKCAR_CHROMIUM`), driven by Playwright. A missing browser
    fails the tests that need it: `make browser` installs one."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("MOCKCAR_CHROMIUM") or CHROMIUM
    if not Path(executable).is_file():
        pytest.fail(f"no Chromium at {executable}: run `make browser` or set MOCKCAR_CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no cookies or cache shared between tests)."""
    context = chromium.new_context()
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()

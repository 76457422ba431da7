"""The browser loop both screenshot scripts share: Chromium launched once, a fresh context
per (view, width), each page reached by the caller's function and saved as
docs/screenshots/<prefix>-<name>-<width>.png.

The browser: MOCKCAR_CHROMIUM, else Debian's /usr/bin/chromium where there is one, else
Playwright's own (`make browser`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

DEBIAN_CHROMIUM = "/usr/bin/chromium"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WIDTHS = {"desktop": ViewportSize(width=1440, height=900),
          "phone": ViewportSize(width=375, height=812)}

# A view's name and how to bring a fresh page to what the screenshot shows.
Shot = tuple[str, Callable[[Page], None]]


def shoot(prefix: str, shots: Iterable[Shot], *, max_height: int | None = None,
          color_scheme: str | None = None) -> int:
    """Every shot at every width, the folder's old `<prefix>-*.png` removed first; a page
    taller than `max_height` is kept by its first screens. Returns how many were written."""
    executable = os.environ.get("MOCKCAR_CHROMIUM") or (
        DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).is_file() else None)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{prefix}-*.png"):
        old.unlink()
    written = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, reach in shots:
                for width, viewport in WIDTHS.items():
                    context = browser.new_context(
                        viewport=viewport, color_scheme=color_scheme)  # type: ignore[arg-type]
                    context.set_default_timeout(15_000)
                    try:
                        page = context.new_page()
                        reach(page)
                        path = str(OUT / f"{prefix}-{name}-{width}.png")
                        if max_height is None:
                            page.screenshot(path=path, full_page=True)
                        else:
                            height = min(max_height, page.evaluate(
                                "document.documentElement.scrollHeight"))
                            page.screenshot(path=path, full_page=True, clip={
                                "x": 0, "y": 0, "width": viewport["width"],
                                "height": height})
                        written += 1
                    finally:
                        context.close()
        finally:
            browser.close()
    print(f"{written} screenshots in {OUT}")
    return written

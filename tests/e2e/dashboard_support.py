"""What the dashboard's browser tests check on every view: no request leaves mockcar's
origin, nothing scrolls sideways at phone width, every control has an accessible name
(as Chromium computes it, read from its accessibility tree), and keyboard focus is seen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, Request, ViewportSize

PHONE = ViewportSize(width=375, height=812)
DESKTOP = ViewportSize(width=1440, height=900)
# Roles a person operates: each needs a name a screen reader can say.
CONTROL_ROLES = frozenset({"button", "link", "textbox", "searchbox", "combobox", "listbox",
                           "checkbox", "radio", "spinbutton", "slider", "switch", "tab",
                           "menuitem", "option"})


@contextmanager
def same_origin_only(page: Page, origin: str) -> Iterator[list[str]]:
    """Every URL the page requests within the block; on leaving it, none may be of
    another origin, and the console may not report a Content-Security-Policy violation."""
    requested: list[str] = []
    complaints: list[str] = []

    def note(request: Request) -> None:
        requested.append(request.url)

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or message.type == "error":
            complaints.append(message.text)

    page.on("request", note)
    page.on("console", console)
    try:
        yield requested
    finally:
        page.remove_listener("request", note)
        page.remove_listener("console", console)
    foreign = [url for url in requested
               if not (url.startswith((origin + "/", "data:")))]
    assert not foreign, f"requests left {origin}: {foreign}"
    assert not complaints, complaints


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than its viewport (0: no sideways scroll)."""
    width: int = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth")
    return width


def accessibility_nodes(page: Page) -> list[dict[str, Any]]:
    """The nodes of Chromium's accessibility tree of `page`, not ignored ones: what a
    screen reader is told (each with its "role" and "name")."""
    session = page.context.new_cdp_session(page)
    try:
        tree: dict[str, Any] = session.send("Accessibility.getFullAXTree")
    finally:
        session.detach()
    return [node for node in tree["nodes"] if not node.get("ignored")]


def disclosure_names(page: Page) -> list[str]:
    """The accessible names of the page's <summary> elements, as Chromium computes them."""
    return [str((node.get("name") or {}).get("value", "")) for node in accessibility_nodes(page)
            if node.get("role", {}).get("value") == "DisclosureTriangle"]


def unnamed_controls(page: Page) -> list[str]:
    """The controls Chromium's accessibility tree gives no name, as "role (html)"."""
    found = []
    for node in accessibility_nodes(page):
        role = node.get("role", {}).get("value")
        name = (node.get("name") or {}).get("value", "")
        if role in CONTROL_ROLES and not str(name).strip():
            found.append(f"{role} (node {node.get('backendDOMNodeId')})")
    return found


def tab_stops(page: Page, most: int = 80) -> list[str]:
    """What Tab focuses, in order, from the top of the page: "tag#id|text" each, until
    focus comes back round or `most` presses. Each focused element shows an outline."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    seen: list[str] = []
    for _ in range(most):
        page.keyboard.press("Tab")
        described = page.evaluate("""() => {
            const e = document.activeElement;
            if (!e || e === document.body) return null;
            const style = getComputedStyle(e);
            const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                || style.boxShadow !== 'none';
            return [e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '|'
                    + (e.getAttribute('aria-label') || e.textContent || e.value || '')
                      .trim().slice(0, 40), visible];
        }""")
        if described is None:
            break
        stop, visible = described
        assert visible, f"{stop} has focus but no visible focus indicator"
        if seen and stop == seen[0]:
            break
        seen.append(stop)
    return seen

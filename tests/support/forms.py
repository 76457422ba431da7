"""Walk HTML pages the way a browser without JavaScript does: read the forms the server
served, fill fields by element id, press a button by id, follow redirects on the same
origin. Nothing is fabricated: every field posted was in the page (CSRF token included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx


@dataclass
class Control:
    tag: str
    type: str
    name: str | None
    value: str
    id: str | None
    checked: bool


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag in ("input", "button", "select", "textarea") and self._current is not None:
            default_type = "submit" if tag == "button" else "text"
            control = Control(
                tag=tag, type=a.get("type", default_type).lower(), name=a.get("name"),
                value=a.get("value", ""), id=a.get("id"), checked="checked" in a,
            )
            self._current.controls.append(control)
        elif tag == "option" and self._current is not None and "selected" in a:
            select = next((c for c in reversed(self._current.controls) if c.tag == "select"), None)
            if select is not None:
                select.value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


@dataclass
class Page:
    url: str
    response: httpx.Response

    @property
    def html(self) -> str:
        return self.response.text

    def forms(self) -> list[Form]:
        parser = _FormParser()
        parser.feed(self.html)
        return parser.forms

    def has(self, element_id: str) -> bool:
        return any(c.id == element_id for f in self.forms() for c in f.controls)

    def submit(self, client: httpx.Client, button_id: str,
               fill: dict[str, str] | None = None,
               check: set[str] | None = None, uncheck: set[str] | None = None) -> Page:
        """Press the button with this id. `fill` sets fields by id; `check`/`uncheck`
        toggle checkboxes and radios by id."""
        fill, check, uncheck = fill or {}, check or set(), uncheck or set()
        form = next(
            (f for f in self.forms() if any(c.id == button_id for c in f.controls)), None
        )
        if form is None:
            raise AssertionError(f"no button #{button_id} in a form on {self.url}")
        data: list[tuple[str, str]] = []
        for control in form.controls:
            if control.name is None:
                continue
            if control.tag == "button" or control.type == "submit":
                if control.id == button_id:
                    data.append((control.name, control.value))
                continue
            if control.type in ("checkbox", "radio"):
                on = (control.checked or control.id in check) and control.id not in uncheck
                if on:
                    data.append((control.name, control.value or "on"))
                continue
            value = fill.get(control.id or "", control.value)
            data.append((control.name, value))
        target = urljoin(self.url, form.action or self.url)
        if form.method == "post":
            response = client.post(target, data=_grouped(data))
        else:
            response = client.get(target, params=_grouped(data))
        return follow(client, response)


def choose_all_vehicles(client: httpx.Client, page: Page) -> Page:
    """The page after sign-in, ready for Allow with every vehicle: Connect's permissions
    page, where an account's several vehicles are all ticked by default."""
    assert page.has("approval-button"), f"not the permissions page: {page.url}"
    return page


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form pairs as httpx wants them, keeping repeated names (several checkboxes)."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def follow(client: httpx.Client, response: httpx.Response) -> Page:
    """Follow redirects while they stay on the server's origin; a redirect elsewhere
    (the app's redirect URI) is returned unfollowed, as the final Page."""
    origin = urlsplit(str(response.request.url))[:2]
    while response.is_redirect:
        location = urljoin(str(response.request.url), response.headers["location"])
        if urlsplit(location)[:2] != origin:
            break
        response = client.get(location)
    return Page(str(response.request.url), response)


def open_page(client: httpx.Client, url: str) -> Page:
    return follow(client, client.get(url))

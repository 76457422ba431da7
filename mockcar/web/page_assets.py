"""What every HTML page shares besides its markup: the stylesheet and the brand filter
script, both inlined and allowed by their SHA-256 in the Content-Security-Policy (no
'unsafe-inline', no external fetch), and the favicon, served at `/favicon.svg`."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

_ASSETS = Path(__file__).parent.parent / "templates" / "assets"
FAVICON_PATH = "/favicon.svg"


def _read(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


# Markup: inside <style> and <script> the text is raw, so it must not be HTML-escaped
# (the hash is of these exact characters).
STYLE = Markup(_read("connect.css"))
BRAND_FILTER_SCRIPT = Markup(_read("brand-filter.js"))
FAVICON = _read("favicon.svg").encode()
# The same picture in the page header, inline (no request, no img-src needed).
LOGO = Markup(FAVICON.decode().strip().replace(
    "<svg ", '<svg class="logo" aria-hidden="true" focusable="false" ', 1))

# Connect's pages: never framed (clickjacking), nothing loaded from elsewhere. No
# form-action: Chromium applies it to the redirect that ends Connect.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src {_sha256(STYLE)}; script-src {_sha256(BRAND_FILTER_SCRIPT)}; "
    "img-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)


async def favicon(request: Request) -> Response:
    return Response(FAVICON, media_type="image/svg+xml",
                    headers={"cache-control": "public, max-age=86400"})


routes: list[BaseRoute] = [Route(FAVICON_PATH, favicon, methods=["GET"])]

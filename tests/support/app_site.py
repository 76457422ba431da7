"""The application under test, as the Connect browser tests need it: a tiny site on a free
127.0.0.1 port that answers its redirect URI with a page and notes every visit.

Connect's redirect goes to this site, not to the scenario's http://localhost:8000/exchange:
Playwright's routes never see the target of a redirect, so whatever else listens on port
8000 (the developer's own app) would answer it."""

from __future__ import annotations

import dataclasses
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from mockcar.testing import MockcarServer

BACK_IN_THE_APP = b"<!doctype html><title>exchange</title><p id=done>back in the app"


class AppSite(http.server.ThreadingHTTPServer):
    """Answers `/exchange` with BACK_IN_THE_APP and keeps each visited URL in `seen`."""

    daemon_threads = True

    def __init__(self) -> None:
        self.seen: list[str] = []
        super().__init__(("127.0.0.1", 0), _AppPage)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/exchange"


class _AppPage(http.server.BaseHTTPRequestHandler):
    server: AppSite

    def do_GET(self) -> None:
        if not self.path.startswith("/exchange"):  # the browser's own, such as a favicon
            self.send_error(404)
            return
        self.server.seen.append(f"{self.server.redirect_uri.rsplit('/', 1)[0]}{self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(BACK_IN_THE_APP)))
        self.end_headers()
        self.wfile.write(BACK_IN_THE_APP)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def running_app_site() -> Iterator[AppSite]:
    site = AppSite()
    thread = threading.Thread(target=site.serve_forever, name="app-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.shutdown()
        site.server_close()
        thread.join()


@contextmanager
def server_redirecting_to(site: AppSite) -> Iterator[MockcarServer]:
    """A mockcar whose applications also list the site's redirect URI."""
    with MockcarServer() as running:
        world = running.world
        for client_id, app in list(world.applications.items()):
            world.applications[client_id] = dataclasses.replace(
                app, redirect_uris=(*app.redirect_uris, site.redirect_uri))
        yield running

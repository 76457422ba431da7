"""The page a person sees on opening the URL `mockcar serve` printed."""

from __future__ import annotations

from html import unescape

from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.settings import Settings


def test_home_lists_applications_owners_and_a_working_connect_link() -> None:
    app = create_app(Settings())
    world = app.state.world
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        html = unescape(page.text)
        demo = next(iter(world.applications.values()))
        assert demo.client_id in html and demo.client_secret in html
        for owner in world.owners.values():
            assert owner.email in html
        assert "export SMARTCAR_AUTH_ORIGIN=http://127.0.0.1:8765/oauth/token" in html

        link = html.split('class="connect" href="', 1)[1].split('"', 1)[0]
        preamble = client.get(link)
        assert preamble.status_code == 200
        assert 'id="continue-button"' in preamble.text
        assert "Simulated mode" in preamble.text

"""The page a person sees on opening the URL `mockcar serve` printed: the dashboard's
Start here page at `/`."""

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
        assert demo.management_token in html
        assert f"export SMARTCAR_CLIENT_ID={demo.client_id}\n" in html
        for owner in world.owners.values():
            assert owner.email in html
        assert "export SMARTCAR_AUTH_ORIGIN=http://127.0.0.1:8765/oauth/token" in html
        # Node's SDK appends /oauth/token itself.
        assert "export SMARTCAR_AUTH_ORIGIN=http://127.0.0.1:8765\n" in html

        for mode, banner in (("simulated", "Simulated mode"), ("test", "Test mode"),
                             ("live", "Live mode")):
            link = html.split(f'data-connect-mode="{mode}"', 1)[0].rsplit('href="', 1)[1]
            link = link.split('"', 1)[0]
            preamble = client.get(link)
            assert preamble.status_code == 200
            assert 'id="continue-button"' in preamble.text
            assert banner in preamble.text

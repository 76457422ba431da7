"""The dashboard's shell over HTTP: its pages answer only allowed Hosts under a 'self'-only
Content-Security-Policy with no inline script or style, its assets are served versioned,
the Vehicles page filters and pages on the server and names makes as people write them,
and a run-time application's World opens with its credentials (or for anyone when the
server runs unguarded on loopback)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockcar import basic_auth
from mockcar.app import create_app
from mockcar.settings import Settings

LOCAL = "http://127.0.0.1:8765"
FLEET = """\
version: 1
seed: 5
applications:
  - {name: Fleet, client_id: fleet-app, client_secret: s, redirect_uris: ['http://localhost/cb']}
owners:
  - email: ada@example.com
    password: pw
    vehicles:
      - {make: MERCEDES-BENZ, model: EQS, year: 2023, powertrain: BEV}
fleet: {count: 240, name: rental, vehicles_per_owner: 3}
"""
PAGES = ("/", "/vehicles", "/vehicles/new", "/applications")


@pytest.fixture
def http() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), base_url=LOCAL) as client:
        yield client


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "fleet.yaml"
    path.write_text(FLEET, encoding="utf-8")
    with TestClient(create_app(Settings(scenario=path)), base_url=LOCAL) as client:
        yield client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_self_only_with_no_inline_script_or_style(http: TestClient,
                                                                path: str) -> None:
    page = http.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    html = page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "an inline script"
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    # Everything the page loads is on this origin.
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"^(https?:)?//", url), url


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_only_hosts_mockcar_serves(http: TestClient, path: str) -> None:
    refused = http.get(path, headers={"host": "attacker.example"})
    assert refused.status_code == 421
    assert refused.headers["content-type"].startswith("text/html")


def test_assets_are_versioned_by_content(http: TestClient) -> None:
    page = http.get("/").text
    css = re.search(r'href="(/assets/dashboard/dashboard\.css\?v=[0-9a-f]+)"', page)
    js = re.search(r'src="(/assets/dashboard/dashboard\.js\?v=[0-9a-f]+)"', page)
    assert css and js
    styled = http.get(css.group(1))
    assert styled.status_code == 200 and styled.headers["content-type"].startswith("text/css")
    assert "immutable" in styled.headers["cache-control"]
    assert "prefers-color-scheme: dark" in styled.text
    script = http.get(js.group(1))
    assert script.headers["content-type"].startswith("text/javascript")
    assert http.get("/assets/dashboard/dashboard.css?v=old").headers["cache-control"] == "no-cache"
    for missing in ("/assets/dashboard/nope.css", "/assets/dashboard/.dashboard.css",
                    "/assets/dashboard/layout.html"):
        assert http.get(missing).status_code == 404, missing


def test_the_vehicles_page_filters_and_pages_on_the_server(fleet: TestClient) -> None:
    first = unescape(fleet.get("/vehicles").text)
    assert "241 vehicles in this World" in first
    assert "1–50 of 241" in first and "page 1 of 5" in first
    assert "2023 Mercedes-Benz EQS" in first and "MERCEDES-BENZ EQS" not in first
    # Regions by name too.
    assert '<td data-label="Region" class="nowrap">United States</td>' in first
    assert '>US</td>' not in first
    assert first.count('data-vehicle-id="') == 50
    last = unescape(fleet.get("/vehicles", params={"page": "5"}).text)
    assert "201–241 of 241" in last and last.count('data-vehicle-id="') == 41
    assert 'rel="next"' not in last and 'rel="prev"' in last

    listed = fleet.get("/_mockcar/vehicles").json()["vehicles"]
    bevs = [v for v in listed if v["powertrain"] == "BEV"]
    page = unescape(fleet.get("/vehicles", params={"powertrain": "BEV"}).text)
    assert f"{len(bevs)} vehicles match" in page
    shown = re.findall(r'data-vehicle-id="([^"]+)"', page)
    assert shown == [v["id"] for v in bevs][:50]
    # The state column is what the control API says, in words.
    ada = unescape(fleet.get("/vehicles", params={"q": "ada@example.com"}).text)
    state = fleet.get("/_mockcar/vehicles", params={"owner": "ada@example.com"}).json()
    level = round(state["vehicles"][0]["state"]["battery_level"] * 100)
    assert f"Battery {level} %" in ada
    assert ("Locked" if state["vehicles"][0]["state"]["locked"] else "Unlocked") in ada
    # An owner's email may break after its "@", not inside a word.
    assert '<td data-label="Owner" class="small wrap">ada@<wbr>example.com</td>' in ada
    nothing = unescape(fleet.get("/vehicles", params={"q": "no-such-make"}).text)
    assert "No vehicle matches these filters." in nothing


EUROPEAN = """\
version: 1
applications:
  - {name: Flotte, client_id: flotte, client_secret: s, redirect_uris: ['http://localhost/cb']}
owners:
  - email: eva@example.de
    password: pw
    vehicles:
      - {make: VOLKSWAGEN, model: ID.4, year: 2023, powertrain: BEV, region: EUROPE}
      - {make: SKODA, model: Enyaq, year: 2023, powertrain: BEV, region: EUROPE}
  - email: sam@example.com
    password: pw
    vehicles:
      - {make: FORD, model: F-150, year: 2022, powertrain: ICE, region: US}
"""


def test_add_vehicle_starts_in_the_region_of_most_of_the_worlds_vehicles(
        http: TestClient, tmp_path: Path) -> None:
    assert '<option value="US" selected>United States</option>' in http.get(
        "/vehicles/new").text
    path = tmp_path / "europe.yaml"
    path.write_text(EUROPEAN, encoding="utf-8")
    with TestClient(create_app(Settings(scenario=path)), base_url=LOCAL) as europe:
        form = europe.get("/vehicles/new").text
    assert '<option value="EUROPE" selected>Europe</option>' in form
    assert '<option value="US" selected>' not in form


def test_start_here_says_when_the_world_has_no_application(tmp_path: Path) -> None:
    path = tmp_path / "alone.yaml"
    path.write_text("version: 1\nowners:\n  - email: solo@example.com\n    password: pw\n"
                    "    vehicles:\n      - {make: FORD, model: F-150, year: 2022, "
                    "powertrain: ICE}\n", encoding="utf-8")
    with TestClient(create_app(Settings(scenario=path)), base_url=LOCAL) as alone:
        start = unescape(alone.get("/").text)
    assert "This World's scenario names no application" in start
    assert "Start Connect" not in start and "solo@example.com" in start


def test_a_page_past_the_last_says_so_and_links_to_the_last(fleet: TestClient) -> None:
    past = unescape(fleet.get("/vehicles", params={"page": "9", "powertrain": "BEV"}).text)
    total = len([v for v in fleet.get("/_mockcar/vehicles", params={"limit": "500"})
                 .json()["vehicles"] if v["powertrain"] == "BEV"])
    assert 0 < total <= 400
    pages = -(-total // 50)
    assert "has no vehicles" not in past and "No vehicle matches" not in past
    assert f"Page 9 is past the last: {total} vehicles fill {pages} pages" in past
    assert f'href="/vehicles?powertrain=BEV&page={pages}"' in past
    assert f"page {pages} of {pages}" in unescape(
        fleet.get("/vehicles", params={"page": str(pages), "powertrain": "BEV"}).text)


def test_a_run_time_applications_world_opens_on_unguarded_loopback(http: TestClient) -> None:
    registered = http.post("/_mockcar/applications", headers={"host": "localhost"},
                           json={"name": "Suite run"}).json()
    client_id = registered["client_id"]
    start = unescape(http.get("/").text)
    assert "Suite run" in start and registered["client_secret"] in start
    assert f'href="/applications/{client_id}"' in start
    # Each such link names its application: a list of links does not read "Open its
    # World" several times over.
    assert f'href="/applications/{client_id}" aria-label="Open the World of Suite run"' in start
    own = unescape(http.get(f"/applications/{client_id}/vehicles").text)
    assert "Suite run" in own
    # Its links and control calls stay in its World.
    assert f'data-control-base="/_mockcar/applications/{client_id}"' in own
    assert f'href="/applications/{client_id}/vehicles/new"' in own
    assert f'content="Bearer {registered["management_token"]}"' in own
    missing = http.get("/applications/no-such-app/vehicles")
    assert missing.status_code == 404 and "no-such-app" in unescape(missing.text)


def test_with_a_control_token_an_application_opens_with_its_credentials() -> None:
    app = create_app(Settings(control_token="shared-secret"))
    with TestClient(app, base_url=LOCAL) as http:
        registered = http.post("/_mockcar/applications", json={"name": "Shared run"},
                               headers={"authorization": "Bearer shared-secret"}).json()
        path = f"/applications/{registered['client_id']}"
        refused = http.get(path)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Basic ")
        assert registered["client_secret"] not in refused.text
        assert http.get("/").status_code == 401  # the scenario's World needs the token
        shared = {"authorization": basic_auth.encode("anyone", "shared-secret")}
        start = unescape(http.get("/", headers=shared).text)
        # The control token opens every World, so its holder sees every secret.
        assert "Shared run" in start and registered["client_secret"] in start
        basic = base64.b64encode(
            f"{registered['client_id']}:{registered['client_secret']}".encode()).decode()
        opened = http.get(path, headers={"authorization": f"Basic {basic}"})
        assert opened.status_code == 200 and registered["client_secret"] in opened.text
        wrong = base64.b64encode(f"{registered['client_id']}:nope".encode()).decode()
        assert http.get(path, headers={"authorization": f"Basic {wrong}"}).status_code == 401
        bearer = {"authorization": f"Bearer {registered['management_token']}"}
        assert http.get(path + "/vehicles", headers=bearer).status_code == 200


def test_start_here_points_the_sdk_at_the_public_url() -> None:
    # Behind docker or a proxy the application reaches mockcar at --public-url, which the
    # banner and the Postman environment give too; the browser may be on loopback.
    public = "http://mockcar.internal:8765"
    with TestClient(create_app(Settings(public_url=public + "/")), base_url=LOCAL) as http:
        start = unescape(http.get("/", headers={"host": "localhost:8765"}).text)
        assert f"export SMARTCAR_API_ORIGIN={public}\n" in start
        assert f"export SMARTCAR_AUTH_ORIGIN={public}/oauth/token\n" in start
        assert f"<code>{public}</code>" in start and "localhost:8765" not in start
    with TestClient(create_app(Settings()), base_url=LOCAL) as http:
        start = unescape(http.get("/", headers={"host": "localhost:8765"}).text)
        assert "export SMARTCAR_API_ORIGIN=http://localhost:8765\n" in start


def test_a_page_refused_for_want_of_the_token_shows_no_clock() -> None:
    app = create_app(Settings(control_token="shared-secret"))
    with TestClient(app, base_url=LOCAL) as http:
        world = app.state.world
        for path in ("/", "/vehicles", "/applications/no-such-app"):
            refused = http.get(path)
            assert refused.status_code in (401, 404), path
            # Its every control call would be refused, and the World's time is not
            # shown to someone without the token.
            assert "data-clock" not in refused.text and "World clock" not in refused.text
            assert world.now().isoformat()[:10] not in refused.text, path
        shared = {"authorization": basic_auth.encode("anyone", "shared-secret")}
        missing = http.get("/applications/no-such-app", headers=shared)
        assert missing.status_code == 404 and "data-clock" in missing.text


def test_the_dashboard_is_not_in_the_request_journal(http: TestClient) -> None:
    page = http.get("/vehicles").text
    css = re.search(r'href="(/assets/dashboard/dashboard\.css\?v=[0-9a-f]+)"', page)
    assert css
    for path in ("/", "/vehicles/new", "/applications", css.group(1)):
        assert http.get(path).status_code == 200
    assert http.get("/v2.0/vehicles").status_code == 401  # an API request, no token
    recorded = [entry["path"] for journal in ("/_mockcar/journal", "/_mockcar/journal/unclaimed")
                for entry in http.get(journal).json()["entries"]]
    assert recorded == ["/v2.0/vehicles"]

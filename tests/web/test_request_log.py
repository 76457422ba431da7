"""The console's request log around the app, in process: which application a request
belongs to (a registered tenant's too), the hint of an error, and a line for a request
the app failed on. `mockcar serve` wires it (tests/test_cli.py runs that)."""

from __future__ import annotations

import io
import re

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.settings import Settings
from mockcar.web.request_log import RequestLog

LINE = re.compile(r"(\d\d:\d\d:\d\d) (\S+) (\S+) (\d{3}) (\d+\.\d) ms(.*)")


def test_each_request_is_one_line_naming_its_application() -> None:
    out = io.StringIO()
    with TestClient(RequestLog(create_app(Settings()), out),
                    base_url="http://localhost") as client:
        registered = client.post("/_mockcar/applications", json={"name": "Fleet Tool"}).json()
        auth = {"Authorization": f"Bearer {registered['management_token']}"}
        base = f"/_mockcar/applications/{registered['client_id']}"
        pair = client.post(f"{base}/connect", headers=auth, json={"exchange": True, "scopes": ["read_odometer"]}).json()
        bearer = {"Authorization": f"Bearer {pair['access_token']}"}
        vehicle = pair["vehicles"][0]
        assert client.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=bearer).status_code == 200
        refused = client.get(f"/v2.0/vehicles/{vehicle}/location?x=secret-state",
                             headers=bearer)
        assert refused.status_code == 403  # no read_location
    lines = out.getvalue().splitlines()
    assert len(lines) == 4  # one a request, nothing else
    parsed = [LINE.fullmatch(line) for line in lines]
    assert all(parsed), lines
    odometer, location = parsed[2], parsed[3]
    assert odometer is not None and location is not None
    assert odometer.group(2, 3, 4, 6) == (
        "GET", f"/v2.0/vehicles/{vehicle}/odometer", "200", ' app="Fleet Tool"')
    assert location.group(3) == f"/v2.0/vehicles/{vehicle}/location"  # no query string
    assert "secret-state" not in out.getvalue()
    assert location.group(6).startswith(' app="Fleet Tool" hint: ')
    assert refused.headers["mockcar-hint"] in location.group(6)


def test_a_request_the_app_failed_on_is_logged_as_the_500_it_became() -> None:
    async def broken(request: Request) -> Response:
        raise RuntimeError("boom")

    out = io.StringIO()
    app = RequestLog(Starlette(routes=[Route("/broken", broken)]), out, colour=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/broken").status_code == 500
    [line] = out.getvalue().splitlines()
    found = LINE.fullmatch(line)
    assert found is not None and found.group(2, 3, 4, 6) == ("GET", "/broken", "500", "")

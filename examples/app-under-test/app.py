"""An "app under test" that talks to Smartcar through the official Python SDK, pointed
at mockcar by environment only (see docker-compose.yml, service `app`).

`python app.py` serves a small web app, as a real Smartcar app is built:

- `/` links to Smartcar Connect. The SDK builds that URL from SMARTCAR_CONNECT_ORIGIN,
  which a person's browser opens: under compose it is the port mockcar publishes on the
  host (http://localhost:8765), not the service name, which only containers resolve.
- `/exchange` is the redirect URI Connect sends the browser back to. The app trades the
  code for tokens at SMARTCAR_AUTH_ORIGIN and reads the vehicles at SMARTCAR_API_ORIGIN,
  server to server, by the service name (http://mockcar:8765).

`python app.py headless` needs no browser: it gets a token through mockcar's control
API, lists the vehicles, reads each one's attributes and odometer, unlocks and locks the
first car with its doors shut, and exits 0 if every call worked.
"""

from __future__ import annotations

import base64
import html
import json
import os
import secrets
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import smartcar  # reads SMARTCAR_*_ORIGIN from the environment at import

SCOPE = ["read_vehicle_info", "read_odometer"]
# Test mode: any email signs in; alice@example.com gets the default scenario's cars.
MODE = os.environ.get("SMARTCAR_MODE", "test")


def headless_token(mockcar_url: str, client_id: str, secret: str, email: str) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(
        f"{mockcar_url}/_mockcar/applications/{client_id}/connect",
        data=json.dumps({"email": email, "exchange": True}).encode(),
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["access_token"])


def headless() -> int:
    token = headless_token(
        os.environ["MOCKCAR_URL"], os.environ["SMARTCAR_CLIENT_ID"],
        os.environ["SMARTCAR_CLIENT_SECRET"], os.environ.get("OWNER_EMAIL", "alice@example.com"),
    )
    vehicle_ids = smartcar.get_vehicles(token).vehicles
    for vehicle_id in vehicle_ids:
        vehicle = smartcar.Vehicle(vehicle_id, token)
        info = vehicle.attributes()
        odometer = vehicle.odometer()
        print(f"{info.year} {info.make} {info.model}: {odometer.distance} km")
    # A car can only be locked with its doors shut (VEHICLE_STATE DOOR_OPEN otherwise).
    closed = next(
        smartcar.Vehicle(v, token) for v in vehicle_ids
        if all(door["status"] == "CLOSED"
               for door in smartcar.Vehicle(v, token).lock_status().doors)
    )
    closed.unlock()
    unlocked = not closed.lock_status().is_locked
    closed.lock()
    locked = closed.lock_status().is_locked
    print(f"unlock then lock: {'ok' if unlocked and locked else 'FAILED'}")
    return 0 if unlocked and locked else 1


class App(BaseHTTPRequestHandler):
    # The Connect `state` values this app handed out, so /exchange accepts only its own.
    states: ClassVar[set[str]] = set()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/":
            self.home()
        elif url.path == "/exchange":
            self.exchange(query)
        else:
            self.page(404, "<h1>Not found</h1>")

    def home(self) -> None:
        # Client id, secret and redirect URI come from SMARTCAR_CLIENT_ID,
        # SMARTCAR_CLIENT_SECRET and SMARTCAR_REDIRECT_URI.
        client = smartcar.AuthClient(mode=MODE)
        state = secrets.token_urlsafe(8)
        self.states.add(state)
        url = client.get_auth_url(SCOPE, {"state": state})
        self.page(200, f'<h1>Example app</h1><a id="connect" href="{html.escape(url)}">'
                       "Connect a vehicle</a>")

    def exchange(self, query: dict[str, str]) -> None:
        if query.get("state") not in self.states:
            self.page(400, '<h1 id="error">Unknown state</h1>')
            return
        self.states.discard(query["state"])
        if "error" in query:
            self.page(200, f'<h1 id="error">{html.escape(query["error"])}</h1>')
            return
        client = smartcar.AuthClient(mode=MODE)
        access = client.exchange_code(query["code"])
        rows = []
        for vehicle_id in smartcar.get_vehicles(access.access_token).vehicles:
            vehicle = smartcar.Vehicle(vehicle_id, access.access_token)
            info = vehicle.attributes()
            rows.append(f'<li data-id="{html.escape(vehicle_id)}">{info.year} {info.make} '
                        f"{info.model}: {vehicle.odometer().distance:.0f} km</li>")
        self.page(200, '<h1>Connected</h1><ul id="vehicles">' + "".join(rows) + "</ul>")

    def page(self, status: int, body: str) -> None:
        data = f"<!doctype html><title>Example app</title>{body}".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve() -> int:
    host = os.environ.get("APP_HOST", "0.0.0.0")
    port = int(os.environ.get("APP_PORT", "8000"))
    server = ThreadingHTTPServer((host, port), App)
    print(f"example app on http://{host}:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(headless() if sys.argv[1:] == ["headless"] else serve())

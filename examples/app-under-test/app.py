"""An "app under test" that talks to Smartcar through the official Python SDK, pointed
at mockcar by environment only (see docker-compose.yml, service `app`).

It gets a token the way a test would, headlessly through mockcar's control API (no
browser in a container), then does what a real app does with the SDK: list the
vehicles, read each one's attributes and odometer, unlock and lock the first.
Exit status 0 means every call worked.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import urllib.request

import smartcar  # reads SMARTCAR_*_ORIGIN from the environment at import


def headless_token(mockcar_url: str, client_id: str, secret: str, email: str) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(
        f"{mockcar_url}/_mockcar/applications/{client_id}/connect",
        data=json.dumps({"email": email, "exchange": True}).encode(),
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["access_token"])


def main() -> int:
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


if __name__ == "__main__":
    sys.exit(main())

"""`mockcar serve --server granian` (the `mockcar[granian]` extra) as a user runs it: in a
subprocess, answering the API and the control API, sending webhooks from its lifespan,
logging requests on the console, and exiting 0 on SIGTERM."""

from __future__ import annotations

import httpx

from tests.test_cli import Served, mockcar
from tests.webhooks.receiver import Receiver

DEMO = "d3e0a9b1-0000-4000-8000-000000000001"
AMT = "demo-management-token"
TESLA = "5bc4f833-1351-4bdf-8185-277afcd07e25"


def test_granian_serves_reads_and_webhooks_and_stops_cleanly_on_sigterm() -> None:
    with Receiver(amt=AMT) as receiver, Served("--server", "granian", "--port", "0") as served:
        served.ready()
        base = f"http://127.0.0.1:{served.port}"
        control = f"{base}/_mockcar/applications/{DEMO}"
        amt = {"Authorization": f"Bearer {AMT}"}
        connected = httpx.post(f"{control}/connect", headers=amt,
                               json={"email": "alice@example.com", "exchange": True})
        assert connected.status_code == 200, connected.text
        bearer = {"Authorization": f"Bearer {connected.json()['access_token']}"}
        vehicles = httpx.get(f"{base}/v2.0/vehicles", headers=bearer)
        assert vehicles.status_code == 200 and TESLA in vehicles.json()["vehicles"]
        odometer = httpx.get(f"{base}/v2.0/vehicles/{TESLA}/odometer", headers=bearer)
        assert odometer.status_code == 200 and odometer.json()["distance"] > 0

        created = httpx.post(f"{control}/webhooks", headers=amt, json={
            "id": "wh-granian", "url": receiver.url, "signals": ["closure-islocked"]})
        assert created.status_code == 201, created.text
        receiver.wait_kind("VERIFY")
        user = httpx.get(f"{base}/v2.0/user", headers=bearer).json()["id"]
        subscribed = httpx.post(f"{base}/v3/subscriptions", headers=amt, json={"data": {
            "attributes": {"webhookId": "wh-granian", "userId": user, "vehicleId": TESLA}}})
        assert subscribed.status_code == 202, subscribed.text
        [state] = receiver.wait_kind("VEHICLE_STATE")
        assert state.json["data"]["vehicle"]["id"] == TESLA

        served.until(f"GET /v2.0/vehicles/{TESLA}/odometer 200")
        stderr = served.stop()
        assert served.process.returncode == 0, stderr
        assert "Traceback" not in stderr


def test_an_unknown_server_is_one_line_and_exit_2() -> None:
    result = mockcar("serve", "--server", "gunicorn")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("mockcar: --server must be one of uvicorn, granian, "
                             "got 'gunicorn'\n")

"""The monitor's pages over HTTP: what a webhook's card says, what the faults form and
the requests filter suggest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.connect.brands import make_name
from mockcar.settings import Settings
from tests.control.helpers import ALICE

LOCAL = "http://127.0.0.1:8765"


@pytest.fixture
def http() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), base_url=LOCAL) as client:
        yield client


@pytest.mark.parametrize(("every", "shown"), [
    ("1h", "every 1 h"), (86_400, "every 1 day"), (90, "every 90 s"), (5_400, "every 90 min"),
])
def test_a_scheduled_webhook_says_its_period_in_words(
    http: TestClient, every: str | int, shown: str
) -> None:
    application = next(iter(http.app.state.world.applications.values()))  # type: ignore[attr-defined]
    made = http.post(
        f"/_mockcar/applications/{application.client_id}/webhooks",
        headers={"Authorization": f"Bearer {application.management_token}"},
        json={"id": "scheduled", "name": "Scheduled", "trigger": {"schedule": {"every": every}}})
    assert made.status_code == 201, made.text
    page = http.get("/webhooks")
    assert page.status_code == 200
    card = page.text.split('data-webhook-id="scheduled"', 1)[1].split("</article>", 1)[0]
    assert f"<dt>Trigger</dt><dd>{shown}</dd>" in card


def test_the_faults_form_suggests_v2_and_v3_endpoints(http: TestClient) -> None:
    page = http.get("/faults")
    assert page.status_code == 200
    suggested = page.text.split('<datalist id="fault-endpoints">', 1)[1].split("</datalist>")[0]
    for endpoint in ("/odometer", "/battery", "/signals", "/signals/*", "/commands/*"):
        assert f'<option value="{endpoint}">' in suggested


def test_the_vehicle_filter_suggests_each_vehicle_seen_by_name(http: TestClient) -> None:
    world = http.app.state.world  # type: ignore[attr-defined]
    application = next(iter(world.applications.values()))
    connected = http.post(
        f"/_mockcar/applications/{application.client_id}/connect",
        headers={"Authorization": f"Bearer {application.management_token}"},
        json={"email": ALICE[0], "exchange": True}).json()
    vehicle_id = connected["vehicles"][0]
    read = http.get(f"/v2.0/vehicles/{vehicle_id}/odometer",
                    headers={"Authorization": f"Bearer {connected['access_token']}"})
    assert read.status_code == 200
    vehicle = world.vehicles[vehicle_id]
    page = http.get("/requests").text
    suggested = page.split('<datalist id="seen-vehicles">', 1)[1].split("</datalist>")[0]
    assert (f'<option value="{vehicle_id}" label="{vehicle.year} {make_name(vehicle.make)} '
            f'{vehicle.model}">') in suggested

"""The registry's limit (Settings.max_applications, MOCKCAR_MAX_APPLICATIONS): one more
registration is a 429 that says so, and no registered application is ever dropped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.settings import Settings


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app(Settings(max_applications=3))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def _register(client: TestClient) -> dict[str, str]:
    response = client.post("/_mockcar/applications", json={})
    assert response.status_code == 201, response.text
    body: dict[str, str] = response.json()
    return body


def test_registering_past_the_limit_is_refused_and_nothing_is_evicted(
    client: TestClient,
) -> None:
    held = [_register(client) for _ in range(3)]
    refused = client.post("/_mockcar/applications", json={"name": "one too many"})
    assert refused.status_code == 429, refused.text
    body = refused.json()
    assert (body["error"], body["status"]) == ("too_many_applications", 429)
    assert "holds 3 registered applications" in body["message"]
    assert "MOCKCAR_MAX_APPLICATIONS" in body["message"]
    assert "none was dropped" in body["message"]
    for app in held:  # every application, the oldest too, still answers with its token
        path = f"/_mockcar/applications/{app['client_id']}"
        mine = client.get(path, headers={"Authorization": f"Bearer {app['management_token']}"})
        assert mine.status_code == 200, mine.text
    oldest = held[0]
    deleted = client.post(f"/_mockcar/applications/{oldest['client_id']}/delete",
                          headers={"Authorization": f"Bearer {oldest['management_token']}"})
    assert deleted.status_code == 200, deleted.text
    _register(client)  # deleting one makes room for one
    assert client.post("/_mockcar/applications", json={}).status_code == 429


def test_a_server_reset_makes_room(client: TestClient) -> None:
    for _ in range(3):
        _register(client)
    assert client.post("/_mockcar/applications", json={}).status_code == 429
    assert client.post("/_mockcar/reset", json={}).status_code == 200
    _register(client)


def test_the_limit_is_a_setting() -> None:
    assert Settings().max_applications == 2000
    assert Settings.from_env({"MOCKCAR_MAX_APPLICATIONS": "50"}).max_applications == 50
    for bad in ("0", "-3", "many", "2.5"):
        with pytest.raises(ValueError, match="MOCKCAR_MAX_APPLICATIONS must be"):
            Settings.from_env({"MOCKCAR_MAX_APPLICATIONS": bad})

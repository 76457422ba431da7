"""One rule for a webhook's URL (mockcar.domain.webhooks.receiver_url): the scenario file
and the control API refuse the same URLs, each in its own error shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.webhooks.receiver_url import WebhookURLError, receiver_url
from mockcar.domain.world.world import Application, World
from mockcar.scenario import ScenarioError, load_scenario
from mockcar.settings import Settings

BAD = [
    "http://",  # no host
    "https:///hooks",  # no host either
    "http://:8000/hooks",  # a port and no host
    "ftp://app.example/hooks",  # not http(s)
    "app.example/hooks",  # relative
    "not-a-url",
    "http://app example/hooks",  # a space
    "http://app.example:99999/hooks",  # no such port
]
GOOD = ["http://127.0.0.1:8000/webhooks", "https://app.example/hooks?team=1",
        "http://[::1]:9000/"]

SCENARIO = """\
version: 1
applications:
  - name: App
    client_id: c1
    client_secret: s
    redirect_uris: [https://app.example/cb]
    webhooks:
      - {{id: wh, name: Hook, url: '{url}'}}
"""


@pytest.mark.parametrize("url", BAD)
def test_the_domain_refuses(url: str) -> None:
    with pytest.raises(WebhookURLError, match="absolute http"):
        receiver_url(url)


@pytest.mark.parametrize("url", GOOD)
def test_the_domain_accepts(url: str) -> None:
    assert receiver_url(url) == url


@pytest.mark.parametrize("url", BAD)
def test_a_scenario_refuses_it_at_its_path(url: str, tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO.format(url=url))
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    (problem,) = refused.value.problems
    assert problem.path == "applications[0].webhooks[0].url"
    assert "absolute http(s) URL" in problem.message


@pytest.mark.parametrize("url", GOOD)
def test_a_scenario_accepts_it(url: str, tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO.format(url=url))
    assert load_scenario(path).applications[0].webhooks[0].url == url


@pytest.mark.parametrize("url", BAD)
def test_the_control_api_refuses_it_with_a_problem(url: str, world: World,
                                                   app: Application) -> None:
    client = TestClient(create_app(Settings(), world), base_url="http://localhost")
    response = client.post(f"/_mockcar/applications/{app.client_id}/webhooks",
                           headers={"Authorization": f"Bearer {app.management_token}"},
                           json={"id": "wh-bad", "name": "Bad", "url": url})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_request"
    (problem,) = body["problems"]
    assert problem.startswith("url: must be an absolute http(s) URL")
    assert not any(w.id == "wh-bad" for w in world.applications[app.client_id].webhooks)

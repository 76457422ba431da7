"""Applications declare webhooks in the scenario: `applications[].webhooks`."""

from __future__ import annotations

from mockcar.domain.webhooks.webhook import Webhook
from mockcar.domain.world.clock import Clock
from mockcar.scenario import ScenarioError, build_world, load_scenario
from mockcar.settings import default_scenario
from tests.scenario.conftest import WriteScenario

APP = """\
  - name: {name}
    client_id: {client_id}
    client_secret: s
    redirect_uris: [https://app.example/cb]
    webhooks:
{webhooks}"""


def scenario(*apps: tuple[str, str]) -> str:
    text = "version: 1\napplications:\n"
    for i, (client_id, webhooks) in enumerate(apps):
        text += APP.format(name=f"App {i}", client_id=client_id, webhooks=webhooks)
    return text


def problems(write_scenario: WriteScenario, text: str) -> list[tuple[int, str, str]]:
    try:
        load_scenario(write_scenario(text))
    except ScenarioError as error:
        return [(p.line or 0, p.path, p.message) for p in error.problems]
    return []


def test_webhooks_reach_the_application(write_scenario: WriteScenario, clock: Clock) -> None:
    text = scenario(("c1", ("      - {id: wh-1, name: Battery, url: https://app.example/hook}\n"
                           "      - {id: wh-2, name: Charging}\n")))
    world = build_world(load_scenario(write_scenario(text)), clock=clock)
    assert world.applications["c1"].webhooks == (
        Webhook("wh-1", "Battery", "https://app.example/hook"), Webhook("wh-2", "Charging"),
    )
    assert world.subscriptions == {}


def test_webhook_ids_are_unique_across_applications(write_scenario: WriteScenario) -> None:
    text = scenario(("c1", "      - {id: shared, name: A}\n"),
                    ("c2", "      - {id: shared, name: B}\n"))
    found = problems(write_scenario, text)
    assert [(line, path) for line, path, _ in found] == [(14, "applications[1].webhooks[0].id")]
    assert "duplicate 'shared'" in found[0][2]


def test_webhook_fields_are_checked(write_scenario: WriteScenario) -> None:
    text = scenario(("c1", ("      - {id: a/b, name: A}\n"
                           "      - {id: ok, name: ' ', url: not-a-url}\n"
                           "      - {name: no id}\n")))
    paths = [path for _, path, _ in problems(write_scenario, text)]
    assert paths == [
        "applications[0].webhooks[0].id", "applications[0].webhooks[1].name",
        "applications[0].webhooks[1].url", "applications[0].webhooks[2].id",
    ]


def test_the_default_scenario_declares_a_demo_webhook() -> None:
    world = build_world(load_scenario(default_scenario()))
    (webhook,) = next(iter(world.applications.values())).webhooks
    assert webhook.name == "Demo battery webhook"
    assert webhook.url == "http://localhost:8000/webhooks"

"""Webhooks configured in a scenario: url, signals, trigger and version reach the World;
mistakes are reported at their line and key path (mockcar.scenario.schema.webhooks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockcar.domain.webhooks.webhook import (
    DEFAULT_SIGNALS,
    DEFAULT_V2_PATHS,
    V2,
    V3,
    Trigger,
    Webhook,
    seconds,
)
from mockcar.domain.world.clock import Clock
from mockcar.scenario import ScenarioError, build_world, load_scenario

HEAD = """\
version: 1
applications:
  - name: App
    client_id: c1
    client_secret: s
    redirect_uris: [https://app.example/cb]
    webhooks:
"""


def load(tmp_path: Path, hooks: str) -> tuple[Webhook, ...]:
    path = tmp_path / "scenario.yaml"
    path.write_text(HEAD + hooks)
    return build_world(load_scenario(path), clock=Clock()).applications["c1"].webhooks


def problems(tmp_path: Path, hooks: str) -> list[tuple[int | None, str, str]]:
    path = tmp_path / "scenario.yaml"
    path.write_text(HEAD + hooks)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [(p.line, p.path, p.message) for p in caught.value.problems]


def test_every_field_reaches_the_world(tmp_path: Path) -> None:
    hooks = load(tmp_path, """\
      - id: wh-state
        name: State
        url: http://localhost:9000/hooks
        signals: [tractionbattery-stateofcharge, charge-ischarging]
      - id: wh-hourly
        name: Hourly
        url: https://app.example/v2
        version: v2
        signals: [/odometer, /battery, /]
        trigger: {schedule: {every: 1h30m}}
      - {id: wh-bare, name: Bare}
""")
    assert hooks == (
        Webhook("wh-state", "State", "http://localhost:9000/hooks",
                ("tractionbattery-stateofcharge", "charge-ischarging"), Trigger(), V3),
        Webhook("wh-hourly", "Hourly", "https://app.example/v2", ("/odometer", "/battery", "/"),
                Trigger(every_seconds=5400), V2),
        Webhook("wh-bare", "Bare"),
    )
    assert hooks[0].trigger.on_change and not hooks[1].trigger.on_change
    assert hooks[2].carried == DEFAULT_SIGNALS
    assert Webhook("x", "x", version=V2).carried == DEFAULT_V2_PATHS


@pytest.mark.parametrize(("raw", "expected"), [
    ("1h", 3600), ("15m", 900), ("30s", 30), ("1d", 86400), ("1h30m", 5400), (120, 120)])
def test_schedule_durations(raw: str | int, expected: int) -> None:
    assert seconds(raw) == expected


@pytest.mark.parametrize("raw", ["1 hour", "h", "", "0s", 0, True, 1.5, "-1h"])
def test_bad_durations_are_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="duration|at least 1 second"):
        seconds(raw)


@pytest.mark.parametrize(("hook", "line", "path", "text"), [
    ("      - {id: w, name: W, signals: [odometer]}\n", 8,
     "applications[0].webhooks[0].signals", "'odometer' is not a signal code"),
    ("      - {id: w, name: W, version: v2, signals: [/odometer, /nope]}\n", 8,
     "applications[0].webhooks[0].signals", "'/nope' is not a Vehicle API GET path"),
    ("      - {id: w, name: W, signals: [closure-islocked, closure-islocked]}\n", 8,
     "applications[0].webhooks[0].signals", "lists an entry twice"),
    ("      - {id: w, name: W, version: v4}\n", 8,
     "applications[0].webhooks[0].version", "v2"),
    ("      - {id: w, name: W, url: ftp://app.example/x}\n", 8,
     "applications[0].webhooks[0].url", "absolute http(s) URL"),
    ("      - id: w\n        name: W\n        trigger: {schedule: {every: soon}}\n", 10,
     "applications[0].webhooks[0].trigger", "duration"),
    ("      - id: w\n        name: W\n        trigger: sometimes\n", 10,
     "applications[0].webhooks[0].trigger", ""),
])
def test_mistakes_are_located(tmp_path: Path, hook: str, line: int, path: str,
                              text: str) -> None:
    found = problems(tmp_path, hook)
    assert any(p[1].startswith(path) and text in p[2] for p in found), found
    assert all(p[0] is not None and p[0] >= line - 2 for p in found), found


def test_a_webhook_may_name_a_separate_url_for_vehicle_errors(tmp_path: Path) -> None:
    [hook] = load(tmp_path, """\
      - id: wh-split
        name: Split
        url: http://localhost:9000/data
        error_url: http://localhost:9000/errors
""")
    assert hook.error_url == "http://localhost:9000/errors"
    assert hook.url_for("VEHICLE_ERROR") == "http://localhost:9000/errors"
    assert hook.url_for("VEHICLE_STATE") == hook.url_for("VERIFY") == "http://localhost:9000/data"
    [(line, where, message)] = problems(tmp_path, """\
      - {id: wh-bad, name: Bad, url: http://localhost:9000/data, error_url: ftp://x}
""")
    assert where.endswith("error_url") and line == 8 and "ftp" in message

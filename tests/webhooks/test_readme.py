"""The Webhooks page (docs/webhooks.md) shows webhooks a scenario accepts."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from mockcar.domain.webhooks.webhook import V2, Trigger
from mockcar.scenario.schema.webhooks import WebhookSpec

PAGE = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def test_the_readme_webhooks_are_valid() -> None:
    section = PAGE.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    [application] = yaml.safe_load(block.group(1))["applications"]
    hooks = [WebhookSpec.model_validate(w).webhook() for w in application["webhooks"]]
    assert [(h.version, h.trigger) for h in hooks] == [
        ("v3", Trigger()), (V2, Trigger(every_seconds=3600))]

"""`mockcar serve` keeps each scenario it validated in the user's cache folder
(mockcar.scenario.cache): a later start of the same text builds the same World from
there, without PyYAML, pydantic or a validation; a changed file is read and validated
again, with its problems located as ever; a cache that cannot be used is only a slower
start. Checked through the CLI in fresh interpreters (the server stubbed), and by
comparing Worlds, never by timing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import Scenario, build_world, cache, load_scenario
from mockcar.settings import bundled_scenarios
from tests.support.stub_serve import REPLACE_SERVE

ROOT = Path(__file__).resolve().parents[2]

# `mockcar serve` with its server replaced: what the start imported and built.
START = """
import json, sys
from mockcar import cli
seen = {}
def serve(settings, world, sock=None, **kwargs):
    seen.update(yaml="yaml" in sys.modules, metadata="importlib.metadata" in sys.modules,
                pydantic="pydantic" in sys.modules,
                vehicles=sorted((v.vin, v.state.odometer_km) for v in world.vehicles.values()))
    if sock is not None:
        sock.close()
""" + REPLACE_SERVE + """code = cli.main(["serve", "--quiet", "--port", "0", *sys.argv[1:]])
print(json.dumps({**seen, "code": code}))
"""


def start(cache_home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    return subprocess.run([sys.executable, "-c", START, *args], check=False, cwd=ROOT,
                          env={**env, "PYTHONPATH": str(ROOT),
                               "XDG_CACHE_HOME": str(cache_home)},
                          capture_output=True, text=True, timeout=120)


def served(cache_home: Path, *args: str) -> dict[str, object]:
    result = start(cache_home, *args)
    assert result.returncode == 0, result.stderr
    seen: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    assert seen["code"] == 0
    return seen


def kept(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "mockcar" / "scenarios").glob("*.json"))


def described(world: World) -> dict[str, str]:
    """Everything the World holds (vehicles with their timelines, owners, applications
    and webhooks, latency, faults, rate limits, commands...), as text."""
    found = {}
    for name, value in vars(world).items():
        if name != "clock":
            text = (repr(sorted(repr(v) for v in value.values())) if hasattr(value, "values")
                    else repr(value) + repr(getattr(value, "__dict__", "")))
            found[name] = re.sub(r" at 0x[0-9a-f]+", "", text)
    return found


def built(scenario: Any) -> dict[str, str]:
    return described(build_world(scenario, clock=Clock(frozen_at=AT)))


AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
TESTS = ROOT / "tests"


@pytest.mark.parametrize("path", [
    *sorted(bundled_scenarios().glob("*.yaml")),
    *(p for p in sorted(TESTS.rglob("*.yaml")) if "bad" not in p.parts)], ids=str)
def test_a_kept_scenario_builds_the_world_the_validated_one_does(
        path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    try:
        validated = load_scenario(path, cached=True)  # validates, and keeps it
    except Exception:  # noqa: BLE001  (a test's deliberately broken file)
        pytest.skip("not a valid scenario")
    text = path.read_text(encoding="utf-8-sig")
    again = cache.load(text)
    if validated.fleet is not None or validated.fleets:
        assert again is None and not kept(tmp_path)  # fleets are validated at every start
        return
    assert again is not None and not isinstance(again, Scenario)
    assert len(kept(tmp_path)) == 1
    world = built(validated)
    assert built(again) == world
    assert "Vehicle(" in world["vehicles"]
    # and what the stand-ins answer, as their models do
    for spec, twin in zip(validated.owners, again.owners, strict=True):  # type: ignore[attr-defined]
        for vehicle, copy in zip(spec.vehicles, twin.vehicles, strict=True):
            assert (copy.needs_battery, copy.needs_fuel) == (vehicle.needs_battery,
                                                             vehicle.needs_fuel)
            if vehicle.timeline is not None:
                assert (copy.timeline.repeats, copy.timeline.charges) == (
                    vehicle.timeline.repeats, vehicle.timeline.charges)
    for app, twin in zip(validated.applications, again.applications, strict=True):  # type: ignore[attr-defined]
        assert [w.webhook() for w in twin.webhooks] == [w.webhook() for w in app.webhooks]
    assert [f.error() for f in again.faults] == [f.error() for f in validated.faults]  # type: ignore[attr-defined]


def test_a_second_start_takes_the_scenario_from_the_cache(tmp_path: Path) -> None:
    first = served(tmp_path)
    assert first["yaml"] and kept(tmp_path)
    second = served(tmp_path)
    # neither PyYAML nor pydantic (nor a validator's plugin scan: importlib.metadata)
    assert not second["yaml"] and not second["pydantic"] and not second["metadata"]
    assert second["vehicles"] == first["vehicles"]


def test_a_changed_file_is_validated_again(tmp_path: Path) -> None:
    scenario = tmp_path / "mine.yaml"
    text = (bundled_scenarios() / "default.yaml").read_text(encoding="utf-8")
    scenario.write_text(text, encoding="utf-8")
    home = tmp_path / "cache"
    before = served(home, "--scenario", str(scenario))
    assert served(home, "--scenario", str(scenario))["yaml"] is False
    assert "odometer: 21500.3" in text
    scenario.write_text(text.replace("odometer: 21500.3", "odometer: 4242.5"), encoding="utf-8")
    after = served(home, "--scenario", str(scenario))
    assert after["yaml"]  # read again
    assert ["5YJ3E1EA0NF123456", 4242.5] in after["vehicles"]  # type: ignore[operator]
    assert ["5YJ3E1EA0NF123456", 21500.3] in before["vehicles"]  # type: ignore[operator]
    lines = text.splitlines()
    line = next(i for i, row in enumerate(lines, 1) if "odometer: 21500.3" in row)
    scenario.write_text(text.replace("odometer: 21500.3", "odometer: -1"), encoding="utf-8")
    refused = start(home, "--scenario", str(scenario))
    assert refused.returncode == 1
    assert f"{scenario}:{line}: owners[0].vehicles[0].odometer:" in refused.stderr


def test_a_cache_that_cannot_be_used_is_only_a_slower_start(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    assert served(blocked)["yaml"]
    assert served(blocked)["yaml"]  # nothing kept, nothing broken
    home = tmp_path / "cache"
    served(home)
    (entry,) = kept(home)
    entry.write_text(json.dumps({"model": "builtins.object", "fields": {}, "set": []}))
    assert served(home)["yaml"]  # not one of the schema's models: validated instead
    entry.write_text("{not json")
    assert served(home)["yaml"]
    assert served(home)["yaml"] is False  # written back as it should be
    entry.chmod(0o666)  # others may write it: not read
    assert served(home)["yaml"]


def test_a_kept_field_never_hides_a_stand_ins_method() -> None:
    from mockcar.scenario import specs

    with pytest.raises(ValueError, match="not a field name"):
        specs.kept("WebhookSpec", {"webhook": "not a method"})
    with pytest.raises(ValueError, match="not a field name"):
        specs.kept("VehicleSpec", {"__class__": "not a class"})
    vehicle = specs.kept("VehicleSpec", {"model": "Model 3", "fuel": None, "battery": None,
                                         "plugged_in": None, "charging": None,
                                         "charge_limit": None, "timeline": None})
    assert vehicle.model == "Model 3" and not vehicle.needs_battery  # type: ignore[attr-defined]

"""`mockcar serve` keeps each scenario it validated in the user's cache folder
(mockcar.scenario.cache): a later start of the same text takes the same `Scenario` from
there, without PyYAML or a validation; a changed file is read and validated again, with
its problems located as ever; a cache that cannot be used is only a slower start.
Checked through the CLI in fresh interpreters (the server stubbed), and by comparing
scenarios, never by timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockcar.scenario import cache, load_scenario
from mockcar.settings import bundled_scenarios

ROOT = Path(__file__).resolve().parents[2]

# `mockcar serve` with its server replaced: what the start imported and built.
START = """
import importlib.machinery, json, sys
from mockcar import cli
seen = {}
def serve(settings, world, sock=None, **kwargs):
    seen.update(yaml="yaml" in sys.modules, metadata="importlib.metadata" in sys.modules,
                vehicles=sorted((v.vin, v.state.odometer_km) for v in world.vehicles.values()))
    if sock is not None:
        sock.close()
class StubServe:
    def find_spec(self, name, path=None, target=None):
        if name != "mockcar.server":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            module.serve = serve
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, StubServe())
code = cli.main(["serve", "--quiet", "--port", "0", *sys.argv[1:]])
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


@pytest.mark.parametrize("name", sorted(p.name for p in bundled_scenarios().glob("*.yaml")))
def test_a_kept_scenario_is_the_validated_one(name: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = bundled_scenarios() / name
    validated = load_scenario(path, cached=True)  # validates, and keeps it
    assert len(kept(tmp_path)) == 1
    text = path.read_text(encoding="utf-8-sig")
    again = cache.load(text)
    assert again is not None and again is not validated
    assert again == validated
    assert repr(again) == repr(validated)
    # what was given in the file, as opposed to defaults
    assert again.model_dump(exclude_unset=True) == validated.model_dump(exclude_unset=True)
    assert load_scenario(path, cached=True) == validated


def test_a_second_start_takes_the_scenario_from_the_cache(tmp_path: Path) -> None:
    first = served(tmp_path)
    assert first["yaml"] and kept(tmp_path)
    second = served(tmp_path)
    # neither PyYAML nor a pydantic validator (whose plugin scan imports importlib.metadata)
    assert not second["yaml"] and not second["metadata"]
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

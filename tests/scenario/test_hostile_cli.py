"""Hostile scenario files through the `mockcar` command, in a separate process: one line
per problem on stderr, a non-zero exit, no traceback, no banner."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "scenario" / "bad" / "hostile"
BOMB = HOSTILE / "alias_bomb_lists.yaml"


def mockcar(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    result = subprocess.run(
        [sys.executable, "-m", "mockcar.cli", *map(str, args)], capture_output=True,
        text=True, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120, check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_validate_locates_every_hostile_file_in_one_run() -> None:
    files = sorted(HOSTILE.iterdir())
    result = mockcar("validate", *files)
    assert (result.returncode, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    located = re.compile(r"^(?P<file>.+?\.yaml):(?P<line>\d+): \S")
    named = {m["file"] for m in map(located.match, lines) if m is not None}
    assert all(located.match(line) for line in lines), lines
    assert named == {str(f) for f in files}
    assert f"{BOMB}:6: x-l4[3]: the alias *l3 repeats 11,111 values" in result.stderr


def test_validate_lists_a_missing_version_with_every_other_problem() -> None:
    path = HOSTILE / "missing_version_and_more.yaml"
    result = mockcar("validate", path)
    assert result.returncode == 1
    assert [line.split(": ")[:2] for line in result.stderr.splitlines()] == [
        [f"{path}:1", "version"],
        [f"{path}:7", "owners[0].vehicles[0].year"],
        [f"{path}:8", "owners[0].vehicles[0].colour"],
    ]


def test_validate_refuses_twenty_megabytes_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"version: 1\nx-filler: '" + b"x" * (20 * 2**20) + b"'\n")
    result = mockcar("validate", path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"{path}: larger than 10 MiB; a scenario file is a few kB\n"


def test_serve_refuses_an_alias_bomb_before_the_banner() -> None:
    result = mockcar("serve", "--scenario", BOMB, "--port", "0")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"mockcar: {BOMB}:6: x-l4[3]: the alias *l3 repeats ")
    assert len(result.stderr.splitlines()) == 1


def test_serve_refuses_a_control_character_with_its_column() -> None:
    path = HOSTILE / "control_character.yaml"
    result = mockcar("serve", "--scenario", path, "--port", "0")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"mockcar: {path}:4: column 19: U+0008 (backspace) ")

"""`mockcar validate` and `mockcar serve --scenario` as a user runs them: in a separate
process, judged by exit code and output, never showing a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "default.yaml"
BAD = ROOT / "tests" / "scenario" / "bad"


def mockcar(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env = {k: v for k, v in env.items() if not k.startswith("MOCKCAR_")}
    result = subprocess.run(
        [sys.executable, "-m", "mockcar.cli", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout, check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_validate_good_file() -> None:
    result = mockcar("validate", DEFAULT)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{DEFAULT}: ok\n", "")


def test_validate_bad_file_prints_located_error_on_stderr() -> None:
    result = mockcar("validate", "tests/scenario/bad/bad_enum.yaml")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "tests/scenario/bad/bad_enum.yaml:9: owners[0].vehicles[1].powertrain: "
        "must be one of BEV, PHEV, HEV, ICE, got 'EV'\n"
    )


def test_validate_reports_every_problem_of_a_file() -> None:
    result = mockcar("validate", "tests/scenario/bad/several_problems.yaml")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        "tests/scenario/bad/several_problems.yaml:3",
        "tests/scenario/bad/several_problems.yaml:6",
        "tests/scenario/bad/several_problems.yaml:7",
    ]


def test_validate_many_files_checks_them_all() -> None:
    bad = sorted(BAD.glob("*.yaml"))
    result = mockcar("validate", DEFAULT, *bad)
    assert result.returncode == 1
    assert result.stdout == f"{DEFAULT}: ok\n"
    for path in bad:
        assert f"{path}:" in result.stderr


# kind -> (file name, bytes or None for "do not create", expected stderr fragment)
UNUSABLE = {
    "missing": ("missing.yaml", None, "missing.yaml: no such file"),
    "directory": ("", None, ": is a directory, not a scenario file"),
    "binary": ("junk.yaml", bytes(range(256)), "junk.yaml: looks like a binary file"),
    "not-utf8": ("latin.yaml", b"owners: j\xf6rg\n", "latin.yaml:1: not UTF-8 text"),
    "empty": ("empty.yaml", b"", "empty.yaml:1: the file is empty"),
    "syntax": ("bad.yaml", b"version: 1\nowners: [\n", "bad.yaml:3: not valid YAML"),
}


@pytest.mark.parametrize("kind", list(UNUSABLE))
def test_validate_unusable_files_in_one_line(tmp_path: Path, kind: str) -> None:
    name, content, expected = UNUSABLE[kind]
    target = tmp_path / name if name else tmp_path
    if content is not None:
        target.write_bytes(content)
    result = mockcar("validate", target)
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert expected in result.stderr


def test_validate_without_files_is_a_usage_error() -> None:
    result = mockcar("validate")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_serve_refuses_a_bad_scenario_before_listening() -> None:
    result = mockcar("serve", "--scenario", "tests/scenario/bad/battery_on_ice.yaml", "--port", "0")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "mockcar: tests/scenario/bad/battery_on_ice.yaml:10: owners[0].vehicles[0].battery: "
    )


def test_serve_refuses_a_missing_scenario(tmp_path: Path) -> None:
    result = mockcar("serve", "--scenario", tmp_path / "gone.yaml", "--port", "0")
    assert result.returncode == 1
    assert result.stderr == f"mockcar: {tmp_path / 'gone.yaml'}: no such file\n"

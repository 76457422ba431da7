"""mockcar as another project gets it (docs/install.md): `make dist`'s build, once, then
the wheel installed into a fresh virtual environment, where the `mockcar` command runs
and pytest finds the plugin's fixtures with nothing but the install.

The fresh environment gets mockcar from the wheel alone (`--no-deps`); its dependencies
come from this test's environment through a path entry, which adds modules to import but
no site directory (so not this checkout's editable mockcar). Installing every dependency
anew would cost a minute for what `pip check` tells as well: that the wheel's
requirements are met.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# The build makes an isolated environment and installs hatchling into it: on a loaded
# machine that alone can take minutes.
pytestmark = pytest.mark.timeout(600)

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").iterdir() if p.is_file())


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path


def run(*command: str | Path, cwd: Path | None = None) -> str:
    ran = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                         timeout=300, check=False)
    assert ran.returncode == 0, f"{command}:\n{ran.stdout}{ran.stderr}"
    return ran.stdout


def makefile_dist_command() -> str:
    """The command `make dist` runs, so the test builds what the target builds."""
    recipe = (ROOT / "Makefile").read_text().split("\ndist:", 1)[1].split("\n\n", 1)[0]
    [build] = [line.strip() for line in recipe.splitlines() if "-m build" in line]
    return build


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    assert makefile_dist_command() == "$(BIN)/python -m build --outdir $(DIST) ."
    run(sys.executable, "-m", "build", "--outdir", out, ".", cwd=ROOT)
    [wheel] = out.glob("mockcar-*-py3-none-any.whl")
    [sdist] = out.glob("mockcar-*.tar.gz")
    return Dist(wheel, sdist)


@pytest.fixture(scope="module")
def venv(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("project") / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", home)
    python = home / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
        "--no-index", dist.wheel)
    yield home


def test_the_wheel_holds_the_package_the_scenarios_and_the_entry_points(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = set(wheel.namelist())
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entries = wheel.read(entry_points).decode()
    assert {f"mockcar/scenarios/{name}" for name in SCENARIOS} <= names
    assert "mockcar/cli.py" in names and "mockcar/testing/plugin.py" in names
    assert not any(n.startswith(("tests/", "scenarios/")) for n in names)
    assert "[console_scripts]\nmockcar = mockcar.cli:main" in entries
    assert "[pytest11]\nmockcar = mockcar.testing.plugin" in entries


def test_the_sdist_holds_what_the_wheel_is_built_from(dist: Dist) -> None:
    with tarfile.open(dist.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "mockcar/cli.py"} <= names
    assert {f"scenarios/{name}" for name in SCENARIOS} <= names


def test_the_mockcar_command_runs_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    # Away from the checkout, whose mockcar/ would shadow the installed one.
    found = run(venv / "bin" / "python", "-c", "import mockcar; print(mockcar.__file__)",
                cwd=tmp_path)
    assert Path(found.strip()).is_relative_to(venv), "mockcar comes from the wheel"
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "check")
    assert run(venv / "bin" / "mockcar", "--version", cwd=tmp_path).strip()
    scenario = tmp_path / "mine.yaml"
    scenario.write_text(run(venv / "bin" / "python", "-c",
                            "from mockcar.settings import default_scenario; "
                            "print(default_scenario().read_text())", cwd=tmp_path))
    run(venv / "bin" / "mockcar", "validate", scenario, cwd=tmp_path)


def test_pytest_finds_the_plugin_with_nothing_but_the_install(
    venv: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_mine.py").write_text(
        "import mockcar.testing.plugin as plugin\n"
        "\n"
        "\n"
        "def test_a_fixture_of_the_wheel(mockcar, request):\n"
        f"    assert plugin.__file__.startswith({str(venv)!r})\n"
        "    assert request.config.pluginmanager.has_plugin('mockcar')\n"
        "    assert mockcar.vehicles(), 'the bundled default scenario has vehicles'\n"
        "    assert mockcar.connect().access_token\n"
    )
    output = run(venv / "bin" / "python", "-m", "pytest", "-p", "no:cacheprovider", "-q",
                 cwd=tmp_path)
    assert "1 passed" in output

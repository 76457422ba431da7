"""The README and docs/*.md run as written: every shell and Python block is extracted
and run against a live mockcar.

A fence's info string says how a block runs:

- ```` ```sh ````: bash (`set -euo pipefail`, curl failing on HTTP errors) in a scratch
  directory holding this checkout's `.venv` and `scenarios`, with 8765 (mockcar's default
  port, which the docs use) replaced by the test server's port;
- ```` ```python ````: a script, with the SDK environment pointed at the server (the docs
  export it first);
- ```` ```python pytest ````: a test file of a fresh project (pytester), with the example
  application (tests/examples/fleet_app.py) as `myapp` and `ev-fleet.yaml` beside it;
- ```` ```python connect ````: a script that prints a Connect URL and reads the code from
  stdin; a real Chromium walks the URL as a person would and types the code back;
- ```` ```sh no-run ````, ```` ```python no-run ````: cannot run here (`make run` serves
  forever, no Docker engine, `pip install` of this very package): counted, and each must
  name such a command;
- yaml, json, text: not run (scenario YAML is held to the schema elsewhere).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from mockcar.scenario import load_scenario, load_world
from mockcar.settings import sdk_environment
from mockcar.testing import MockcarServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
VENV = Path(sys.executable).parent.parent

SHELL, PYTHON = {"sh", "bash"}, {"python"}
NOT_CODE = {"yaml", "json", "text"}
FLAGS = {"no-run", "pytest", "connect"}
# What a no-run block may hold: commands that serve forever, need Docker or Node, or
# install this package. A curl or a `mockcar validate` must run.
CANNOT_RUN = ("make ", "docker ", "docker-compose ", "pip install ", "npx ", "$EDITOR ",
              "mockcar serve", ".venv/bin/mockcar serve")
PORT = "8765"
REDIRECT = "http://localhost:8000/exchange"


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    lang: str
    flags: frozenset[str]
    code: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def runs(self) -> bool:
        return self.lang in SHELL | PYTHON and "no-run" not in self.flags


def blocks(page: Path) -> list[Block]:
    found: list[Block] = []
    opened: tuple[int, str, frozenset[str]] | None = None
    body: list[str] = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if opened is None:
            if line.startswith("```"):
                lang, *flags = line[3:].split()
                opened, body = (number, lang, frozenset(flags)), []
        elif line.startswith("```"):
            found.append(Block(page, opened[0], opened[1], opened[2], "\n".join(body) + "\n"))
            opened = None
        else:
            body.append(line)
    assert opened is None, f"{page.name}:{opened[0]}: a fence is never closed"
    return found


ALL = [block for page in PAGES for block in blocks(page)]


def of(kind: set[str], flag: str | None) -> list[Block]:
    return [b for b in ALL if b.lang in kind and b.runs
            and (b.flags == frozenset() if flag is None else flag in b.flags)]


def params(chosen: list[Block]) -> list[object]:
    return [pytest.param(b, id=b.id) for b in chosen]


def commands(code: str) -> list[str]:
    """The command lines of a shell block: no comments, no continuation lines."""
    lines, continued = [], False
    for line in code.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not continued:
            lines.append(stripped)
        continued = stripped.endswith("\\")
    return lines


# -- what the pages hold --------------------------------------------------------------


def test_every_block_says_how_it_runs() -> None:
    assert len(PAGES) >= 10, "the README and its docs pages"
    for block in ALL:
        assert block.lang in SHELL | PYTHON | NOT_CODE, f"{block.id}: language {block.lang!r}"
        assert block.flags <= FLAGS, f"{block.id}: unknown flags {set(block.flags - FLAGS)}"
    runs = [b for b in ALL if b.runs]
    no_run = [b for b in ALL if "no-run" in b.flags]
    assert len(of(SHELL, None)) >= 5 and of(PYTHON, "pytest") and of(PYTHON, "connect")
    assert len(no_run) < len(runs), f"{len(no_run)} no-run blocks, {len(runs)} that run"


@pytest.mark.parametrize("block", params([b for b in ALL if "no-run" in b.flags]))
def test_a_no_run_block_holds_a_command_that_cannot_run_here(block: Block) -> None:
    assert block.lang in SHELL | PYTHON
    assert any(line.startswith(CANNOT_RUN) for line in commands(block.code)), (
        f"{block.id} is marked no-run but every command of it could run")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {slug(line.lstrip("#")) for line in page.read_text(encoding="utf-8").splitlines()
            if re.match(r"#{1,6} ", line)}


# `mockcar.journal` on the pages is the fixture's handle; these are the package's modules.
PACKAGE_NAMES = (r"`(mockcar\.(?:app|cli|settings|server|errors|testing|domain|scenario|web|"
                 r"oauth|delivery)(?:\.\w+)*)`")


def importable(dotted: str) -> bool:
    """A module, or an attribute of one (`mockcar.app.create_app`)."""
    module, _, attribute = dotted.rpartition(".")
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:  # a parent is a module, not a package
        return hasattr(importlib.import_module(module), attribute)


def test_every_source_path_named_exists() -> None:
    """Modules and folders the pages point readers to (`mockcar/web/guard.py`,
    `mockcar.testing.plugin`) exist."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for path in re.findall(r"(?<![\w/.])mockcar/[\w/]*?(?:\.py|/)(?![\w])", text):
            assert (ROOT / path).exists(), f"{page.relative_to(ROOT)} names {path}"
        for dotted in re.findall(PACKAGE_NAMES, text):
            assert importable(dotted), f"{page.relative_to(ROOT)} names {dotted}"


def test_every_local_link_and_image_resolves() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'src="([^"]+)"', text)
        for target in targets:
            if re.match(r"[a-z]+:", target):
                continue  # http(s), mailto
            path, _, fragment = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            assert linked.exists(), f"{page.relative_to(ROOT)}: {target} does not exist"
            if fragment and linked.suffix == ".md":
                assert fragment in anchors(linked), f"{page.relative_to(ROOT)}: {target}"


def scenario_blocks(page: str) -> list[Block]:
    return [b for b in ALL if b.page == ROOT / "docs" / page and b.lang == "yaml"]


def test_the_scenario_fragments_load(tmp_path: Path) -> None:
    """The Scenarios page's fleet and the Time page's vehicles, each put into a scenario
    file, pass `load_scenario` and build a World."""
    [fleet] = [b for b in scenario_blocks("scenarios.md") if b.code.startswith("fleet:")]
    [vehicles] = [b for b in scenario_blocks("time.md") if b.code.startswith("vehicles:")]
    owner = {"email": "docs@example.com", "password": "docs-password", "country": "US",
             **yaml.safe_load(vehicles.code)}
    for name, body in {"fleet": yaml.safe_load(fleet.code), "time": {"owners": [owner]}}.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump({"version": 1, **body}))
        scenario = load_scenario(path)
        assert scenario.version == 1
    world = load_world(tmp_path / "time.yaml")
    assert {v.make for v in world.vehicles.values()} == {"TESLA", "FORD"}


# -- shell and Python blocks against a live server ---------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """What the docs assume the current directory holds: a checkout's .venv and
    scenarios (linked: a block may write files, never into the checkout)."""
    (tmp_path / ".venv").symlink_to(VENV)
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    return tmp_path


def environment(server: MockcarServer) -> dict[str, str]:
    path = f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "PYTHONUNBUFFERED": "1", **sdk_environment(server.url)}


def port_of(server: MockcarServer) -> str:
    return str(server.settings.port)


@pytest.mark.parametrize("block", params(of(SHELL, None)))
def test_the_shell_block_runs(block: Block, server: MockcarServer, workdir: Path) -> None:
    script = ("set -euo pipefail\n"
              'curl() { command curl --fail-with-body --show-error "$@"; }\n'
              + block.code.replace(PORT, port_of(server)))
    ran = subprocess.run(["bash", "-c", script], cwd=workdir, env=environment(server),
                         capture_output=True, text=True, timeout=60, check=False)
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, f"{block.id}:\n{output}"
    assert "Traceback" not in output, output


@pytest.mark.parametrize("block", params(of(PYTHON, None)))
def test_the_python_block_runs(block: Block, server: MockcarServer, workdir: Path) -> None:
    (workdir / "block.py").write_text(block.code.replace(PORT, port_of(server)))
    ran = subprocess.run([sys.executable, "block.py"], cwd=workdir, env=environment(server),
                         capture_output=True, text=True, timeout=60, check=False)
    assert ran.returncode == 0, f"{block.id}:\n{ran.stdout}{ran.stderr}"


@pytest.mark.parametrize("block", params(of(PYTHON, "pytest")))
def test_the_pytest_block_passes(block: Block, pytester: pytest.Pytester) -> None:
    example = block.code
    package = pytester.mkpydir("myapp")
    (package / "fleet.py").write_text((HERE / "fleet_app.py").read_text(encoding="utf-8"))
    pytester.makefile(".yaml", **{"ev-fleet": (HERE / "ev-fleet.yaml").read_text()})
    pytester.makepyfile(test_readme=example)
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    tests = len(re.findall(r"^def test_", example, re.MULTILINE))
    assert tests, f"{block.id} holds no test"
    result.assert_outcomes(passed=tests)


# -- a Connect walkthrough, by a person in a browser -------------------------------------


def walk_connect(page: Page, url: str) -> str:
    """Open the printed URL, Continue, pick Toyota, sign in as the default scenario's
    alice, keep the vehicles ticked, Allow; the code of the redirect. What answers at
    localhost:8000, if anything, does not matter: the code is in the URL."""
    page.goto(url)
    page.click("#continue-button")
    page.click("button#TOYOTA.brand-list-item")
    page.fill("#username", "alice@example.com")
    page.fill("#password", "alice-password")
    page.click("#sign-in-button")
    with page.expect_request(lambda request: request.url.startswith(REDIRECT)) as back:
        page.click("#approval-button")
    query = parse_qs(urlsplit(back.value.url).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


@pytest.mark.parametrize("block", params(of(PYTHON, "connect")))
def test_the_connect_walkthrough_runs(
    block: Block, server: MockcarServer, workdir: Path, browser_page: Page
) -> None:
    (workdir / "block.py").write_text(block.code.replace(PORT, port_of(server)))
    with subprocess.Popen([sys.executable, "block.py"], cwd=workdir, env=environment(server),
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as script:
        try:
            assert script.stdout is not None
            url = script.stdout.readline().strip()
            assert re.match(rf"{re.escape(server.url)}/oauth/authorize\?", url), url
            code = walk_connect(browser_page, url)
            out, err = script.communicate(code + "\n", timeout=60)
        finally:
            if script.poll() is None:
                script.kill()
    assert script.returncode == 0, f"{block.id}:\n{out}{err}"
    assert out.rstrip().endswith("False"), "unlocked: lock_status().is_locked is False"

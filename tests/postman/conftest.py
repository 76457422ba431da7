"""The Postman collection's tests: the generated documents, and the node tools (newman,
Postman's collection SDK) that `make newman` installs into .newman/. A missing tool
fails the tests that need it: it never skips them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario
from mockcar.web.docs.postman import collection as postman

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".newman" / "node_modules"
BASE_URL = "http://127.0.0.1:8765"
HOW_TO = "run `make newman` (npm installs the pinned newman into .newman/)"


@pytest.fixture(scope="module")
def world() -> World:
    return load_world(default_scenario())


@pytest.fixture(scope="module")
def collection(world: World) -> dict[str, Any]:
    return postman.documents(world, BASE_URL)[postman.COLLECTION_FILE]


@pytest.fixture(scope="module")
def environment(world: World) -> dict[str, Any]:
    return postman.documents(world, BASE_URL)[postman.ENVIRONMENT_FILE]


def requests(items: list[dict[str, Any]], trail: tuple[str, ...] = ()
             ) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(folder names, item) of every request, in run order."""
    for item in items:
        if "item" in item:
            yield from requests(item["item"], (*trail, item["name"]))
        else:
            yield trail, item


def script(item: dict[str, Any], listen: str = "test") -> str:
    return "\n".join(line for event in item.get("event", []) if event["listen"] == listen
                     for line in event["script"]["exec"])


def tool(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: {HOW_TO}")
    return path


@pytest.fixture(scope="session")
def newman() -> Path:
    return tool(NODE_MODULES / ".bin" / "newman")


@pytest.fixture(scope="session")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail(f"node is not on PATH: {HOW_TO}")
    return found


def run_node(node: str, source: str, *args: str) -> Any:
    """Run a JavaScript program with Postman's collection SDK importable; its stdout
    is JSON."""
    tool(NODE_MODULES / "postman-collection")
    result = subprocess.run([node, "-e", source, "--", *args], capture_output=True,
                            text=True, timeout=60, check=False, cwd=NODE_MODULES.parent,
                            env={**os.environ, "NODE_PATH": str(NODE_MODULES)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)

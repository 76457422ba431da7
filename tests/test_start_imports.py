"""What `mockcar serve` imports before it answers: only what serving the default scenario
needs. Heavy libraries load when a request first needs them (Jinja2 with the first page,
authlib with the first token request, httpx with the first webhook sent, Faker with a
fleet's first names), so a start costs what it must. Checked in a fresh interpreter, by the modules loaded, never by timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Loaded on first use only: what each is for is named in the module that imports it.
LAZY = ("faker", "httpx", "httpcore", "rich", "pygments", "jinja2", "starlette.templating",
        "authlib", "mockcar.oauth")
# mockcar's own modules only a document needs: built when /openapi.json, /postman/... or
# `mockcar postman` first asks.
DOCUMENTS = ("mockcar.web.v3.openapi", "mockcar.web.v3.signal_schemas",
             "mockcar.web.docs.openapi.model", "mockcar.web.docs.openapi.operations", "mockcar.web.docs.openapi.schemas",
             "mockcar.web.docs.openapi.vehicle_endpoints",
             "mockcar.web.docs.postman.control_tour", "mockcar.web.docs.postman.setup_folder",
             "mockcar.web.docs.postman.v2_folders", "mockcar.web.docs.postman.v3_folders")

# The dashboard's pages: each module loads with the first request for its page.
PAGE_MODULES = tuple(f"mockcar.web.dashboard.{name}" for name in (
    "start", "vehicles", "add_vehicle", "vehicle_page", "monitor", "faults_page",
    "webhooks_page", "applications"))

SERVE = """
import json, sys
from mockcar import cli
args = cli._parser().parse_args(["serve", "--quiet"])
settings = cli._settings(args)
from mockcar.scenario import load_world
from mockcar.server import banner
from mockcar.app import create_app
world = load_world(settings.scenario, seed=settings.seed)
banner(settings, world)
app = create_app(settings, world)
{after}
print(json.dumps(sorted(sys.modules)))
"""

HOME = """
from starlette.testclient import TestClient
with TestClient(app) as client:
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200
"""

DOCUMENTS_ASKED = """
from starlette.testclient import TestClient
with TestClient(app) as client:
    for path in ("/openapi.json", "/postman/collection.json"):
        assert client.get(path, headers={"Host": "localhost"}).status_code == 200
"""


TOKEN_ASKED = """
from starlette.testclient import TestClient
with TestClient(app) as client:
    answer = client.post("/oauth/token", data={"grant_type": "refresh_token",
                                               "refresh_token": "unknown"})
    assert answer.status_code in (400, 401), answer.text
    assert "error" in answer.json()
"""


def loaded(after: str = "") -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    result = subprocess.run([sys.executable, "-c", SERVE.format(after=after)], cwd=ROOT,
                            env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True, timeout=120, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_serving_the_default_scenario_imports_no_heavy_library_before_a_request() -> None:
    modules = loaded()
    assert sorted(m for m in LAZY if m in modules) == []


def test_serving_builds_no_api_document_before_it_is_asked_for() -> None:
    modules = loaded()
    assert sorted(m for m in DOCUMENTS if m in modules) == []


def test_the_openapi_document_and_the_postman_collection_load_their_tables() -> None:
    modules = loaded(DOCUMENTS_ASKED)
    assert set(DOCUMENTS) <= modules


def test_the_first_token_request_brings_authlib_in() -> None:
    modules = loaded(TOKEN_ASKED)
    assert {"authlib", "mockcar.oauth.server"} <= modules


def test_the_first_page_brings_jinja2_in() -> None:
    modules = loaded(HOME)
    assert {"jinja2", "starlette.templating"} <= modules
    # and its own module only, of the dashboard's pages
    assert sorted(m for m in PAGE_MODULES if m in modules) == ["mockcar.web.dashboard.start"]


def test_serving_loads_no_dashboard_page_before_it_is_asked_for() -> None:
    modules = loaded()
    assert sorted(m for m in PAGE_MODULES if m in modules) == []


# Not loaded by a start whose scenario an earlier start validated (mockcar.scenario.cache):
# it builds its World from the kept form, without PyYAML, pydantic or a validator (whose
# plugin scan imports importlib.metadata).
WARM = ("yaml", "pydantic", "pydantic_core", "importlib.metadata")


def test_a_start_whose_scenario_was_validated_before_loads_no_yaml_nor_pydantic(
        tmp_path: Path) -> None:
    script = SERVE.replace("seed=settings.seed)", "seed=settings.seed, cached=True)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    env |= {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path)}
    starts = [set(json.loads(subprocess.run(
        [sys.executable, "-c", script.format(after="")], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=True).stdout.splitlines()[-1]))
        for _ in range(2)]
    assert set(WARM) <= starts[0]  # the first validates, and keeps what it validated
    assert sorted(m for m in WARM if m in starts[1]) == []


def test_the_command_line_reads_the_installed_version_only_for_version() -> None:
    code = ("import sys; from mockcar import cli; cli._parser().parse_args(['scenarios']); "
            "print('importlib.metadata' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.stdout.strip() == "False"


SERVE_STUBBED = """
import gc, json, sys
gc.disable()  # importing the server here stands for the import `mockcar serve` makes
import mockcar.server
gc.enable()
seen = {}
def serve(settings, world, sock=None, **kwargs):
    seen.update(enabled=gc.isenabled(), young=len(gc.get_objects(0)) + len(gc.get_objects(1)),
                old=len(gc.get_objects(2)), full=gc.get_stats()[2]["collections"] - before)
    if sock is not None:
        sock.close()
mockcar.server.serve = serve
from mockcar import cli
before = gc.get_stats()[2]["collections"]
code = cli.main(["serve", "--quiet", "--port", "0"])
print(json.dumps({**seen, "code": code, "after": gc.isenabled()}))
"""


def test_a_start_leaves_its_objects_to_the_collectors_oldest_generation() -> None:
    """`mockcar serve` builds its World with the cyclic collector paused, then hands it
    back on with everything made so far in the oldest generation: nothing was walked
    (no full collection), and the young generations start empty for the requests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    result = subprocess.run([sys.executable, "-c", SERVE_STUBBED], cwd=ROOT,
                            env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True,
                            text=True, timeout=120, check=True)
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["code"] == 0 and seen["enabled"] and seen["after"]
    assert seen["full"] == 0
    assert seen["young"] < 100
    assert seen["old"] > 10_000

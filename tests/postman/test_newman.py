"""The exported collection run by newman, Postman's command-line runner, against a live
mockcar: every request answers and every test script passes, top to bottom (no --bail).
And Postman's own collection SDK reads the documents as we meant them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from mockcar.cli import main
from mockcar.settings import default_scenario
from mockcar.testing.server import MockcarServer
from mockcar.web import postman
from tests.postman.conftest import run_node

NEWMAN_TIMEOUT = 300  # seconds; a run takes a few


def export(out: Path, base_url: str) -> tuple[Path, Path]:
    assert main(["postman", "--out", str(out), "--scenario", str(default_scenario()),
                 "--public-url", base_url]) == 0
    return out / postman.COLLECTION_FILE, out / postman.ENVIRONMENT_FILE


def test_newman_runs_every_request_and_test_script_green(tmp_path: Path, newman: Path) -> None:
    with MockcarServer() as server:
        initial = server.world
        collection, environment = export(tmp_path / "postman", server.url)
        report = tmp_path / "newman.json"
        result = subprocess.run(
            [str(newman), "run", str(collection), "--environment", str(environment),
             "--reporters", "cli,json", "--reporter-json-export", str(report),
             "--color", "off", "--timeout-request", "30000"],
            capture_output=True, text=True, timeout=NEWMAN_TIMEOUT, check=False,
        )
        after = server.world
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    run: dict[str, Any] = json.loads(report.read_text())["run"]
    assert run["failures"] == []
    calls = postman.calls()
    stats = run["stats"]
    for kind in ("requests", "testScripts", "items"):
        assert stats[kind] == {"total": len(calls), "pending": 0, "failed": 0}, kind
    assert stats["prerequestScripts"]["failed"] == 0
    assert stats["assertions"]["failed"] == 0
    assert stats["assertions"]["total"] >= 2 * len(calls)  # status and a field, at least

    executions = run["executions"]
    assert [e["item"]["name"] for e in executions] == [call.name for call in calls]
    for execution, call in zip(executions, calls, strict=True):
        assert execution["response"]["code"] == call.status, call.name
        assertions = execution["assertions"]
        assert assertions and not [a for a in assertions if "error" in a], call.name
    # The last request reset the server: the scenario World was rebuilt.
    assert calls[-1].path == "/_mockcar/reset"
    assert after is not initial


SDK_CHECK = """
const fs = require("fs");
const {Collection, VariableScope} = require("postman-collection");
const [collectionFile, environmentFile] = process.argv.slice(1);
const collection = new Collection(JSON.parse(fs.readFileSync(collectionFile, "utf8")));
const environment = new VariableScope(JSON.parse(fs.readFileSync(environmentFile, "utf8")));
const requests = [];
collection.forEachItem(item => requests.push({
    name: item.name, method: item.request.method, url: item.request.url.toString(),
    auth: (item.getAuth() || {}).type || null,
    tests: item.events.listeners("test").length,
}));
console.log(JSON.stringify({
    name: collection.name,
    auth: collection.auth.type,
    oauth2: collection.auth.parameters().toObject(),
    requests,
    environment: environment.toObject(),
}));
"""


def test_postmans_collection_sdk_reads_the_documents(tmp_path: Path, node: str,
                                                      newman: Path) -> None:
    base = "http://127.0.0.1:8765"
    collection_file, environment_file = export(tmp_path, base)
    read = run_node(node, SDK_CHECK, str(collection_file), str(environment_file))
    calls = postman.calls()
    assert read["name"] == postman.NAME
    assert read["auth"] == "oauth2"
    oauth2 = read["oauth2"]
    assert oauth2["accessTokenUrl"] == "{{baseUrl}}/oauth/token"
    assert oauth2["client_authentication"] == "header"
    assert oauth2["useBrowser"] is True
    assert len(read["requests"]) == len(calls)
    for found, call in zip(read["requests"], calls, strict=True):
        assert (found["name"], found["method"]) == (call.name, call.method)
        assert found["url"].split("?")[0] == "{{baseUrl}}" + call.path
        assert found["tests"] == 1
        # Unless a request names its own, the collection's OAuth 2.0 signs it.
        assert found["auth"] == (call.auth or {"type": "oauth2"})["type"]
    environment = read["environment"]
    assert environment["baseUrl"] == base
    assert environment["client_id"] and environment["access_token"] == ""

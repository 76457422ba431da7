"""The exported collection run by newman, Postman's command-line runner, against a live
mockcar: every request answers and every test script passes, top to bottom (no --bail);
the server reset runs only when the environment allows it. And Postman's own collection
SDK reads the documents as we meant them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockcar.cli import main
from mockcar.settings import Settings, default_scenario
from mockcar.testing.server import MockcarServer
from mockcar.web.docs.postman import collection as postman
from mockcar.web.docs.postman import v3_folders as postman_v3
from tests.postman.conftest import run_node

NEWMAN_TIMEOUT = 300  # seconds; a run takes a few
RESET_NAME = "Reset the whole server (if allowReset is true)"
RESTORE_NAME = "Restore the whole server from it (if allowReset is true)"
SNAPSHOT_NAME = "A snapshot of the whole server"
GATED = (RESTORE_NAME, RESET_NAME)  # skipped unless allowReset is "true"


def export(out: Path, base_url: str) -> tuple[Path, Path]:
    assert main(["postman", "--out", str(out), "--scenario", str(default_scenario()),
                 "--public-url", base_url]) == 0
    return out / postman.COLLECTION_FILE, out / postman.ENVIRONMENT_FILE


def run_newman(newman: Path, out: Path, base_url: str, *options: str,
               ok: bool = True) -> dict[str, Any]:
    """Export the documents for `base_url` into `out` and run them; newman's JSON report
    (`run`)."""
    collection, environment = export(out, base_url)
    report = out / "newman.json"
    result = subprocess.run(
        [str(newman), "run", str(collection), "--environment", str(environment),
         "--reporters", "cli,json", "--reporter-json-export", str(report),
         "--color", "off", "--timeout-request", "30000", *options],
        capture_output=True, text=True, timeout=NEWMAN_TIMEOUT, check=False,
    )
    assert (result.returncode == 0) is ok, result.stdout[-8000:] + result.stderr[-2000:]
    run: dict[str, Any] = json.loads(report.read_text())["run"]
    return run


def shared_state(server: MockcarServer) -> tuple[str, str, str]:
    """What someone else put on a shared server before a run: an application registered
    through the control API and a car added to the scenario World. (client id, its
    management token, the car's id)"""
    with httpx.Client(base_url=server.url) as client:
        registered = client.post("/_mockcar/applications", json={"name": "Someone's app"})
        assert registered.status_code == 201, registered.text
        car = client.post("/_mockcar/vehicles", json={
            "owner": "someone@example.com",
            "vehicle": {"make": "TESLA", "model": "Model 3", "powertrain": "BEV"}})
        assert car.status_code == 201, car.text
    body = registered.json()
    return body["client_id"], body["management_token"], car.json()["id"]


def still_there(server: MockcarServer, state: tuple[str, str, str]) -> bool:
    client_id, token, vehicle_id = state
    with httpx.Client(base_url=server.url) as client:
        application = client.get(f"/_mockcar/applications/{client_id}",
                                 headers={"Authorization": f"Bearer {token}"})
        car = client.get(f"/_mockcar/vehicles/{vehicle_id}")
    assert application.status_code == car.status_code, (application.text, car.text)
    return application.status_code == 200


def test_newman_runs_every_request_and_test_script_green(tmp_path: Path, newman: Path) -> None:
    with MockcarServer() as server:
        initial = server.world
        before = shared_state(server)
        run = run_newman(newman, tmp_path / "postman", server.url)
        # The reset was skipped (allowReset is "false" as generated): what was on the
        # server before the run is still there.
        assert server.world is initial
        assert still_there(server, before)
    assert run["failures"] == []
    calls = postman.calls()
    sent = [call for call in calls if call.name not in GATED]
    assert [call.name for call in calls][-2:] == list(GATED)
    assert len(sent) == len(calls) - len(GATED)
    stats = run["stats"]
    assert stats["items"] == {"total": len(calls), "pending": 0, "failed": 0}
    for kind in ("requests", "testScripts"):
        assert stats[kind] == {"total": len(sent), "pending": 0, "failed": 0}, kind
    assert stats["prerequestScripts"]["failed"] == 0
    assert stats["assertions"]["failed"] == 0
    assert stats["assertions"]["total"] >= 2 * len(sent)  # status and a field, at least

    executions = run["executions"]
    assert [e["item"]["name"] for e in executions] == [call.name for call in sent]
    for execution, call in zip(executions, sent, strict=True):
        assert execution["response"]["code"] == call.status, call.name
        assertions = execution["assertions"]
        assert assertions and not [a for a in assertions if "error" in a], call.name
    # The API v3 folder ran whole, every assertion of it green.
    v3 = [call.name for _, group in postman_v3.folders() for call in group]
    ran = [e["item"]["name"] for e in executions]
    start = ran.index(v3[0])
    assert ran[start:start + len(v3)] == v3
    assert sum(len(e["assertions"]) for e in executions[start:start + len(v3)]) >= 3 * len(v3)


def test_the_server_reset_runs_only_when_allow_reset_is_true(
    tmp_path: Path, newman: Path,
) -> None:
    with MockcarServer() as server:
        initial = server.world
        before = shared_state(server)
        skipped = run_newman(newman, tmp_path / "default", server.url, "--folder", "Server")
        assert server.world is initial and still_there(server, before)
        allowed = run_newman(newman, tmp_path / "allowed", server.url, "--folder", "Server",
                             "--env-var", "allowReset=true")
        assert server.world is not initial
        assert not still_there(server, before)  # the registration and the car are gone
    assert [e["item"]["name"] for e in skipped["executions"]] == [
        "Health", "Requests nobody claimed", SNAPSHOT_NAME]
    assert [e["item"]["name"] for e in allowed["executions"]] == [
        "Health", "Requests nobody claimed", SNAPSHOT_NAME, *GATED]
    assert allowed["executions"][-2]["response"]["code"] == 200
    assert allowed["executions"][-1]["response"]["code"] == 200
    assert allowed["failures"] == skipped["failures"] == []


def test_an_api_v3_request_sent_alone_fetches_its_application_token(
    tmp_path: Path, newman: Path,
) -> None:
    # The setup's cars, then one v3 request: no application token is stored yet, so
    # the folder's script gets one by client credentials first.
    with MockcarServer() as server:
        assert len(server.world.application_tokens) == 0
        run = run_newman(newman, tmp_path, server.url, "--folder", "Setup (headless)",
                         "--folder", "Connections of the car")
        issued = len(server.world.application_tokens)
    assert issued == 1
    assert run["failures"] == []
    last = run["executions"][-1]
    assert last["item"]["name"] == "Connections of the car"
    assert last["response"]["code"] == 200
    names = [a["assertion"] for a in last["assertions"]]
    assert names[0] == "an application token was fetched"
    assert "stores v3_user_id" in names
    assert not [a for a in last["assertions"] if "error" in a]


def test_a_server_with_a_control_token_runs_the_control_requests_with_it(
    tmp_path: Path, newman: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `mockcar postman` where MOCKCAR_CONTROL_TOKEN is set writes it into the environment;
    # every /_mockcar request of the setup and the control tour (scenario World, a
    # registered application, server) then passes the guard. ("Vehicle Info" reads the
    # odometer the tour verifies was read.)
    monkeypatch.setenv("MOCKCAR_CONTROL_TOKEN", "shared-secret")
    folders = ("--folder", "Setup (headless)", "--folder", "Vehicle Info",
               "--folder", "mockcar control API")
    with MockcarServer(Settings(control_token="shared-secret")) as server:
        run = run_newman(newman, tmp_path / "with", server.url, *folders)
        # Without it, the very first control request is refused (and the run stops).
        refused = run_newman(newman, tmp_path / "without", server.url, *folders,
                             "--env-var", "controlToken=", "--bail", ok=False)
    assert run["failures"] == []
    control = [e for e in run["executions"] if "_mockcar" in e["request"]["url"]["path"]]
    assert len(control) > 60
    assert {e["response"]["code"] for e in control} <= {200, 201, 202}
    [first] = refused["executions"]
    assert first["item"]["name"].startswith("Add ")
    assert first["response"]["code"] == 401


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

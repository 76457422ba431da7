"""A schema-driven fuzz of a live mockcar: schemathesis reads the served /openapi.json
and sends every operation a few generated requests, valid and invalid, checking that
none answers 5xx and that every answer matches the documented response schema and
content type.

The server runs on 127.0.0.1 (a Host the guard serves). Two registered applications hold
credentials: the "reader" owns the tokens most operations use, and the "target" takes
every operation that ends credentials or moves a clock (control routes under
/_mockcar/applications/{client_id}, disconnects, deletions), so a generated request
cannot log the rest of the run out. Left out: POST /_mockcar/reset (it drops both
applications), webhook creation (it makes mockcar call out) and the journal's live
streams (they do not end).
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockcar.testing import MockcarServer

EXAMPLES = 3  # generated requests per operation and phase
SEED = 20261201  # a fixed seed: the same requests every run
# Operations that end the credentials they are called with, or move the clock past the
# tokens' two hours: sent with the target application's (by the credential each takes).
DESTRUCTIVE = {
    r"^/_mockcar/applications/\{client_id\}": "management bearer",
    r"^/v\{version\}/vehicles/\{vehicle_id\}/application$": "access bearer",
    r"^/v\{version\}/management/connections/?$": "management basic",
    r"^/v3/connections/\{connection_id\}/?$": "management bearer",
    r"^/v3/users/\{user_id\}/?$": "management bearer",
}
# Deleting an application: a third one, so the target's operations keep finding theirs.
DELETION = "POST /_mockcar/applications/{client_id}/delete"
CONTROL_CATCH_ALL = r"^/_mockcar/\{rest\}$"
# The journal's and the World's live streams never end by themselves
# (tests/control/test_journal_stream.py and test_world_stream.py read them).
EXCLUDED = ("POST /_mockcar/reset", "POST /_mockcar/applications/{client_id}/webhooks",
            "GET /_mockcar/journal/stream",
            "GET /_mockcar/applications/{client_id}/journal/stream",
            "GET /_mockcar/journal/unclaimed/stream", "GET /_mockcar/stream",
            "GET /_mockcar/applications/{client_id}/stream")


def _post(client: httpx.Client, path: str, **kwargs: Any) -> dict[str, Any]:
    response = client.post(path, **kwargs)
    assert response.status_code in (200, 201), (path, response.text)
    body: dict[str, Any] = response.json()
    return body


def credentials(client: httpx.Client) -> dict[str, str]:
    """A registered application, an owner connected to it, every token the documented
    security schemes name, and ids the paths take (a Connect session, a webhook, a
    signal code), so generated requests reach past the 404s."""
    app = _post(client, "/_mockcar/applications", json={})
    amt = {"Authorization": f"Bearer {app['management_token']}"}
    connected = _post(client, f"/_mockcar/applications/{app['client_id']}/connect",
                      headers=amt, json={"email": "alice@example.com", "exchange": True})
    application_token = _post(client, "/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"]})
    vehicle_id, user_id = connected["vehicles"][0], connected["user_id"]
    signals = client.get(f"/v3/vehicles/{vehicle_id}/signals", headers={
        "Authorization": f"Bearer {application_token['access_token']}", "sc-user-id": user_id})
    assert signals.status_code == 200, signals.text
    page = client.get("/oauth/authorize", params={
        "response_type": "code", "mode": "test", "client_id": app["client_id"]})
    session = re.search(r"/oauth/authorize/([\w-]+)/", page.text)
    assert page.status_code == 200 and session, page.text[:500]
    return {
        "client_id": app["client_id"], "client_secret": app["client_secret"],
        "management_token": app["management_token"],
        "access_token": connected["access_token"], "user_id": user_id,
        "vehicle_id": vehicle_id, "application_token": application_token["access_token"],
        "webhook_id": app["webhooks"][0]["id"] if app["webhooks"] else "none",
        "code": signals.json()["data"][0]["id"], "session": session.group(1),
    }


def _string(value: str) -> str:
    return json.dumps(value)  # a TOML basic string (ASCII, JSON escapes)


def _auth(creds: dict[str, str]) -> list[str]:
    bearer = {"accessToken": "access_token", "applicationToken": "application_token",
              "managementToken": "management_token", "managementV3Bearer": "management_token",
              "mockcarManagementToken": "management_token"}
    basic = {"clientBasic": ("client_id", "client_secret"),
             "managementBasic": (None, "management_token"),
             "mockcarClientBasic": ("client_id", "client_secret")}
    lines: list[str] = []
    for scheme, key in bearer.items():
        lines += [f"[auth.openapi.{scheme}]", f"bearer = {_string(creds[key])}"]
    for scheme, (user, password) in basic.items():
        lines += [f"[auth.openapi.{scheme}]",
                  f"username = {_string(creds[user] if user else 'default')}",
                  f"password = {_string(creds[password])}"]
    return lines


def _header(creds: dict[str, str], credential: str) -> str:
    if credential == "management basic":
        raw = f"default:{creds['management_token']}".encode()
        return "Basic " + base64.b64encode(raw).decode()
    token = creds["access_token" if credential == "access bearer" else "management_token"]
    return f"Bearer {token}"


def _parameters(creds: dict[str, str]) -> str:
    values = {"path.version": "2.0", "path.client_id": creds["client_id"],
              "path.vehicle_id": creds["vehicle_id"], "path.user_id": creds["user_id"],
              "header.sc-user-id": creds["user_id"], "path.webhook_id": creds["webhook_id"],
              "path.code": creds["code"], "path.session": creds["session"]}
    return "{ " + ", ".join(f"{_string(k)} = {_string(v)}" for k, v in values.items()) + " }"


def config(reader: dict[str, str], target: dict[str, str], doomed: dict[str, str]) -> str:
    """schemathesis.toml for the run (mockcar's security schemes by name)."""
    lines = [
        f"seed = {SEED}",
        "request-timeout = 20.0",
        "[generation]",
        f"max-examples = {EXAMPLES}",
        "database = \"none\"",
        "no-shrink = true",
        "[checks]",
        "enabled = false",
        "not_a_server_error.enabled = true",
        # 501 is Smartcar's COMPATIBILITY answer (an endpoint the vehicle lacks), which
        # the document declares; _figures still counts every 5xx that is not one.
        'not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "501"]',
        "response_schema_conformance.enabled = true",
        "content_type_conformance.enabled = true",
        "[phases.examples]",
        "enabled = true",
        "[phases.coverage]",
        "enabled = false",
        "[phases.fuzzing]",
        "enabled = true",
        "[phases.stateful]",
        "enabled = false",
        *_auth(reader),
    ]
    lines[1:1] = [f"parameters = {_parameters(reader)}"]
    for name in EXCLUDED:
        lines += ["[[operations]]", f"include-name = {_string(name)}", "enabled = false"]
    # The control API's catch-all would reach POST /_mockcar/reset with rest=reset, a
    # value schemathesis takes from the document's own paths.
    lines += ["[[operations]]", f"include-path-regex = {_string(CONTROL_CATCH_ALL)}",
              'parameters = { "path.rest" = "no-such-operation" }']
    lines += ["[[operations]]", f"include-name = {_string(DELETION)}",
              f"parameters = {_parameters(doomed)}",
              f"headers = {{ Authorization = {_string(_header(doomed, 'management bearer'))} }}"]
    for pattern, credential in DESTRUCTIVE.items():
        lines += ["[[operations]]", f"include-path-regex = {_string(pattern)}",
                  f"parameters = {_parameters(target)}",
                  f"headers = {{ Authorization = {_string(_header(target, credential))} }}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running:
        yield running


@pytest.mark.timeout(360)  # the run is bounded by its examples; this only stops a hang
def test_no_operation_answers_5xx_or_off_its_schema(
    server: MockcarServer, tmp_path: Path
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        reader, target, doomed = (credentials(client) for _ in range(3))
    (tmp_path / "schemathesis.toml").write_text(config(reader, target, doomed))
    report = tmp_path / "report.ndjson"
    command = [
        str(Path(sys.executable).parent / "st"), "run", f"{server.url}/openapi.json",
        "--workers", "2", "--no-color", "--report", "ndjson",
        "--report-ndjson-path", str(report),
    ]
    started = time.monotonic()
    run = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "NO_COLOR": "1"})
    elapsed = time.monotonic() - started
    figures = _figures(report)
    summary = (f"fuzz: {figures['operations']} operations, {figures['requests']} requests, "
               f"{figures['server_errors']} 5xx, {figures['failures']} failures "
               f"in {elapsed:.1f} s")
    print(summary)
    assert run.returncode == 0, summary + "\n" + run.stdout[-20000:] + run.stderr[-3000:]
    assert figures["operations"] > 150, summary
    assert figures["server_errors"] == 0 and figures["failures"] == 0, summary


def _figures(report: Path) -> dict[str, int]:
    """Operations, requests, unexpected 5xx answers (any but Smartcar's 501
    COMPATIBILITY) and failed checks, from schemathesis's event log."""
    operations: set[str] = set()
    requests = server_errors = failures = 0
    for line in report.read_text().splitlines() if report.exists() else ():
        finished = json.loads(line).get("ScenarioFinished")
        recorder = finished.get("recorder") if isinstance(finished, dict) else None
        if not isinstance(recorder, dict):
            continue
        interactions = recorder.get("interactions") or {}
        if interactions:
            operations.add(str(recorder.get("label")))
        for interaction in interactions.values():
            requests += 1
            response = interaction.get("response") or {}
            status = int(response.get("status_code", 0))
            if status >= 500 and not (status == 501 and _compatibility(response)):
                server_errors += 1
        for checks in (recorder.get("checks") or {}).values():
            failures += sum(1 for check in checks if check.get("status") == "failure")
    return {"operations": len(operations), "requests": requests,
            "server_errors": server_errors, "failures": failures}


def _compatibility(response: dict[str, Any]) -> bool:
    """Whether a recorded answer is Smartcar's COMPATIBILITY error."""
    content = response.get("content") or {}
    raw = base64.b64decode(content["$base64"]) if "$base64" in content else b""
    try:
        return bool(json.loads(raw).get("type") == "COMPATIBILITY")
    except (ValueError, AttributeError):
        return False

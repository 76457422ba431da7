"""The two ways to get the documents: served at /postman/*.json (for Postman's Import →
Link) and written by `mockcar postman --out DIR`; both describe the serving scenario."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar import basic_auth
from mockcar.app import create_app
from mockcar.cli import main
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.web.docs.postman import collection as postman
from tests.postman.conftest import ROOT

# An application without Postman's callback among its redirect URIs.
SCENARIO = """\
version: 1
applications:
  - {name: Fleet, client_id: fleet-app, client_secret: fleet-secret,
     redirect_uris: [http://localhost:8000/exchange]}
owners:
  - {email: fleet@example.com, password: fleet-password, vehicles: [{make: TESLA}]}
"""


def test_served_documents_are_the_serving_worlds_at_the_origin_asked() -> None:
    app = create_app(Settings())
    with TestClient(app, base_url="http://localhost:8765") as client:
        collection = client.get(postman.COLLECTION_PATH)
        environment = client.get(postman.ENVIRONMENT_PATH)
    assert collection.status_code == environment.status_code == 200
    assert collection.headers["content-type"] == "application/json"
    expected = postman.documents(app.state.world, "http://localhost:8765")
    assert collection.json() == expected[postman.COLLECTION_FILE]
    assert environment.json() == expected[postman.ENVIRONMENT_FILE]


def test_a_public_url_wins_over_the_address_asked() -> None:
    app = create_app(Settings(public_url="http://mockcar:8765/"))
    # Asked at another address mockcar serves (loopback), it still names the public URL.
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        values = {v["key"]: v["value"]
                  for v in client.get(postman.ENVIRONMENT_PATH).json()["values"]}
    assert values["baseUrl"] == "http://mockcar:8765"


def test_only_get_is_served() -> None:
    with TestClient(create_app(Settings()), base_url="http://localhost:8765") as client:
        assert client.post(postman.COLLECTION_PATH).status_code == 405


def test_cli_writes_what_the_server_serves(tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder"
    assert main(["postman", "--out", str(out), "--public-url", "http://localhost:9000"]) == 0
    expected = postman.documents(load_world(default_scenario()), "http://localhost:9000")
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    for name, document in expected.items():
        assert json.loads((out / name).read_text(encoding="utf-8")) == document


def test_cli_takes_the_scenario_and_port(tmp_path: Path) -> None:
    scenario = tmp_path / "fleet.yaml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "out"
    assert main(["postman", "--out", str(out), "--scenario", str(scenario),
                 "--port", "9100"]) == 0
    environment = json.loads((out / postman.ENVIRONMENT_FILE).read_text())
    values = {v["key"]: v["value"] for v in environment["values"]}
    assert values["baseUrl"] == "http://127.0.0.1:9100"
    assert (values["client_id"], values["client_secret"]) == ("fleet-app", "fleet-secret")
    # No Postman callback registered: headless requests use the application's own.
    assert values["redirect_uri"] == "http://localhost:8000/exchange"
    assert values["webhook_id"] == ""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "mockcar.cli", "postman", *args],
                            capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "Traceback" not in result.stderr
    return result


def test_cli_failures_are_one_line_and_an_exit_code(tmp_path: Path) -> None:
    bad = run("--out", str(tmp_path), "--scenario", "tests/scenario/bad/bad_enum.yaml")
    assert bad.returncode == 1
    assert bad.stderr.startswith("mockcar: tests/scenario/bad/bad_enum.yaml:9: ")
    blocked = tmp_path / "file"
    blocked.write_text("")
    unwritable = run("--out", str(blocked / "below"))
    assert unwritable.returncode == 1
    assert unwritable.stderr.startswith(f"mockcar: cannot write to {blocked / 'below'}")
    assert run().returncode == 2  # --out is required
    assert list(tmp_path.iterdir()) == [blocked]


def control_token_of(environment: dict[str, Any]) -> str:
    return str(next(v["value"] for v in environment["values"] if v["key"] == "controlToken"))


def test_the_cli_writes_the_servers_control_token(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["postman", "--out", str(tmp_path / "open")]) == 0
    monkeypatch.setenv("MOCKCAR_CONTROL_TOKEN", "shared-secret")
    assert main(["postman", "--out", str(tmp_path / "shared")]) == 0
    read = {name: json.loads((tmp_path / name / postman.ENVIRONMENT_FILE).read_text())
            for name in ("open", "shared")}
    assert control_token_of(read["open"]) == ""
    assert control_token_of(read["shared"]) == "shared-secret"


def test_a_server_with_a_control_token_serves_the_downloads_only_to_who_shows_it() -> None:
    app = create_app(Settings(control_token="shared-secret"))
    application = app.state.world.applications  # the demo application's secrets
    secrets = [a.client_secret for a in application.values()] + [
        a.management_token for a in application.values()]
    with TestClient(app, base_url="http://localhost:8765") as client:
        for path in (postman.COLLECTION_PATH, postman.ENVIRONMENT_PATH):
            for headers in ({}, {"Authorization": "Bearer not-it"},
                            {"Authorization": basic_auth.encode("anyone", "not-it")},
                            {"Authorization": "Basic !!"}):
                refused = client.get(path, headers=headers)
                assert refused.status_code == 401, (path, headers)
                # A browser asks for credentials, in the dashboard's realm.
                assert refused.headers["www-authenticate"] == \
                    'Basic realm="mockcar", charset="UTF-8"'
                body = refused.json()
                assert (body["error"], body["status"]) == ("unauthorized", 401)
                assert "MOCKCAR_CONTROL_TOKEN" in body["message"]
                assert not any(secret in refused.text for secret in secrets)
            bearer = client.get(path, headers={"Authorization": "Bearer shared-secret"})
            basic = client.get(path, headers={
                "Authorization": basic_auth.encode("anyone", "shared-secret")})
            assert bearer.status_code == basic.status_code == 200
            assert bearer.json() == basic.json()
        shown = client.get(postman.ENVIRONMENT_PATH,
                           headers={"Authorization": "Bearer shared-secret"})
    assert control_token_of(shown.json()) == "shared-secret"
    assert any(v["value"] in secrets for v in shown.json()["values"])


def test_a_server_without_a_control_token_serves_the_downloads_to_anyone() -> None:
    with TestClient(create_app(Settings()), base_url="http://localhost:8765") as client:
        collection = client.get(postman.COLLECTION_PATH)
        environment = client.get(postman.ENVIRONMENT_PATH)
        # A token sent anyway changes nothing: this server has none to give.
        shown = client.get(postman.ENVIRONMENT_PATH,
                           headers={"Authorization": "Bearer shared-secret"})
    assert collection.status_code == environment.status_code == shown.status_code == 200
    assert collection.json()["info"]["name"] == postman.NAME
    assert control_token_of(environment.json()) == control_token_of(shown.json()) == ""
    assert [v["key"] for v in shown.json()["values"]] == [
        v["key"] for v in environment.json()["values"]]
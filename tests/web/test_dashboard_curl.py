"""Copy as curl (mockcar.web.dashboard.monitor.curl): the command bash reads is the
request, word for word, with every redacted value read from a shell variable; nothing a
request carried literally is expanded by the shell."""

from __future__ import annotations

import json
import os
import subprocess

from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.journal.journal import Entry, Journal
from mockcar.settings import Settings
from mockcar.web.control import responses as wire
from mockcar.web.dashboard.monitor import Curl, curl, path_filter

ORIGIN = "http://127.0.0.1:8000"


def argv(command: Curl, **variables: str) -> list[str]:
    """The words bash passes to curl, with `variables` set in its environment."""
    assert set(command.variables) == set(variables), command.variables
    shown = subprocess.run(
        ["bash", "-c", 'curl() { printf "%s\\0" "$@"; }; ' + command.command],
        env={**os.environ, **variables}, capture_output=True, text=True, check=True,
        timeout=30)
    return shown.stdout.split("\0")[:-1]


def recorded(method: str, path: str, query: bytes = b"", body: bytes = b"",
             headers: list[tuple[bytes, bytes]] | None = None) -> Entry:
    return Journal().record(0.0, method, path, query, headers or [], body, False, 200, 1.0,
                            "client-1", None, None)


def test_a_token_exchange_reads_the_code_and_secret_from_the_shell() -> None:
    app = create_app(Settings())
    application = next(iter(app.state.world.applications.values()))
    with TestClient(app, base_url="http://localhost") as client:
        client.post("/oauth/token", auth=(application.client_id, "s3cret"), data={
            "grant_type": "authorization_code", "code": "the-code",
            "redirect_uri": "http://localhost:8000/exchange"})
    entry = app.state.tenants.scenario_journal.entries()[-1]
    command = curl(entry, wire.entry(entry), ORIGIN)
    assert "the-code" not in command.command and "s3cret" not in command.command
    assert argv(command, CODE="abc-123", CLIENT_SECRET="it's a $ecret") == [
        "-X", "POST", f"{ORIGIN}/oauth/token",
        "-u", f"{application.client_id}:it's a $ecret",
        "-H", "content-type: application/x-www-form-urlencoded",
        "--data-raw", ("grant_type=authorization_code&code=abc-123"
                       "&redirect_uri=http%3A%2F%2Flocalhost%3A8000%2Fexchange"),
    ]


def test_json_bodies_keep_their_text_and_take_secrets_as_json_strings() -> None:
    body = {"name": "it's \"quoted\" $HOME `id`", "password": "hunter2", "n": [1, 2]}
    entry = recorded("POST", "/v2.0/vehicles/v1/security", body=json.dumps(body).encode(),
                     headers=[(b"content-type", b"application/json"),
                              (b"authorization", b"Bearer tok"), (b"user-agent", b"sdk")])
    command = curl(entry, wire.entry(entry), ORIGIN)
    words = argv(command, PASSWORD="p@ss", ACCESS_TOKEN="the-token")
    assert words[:6] == ["-X", "POST", f"{ORIGIN}/v2.0/vehicles/v1/security",
                         "-H", "Authorization: Bearer the-token", "-H"]
    assert words[6] == "content-type: application/json"
    assert words[7] == "--data-raw"
    assert json.loads(words[8]) == {**body, "password": "p@ss"}
    assert "sdk" not in words  # curl sends its own user agent


def test_an_api_v3_read_keeps_the_user_it_names() -> None:
    entry = recorded("GET", "/v3/vehicles/v1/signals", headers=[
        (b"authorization", b"Bearer app-token"), (b"sc-user-id", b"user-1"),
        (b"sc-unit-system", b"imperial")])
    command = curl(entry, wire.entry(entry), ORIGIN)
    assert argv(command, ACCESS_TOKEN="app-token") == [
        f"{ORIGIN}/v3/vehicles/v1/signals", "-H", "Authorization: Bearer app-token",
        "-H", "sc-unit-system: imperial", "-H", "sc-user-id: user-1"]


def test_a_redacted_query_value_is_a_variable_and_the_rest_stays_encoded() -> None:
    entry = recorded("GET", "/v2.0/vehicles", query=b"code=abc&next=a%20b&x=%24y")
    command = curl(entry, wire.entry(entry), ORIGIN)
    assert argv(command, CODE="c0de") == [
        f"{ORIGIN}/v2.0/vehicles?code=c0de&next=a%20b&x=%24y"]


def test_a_body_the_journal_did_not_keep_is_said_not_invented() -> None:
    entry = recorded("POST", "/v2.0/vehicles/v1/security", body=b"\x00\x01binary",
                     headers=[(b"content-type", b"application/octet-stream")])
    command = curl(entry, wire.entry(entry), ORIGIN)
    assert "--data" not in command.command
    assert command.note is not None and "not kept" in command.note


def test_a_connect_step_cannot_be_replayed_and_says_so() -> None:
    entry = recorded("GET", "/oauth/authorize/session-id/brands")
    command = curl(entry, wire.entry(entry), ORIGIN)
    assert "session-id" not in command.command
    assert command.note is not None and "cannot be replayed" in command.note


def test_path_words_match_anywhere_and_patterns_stay_patterns() -> None:
    assert path_filter("odometer") == "*odometer*"
    assert path_filter("/v2.0/vehicles/{id}/odometer") == "/v2.0/vehicles/{id}/odometer"
    assert path_filter("*/odometer") == "*/odometer"
    assert path_filter("  ") == ""


def test_a_repeated_form_field_is_shown_and_replayed_with_every_value() -> None:
    body = b"permission=read_odometer&permission=read_battery&client_secret=s&x="
    entry = recorded("POST", "/oauth/token", body=body, headers=[
        (b"content-type", b"application/x-www-form-urlencoded")])
    shown = wire.entry(entry)["body"]
    assert shown == {"permission": ["read_odometer", "read_battery"],
                     "client_secret": "[REDACTED]", "x": ""}
    words = argv(curl(entry, wire.entry(entry), ORIGIN), CLIENT_SECRET="s")
    assert words[-1] == body.decode()

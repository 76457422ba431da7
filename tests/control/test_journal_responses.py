"""The journal keeps each response as sent (headers and body), redacted on the way out
like the request: the requests monitor shows both."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockcar.domain.journal import redaction
from mockcar.domain.journal.journal import BODY_LIMIT, Journal
from tests.control.helpers import App, Register, bearer, connect


def _entries(client: TestClient, app: App) -> list[dict[str, Any]]:
    answer = client.get(app.path("/journal"), headers=app.auth)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["entries"]
    return entries


def test_a_read_keeps_its_response_headers_and_body(
    client: TestClient, register: Register
) -> None:
    app = register()
    answer = connect(client, app)
    vehicle = answer["vehicles"][0]
    read = client.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=bearer(answer))
    assert read.status_code == 200
    [entry] = _entries(client, app)
    response = entry["response"]
    assert response["body"] == read.json()
    assert response["headers"]["content-type"] == "application/json"
    # sc-request-id is put on outside the journal; the entry shows what the client got.
    assert response["headers"]["sc-request-id"] == read.headers["sc-request-id"]
    assert response["headers"]["sc-data-age"] == read.headers["sc-data-age"]


def test_token_responses_and_codes_are_redacted(client: TestClient, register: Register) -> None:
    app = register()
    answer = client.post(app.path("/connect"), headers=app.auth,
                         json={"email": "alice@example.com"})
    assert answer.status_code == 200, answer.text
    code = answer.json()["code"]
    token = client.post("/oauth/token", headers=app.basic, data={
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": app.body["redirect_uris"][0]})
    assert token.status_code == 200, token.text
    secrets = (code, token.json()["access_token"], token.json()["refresh_token"],
               app.body["client_secret"])
    [entry] = _entries(client, app)
    assert entry["body"]["code"] == redaction.REDACTED
    assert entry["response"]["body"]["access_token"] == redaction.REDACTED
    assert entry["response"]["body"]["refresh_token"] == redaction.REDACTED
    assert entry["response"]["body"]["expires_in"] == token.json()["expires_in"]
    dumped = client.get(app.path("/journal"), headers=app.auth).text
    assert not [secret for secret in secrets if secret in dumped]


def test_responses_keep_error_codes_batch_statuses_and_signal_codes(
    client: TestClient, register: Register
) -> None:
    app = register()
    answer = connect(client, app)
    vehicle = answer["vehicles"][0]
    added = client.post(app.path("/faults"), headers=app.auth, json={
        "type": "CONNECTED_SERVICES_ACCOUNT", "code": "SUBSCRIPTION", "endpoint": "/odometer",
        "times": 1})
    assert added.status_code == 201, added.text
    failed = client.get(f"/v2.0/vehicles/{vehicle}/odometer", headers=bearer(answer))
    batch = client.post(f"/v2.0/vehicles/{vehicle}/batch", headers=bearer(answer),
                        json={"requests": [{"path": "/odometer"}]})
    signals = client.get(f"/v3/vehicles/{vehicle}/signals", headers=bearer(answer))
    first = signals.json()["data"][0]["attributes"]["code"]
    signal = client.get(f"/v3/vehicles/{vehicle}/signals/{first}", headers=bearer(answer))
    # A JSON request body's "code" stays a secret: it is where a client would put one.
    client.post("/oauth/token", headers=app.basic, json={"code": "not-shown"})
    assert (failed.status_code, batch.status_code, signal.status_code) == (400, 200, 200)
    error, v2_batch, _, v3, token = _entries(client, app)[-5:]
    assert error["response"]["body"]["code"] == "SUBSCRIPTION"
    assert v2_batch["response"]["body"]["responses"][0]["code"] == 200
    assert v3["response"]["body"]["attributes"]["code"] == first
    assert token["body"] == {"code": redaction.REDACTED}


def test_a_location_loses_its_code_and_a_cookie_its_value() -> None:
    shown = redaction.response_headers([
        ("Location", "https://app.example/exchange?code=abc123&state=xyz"),
        ("Set-Cookie", "session=s3cret"), ("Content-Type", "text/html")])
    assert shown == {"location": "https://app.example/exchange?code=[REDACTED]&state=xyz",
                     "set-cookie": redaction.REDACTED, "content-type": "text/html"}


def test_a_long_response_body_is_cut_and_not_shown() -> None:
    journal = Journal()
    body = b'{"a": "' + b"x" * BODY_LIMIT + b'"}'
    entry = journal.record(0.0, "GET", "/v2.0/vehicles", b"", [], b"", False, 200, 1.0, None,
                           None, None, response_headers=[(b"content-type", b"application/json")],
                           response_body=body[:BODY_LIMIT + 1], response_truncated=True)
    assert "too long to show" in entry.shown()["response"]["body"]


def test_watchers_see_each_entry_and_the_clear_until_they_stop() -> None:
    journal = Journal()
    seen: list[int | None] = []
    stop = journal.watch(lambda entry: seen.append(entry.seq if entry else None))
    journal.record(0.0, "GET", "/a", b"", [], b"", False, 200, 1.0, None, None, None)
    journal.clear()
    stop()
    journal.record(0.0, "GET", "/b", b"", [], b"", False, 200, 1.0, None, None, None)
    assert seen == [1, None]
    assert journal.last_seq() == 2

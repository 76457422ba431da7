"""The journal ring, its filters, and redaction of every dump."""

from __future__ import annotations

from datetime import UTC, datetime

from mockcar.domain.journal import redaction
from mockcar.domain.journal.journal import Journal, Match, path_pattern, token_id

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _record(journal: Journal, path: str = "/v2.0/vehicles/v1/odometer", **fields: object) -> None:
    values: dict[str, object] = {
        "at": AT.timestamp(), "method": "GET", "path": path, "query": b"", "headers": (),
        "body": b"", "body_truncated": False, "status": 200, "duration_ms": 1.0,
        "client_id": "c", "token": None, "request_id": None,
    }
    values.update(fields)
    journal.record(**values)  # type: ignore[arg-type]


def test_the_ring_keeps_the_newest_and_counts_what_it_dropped() -> None:
    journal = Journal(capacity=3)
    for n in range(5):
        _record(journal, f"/p/{n}")
    assert [e.path for e in journal.entries()] == ["/p/2", "/p/3", "/p/4"]
    assert [e.seq for e in journal.entries()] == [3, 4, 5]
    assert journal.dropped == 2
    assert [e.path for e in journal.entries(limit=2)] == ["/p/3", "/p/4"]
    assert journal.entries(limit=0) == []
    journal.clear()
    assert (len(journal), journal.dropped) == (0, 0)
    _record(journal)
    assert journal.entries()[0].seq == 6  # never reused


def test_path_patterns() -> None:
    odometer = "/v2.0/vehicles/abc/odometer"
    for pattern, matches in [
        ("/v2.0/vehicles/{id}/odometer", True), ("*/odometer", True), ("*/odometer/", True),
        ("/v2.0/vehicles/{id}", False), ("/v2.0/*", True), ("/v2.0/vehicles/{id}/*", True),
        ("/v2.0/{a}/odometer", False), (odometer, True), ("/v2.0/vehicles/abc.odometer", False),
    ]:
        assert (path_pattern(pattern).fullmatch(odometer) is not None) is matches, pattern


def test_matching_by_every_field() -> None:
    journal = Journal()
    _record(journal, method="POST", status=409, token="t")
    _record(journal, "/v2.0/vehicles/v2/battery", client_id="other")
    assert journal.count(Match(method="post")) == 1
    assert journal.count(Match(status=409, token_id=token_id("t"))) == 1
    assert journal.count(Match(token="t")) == 1 and journal.count(Match(token="u")) == 0
    assert journal.count(Match(vehicle_id="v2", client_id="other")) == 1
    assert journal.entries()[0].vehicle_id == "v1"
    assert journal.entries()[0].token_id == token_id("t")
    assert journal.count(Match(since=1)) == 1
    assert journal.count(Match(path="/nowhere")) == 0
    assert token_id("t") != token_id("u") and len(token_id("t")) == 16


def test_an_entry_shows_only_redacted_values() -> None:
    journal = Journal()
    _record(journal, path="/oauth/authorize/s3ss10n/sign-in", query=b"client_id=c&code=abc&x=1",
            headers=[(b"authorization", b"Basic Y2xpZW50OnNlY3JldA=="), (b"content-type",
                     b"application/x-www-form-urlencoded"), (b"sc-signature", b"abc"),
                     (b"x-other", b"dropped")],
            body=b"username=u&password=p&refresh_token=r&grant_type=refresh_token")
    shown = journal.entries()[0].shown()
    assert shown["at"] == AT and shown["vehicle_id"] is None
    assert shown["path"] == "/oauth/authorize/[REDACTED]/sign-in"
    assert shown["query"] == "client_id=c&code=[REDACTED]&x=1"
    assert shown["headers"] == {"authorization": "Basic [REDACTED]", "sc-signature": "[REDACTED]",
                                "content-type": "application/x-www-form-urlencoded"}
    assert shown["body"] == {"username": "u", "password": "[REDACTED]",
                             "refresh_token": "[REDACTED]", "grant_type": "refresh_token"}


def test_bodies_of_each_kind() -> None:
    assert redaction.body(b"", "application/json") is None
    assert redaction.body(b'{"a": [{"clientSecret": "s", "b": null}], "token": null}',
                          "application/json; charset=utf-8") == {
        "a": [{"clientSecret": "[REDACTED]", "b": None}], "token": None}
    assert redaction.body(b"{oops", "application/json") == "<5 bytes, not valid JSON, not shown>"
    assert redaction.body(b"\xff=\xfe", "application/x-www-form-urlencoded").startswith("<3")
    assert redaction.body(b"abc", None) == "<3 bytes of unknown type, not shown>"
    assert redaction.body(b"x" * 10, "application/json", truncated=True).startswith("<10+ bytes")
    assert redaction.headers([("Authorization", "token-without-scheme")]) == {
        "authorization": "token-without-scheme [REDACTED]"}
    assert redaction.path("/oauth/authorize") == "/oauth/authorize"
    assert redaction.query("") == ""

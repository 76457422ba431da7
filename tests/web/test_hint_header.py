"""mockcar's explanation header (mockcar-hint) echoes what the client sent, a path or an
id; a control character there would make uvicorn drop the connection instead of
answering. Through a live server: Starlette's TestClient does not check header values."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from mockcar.testing import MockcarServer


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running:
        yield running


@pytest.mark.parametrize("path", [
    "/v2.0/a%1Bb", "/v2.0/vehicles/x%01y/odometer", "/v3/a%7Fb", "/v2.0/%00",
    "/schemathesis-probe%5C%1B%01",
])
def test_a_control_character_in_the_path_is_escaped_in_the_hint(
    server: MockcarServer, path: str
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.settings.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = json.loads(response.read())
        assert response.status in (401, 404), body
        hint = response.getheader("mockcar-hint") or ""
        assert all(" " <= c < "\x7f" for c in hint), hint
        connection.request("GET", "/_mockcar/health")  # the connection stays usable
        assert connection.getresponse().status == 200
    finally:
        connection.close()

"""Hostile requests against a live mockcar (uvicorn, a real socket), where what happens
to the connection matters: a refused body leaves a keep-alive connection usable, a body
too large to read closes it, and headers past 64 KiB are answered rather than dropped."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from mockcar.settings import Settings
from mockcar.testing.server import MockcarServer

DEEP = b"[" * 1000 + b"]" * 1000
LIMIT = 20_000


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings(max_body_bytes=LIMIT, max_scenario_bytes=LIMIT)) as running:
        yield running


@pytest.fixture
def connection(server: MockcarServer) -> Iterator[http.client.HTTPConnection]:
    opened = http.client.HTTPConnection("127.0.0.1", server.settings.port, timeout=30)
    yield opened
    opened.close()


def call(connection: http.client.HTTPConnection, method: str, path: str,
         body: bytes | None = None, **headers: str) -> tuple[int, dict[str, str], Any]:
    connection.request(method, path, body=body, headers=headers)
    answer = connection.getresponse()
    raw = answer.read()
    kind = answer.getheader("content-type", "")
    return (answer.status, {k.lower(): v for k, v in answer.getheaders()},
            json.loads(raw) if kind.startswith("application/json") else raw.decode())


def test_deep_json_leaves_the_keep_alive_connection_usable(
        connection: http.client.HTTPConnection) -> None:
    status, _, registered = call(connection, "POST", "/_mockcar/applications", b"{}",
                                 **{"content-type": "application/json"})
    assert status == 201
    client_id = registered["client_id"]
    management = f"Bearer {registered['management_token']}"
    status, _, answer = call(
        connection, "POST", f"/_mockcar/applications/{client_id}/connect",
        json.dumps({"email": "alice@example.com", "exchange": True}).encode(),
        **{"content-type": "application/json", "authorization": management})
    assert status == 200
    token = f"Bearer {answer['access_token']}"
    user = {"sc-user-id": answer["user_id"]}
    status, _, issued = call(
        connection, "POST", "/oauth2/token",
        urlencode({"grant_type": "client_credentials", "client_id": client_id,
                   "client_secret": registered["client_secret"]}).encode(),
        **{"content-type": "application/x-www-form-urlencoded"})
    assert status == 200
    application = f"Bearer {issued['access_token']}"  # v3 commands take it, with sc-user-id
    vehicle = call(connection, "GET", "/v2.0/vehicles", authorization=token)[2]["vehicles"][0]
    socket_before = connection.sock
    json_type = {"content-type": "application/json"}
    for path, auth, shape in (
        (f"/v2.0/vehicles/{vehicle}/security", token, "v2"),
        (f"/v2.0/vehicles/{vehicle}/batch", token, "v2"),
        (f"/v3/vehicles/{vehicle}/commands/security/lock", application, "v3"),
        (f"/v3/vehicles/{vehicle}/commands/charge/set-limit", application, "v3"),
        ("/v3/subscriptions", management, "v3"),
        ("/_mockcar/clock/advance", management, "control"),
        (f"/_mockcar/applications/{client_id}/webhooks", management, "control"),
        (f"/_mockcar/applications/{client_id}/faults", management, "control"),
    ):
        extra = user if path.startswith("/v3/vehicles") else {}
        status, headers, body = call(connection, "POST", path, DEEP, authorization=auth,
                                     **json_type, **extra)
        assert status == 400, (path, body)
        assert headers.get("connection") != "close", path
        if shape == "v2":
            assert (body["type"], body["statusCode"]) == ("VALIDATION", 400)
        elif shape == "v3":
            assert body["errors"][0]["status"] == "400"
        else:
            assert body["status"] == 400 and "nested deeper" in body["message"]
        # The same connection carries the next request.
        status, _, odometer = call(connection, "GET", f"/v2.0/vehicles/{vehicle}/odometer",
                                   authorization=token)
        assert status == 200 and "distance" in odometer
    assert connection.sock is socket_before


def test_a_body_over_the_limit_is_refused_unread_and_the_connection_closed(
        server: MockcarServer, connection: http.client.HTTPConnection) -> None:
    status, headers, body = call(connection, "POST", "/_mockcar/clock/advance",
                                 b" " * (LIMIT + 1), **{"content-type": "application/json"})
    assert (status, body["error"], headers["connection"]) == (413, "too_large", "close")
    # Chunked: no length to check up front, so the read stops at the limit.
    # A raw socket: the server answers and closes while chunks are still being sent, which
    # http.client reports as a broken pipe before it would read the answer.
    with socket.create_connection(("127.0.0.1", server.settings.port), timeout=30) as raw:
        raw.sendall(b"POST /v3/vehicles/x/commands/security/lock HTTP/1.1\r\n"
                    b"Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"3e8\r\n" + b" " * 1000 + b"\r\n"
        try:
            for _ in range(LIMIT // 1000 + 5):
                raw.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-body, as it should be
        answer = http.client.HTTPResponse(raw)
        answer.begin()
        refused = json.loads(answer.read())
    assert answer.status == 413 and refused["errors"][0]["status"] == "413"
    # The server is none the worse.
    assert call(connection, "GET", "/_mockcar/health")[0] == 200


def test_large_headers_are_answered_431_and_encoded_newlines_in_the_hosts_shape(
        connection: http.client.HTTPConnection) -> None:
    padding = {f"x-pad-{i}": "p" * 7000 for i in range(10)}  # 70 kB
    status, _, body = call(connection, "GET", "/v3/vehicles/x", None, **padding)
    assert status == 431 and body["errors"][0]["status"] == "431"
    status, _, body = call(connection, "GET", "/v3/a%0Ab")
    assert status == 404 and body["errors"][0]["code"] == "PATH"
    status, headers, page = call(connection, "GET", "/oauth/authorize/x%0Ay")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "<html" in page


def test_a_shared_server_wants_its_control_token_and_the_health_check_sends_it() -> None:
    import os
    import subprocess
    import sys

    from mockcar.testing.client import ControlClient, MockcarError
    from mockcar.testing.handle import Mockcar

    with MockcarServer(Settings(control_token="team-secret")) as shared:
        def health(**env: str) -> subprocess.CompletedProcess[str]:
            clean = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
            command = [sys.executable, "-m", "mockcar.cli", "health",
                       "--port", str(shared.settings.port)]
            return subprocess.run(command, check=False, env={**clean, **env},
                                  capture_output=True, text=True, timeout=60)

        refused = health()
        assert refused.returncode == 1 and "answered 401" in refused.stderr
        assert health(MOCKCAR_CONTROL_TOKEN="team-secret").returncode == 0
        tokenless = ControlClient(shared.url, token="")
        with pytest.raises(MockcarError) as error:
            tokenless.get("/_mockcar/health")
        tokenless.close()
        assert error.value.status == 401
        # The client sends the token on every request, for every application.
        control = ControlClient(shared.url, token="team-secret")
        handle = Mockcar.register(control)
        try:
            assert handle.connect("alice@example.com").vehicles
            assert handle.clock.now() is not None
        finally:
            handle.delete()
            control.close()


def test_a_huge_body_is_answered_before_it_is_sent(server: MockcarServer) -> None:
    """The client declares 200 MB (or streams without end) and sends a few kB: the 413
    arrives at once, so mockcar never waited for, or held, the rest."""
    for declared in ("200000000", None):
        stream = http.client.HTTPConnection("127.0.0.1", server.settings.port, timeout=30)
        try:
            stream.putrequest("POST", "/_mockcar/applications")
            stream.putheader("content-type", "application/json")
            if declared is not None:
                stream.putheader("content-length", declared)
                stream.endheaders(b"{" + b" " * 4096)
            else:
                stream.putheader("transfer-encoding", "chunked")
                stream.endheaders()
                for _ in range(3):  # 3 x 8 kB past the 20 kB limit, and no last chunk
                    stream.send(b"2000\r\n" + b" " * 0x2000 + b"\r\n")
            answer = stream.getresponse()
            assert answer.status == 413
            assert json.loads(answer.read())["error"] == "too_large"
        finally:
            stream.close()

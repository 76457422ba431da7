"""A small JSON client for mockcar's control API, on the standard library only (the
pytest plugin must not need more than mockcar itself does).

One keep-alive connection per thread: a fixture's calls reuse it, and threads of one
test (a concurrency test) never share one. The client keeps every connection it opened
until `close()`, so none is left to the garbage collector when its thread ends. A
connection the server closed while idle is reopened once, transparently; any other
failure is raised.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from typing import Any
from urllib.parse import urlencode, urlsplit

TIMEOUT = 30.0
TOKEN_VARIABLE = "MOCKCAR_CONTROL_TOKEN"


class MockcarError(Exception):
    """The control API answered an error: `status` and its JSON `body`."""

    def __init__(self, status: int, body: Any, method: str, path: str) -> None:
        message = body.get("message") if isinstance(body, dict) else str(body)
        problems = body.get("problems") if isinstance(body, dict) else None
        text = f"{method} {path} -> {status}: {message}"
        if problems:
            text += "\n  " + "\n  ".join(str(p) for p in problems)
        super().__init__(text)
        self.status, self.body = status, body


class ControlClient:
    def __init__(self, base_url: str, timeout: float = TIMEOUT, *,
                 token: str | None = None) -> None:
        """`token`: the server's control token (MOCKCAR_CONTROL_TOKEN, read from the
        environment when None; "" for none), sent on every request in place of any
        other credentials: it stands for every application's."""
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path
        self._timeout = timeout
        self._token = token if token is not None else os.environ.get(TOKEN_VARIABLE) or None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[http.client.HTTPConnection] = set()

    def get(self, path: str, *, auth: str | None = None,
            query: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, auth=auth, query=query)

    def post(self, path: str, body: dict[str, Any] | None = None, *,
             auth: str | None = None) -> Any:
        return self.request("POST", path, body or {}, auth=auth)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None, *,
                auth: str | None = None, query: dict[str, Any] | None = None) -> Any:
        target = self._prefix + path
        if query:
            target += "?" + urlencode({k: v for k, v in query.items() if v is not None})
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        elif auth:
            headers["Authorization"] = auth
        status, raw = self._send(method, target, data, headers)
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        if status >= 400:
            raise MockcarError(status, payload, method, path)
        return payload

    def close(self) -> None:
        """Close every connection this client opened, in any thread."""
        with self._lock:
            opened, self._open = self._open, set()
        for connection in opened:
            connection.close()
        self._local = threading.local()

    def _send(self, method: str, target: str, data: bytes | None,
              headers: dict[str, str]) -> tuple[int, bytes]:
        connection = getattr(self._local, "connection", None)
        reused = connection is not None
        if connection is None:
            connection = self._local.connection = self._connect()
        try:
            connection.request(method, target, body=data, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self._drop(connection)
            if not reused:
                raise
            # The server closed the idle keep-alive connection before reading this
            # request: it was never handled, so sending it again is safe.
            return self._send(method, target, data, headers)
        except BaseException:
            self._drop(connection)
            raise

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        connection = kind(self._host, self._port, timeout=self._timeout)
        with self._lock:
            self._open.add(connection)
        return connection

    def _drop(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        self._local.connection = None
        with self._lock:
            self._open.discard(connection)

"""A webhook receiver that answers the VERIFY challenge with JSON nested thousands deep:
the challenge fails with a message, and the dispatcher goes on working."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mockcar.testing.client import ControlClient
from mockcar.testing.server import MockcarServer
from tests.webhooks.receiver import DEADLINE


class _Deep(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        body = b"[" * 5000 + b"]" * 5000
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Deep)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_deeply_nested_challenge_answer_fails_verification_cleanly(receiver: str) -> None:
    with MockcarServer() as mockcar:
        control = ControlClient(mockcar.url, token="")
        try:
            registered = control.post("/_mockcar/applications", {})
            base = f"/_mockcar/applications/{registered['client_id']}"
            auth = f"Bearer {registered['management_token']}"
            control.post(f"{base}/webhooks", {"id": "deep", "url": receiver}, auth=auth)
            end = time.monotonic() + DEADLINE
            shown: dict[str, Any] = {}
            while time.monotonic() < end:
                shown = control.get(f"{base}/webhooks/deep", auth=auth)
                if shown["verification"]["status"] != "pending":
                    break
                time.sleep(0.01)
            assert shown["verification"]["status"] == "failed", shown
            assert "not JSON" in shown["verification"]["detail"]
            assert control.get("/_mockcar/health")["status"] == "ok"
        finally:
            control.close()

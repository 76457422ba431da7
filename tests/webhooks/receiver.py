"""A real webhook receiver for tests: an HTTP server on 127.0.0.1 and a free port, in a
thread, that records every POST (raw body and headers) and answers as the test scripts
it: VERIFY challenges with `smartcar.hash_challenge`, then a status per request, or no
answer at all ("hang") until the receiver is closed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import smartcar

HANG = -1  # a scripted "status" that never answers
VERIFY_HANG = -2  # a challenge not answered while `Receiver.verify_hangs` is set
DEADLINE = 20.0  # seconds a test waits for deliveries before failing (a loaded machine)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # lower-cased names
    raw: str  # the body exactly as sent
    status: int  # what the receiver answered (HANG: nothing)

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    @property
    def kind(self) -> str:
        """The v3 `eventType` or the v2 `eventName`."""
        body = self.json
        return str(body.get("eventType") or body.get("eventName"))

    @property
    def signature(self) -> str | None:
        return self.headers.get("sc-signature")


@dataclass
class Receiver:
    """`statuses` answer the non-VERIFY requests in turn (then `default`); VERIFY gets
    the right challenge unless `verify` is False, or no answer while `verify_hangs` is
    set (until it is cleared or the receiver closes)."""

    amt: str
    statuses: list[int] = field(default_factory=list)
    default: int = 200
    verify: bool = True
    verify_hangs: bool = False
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"

    def start(self) -> Self:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
                status, answer = receiver._answer(raw)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    receiver.received.append(Received(self.path, headers, raw, status))
                if status == HANG:
                    receiver._closing.wait()
                    return
                if status == VERIFY_HANG:
                    while receiver.verify_hangs and not receiver._closing.wait(0.02):
                        pass
                    status, answer = receiver._answer(raw)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll interval: shutdown() waits up to one interval.
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.02},
                                        name="webhook-receiver")
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _answer(self, raw: str) -> tuple[int, dict[str, Any]]:
        body = json.loads(raw)
        challenge = None
        if body.get("eventType") == "VERIFY":  # v3
            challenge = body["data"]["challenge"]
        elif body.get("eventName") == "verify":  # v2
            challenge = body["payload"]["challenge"]
        if challenge is not None:
            if self.verify_hangs:
                return VERIFY_HANG, {}
            value = smartcar.hash_challenge(self.amt, challenge) if self.verify else "wrong"
            return 200, {"challenge": value}
        with self._lock:
            status = self.statuses.pop(0) if self.statuses else self.default
        return status, {}

    # -- reading what arrived ---------------------------------------------------------

    def of(self, kind: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.kind == kind]

    def wait_for(self, condition: Callable[[list[Received]], bool],
                 deadline: float = DEADLINE) -> list[Received]:
        """Poll until `condition(received)` holds; fail after `deadline` seconds."""
        end = time.monotonic() + deadline
        while True:
            with self._lock:
                seen = list(self.received)
            if condition(seen):
                return seen
            if time.monotonic() > end:
                kinds = [r.kind for r in seen]
                raise AssertionError(f"the receiver did not get what was expected; got {kinds}")
            time.sleep(0.01)

    def wait_kind(self, kind: str, count: int = 1) -> list[Received]:
        self.wait_for(lambda seen: sum(r.kind == kind for r in seen) >= count)
        return self.of(kind)

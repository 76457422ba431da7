"""Every response of the suite checked against /openapi.json.

For the whole session, every mockcar app — under Starlette's TestClient or a live
`MockcarServer` — is wrapped at the ASGI boundary: `Starlette.__call__` records each HTTP
response (status, headers, and the body when it is JSON). At the end of the session each
distinct response is checked against the document generated from that app's routes
(tests/support/openapi_check.py); any mismatch is listed in the summary with the test
that provoked it, and fails the run. Under pytest-xdist each worker checks its own and
hands its findings to the controller.

Registered by tests/conftest.py (`pytest_plugins`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from mockcar.web.docs.openapi import document as openapi
from tests.support.openapi_check import Checker, Exchange

KEY = pytest.StashKey["Recorder"]()
ORIGINAL = pytest.StashKey[Any]()  # Starlette.__call__ before the wrapping
MAX_BODY = 1 << 20  # bytes kept of one JSON body
SHOWN = 25  # mismatches listed in the summary


@dataclass
class Recorder:
    exchanges: list[tuple[int, Exchange]] = field(default_factory=list)
    routes: dict[int, list[Any]] = field(default_factory=dict)  # id -> an app's routes
    test: str = ""
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    seen: int = 0  # responses recorded (here and, under xdist, by the workers)
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, app: Starlette, exchange: Exchange) -> None:
        key = hash(tuple(id(r) for r in app.routes))
        with self._lock:
            self.routes.setdefault(key, app.routes)
            self.exchanges.append((key, exchange))

    def check(self) -> None:
        """Check each distinct response once; fill `problems`."""
        start = time.perf_counter()
        self.seen += len(self.exchanges)
        checkers = {key: Checker(openapi.document(routes)) for key, routes in self.routes.items()}
        seen: set[tuple[Any, ...]] = set()
        for key, exchange in self.exchanges:
            identity = (key, exchange.method, exchange.path, exchange.status,
                        exchange.media, exchange.body,
                        tuple(sorted((h, v) for h, v in exchange.headers.items()
                                     if h.startswith("sc-") and h != "sc-request-id")))
            if identity in seen:
                continue
            seen.add(identity)
            self.checked += 1
            problem = checkers[key].problem(exchange)
            if problem is not None:
                self.problems.append(f"{exchange.method} {exchange.path} -> {exchange.status}: "
                                     f"{problem}  [{exchange.test}]")
        self.seconds = time.perf_counter() - start


def install(recorder: Recorder) -> Any:
    """Wrap every Starlette app's ASGI entry; returns the original to restore."""
    original = Starlette.__call__

    async def recording(self: Starlette, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not hasattr(self.state, "world"):
            await original(self, scope, receive, send)
            return
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started["status"] = message["status"]
                started["headers"] = {k.decode("latin-1").lower(): v.decode("latin-1")
                                      for k, v in message.get("headers", ())}
            elif (message["type"] == "http.response.body" and _is_json(started)
                  and sum(map(len, chunks)) < MAX_BODY):
                chunks.append(message.get("body", b""))
            await send(message)

        await original(self, scope, receive, capture)
        if "status" in started:
            recorder.record(self, Exchange(
                method=scope["method"], path=scope["path"], status=started["status"],
                headers=started["headers"],
                body=b"".join(chunks) if _is_json(started) else None, test=recorder.test,
            ))

    Starlette.__call__ = recording  # type: ignore[method-assign]
    return original


def _is_json(started: dict[str, Any]) -> bool:
    return str(started.get("headers", {}).get("content-type", "")).startswith(
        "application/json")


def pytest_configure(config: pytest.Config) -> None:
    recorder = Recorder()
    config.stash[KEY] = recorder
    config.stash[ORIGINAL] = install(recorder)


def pytest_unconfigure(config: pytest.Config) -> None:
    if ORIGINAL in config.stash:
        Starlette.__call__ = config.stash[ORIGINAL]  # type: ignore[method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    item.config.stash[KEY].test = item.nodeid
    return (yield)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    recorder = session.config.stash[KEY]
    recorder.check()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller reports
        workeroutput["openapi_problems"] = recorder.problems
        workeroutput["openapi_checked"] = recorder.checked
        workeroutput["openapi_seen"] = recorder.seen
    elif recorder.problems and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    recorder: Recorder = node.config.stash[KEY]
    output = getattr(node, "workeroutput", {})
    recorder.problems += output.get("openapi_problems", [])
    recorder.checked += output.get("openapi_checked", 0)
    recorder.seen += output.get("openapi_seen", 0)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    recorder = config.stash[KEY]
    if getattr(config, "workeroutput", None) is not None or not recorder.checked:
        return
    if not recorder.problems:
        terminalreporter.write_line(
            f"openapi: {recorder.checked} distinct responses of {recorder.seen} "
            f"match /openapi.json (checked in {recorder.seconds:.2f} s)")
        return
    terminalreporter.section("responses that do not match /openapi.json", red=True)
    for line in recorder.problems[:SHOWN]:
        terminalreporter.write_line(line)
    more = len(recorder.problems) - SHOWN
    if more > 0:
        terminalreporter.write_line(f"... and {more} more")
    terminalreporter.write_line(
        "Fix the response or its documentation (mockcar/web/openapi_*.py).")

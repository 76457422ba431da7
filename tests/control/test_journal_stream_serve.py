"""`mockcar serve` with a journal stream open: SIGTERM ends the stream and the server
shuts down gracefully instead of waiting for the stream forever."""

from __future__ import annotations

import httpx

from tests.test_cli import STARTUP, Served


def test_sigterm_ends_an_open_stream_and_the_server() -> None:
    # Not quiet: the console's request log wraps the app, and the shutdown still finds
    # the streams inside it.
    with Served("--scenario", "default", "--port", "0") as served:
        served.ready()
        url = f"http://127.0.0.1:{served.port}/_mockcar/journal/stream"
        with httpx.Client(timeout=STARTUP) as client, client.stream("GET", url) as stream:
            lines = stream.iter_lines()
            assert next(lines) == "retry: 1000"
            served.process.terminate()
            _, stderr = served.process.communicate(timeout=STARTUP)
            # uvicorn re-raises the signal it caught once it has shut down.
            assert served.process.returncode in (0, -15), stderr
            assert [line for line in lines if line] == [": mockcar request journal"]
    assert "Application shutdown complete." in stderr
    assert "Traceback" not in stderr

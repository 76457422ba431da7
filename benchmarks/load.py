"""A small closed-loop HTTP/1.1 load generator: C keep-alive connections, each sending
one GET after another for a fixed time, recording every request's latency."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def line(self, label: str) -> str:
        return (f"{label:<28} {self.rps:>9.0f} req/s   p50 {self.percentile(0.50):6.2f} ms   "
                f"p99 {self.percentile(0.99):6.2f} ms   mean "
                f"{statistics.fmean(self.latencies_ms):6.2f} ms   errors {self.errors}")


def median(results: list[Result]) -> Result:
    """The round with the median throughput."""
    return sorted(results, key=lambda r: r.rps)[len(results) // 2]


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _worker(host: str, port: int, request: bytes, until: float,
                  latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def _run(host: str, port: int, path: str, headers: dict[str, str], seconds: float,
               connections: int) -> Result:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(
        _worker(host, port, request, until, latencies, errors) for _ in range(connections)
    ))
    return Result(len(latencies), time.perf_counter() - started, latencies, len(errors))


def run(host: str, port: int, path: str, headers: dict[str, str], seconds: float,
        connections: int) -> Result:
    try:
        import uvloop
        return uvloop.run(_run(host, port, path, headers, seconds, connections))
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.run(_run(host, port, path, headers, seconds, connections))

"""`make bench`, part two: what the `mockcar` pytest fixture costs a test.

Per simulated test, as the plugin does it: register an application (a World copied from
the default scenario), complete Connect headlessly with the token exchange, make one
Vehicle API call with the token, and delete the application on teardown. The server is
a `MockcarServer` in a thread of this process, as under pytest; calls go over one
keep-alive connection, as the plugin's do.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
import urllib.request

from mockcar.testing.client import ControlClient
from mockcar.testing.handle import Mockcar
from mockcar.testing.server import MockcarServer

STEPS = ("register", "connect + exchange", "API call", "delete", "whole test")


def one_test(control: ControlClient, url: str) -> list[float]:
    marks = [time.perf_counter()]
    mockcar = Mockcar.register(control)
    marks.append(time.perf_counter())
    result = mockcar.connect("alice@example.com", scopes=["read_odometer"])
    marks.append(time.perf_counter())
    request = urllib.request.Request(f"{url}/v2.0/vehicles/{result.vehicles[0]}/odometer",
                                     headers=result.authorization)
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
    marks.append(time.perf_counter())
    mockcar.delete()
    marks.append(time.perf_counter())
    steps = [(b - a) * 1000 for a, b in itertools.pairwise(marks)]
    return [*steps, (marks[-1] - marks[0]) * 1000]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tests", type=int, default=300)
    args = parser.parse_args()
    with MockcarServer() as server:
        control = ControlClient(server.url)
        for _ in range(20):  # warm up: imports, caches, the parsed scenario
            one_test(control, server.url)
        runs = [one_test(control, server.url) for _ in range(args.tests)]
        control.close()
    print(f"{args.tests} simulated tests: register + headless Connect with token exchange + "
          "one API call + delete, in-process server thread, keep-alive control client")
    for index, step in enumerate(STEPS):
        values = sorted(run[index] for run in runs)
        p90 = values[int(0.9 * (len(values) - 1))]
        print(f"  {step:<20} median {statistics.median(values):6.2f} ms   p90 {p90:6.2f} ms")


if __name__ == "__main__":
    main()

"""What a hostile scenario costs mockcar to refuse: CPU time and peak memory of reading
each file of tests/scenario/bad/hostile/ (alias bombs, control characters, binary, other
encodings, deep nesting) and of generated ones (20 MB, a 9 MB flood of values, a 9 MB
single value, the largest document the budget admits).

Each case runs in a fresh process: `load_scenario` on the file, timed with the process's
CPU clock; memory is the growth of the process's peak resident size over the same
process: its peak resident size (`ru_maxrss`, the interpreter and mockcar's imports
included, which alone take the first figure) and the peak of Python allocations during
a second read (tracemalloc; libyaml's own buffers are not in it). Run: `python -m benchmarks.hostile_scenarios`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "scenario" / "bad" / "hostile"

CHILD = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
from mockcar.scenario import ScenarioError, load_scenario

def run():
    try:
        load_scenario(Path(sys.argv[1]))
        return "accepted"
    except ScenarioError as error:
        return str(error).splitlines()[0]

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.process_time()
outcome = run()
cpu = time.process_time() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
run()
traced = tracemalloc.get_traced_memory()[1]
print(json.dumps({"cpu": cpu, "rss_kib": after, "rss_import_kib": before,
                  "traced": traced, "outcome": outcome}))
"""


def generated(folder: Path) -> list[Path]:
    """Hostile files too large to commit, and the largest document the budget admits."""
    cases = {
        "twenty_megabytes.yaml": b"version: 1\nx-filler:\n" + (
            b"  - " + b"x" * 60 + b"\n") * (20 * 2**20 // 65 + 1),
        "flood_9mb.yaml": b"version: 1\nx-flood:\n" + b"  - 0\n" * (9 * 2**20 // 6),
        "one_value_9mb.yaml": b"version: 1\nx-big: '" + b"x" * (9 * 2**20) + b"'\n",
        # the mapping, version, 1, x-list, the list and 99,995 items: exactly the budget
        "at_the_budget.yaml": b"version: 1\nx-list:\n" + b"  - 0\n" * 49_995,
    }
    paths = []
    for name, data in cases.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def measure(path: Path) -> dict[str, object]:
    result = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                            text=True, cwd=ROOT, check=True, timeout=300)
    figures: dict[str, object] = json.loads(result.stdout)
    return figures


def baseline() -> float:
    """The peak resident size of a process that only imported mockcar, in MiB."""
    figures = measure(ROOT / "scenarios" / "default.yaml")
    return int(str(figures["rss_import_kib"])) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="substring of the case names to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = sorted(HOSTILE.iterdir()) + generated(Path(folder))
        print(f"a process that imported mockcar peaks at {baseline():.1f} MiB resident")
        print(f"{'case':30} {'size':>10} {'cpu ms':>7} {'rss MiB':>8} {'py MiB':>7}  first line")
        for path in paths:
            if args.only and args.only not in path.name:
                continue
            figures = measure(path)
            outcome = str(figures["outcome"]).replace(str(path), "")
            cpu_ms = float(str(figures["cpu"])) * 1000
            rss = int(str(figures["rss_kib"])) / 1024
            traced = int(str(figures["traced"])) / 2**20
            print(f"{path.name:30} {path.stat().st_size:>10,} {cpu_ms:>7.1f} {rss:>8.1f} "
                  f"{traced:>7.1f}  {outcome[:60]}")


if __name__ == "__main__":
    main()

"""Scenario problems, each located at a file, a line and a key path.

A `ScenarioError` carries every problem found in one file, so a user fixes them in one
pass instead of one per run. Its `str()` is one line per problem, in the shape compilers
use (`FILE:LINE: key.path: what is wrong`) so editors and CI annotate the right line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A key path as pydantic reports it: mapping keys are str, sequence indices int.
Loc = tuple[str | int, ...]


def format_path(loc: Sequence[str | int]) -> str:
    """`("owners", 0, "vehicles", 1, "vin")` -> `owners[0].vehicles[1].vin`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file. `line` is 1-based; None when the problem
    is the file itself (missing, unreadable). `path` is "" for the document as a whole."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario file that cannot be used; `problems` lists why, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(
            problems, key=lambda p: (p.file, p.line if p.line is not None else 0)
        )
        if not self.problems:
            raise ValueError("a ScenarioError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, line: int | None, path: str, message: str) -> ScenarioError:
        return cls([Problem(file, line, path, message)])

"""Reading a scenario file: bytes -> YAML -> typed `Scenario`, or a `ScenarioError`
naming the file, line and key path of every problem. Never a traceback: every failure
a user can cause (missing file, directory, binary junk, bad YAML, bad values) becomes a
located, one-line problem."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from mockcar.scenario.errors import Loc, Problem, ScenarioError, format_path

# The schema, pydantic and the checks load with the first text to validate: a start
# whose scenario was validated before (mockcar.scenario.cache) reads the file only.
if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails

    from mockcar.scenario.schema.scenario import Scenario
    from mockcar.scenario.yamlsource import Document


@cache
def _models() -> dict[tuple[str, ...], type[BaseModel]]:
    """Which model a key belongs to, by the mapping keys on its path (indices dropped)."""
    from mockcar.scenario.schema import timeline as schema_timeline
    from mockcar.scenario.schema.faults import FaultSpec
    from mockcar.scenario.schema.fleet import FleetSpec, PerOwner
    from mockcar.scenario.schema.latency import AsleepSpec
    from mockcar.scenario.schema.scenario import (
        ApplicationSpec,
        Battery,
        Fuel,
        Location,
        OwnerSpec,
        Scenario,
        VehicleSpec,
    )

    return {
        (): Scenario,
        ("applications",): ApplicationSpec,
        ("owners",): OwnerSpec,
        ("owners", "vehicles"): VehicleSpec,
        ("owners", "vehicles", "battery"): Battery,
        ("owners", "vehicles", "fuel"): Fuel,
        ("owners", "vehicles", "location"): Location,
        ("fleet",): FleetSpec,
        ("fleets",): FleetSpec,
        ("fleet", "vehicles_per_owner"): PerOwner,
        ("fleets", "vehicles_per_owner"): PerOwner,
        ("faults",): FaultSpec,
        ("asleep",): AsleepSpec,
        **{("owners", "vehicles", *k): m for k, m in schema_timeline.MODELS.items()},
    }


MAX_BYTES = 10 * 1024 * 1024  # a scenario is hand-written; refuse to parse a disk image


def load_scenario(path: Path, *, cached: bool = False) -> Scenario:
    """Parse and validate the scenario at `path`; raise `ScenarioError` listing every
    problem found. Builds no World: generated values are drawn by `build_world`.

    `cached` (`mockcar serve`): the same text, validated by an earlier start, is taken
    from the user's cache folder (mockcar.scenario.cache); a text validated here is kept
    there."""
    file = str(path)
    text = _read(path)
    if cached:
        from mockcar.scenario import cache

        found = cache.load(text)
        if found is not None:
            # Not a `Scenario`: its plain stand-in, with the same fields and methods.
            return cast("Scenario", found)
    from mockcar.scenario.yamlsource import parse  # PyYAML: only for a text to validate

    scenario = validate(parse(text, file), file)
    if cached:
        cache.save(text, scenario)
    return scenario


def validate(doc: Document, file: str) -> Scenario:
    """The typed scenario for a parsed document, or ScenarioError listing every problem:
    the document's own (duplicate keys), a missing version and what validation finds."""
    from pydantic import ValidationError

    from mockcar.scenario import pydantic_messages as messages
    from mockcar.scenario import rules as checks
    from mockcar.scenario.schema.scenario import SUPPORTED_VERSION, Scenario

    data = doc.data
    if not isinstance(data, dict):
        raise ScenarioError.single(
            file, doc.line_of(()), "",
            f"the top level must be a mapping with version, seed, applications and owners; "
            f"got {messages.describe(data)}",
        )
    problems = [*doc.problems, *_version_problems(data, doc, file)]
    # `x-` keys are the author's own (docker compose's convention): a home for anchors.
    data = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
    data.setdefault("version", SUPPORTED_VERSION)  # missing: reported, the rest still read
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = _without_echoes(exc.errors())
        if doc.problems:  # a key that is not text was reported when it was read
            errors = [e for e in errors if e["type"] != "invalid_key"]
        problems += (_problem(doc, file, err["loc"], messages.message(
            err, _models().get(_names(err["loc"][:-1]))
        )) for err in errors)
        raise ScenarioError(problems) from None
    problems += (_problem(doc, file, loc, text) for loc, text in checks.check(scenario))
    if problems:
        raise ScenarioError(problems)
    return scenario


def _version_problems(data: dict[Any, Any], doc: Document, file: str) -> list[Problem]:
    """A missing version is one problem among the others (the file is read as version
    1); another version stops here, since under it the rest may mean something else."""
    from mockcar.scenario import pydantic_messages as messages
    from mockcar.scenario.schema.scenario import SUPPORTED_VERSION

    if "version" not in data:
        return [Problem(file, doc.line_of(()), "version",
                        f"required key is missing; add 'version: {SUPPORTED_VERSION}' at the top")]
    version = data["version"]
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        raise ScenarioError([*doc.problems, Problem(
            file, doc.line_of(("version",)), "version",
            f"unsupported version {version}; this mockcar reads version {SUPPORTED_VERSION}"
            if isinstance(version, int) and not isinstance(version, bool)
            else f"must be {SUPPORTED_VERSION}, got {messages.describe(version)}",
        )])
    return []


def _without_echoes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop "latitude is missing" when the same mapping has `lattitude`, which is
    reported as unknown with "did you mean 'latitude'?": one typo, one problem."""
    from mockcar.scenario import pydantic_messages as messages

    suggested = {
        (*err["loc"][:-1], hint)
        for err in errors
        if err["type"] == "extra_forbidden"
        and (hint := messages.suggestion(str(err["loc"][-1]),
                                         _models().get(_names(err["loc"][:-1])))) is not None
    }
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in suggested)]


def _problem(doc: Document, file: str, loc: Loc, text: str) -> Problem:
    return Problem(file, doc.line_of(loc), format_path(loc), text)


def _names(loc: Loc) -> tuple[str, ...]:
    return tuple(p for p in loc if isinstance(p, str))


def _read(path: Path) -> str:
    file = str(path)
    try:
        if path.is_dir():
            raise ScenarioError.single(file, None, "", "is a directory, not a scenario file")
        with path.open("rb") as handle:
            # a larger regular file is refused unread
            too_large = os.fstat(handle.fileno()).st_size > MAX_BYTES
            raw = b"" if too_large else _head(handle)
    except FileNotFoundError:
        raise ScenarioError.single(file, None, "", "no such file") from None
    except PermissionError:
        raise ScenarioError.single(file, None, "", "permission denied") from None
    except OSError as exc:
        raise ScenarioError.single(file, None, "", f"cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a path with a NUL byte, from Python callers
        raise ScenarioError.single(file, None, "", f"cannot read: {exc}") from None
    if too_large or len(raw) > MAX_BYTES:
        raise ScenarioError.single(file, None, "", f"larger than {MAX_BYTES // 2**20} MiB; "
                                   "a scenario file is a few kB")
    return _decode(raw, file)


def _head(handle: BinaryIO) -> bytes:
    """At most MAX_BYTES + 1 bytes, read in pieces: `read(n)` sets aside n bytes at once,
    and a device such as /dev/zero never ends."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BYTES and (chunk := handle.read(min(2**16, MAX_BYTES + 1 - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _decode(raw: bytes, file: str) -> str:
    """A scenario's bytes as text: UTF-8, with or without a byte-order mark. UTF-16 and
    UTF-32 (which YAML allows, and Windows editors write) are refused with how to fix
    it, so line numbers and the JSON Schema's editors agree on one encoding."""
    wide = _wide_encoding(raw)
    if wide is not None:
        raise _refused(file, 1, f"the file is {wide} text; save it as UTF-8")
    nul = raw.find(b"\0")
    if nul >= 0:
        line, column = _position(raw, nul)
        raise _refused(file, line, "looks like a binary file, not YAML text (a NUL byte "
                       f"at column {column})")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        raise _refused(file, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02X} at column "
                       f"{column}); save the file as UTF-8")


_BOMS = ((b"\xff\xfe\0\0", "UTF-32"), (b"\0\0\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
         (b"\xfe\xff", "UTF-16"))


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32 by its byte-order mark, or UTF-16 without one by the NUL half of
    every ASCII character (what YAML's own detection looks at)."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    head = raw[:64]
    if len(head) < 4 or not any(head):
        return None
    if not any(head[1::4] + head[2::4] + head[3::4]) or not any(head[0::4] + head[1::4] + head[2::4]):
        return "UTF-32"
    if not any(head[0::2]) or not any(head[1::2]):
        return "UTF-16"
    return None


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", "replace")) + 1


def _refused(file: str, line: int, message: str) -> ScenarioError:
    return ScenarioError.single(file, line, "", message)

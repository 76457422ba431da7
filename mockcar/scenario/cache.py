"""Validated scenarios kept between starts of `mockcar serve`, in the user's cache folder
(mockcar.user_cache), as Python keeps bytecode in `__pycache__`.

A start whose scenario file, and the code that reads it, are what they were when the
file was last validated takes the validated scenario from here instead of importing
PyYAML and pydantic, parsing, validating and building pydantic's validators: ~60-80 ms
of CPU a start. Each model comes back as a plain stand-in (mockcar.scenario.specs.Kept)
with its validated fields and the same methods, which is all building a World reads;
nothing is validated again, as the values were when they were kept. Any change to the
file (or to mockcar's scenario and domain code, pydantic, PyYAML or Python) is another
key, so it is read and validated again, problems and all. A scenario with fleets is not
kept (its fleet tables read the models themselves).

The kept form is JSON, never code: each model tagged with the name of its class (one of
the schema's own when written; read, a name only picks a stand-in), each list, tuple,
dict and date-time tagged with its type. A file that is not exactly that, or not safely
this user's, is ignored; what cannot be written is validated next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockcar import user_cache
from mockcar.scenario import specs

if TYPE_CHECKING:
    from pydantic import BaseModel

    from mockcar.scenario.schema.scenario import Scenario

# A scenario is a few kB; a larger file was not written here.
MAX_BYTES = 4 * 2**20
# Kept files: older ones are removed when one is written (each is one version of one file).
KEEP = 16
_FORMAT = b"mockcar validated scenario 2"
_ROOT = Path(__file__).resolve().parent.parent  # the mockcar package
_SCHEMA = "mockcar.scenario.schema."


def models() -> dict[str, type[BaseModel]]:
    """The schema's models by full name: the only classes the kept form names."""
    from pydantic import BaseModel

    from mockcar.scenario.schema import faults, fleet, latency, timeline, webhooks
    from mockcar.scenario.schema import scenario as schema

    found: dict[str, type[BaseModel]] = {}
    for module in (schema, faults, fleet, latency, timeline, webhooks):
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, BaseModel)
                    and value.__module__ == module.__name__):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


class Unkept(Exception):
    """A value this form does not hold (the scenario is then not kept)."""


def load(text: str) -> specs.Kept | None:
    """The validated scenario of `text` as kept by an earlier start (a stand-in for the
    `Scenario` with its fields and methods), or None."""
    path = _path(text)
    data = None if path is None else user_cache.read(path, MAX_BYTES)
    if data is None:
        return None
    try:
        found = _decode(json.loads(data))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, Unkept):
        return None
    return found if isinstance(found, specs.Kept) and found._model == "Scenario" else None


def save(text: str, scenario: Scenario) -> None:
    """Keep `scenario`, validated from `text`, for the next start."""
    path = _path(text)
    if path is None or scenario.fleet is not None or scenario.fleets:
        return
    try:
        tree = _encode(scenario, models())
        data = json.dumps(tree, separators=(",", ":"), allow_nan=False)
    except (Unkept, ValueError, RecursionError):
        return
    if user_cache.write(path, data.encode()):
        _prune(path.parent)


def _path(text: str) -> Path | None:
    folder = user_cache.directory()
    return None if folder is None else folder / "scenarios" / f"{key(text)}.json"


def key(text: str) -> str:
    """The digest of the file's text, this form, Python's version, pydantic's, its
    core's and PyYAML's installed files, and every module of mockcar's scenario and
    domain packages (path, size and modification time): whatever could change what the
    text validates to."""
    digest = hashlib.sha256(_FORMAT)
    digest.update(b"\0" + text.encode("utf-8", "surrogatepass"))
    stamps = (sys.version, *(_stamp(p) for p in ("pydantic", "pydantic_core", "yaml")))
    digest.update("\0".join(stamps).encode())
    for folder in ("scenario", "domain"):
        for root, dirs, files in os.walk(_ROOT / folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(f for f in files if f.endswith(".py")):
                info = os.stat(os.path.join(root, name))
                digest.update(f"\0{root}/{name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def _stamp(package: str) -> str:
    """An installed package's version by its files (where, size, modification time),
    without importing it: a kept scenario spares pydantic's and PyYAML's imports."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return f"no {package}"
    stamp = [spec.origin]
    for path in (spec.origin, os.path.join(os.path.dirname(spec.origin), "version.py")):
        if os.path.exists(path):
            info = os.stat(path)
            stamp.append(f"{info.st_size}:{info.st_mtime_ns}")
    return ":".join(stamp)


def _prune(folder: Path) -> None:
    try:
        kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _encode(value: Any, known: dict[str, type[BaseModel]]) -> Any:
    """The kept form of a validated value (`known`: the schema's models)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    cls = type(value)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if known.get(name) is cls:
        if value.__pydantic_extra__ or value.__pydantic_private__:
            raise Unkept(name)
        return {"model": name,
                "fields": {f: _encode(getattr(value, f), known) for f in cls.model_fields},
                "set": sorted(value.model_fields_set)}
    if isinstance(value, list):
        return {"list": [_encode(v, known) for v in value]}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v, known) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode(k, known), _encode(v, known)] for k, v in value.items()]}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise Unkept(type(value).__name__)


def _decode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if not isinstance(value, dict) or len(value) not in (1, 3):
        raise Unkept("not a tagged value")
    if "model" in value:
        name, fields = value["model"], value["fields"]
        model = name.rpartition(".")[2] if isinstance(name, str) else ""
        if (not name.startswith(_SCHEMA) or not model.isidentifier()
                or not isinstance(fields, dict)):
            raise Unkept(str(name))
        return specs.kept(model, {str(k): _decode(v) for k, v in fields.items()})
    (tag, inner), = value.items()
    if tag == "list":
        return [_decode(v) for v in inner]
    if tag == "tuple":
        return tuple(_decode(v) for v in inner)
    if tag == "dict":
        return {_decode(k): _decode(v) for k, v in inner}
    if tag == "datetime":
        return datetime.fromisoformat(inner)
    if tag == "date":
        return date.fromisoformat(inner)
    raise Unkept(tag)

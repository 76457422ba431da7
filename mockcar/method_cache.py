"""The code of the methods `dataclasses` generates, kept between starts of `mockcar serve`.

Python builds each dataclass's `__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__`
and `__delattr__` from source text it compiles when the class is defined: ~190
dataclasses (mockcar's World and pydantic's own) cost ~150 ms of a ~450 ms start, three
quarters of it in `compile`. The text depends only on the class, so its code object is
the same at every start: while the server starts, `dataclasses` finds its compiled code
here by the text's digest, and what it had to compile is written back for the next start,
as Python keeps modules' bytecode in `__pycache__`. Forward references (annotations
written as strings, ~970 at a start, ~700 of them pydantic_core's TypedDicts; ~14 ms)
are compiled by `typing.ForwardRef` the same way and are kept alike.

The functions made are the ones `dataclasses` makes itself: the same text, compiled the
same way (`<string>`, no inherited `__future__` flags), run with the same namespaces.
Nothing else changes: `install` shadows `exec` in the `dataclasses` module and `compile`
in `typing` only, and `uninstall` removes them once the server has started. The file (under `$XDG_CACHE_HOME` or
`~/.cache`, `mockcar/`) is read only when this user owns it and nobody else may write it,
and one for another Python is never read (its name carries the bytecode's cache tag and
the file starts with Python's magic number); any failure to read or write it only means
compiling, as without it.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import importlib.util
import marshal
import sys
import typing
from pathlib import Path
from types import CodeType
from typing import Any

from mockcar import user_cache

_MAGIC = importlib.util.MAGIC_NUMBER
# A file this size is not one this module wrote (one start's code is ~0.7 MB).
_MAX_BYTES = 16 * 2**20


class MethodCache:
    """Compiled code by the digest of its source text: what was found (`hits`), what had to
    be compiled (`misses`), and what this start used, which is written back."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        # Each entry's code stays marshalled until a class asks for it: a start uses the
        # few hundred entries of the classes it defines, not every one the file holds.
        self.known: dict[bytes, bytes] = _read(path) if path is not None else {}
        self.used: dict[bytes, bytes] = {}
        self.hits = self.misses = 0

    def exec(self, source: Any, namespace: Any = None, names: Any = None) -> None:
        """`exec(source, globals, locals)` as `dataclasses` calls it (positionally), with
        the code of `source` from the cache. Running the text it generated is what
        `dataclasses` does anyway."""
        if not isinstance(source, str):
            builtins.exec(source, namespace, names)  # noqa: S102
            return
        # As `exec(source)` compiles it in `dataclasses` (a module with no __future__
        # imports): as "<string>", not inheriting this module's flags.
        builtins.exec(self._code(source, "exec"), namespace, names)  # noqa: S102

    def compile(self, source: Any, filename: Any, mode: Any, flags: int = 0,
                dont_inherit: bool = False, optimize: int = -1) -> Any:
        """`compile` as `typing.ForwardRef` calls it for a forward reference (an
        annotation written as a string: pydantic_core declares ~700 of them), with the
        code from the cache; any other call is the builtin's."""
        if (not isinstance(source, str) or filename != "<string>" or mode != "eval"
                or flags or optimize != -1):
            # Inheriting from `typing` (no __future__ imports) is inheriting nothing.
            return builtins.compile(source, filename, mode, flags, True, optimize)
        return self._code(source, "eval")  # `typing` has no __future__ imports either

    def _code(self, source: str, mode: str) -> CodeType:
        key = hashlib.sha256(f"{mode}\0{source}".encode("utf-8", "surrogatepass")).digest()
        kept = self.known.get(key)
        code = _unmarshal(kept) if kept is not None else None
        if kept is None or code is None:
            code = builtins.compile(source, "<string>", mode, dont_inherit=True)
            kept = marshal.dumps(code)
            self.misses += 1
        else:
            self.hits += 1
        self.used[key] = kept
        return code

    def save(self) -> None:
        """Write what this start used, when it had to compile anything."""
        if self.path is None or not self.misses:
            return
        # A read-only home: the next start compiles, as without a cache.
        user_cache.write(self.path, _MAGIC + marshal.dumps(self._kept()))

    def _kept(self) -> dict[bytes, bytes]:
        """What this start used, and what the file held besides while that is at most as
        much again: starts that define different classes (another scenario's, `--state`'s)
        keep each other's code, and code of classes that changed is dropped in time."""
        kept = {**self.known, **self.used}
        return kept if len(kept) <= 2 * len(self.used) else self.used


_active: MethodCache | None = None
# The cache `uninstall` closed last: its hits and misses tell what a start compiled.
last: MethodCache | None = None


def default_path() -> Path | None:
    tag = sys.implementation.cache_tag
    folder = user_cache.directory()
    if tag is None or folder is None:
        return None
    return folder / f"dataclass-methods.{tag}.marshal"


def install(path: Path | None = None) -> MethodCache:
    """From now until `uninstall`, dataclasses defined in this process take their methods'
    code, and forward references theirs, from the cache at `path` (default:
    `default_path()`)."""
    global _active
    cache = MethodCache(path if path is not None else default_path())
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    typing.compile = cache.compile  # type: ignore[attr-defined]
    _active = cache
    return cache


def uninstall() -> MethodCache | None:
    """`dataclasses` and `typing` compile again; what this start compiled is saved for
    the next."""
    global _active, last
    cache, _active = _active, None
    if cache is None:
        return None
    last = cache
    if vars(dataclasses).get("exec") == cache.exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    if vars(typing).get("compile") == cache.compile:
        del typing.compile  # type: ignore[attr-defined]
    cache.save()
    return cache


def _read(path: Path) -> dict[bytes, bytes]:
    """The file's entries, each code object still marshalled (`_unmarshal` on use). Read
    whole, then parsed: `marshal.load` on a file reads it a few bytes at a time."""
    data = user_cache.read(path, _MAX_BYTES)
    if data is None or not data.startswith(_MAGIC):
        return {}
    try:
        found = marshal.loads(memoryview(data)[len(_MAGIC):])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(found, dict):
        return {}
    # An earlier mockcar's file held code objects: not entries, compiled and replaced.
    return {k: v for k, v in found.items() if isinstance(k, bytes) and isinstance(v, bytes)}


def _unmarshal(kept: bytes) -> CodeType | None:
    """An entry's code, or None when the entry is not code (then it is compiled)."""
    try:
        code = marshal.loads(kept)
    except (EOFError, ValueError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None

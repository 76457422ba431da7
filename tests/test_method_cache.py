"""`mockcar serve` keeps the code of dataclasses' generated methods between starts
(mockcar.method_cache): a second start compiles none of them, the classes get the very
same methods, and a cache file that is not safely this user's is never read. Checked in
fresh interpreters by counting and comparing code, never by timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.stub_serve import REPLACE_SERVE

ROOT = Path(__file__).resolve().parent.parent
TAG = sys.implementation.cache_tag

# `mockcar serve` with the server stubbed: what the start compiled, and whether
# `dataclasses` is itself again when the server runs.
START = """
import dataclasses, json, sys, typing
from mockcar import cli, method_cache
seen = {}
def serve(settings, world, sock=None, **kwargs):
    cache = method_cache.last
    seen.update(hits=cache.hits, misses=cache.misses,
                patched="exec" in vars(dataclasses) or "compile" in vars(typing))
    if sock is not None:
        sock.close()
""" + REPLACE_SERVE + """code = cli.main(["serve", "--quiet", "--port", "0"])
print(json.dumps({**seen, "code": code}))
"""

# Every generated method of every dataclass a start defines, as code, defaults and
# annotations, and every forward reference in a class's annotations, with or without the
# cache.
METHODS = """
import dataclasses, hashlib, json, sys, types, typing
def canonical(code):
    # Everything a code object is made of. Not `marshal.dumps(code)`: its bytes also
    # depend on the reference counts of the constants (shared ones are written as refs).
    return repr((code.co_name, code.co_qualname, code.co_filename, code.co_firstlineno,
                 code.co_flags, code.co_argcount, code.co_posonlyargcount,
                 code.co_kwonlyargcount, code.co_stacksize, code.co_code, code.co_linetable,
                 code.co_exceptiontable, code.co_names, code.co_varnames, code.co_freevars,
                 code.co_cellvars,
                 tuple(canonical(c) if isinstance(c, types.CodeType) else repr(c)
                       for c in code.co_consts))).encode()
cached = sys.argv[1] == "cached"
if cached:
    from mockcar import method_cache
    method_cache.install()
import mockcar.app, mockcar.scenario.loader, mockcar.scenario.schema.scenario, mockcar.server
if cached:
    method_cache.uninstall()
found = {}
for name, module in list(sys.modules.items()):
    for obj in list(vars(module).values()) if module else []:
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == name:
            for method, fn in vars(obj).items():
                fn = getattr(fn, "__wrapped__", fn)
                if method.startswith("__") and hasattr(fn, "__code__"):
                    found[f"{name}.{obj.__qualname__}.{method}"] = hashlib.sha256(
                        canonical(fn.__code__)
                        + repr((fn.__qualname__, fn.__annotations__, fn.__code__.co_flags,
                                fn.__defaults__ is None, len(fn.__defaults__ or ()),
                                fn.__kwdefaults__ is None)).encode()).hexdigest()
    for name_, value in list(vars(module).items()) if module else []:
        if not isinstance(value, type):
            continue
        annotations = vars(value).get("__annotations__")
        for key, ref in (annotations.items() if isinstance(annotations, dict) else ()):
            if isinstance(ref, typing.ForwardRef):
                found[f"{name}.{name_}:{key}"] = hashlib.sha256(
                    canonical(ref.__forward_code__)).hexdigest()
print(json.dumps(found))
"""


def run(script: str, cache_home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCAR_")}
    result = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT,
                            env={**env, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0",
                                 "XDG_CACHE_HOME": str(cache_home)},
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout.splitlines()[-1]


def start(cache_home: Path) -> dict[str, int]:
    seen: dict[str, int] = json.loads(run(START, cache_home))
    assert seen["code"] == 0
    assert not seen["patched"]  # the server runs with dataclasses as Python ships it
    return seen


def cache_file(cache_home: Path) -> Path:
    return cache_home / "mockcar" / f"dataclass-methods.{TAG}.marshal"


def test_a_second_start_compiles_no_dataclass_method(tmp_path: Path) -> None:
    first = start(tmp_path)
    assert first["hits"] == 0 and first["misses"] > 500
    assert cache_file(tmp_path).stat().st_mode & 0o077 == 0  # this user's only
    second = start(tmp_path)
    # Every method from the cache; a few classes fewer, as the second start takes its
    # scenario from the scenario cache (no PyYAML, no pydantic validator built).
    assert second["misses"] == 0
    assert 500 < second["hits"] <= first["misses"]


def test_the_cached_code_makes_the_same_methods(tmp_path: Path) -> None:
    run(METHODS, tmp_path, "cached")  # fills the cache
    cached = json.loads(run(METHODS, tmp_path, "cached"))
    compiled = json.loads(run(METHODS, tmp_path, "plain"))
    assert sum(":" in key for key in compiled) > 500  # forward references
    assert sum(":" not in key for key in compiled) > 500  # dataclass methods
    assert cached == compiled


def test_a_cache_file_others_may_write_or_not_written_here_is_not_read(tmp_path: Path) -> None:
    start(tmp_path)
    path = cache_file(tmp_path)
    path.chmod(0o666)
    assert start(tmp_path)["hits"] == 0  # compiled again, and written back as its own
    assert path.stat().st_mode & 0o077 == 0
    path.write_bytes(b"not a cache")
    path.chmod(0o600)
    compiled = start(tmp_path)
    assert compiled["hits"] == 0 and compiled["misses"] > 500
    assert start(tmp_path)["misses"] == 0


def test_an_entry_that_is_not_code_is_compiled(tmp_path: Path) -> None:
    """Each entry is unmarshalled when a class asks for it: one that is not code (a
    damaged file) is compiled instead, and written back as code."""
    import hashlib
    import marshal

    from mockcar import method_cache

    source = "def __init__(self, x):\n  self.x = x\n"
    key = hashlib.sha256(f"exec\0{source}".encode()).digest()
    path = tmp_path / "methods.marshal"
    path.write_bytes(method_cache._MAGIC + marshal.dumps({key: b"not code"}))
    path.chmod(0o600)
    cache = method_cache.MethodCache(path)
    namespace: dict[str, object] = {}
    cache.exec(source, namespace, namespace)
    assert (cache.hits, cache.misses) == (0, 1) and callable(namespace["__init__"])
    cache.save()
    again = method_cache.MethodCache(path)
    again.exec(source, {}, {})
    assert (again.hits, again.misses) == (1, 0)

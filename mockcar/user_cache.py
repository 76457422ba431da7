"""The folder `mockcar serve` keeps what it can reuse between starts in, as Python keeps
bytecode in `__pycache__`: `$XDG_CACHE_HOME/mockcar/`, else `~/.cache/mockcar/`.

A file there is read only when this user owns it and nobody else may write it; it is
written beside itself and renamed over, mode 0600 in a 0700 folder. Any failure to read
or write only means doing the work again: deleting the folder is always safe, and a home
that cannot be written means no cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def directory() -> Path | None:
    """The cache folder, or None where there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if not os.path.isabs(home):  # no HOME and no passwd entry: no cache, not ./~
            return None
        base = os.path.join(home, ".cache")
    if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        return None
    return Path(base) / "mockcar"


def read(path: Path, max_bytes: int) -> bytes | None:
    """The file's bytes when it is a regular file of this user's that nobody else may
    write, at most `max_bytes` long; else None."""
    try:
        with path.open("rb") as file:
            info = os.fstat(file.fileno())
            if (not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes
                    or (hasattr(os, "getuid") and info.st_uid != os.getuid())
                    or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
                return None
            return file.read(max_bytes + 1)
    except (OSError, ValueError):
        return None


def write(path: Path, data: bytes) -> bool:
    """Write `data` to `path`: beside it, then renamed over it, so a reader sees the old
    file or the new one, never half of one. False when it could not be written."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        return False
    return True

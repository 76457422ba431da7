"""Snapshot documents on disk: `mockcar serve --import FILE` reads one before the server
starts, `--export-on-exit FILE` writes one when it shuts down cleanly (SIGINT, SIGTERM),
as Firebase's emulators do (https://firebase.google.com/docs/emulator-suite/install_and_configure).

Every failure is a `SnapshotError` whose message is one line naming the file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from mockcar.state.snapshot import SnapshotError


def read_document(path: Path) -> Any:
    """The JSON document in `path`."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SnapshotError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SnapshotError(f"{path} is not a JSON snapshot ({detail})") from None


def check_writable(path: Path) -> None:
    """Say at start, not at exit, that `path` cannot be written."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise SnapshotError(f"cannot export to {path}: it is a directory")
    if not folder.is_dir():
        raise SnapshotError(f"cannot export to {path}: no directory {folder}")
    if not os.access(folder, os.W_OK):
        raise SnapshotError(f"cannot export to {path}: {folder} is not writable")


def write_document(path: Path, document: Any) -> None:
    """Write `document` to `path` whole or not at all (a crash mid-write leaves the
    previous file)."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document, out, indent=1, sort_keys=False)
                out.write("\n")
            # The document holds tokens and client secrets: readable by its owner only.
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise SnapshotError(f"cannot write {path}: {error.strerror or error}") from None

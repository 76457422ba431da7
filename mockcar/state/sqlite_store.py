"""The `Store` on one local SQLite file (the standard library's sqlite3), the embedded
default of `mockcar serve --state PATH`.

Two tables: `records (tenant, section, key, record)` holding one JSON record per key,
and `meta (name, value)`. The file is marked as mockcar's with SQLite's
`application_id` header field, so a foreign database is refused instead of written
into.

Durability (https://www.sqlite.org/wal.html, https://www.sqlite.org/pragma.html#pragma_synchronous):
the journal is a write-ahead log, and each `apply` is one transaction. With
`synchronous=NORMAL` (the default here) a committed transaction is in the log before
`apply` returns, so killing the process at any moment loses nothing that was
committed; a power cut or an OS crash may lose the last transactions (never corrupt the
file). `synchronous=FULL` also survives those, at the cost of an fsync per commit.

The file is opened in exclusive locking mode: a second mockcar pointed at the same file
is refused at start rather than both writing it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mockcar.state.store import FORMAT, Change, ServerRecords, StoreError

# SQLite's header field for the application owning a file ("mkcr").
APPLICATION_ID = 0x6D6B6372
SYNC_MODES = ("normal", "full")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    tenant TEXT NOT NULL, section TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (tenant, section, key)
) WITHOUT ROWID;
"""


class SQLiteStore:
    """A `Store` in the SQLite file `path`, created when missing."""

    def __init__(self, path: Path, sync: str = "normal", *, any_format: bool = False) -> None:
        if sync not in SYNC_MODES:
            raise StoreError(f"state sync must be one of {', '.join(SYNC_MODES)}, got {sync!r}")
        self.path = path
        self._meta: dict[str, str] = {}
        self._staged_meta: Mapping[str, str] | None = None
        try:
            if path.is_dir():
                raise StoreError(f"state file {path} is a directory")
            if not path.parent.is_dir():
                raise StoreError(f"cannot create state file {path}: no folder "
                                 f"{path.parent}")
            if not path.exists():
                # Owner-only: the records hold tokens, client secrets and the management
                # tokens webhooks are signed with (SQLite gives its log the same mode).
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            # Autocommit: transactions are begun and ended explicitly in `apply`.
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreError(describe(path, error)) from None
        except OSError as error:
            raise StoreError(f"cannot create the state file {path} ({error.strerror or error}); "
                             "is its folder writable?") from None
        try:
            self._open(sync, any_format)
        except sqlite3.Error as error:
            self._db.close()
            raise StoreError(describe(path, error)) from None
        except StoreError:
            self._db.close()
            raise

    def _open(self, sync: str, any_format: bool) -> None:
        db = self._db
        db.execute("PRAGMA busy_timeout = 0")
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        # Reading the header fails on a file that is not a database at all.
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id != APPLICATION_ID and (app_id != 0 or tables):
            raise StoreError(f"{self.path} is not a mockcar state file (another program's "
                             "SQLite database); pass another --state path")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"cannot use a write-ahead log for {self.path} ({mode})")
        db.execute(f"PRAGMA synchronous = {sync.upper()}")
        # Creating the tables writes the file: a read-only file or folder, a full disk or
        # a file another mockcar holds fails here, at start, rather than on a request.
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(FORMAT),))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        written = self._meta.get("format")
        if written != str(FORMAT) and not any_format:
            raise StoreError(f"{self.path} holds state of format {written}, this mockcar "
                             f"reads format {FORMAT}; start with --reset-state to discard it")

    @property
    def meta(self) -> dict[str, str]:
        return dict(self._meta)

    def load(self) -> ServerRecords:
        found: ServerRecords = {}
        try:
            rows = self._db.execute(
                "SELECT tenant, section, key, record FROM records ORDER BY tenant, section, key"
            ).fetchall()
        except sqlite3.Error as error:
            raise StoreError(describe(self.path, error)) from None
        for tenant, section, key, text in rows:
            try:
                record = json.loads(text)
            except ValueError:
                raise StoreError(f"{self.path} is damaged: the record {section}/{key} is "
                                 "not JSON; start with --reset-state to discard it") from None
            found.setdefault(tenant, {}).setdefault(section, {})[key] = record
        return found

    def apply(self, changes: Sequence[Change], meta: Mapping[str, str] | None = None) -> None:
        self.stage(changes, meta)
        self.finish()

    # `apply` in two halves, for a caller that runs the statements where it likes and
    # only the COMMIT, which waits for the disk, on a thread of its own.

    def stage(self, changes: Sequence[Change], meta: Mapping[str, str] | None = None) -> None:
        """Begin the transaction and run its statements, uncommitted: `finish` commits
        it. StoreError (nothing written) when a record is not JSON or SQLite fails."""
        upserts: list[tuple[str, str, str, str]] = []
        deletes: list[tuple[str, str, str]] = []
        for change in changes:
            if change.record is None:
                deletes.append((change.tenant, change.section, change.key))
            else:
                try:
                    text = _dumps(change.record)
                except (TypeError, ValueError) as error:
                    raise StoreError(f"the record {change.section}/{change.key} is not "
                                     f"JSON ({error})") from None
                upserts.append((change.tenant, change.section, change.key, text))
        db = self._db
        with self._rolled_back_on_failure():
            db.execute("BEGIN IMMEDIATE")
            if deletes:
                db.executemany(
                    "DELETE FROM records WHERE tenant = ? AND section = ? AND key = ?",
                    deletes)
            if upserts:
                db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
                               upserts)
            if meta:
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               list(meta.items()))
        self._staged_meta = meta

    def finish(self) -> None:
        """Commit what `stage` began: when this returns it survives the process being
        killed; StoreError (rolled back, nothing written) when it cannot be."""
        meta, self._staged_meta = self._staged_meta, None
        with self._rolled_back_on_failure():
            self._db.execute("COMMIT")
        if meta:
            self._meta.update(meta)

    @contextmanager
    def _rolled_back_on_failure(self) -> Iterator[None]:
        """Any failure rolls the open transaction back (nothing written); SQLite's own
        become StoreError naming the file."""
        db = self._db
        try:
            try:
                yield
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise StoreError(describe(self.path, error)) from None

    def checkpoint_separately(self) -> Callable[[], None]:
        """Turn SQLite's automatic checkpoints off (which would run inside a commit and
        fsync) and return what runs one: for a caller that writes transactions where
        an fsync must not happen (an event loop) and checkpoints elsewhere."""
        try:
            self._db.execute("PRAGMA wal_autocheckpoint = 0")
        except sqlite3.Error as error:
            raise StoreError(describe(self.path, error)) from None
        return self.checkpoint

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the file (https://www.sqlite.org/wal.html#ckpt)."""
        try:
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:
            raise StoreError(describe(self.path, error)) from None

    def clear(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM records")
            self._db.execute("DELETE FROM meta")
            self._db.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(describe(self.path, error)) from None
        self._meta = {"format": str(FORMAT)}

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            pass


def _dumps(record: Any) -> str:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def describe(path: Path, error: sqlite3.Error) -> str:
    """sqlite3's error as one line naming the file and what to do."""
    text = str(error).strip() or type(error).__name__
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (f"{path} is not a mockcar state file or is damaged ({text}); start with "
                "--reset-state to discard it, or pass another --state path")
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return f"cannot write the state file {path} ({text}); is its folder writable?"
    if "disk is full" in lowered or "disk i/o" in lowered:
        return f"cannot write the state file {path}: {text}"
    if "locked" in lowered or "busy" in lowered:
        return (f"the state file {path} is in use by another mockcar ({text}); stop it or "
                "pass another --state path")
    return f"state file {path}: {text}"


def reset(path: Path, sync: str = "normal") -> SQLiteStore:
    """The store at `path`, emptied (`--reset-state`), whatever format it was written in.
    A damaged file is replaced; another program's SQLite database is refused, never
    deleted."""
    try:
        store = SQLiteStore(path, sync, any_format=True)
    except StoreError:
        if not _damaged(path):
            raise
        for leftover in (path, path.with_name(path.name + "-wal"),
                         path.with_name(path.name + "-shm")):
            try:
                leftover.unlink(missing_ok=True)
            except OSError as error:
                raise StoreError(f"cannot remove the damaged state file {leftover}: "
                                 f"{error.strerror or error}") from None
        store = SQLiteStore(path, sync)
    store.clear()
    return store


def _damaged(path: Path) -> bool:
    """Not an SQLite database at all (a file that is one is only ever emptied)."""
    try:
        with path.open("rb") as file:
            header = file.read(16)
    except OSError:
        return False
    return header != b"SQLite format 3\x00"

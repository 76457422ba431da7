"""The Store on SQLite and the Ledger that diffs what was last written: records written
all or none, read back as written, refused when the file is not mockcar's or is held by
another server; only changed records are written, and a failed write is written again by
the next commit."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from mockcar.state.sqlite_store import SQLiteStore, reset
from mockcar.state.store import Change, Ledger, Records, ServerRecords, StoreError


def test_records_and_meta_read_back_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SQLiteStore(path)
    store.apply([Change("", "tokens", "k1", {"a": 1}), Change("t", "vehicles", "v1", {"b": [1]}),
                 Change("", "tokens", "k2", {"a": 2})], {"scenario": "sha256:x"})
    store.apply([Change("", "tokens", "k1", None)])
    store.close()

    again = SQLiteStore(path)
    try:
        assert again.load() == {"": {"tokens": {"k2": {"a": 2}}},
                                "t": {"vehicles": {"v1": {"b": [1]}}}}
        assert again.meta["scenario"] == "sha256:x"
        assert again.meta["format"] == "1"
    finally:
        again.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # tokens and secrets inside


def test_a_second_server_on_the_same_file_is_refused(tmp_path: Path) -> None:
    first = SQLiteStore(tmp_path / "state.db")
    try:
        with pytest.raises(StoreError, match="in use by another mockcar"):
            SQLiteStore(tmp_path / "state.db")
    finally:
        first.close()


def test_a_state_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE name = 'format'")
    db.close()
    with pytest.raises(StoreError, match="format 99"):
        SQLiteStore(path)
    # --reset-state empties it but keeps the file mockcar's.
    emptied = reset(path)
    try:
        assert emptied.load() == {}
    finally:
        emptied.close()


class Recording:
    """A Store that remembers each batch, and fails while `failing`."""

    def __init__(self) -> None:
        self.batches: list[list[Change]] = []
        self.failing = False

    def load(self) -> ServerRecords:
        return {}

    def apply(self, changes: Sequence[Change], meta: Mapping[str, str] | None = None) -> None:
        if self.failing:
            raise StoreError("database or disk is full")
        self.batches.append(list(changes))

    @property
    def meta(self) -> dict[str, str]:
        return {}

    def clear(self) -> None:
        self.batches.clear()

    def close(self) -> None:
        pass


def test_the_ledger_writes_only_what_changed_and_deletes_what_is_gone() -> None:
    store = Recording()
    ledger = Ledger(store)
    first: Records = {"tokens": {"a": {"v": 1}, "b": {"v": 2}}, "clock": {"clock": {"s": 1}}}
    ledger.commit(ledger.changes("", first))
    assert len(store.batches[0]) == 3

    second: Records = {"tokens": {"a": {"v": 1}, "c": {"v": 3}}}
    ledger.commit(ledger.changes("", second))
    assert sorted((c.section, c.key, c.record is None) for c in store.batches[1]) == [
        ("clock", "clock", True), ("tokens", "b", True), ("tokens", "c", False)]

    ledger.commit(ledger.changes("", second))  # nothing changed: no transaction
    assert len(store.batches) == 2
    assert ledger.removed([""]) == [Change("", "tokens", "a", None),
                                    Change("", "tokens", "c", None)]


def test_a_failed_commit_is_written_again_by_the_next() -> None:
    store = Recording()
    ledger = Ledger(store)
    store.failing = True
    with pytest.raises(StoreError):
        ledger.commit(ledger.changes("", {"tokens": {"a": {"v": 1}}}))
    assert ledger.written == {}
    store.failing = False
    ledger.commit(ledger.changes("", {"tokens": {"a": {"v": 1}, "b": {"v": 2}}}))
    assert {c.key for c in store.batches[0]} == {"a", "b"}

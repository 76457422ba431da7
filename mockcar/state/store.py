"""Where the World's changes are kept between runs: one small interface, `Store`.

A store holds records, never objects: `(tenant, section, key) -> JSON record`, the shape
mockcar.state.records gives a World's mutable state in (what changed from its scenario
base, section by section). The scenario World is the tenant `SCENARIO`; an application
registered through the control API is the tenant named by its client id. A store knows
nothing of Worlds: `load()` hands every record back, `apply()` writes a batch of changes
atomically, `meta` says what the records were written against (format, scenario).

mockcar.state.sqlite_store implements it on a local SQLite file. The interface is kept
to what a shared engine can do as well (a Redis hash per tenant and a MULTI/EXEC per
batch), so several servers could one day share one state; see `Ledger` for how a batch
is found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# A record is a JSON object; a section maps keys to records; a World's records map
# sections to sections (mockcar.state.records.Records).
Record = dict[str, Any]
Records = dict[str, dict[str, Record]]
# Every tenant's records, by tenant.
ServerRecords = dict[str, Records]

SCENARIO = ""  # the tenant key of the scenario World; registered ones use their client id
FORMAT = 1  # the layout of the records; a store written with another one is refused


class StoreError(Exception):
    """The store cannot be read or written; the message is one line a user can act on."""


@dataclass(frozen=True, slots=True)
class Change:
    """One record written (`record`) or deleted (`record is None`)."""

    tenant: str
    section: str
    key: str
    record: Record | None


class Store(Protocol):
    """Durable records. Every method raises `StoreError` (never sqlite3's or OSError)."""

    def load(self) -> ServerRecords:
        """Every tenant's records, as last applied."""
        ...

    def apply(self, changes: Sequence[Change], meta: Mapping[str, str] | None = None) -> None:
        """Write `changes` (and `meta` entries) all or none: when this returns they survive
        the process being killed; when it raises, none of them was written."""
        ...

    @property
    def meta(self) -> dict[str, str]:
        """What the records were written against: `format`, `scenario` (a fingerprint of
        the scenario file), `written_by` (mockcar's version)."""
        ...

    def clear(self) -> None:
        """Forget every record and meta entry (`--reset-state`)."""
        ...

    def close(self) -> None:
        ...


class Ledger:
    """What was last written for each tenant, and the changes that bring a store from it
    to a tenant's records now: one record per changed (section, key), deletions for the
    keys that are gone. Diffing compares JSON values, so a record is rewritten only when
    it changed. Records are kept as given: a reader must hand a new object for a changed
    record, never change one it handed before.

    Not thread-safe: used on the server's event loop only (every request and the webhook
    dispatcher run there).
    """

    def __init__(self, store: Store, written: ServerRecords | None = None) -> None:
        self.store = store
        self.written: ServerRecords = written if written is not None else {}
        self.commits = 0  # transactions written, for tests and the benchmark

    def changes(self, tenant: str, records: Records) -> list[Change]:
        before = self.written.get(tenant, {})
        found: list[Change] = []
        for section, entries in records.items():
            found.extend(_section_changes(tenant, section, before.get(section, {}), entries))
        for section in before.keys() - records.keys():
            found.extend(Change(tenant, section, key, None) for key in before[section])
        return found

    def changes_since(self, tenant: str, whole: Records,
                      delta: Mapping[str, Mapping[str, Record | None]]) -> list[Change]:
        """As `changes`, at the cost of what changed: `whole` holds some sections whole
        (diffed as `changes` does), `delta` of the others only the records that may
        have changed (None: deleted); sections in neither are left as written."""
        before = self.written.get(tenant, {})
        found: list[Change] = []
        for section, entries in whole.items():
            found.extend(_section_changes(tenant, section, before.get(section, {}), entries))
        for section, maybe in delta.items():
            old = before.get(section, {})
            for key, maybe_record in maybe.items():
                was = old.get(key)
                if maybe_record is None:
                    if was is not None:
                        found.append(Change(tenant, section, key, None))
                elif was is not maybe_record and was != maybe_record:
                    found.append(Change(tenant, section, key, maybe_record))
        return found

    def removed(self, tenants: Iterable[str]) -> list[Change]:
        """Deletions for every record of tenants that exist no more."""
        return [Change(tenant, section, key, None)
                for tenant in tenants
                for section, entries in self.written.get(tenant, {}).items()
                for key in entries]

    def commit(self, changes: Sequence[Change]) -> None:
        """Write `changes` in one transaction, then remember them as written. On
        StoreError nothing is remembered: the next commit tries them again."""
        if not changes:
            return
        self.store.apply(changes)
        self.remember(changes)

    def remember(self, changes: Sequence[Change]) -> None:
        """`changes` are written (by `commit`, or a writer `store.apply` ran for)."""
        self.commits += 1
        for change in changes:
            sections = self.written.setdefault(change.tenant, {})
            if change.record is None:
                section = sections.get(change.section)
                if section is not None:
                    section.pop(change.key, None)
                    if not section:
                        del sections[change.section]
                if not sections:
                    del self.written[change.tenant]
            else:
                sections.setdefault(change.section, {})[change.key] = change.record


def _section_changes(tenant: str, section: str, old: Mapping[str, Record],
                     entries: Mapping[str, Record]) -> list[Change]:
    """What turns the section as written (`old`) into `entries`: records new or changed,
    and deletions."""
    found: list[Change] = []
    for key, record in entries.items():
        # Records a reader reuses while unchanged (tokens) are the very objects written
        # last time: one identity check, no walk of their fields.
        was = old.get(key)
        if was is not record and was != record:
            found.append(Change(tenant, section, key, record))
    found.extend(Change(tenant, section, key, None) for key in old.keys() - entries.keys())
    return found

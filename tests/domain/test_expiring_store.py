"""The insertion-ordered stores the World keeps Connect sessions and application tokens
in (mockcar.domain.world.stores.expiring): expiry from the front by the World's clock,
capacity, lookups. Costs are a benchmark's business (make bench), never asserted here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mockcar.domain.world import application_tokens
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.records import APPLICATION_TOKEN_LIFETIME
from mockcar.domain.world.stores.expiring import ExpiringStore
from mockcar.domain.world.world import World

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
LIFETIME = timedelta(minutes=10)


@dataclass
class Entry:
    name: str
    expires_at: datetime


def _filled(store: ExpiringStore[Entry], count: int, step: timedelta) -> list[Entry]:
    entries = []
    for i in range(count):
        now = START + i * step
        entries.append(store.add(f"k{i}", Entry(f"k{i}", now + LIFETIME), now))
    return entries


def test_adding_drops_the_expired_entries_from_the_front_oldest_first() -> None:
    store: ExpiringStore[Entry] = ExpiringStore()
    _filled(store, 5, timedelta(minutes=1))  # k0 expires at +10 min, k4 at +14 min
    later = START + timedelta(minutes=12)  # k0, k1 and k2 have expired
    store.add("new", Entry("new", later + LIFETIME), later)
    assert list(store) == ["k3", "k4", "new"]


def test_an_entry_expires_at_its_expiry_instant_not_before() -> None:
    store: ExpiringStore[Entry] = ExpiringStore()
    _filled(store, 1, timedelta(0))
    assert store.live("k0", START + LIFETIME - timedelta(microseconds=1)) is not None
    assert store.drop_expired(START + LIFETIME - timedelta(microseconds=1)) == 0
    assert store.live("k0", START + LIFETIME) is None
    assert "k0" not in store  # an expired entry looked up is forgotten


def test_a_live_lookup_finds_the_entry_and_misses_an_unknown_key() -> None:
    store: ExpiringStore[Entry] = ExpiringStore()
    entries = _filled(store, 3, timedelta(seconds=1))
    assert store.live("k1", START) is entries[1]
    assert store.live("nope", START) is None
    assert len(store) == 3


def test_a_full_store_drops_its_oldest_entries_first() -> None:
    store: ExpiringStore[Entry] = ExpiringStore(capacity=3)
    _filled(store, 5, timedelta(0))
    assert list(store) == ["k2", "k3", "k4"]


def test_dropping_stops_at_the_first_live_entry_after_the_clock_went_back() -> None:
    # An entry stamped after the clock was moved back expires before the ones ahead of
    # it: it stays until they expire, and a lookup never returns it.
    store: ExpiringStore[Entry] = ExpiringStore()
    store.add("early", Entry("early", START + LIFETIME), START)
    back = START - timedelta(hours=1)
    store.add("back", Entry("back", back + LIFETIME), back)
    now = START  # "back" expired 50 minutes ago, "early" is live
    assert store.drop_expired(now) == 0
    assert store.live("back", now) is None
    assert store.live("early", now) is not None
    assert store.drop_expired(START + LIFETIME) == 1
    assert not store


def test_application_tokens_are_kept_in_issue_order_and_expired_ones_dropped() -> None:
    world = World(clock=Clock(START), seed=1)
    for i in range(3):
        application_tokens.issue(world, "app", f"t{i}")
        world.clock.advance(timedelta(minutes=20))
    # t0 was issued 60 minutes ago: it has just expired; t1 and t2 live on.
    application_tokens.issue(world, "app", "t3")
    assert list(world.application_tokens) == ["t1", "t2", "t3"]
    world.clock.advance(APPLICATION_TOKEN_LIFETIME)
    application_tokens.issue(world, "app", "t4")
    assert list(world.application_tokens) == ["t4"]

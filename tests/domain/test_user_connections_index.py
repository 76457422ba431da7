"""A user's connections to an application (World.user_connections), kept up to date as
connections are made (only the new ones are read) and as they are removed or replaced
(read again whole): after any mix of those, in any order, it answers what a scan of every
connection answers."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime

from mockcar.domain.world import connections
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import Connection, World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def scanned(world: World, client_id: str, user_id: str) -> list[Connection]:
    return [c for c in world.connections.values()
            if (c.client_id, c.user_id) == (client_id, user_id)]


def test_the_index_answers_as_a_scan_through_adds_removals_and_replacements() -> None:
    world = load_world(default_scenario(), clock=Clock(frozen_at=START))
    client_ids = [next(iter(world.applications)), "another-client"]
    people = [o for o in world.owners.values() if o.vehicle_ids][:4]
    draw = random.Random(14)
    held: list[list[Connection]] = []
    for step in range(400):
        roll = draw.random()
        if roll < 0.6 or not world.connections:
            owner = draw.choice(people)
            world.connect(draw.choice(client_ids), owner, owner.vehicle_ids[:1], ["read_vin"],
                          "test")
        elif roll < 0.8:
            gone = draw.choice(list(world.connections.values()))
            connections.delete(world, gone.client_id, user_id=gone.user_id)
        else:
            key = draw.choice(list(world.connections))
            world.connections[key] = dataclasses.replace(world.connections[key])
        if draw.random() < 0.5:  # asked after some changes, not after every one
            for client_id in client_ids:
                for owner in people:
                    found = world.user_connections(client_id, owner.id)
                    assert found == scanned(world, client_id, owner.id), step
                    held.append(found)
    # A list handed out earlier is not changed by a later connection.
    before = [list(found) for found in held]
    owner = people[0]
    world.connect(client_ids[0], owner, owner.vehicle_ids[:1], ["read_vin"], "test")
    world.user_connections(client_ids[0], owner.id)
    assert [list(found) for found in held] == before

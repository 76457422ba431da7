"""A validated `Scenario` -> a fresh `World`, with generated values filled in."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockcar.domain.world import simulator
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import Application, Owner, World
from mockcar.scenario.generate import FleetGenerator, management_token
from mockcar.scenario.latency_and_faults import configure
from mockcar.scenario.timelines.build import attach

if TYPE_CHECKING:
    from mockcar.scenario.fleets.table import FleetCache
    from mockcar.scenario.schema.scenario import Scenario


def build_world(scenario: Scenario, clock: Clock | None = None, seed: int | None = None,
                fleets: FleetCache | None = None) -> World:
    """A new World holding the scenario's applications, owners and vehicles.

    `seed` overrides the scenario's seed (CLI `--seed`). The same scenario, seed and
    clock time give an identical World; building is cheap enough to do per test.
    Fleets are made on first use (mockcar.scenario.fleets.table); `fleets` keeps their tables
    between builds, so a World copied from a large fleet costs nothing per vehicle.
    """
    seed = scenario.seed if seed is None else seed
    clock = clock or Clock()
    generator = FleetGenerator(seed)
    world = World(clock=clock, seed=seed, vehicle_factory=generator.test_fleet(clock))
    for app in scenario.applications:
        world.add_application(Application(
            client_id=app.client_id,
            client_secret=app.client_secret,
            name=app.name,
            redirect_uris=tuple(app.redirect_uris),
            management_token=app.management_token or management_token(seed, app.client_id),
            webhooks=tuple(w.webhook() for w in app.webhooks),
            connect_redirect=app.connect_redirect,
        ))
    now = clock.now()
    for spec in scenario.owners:
        vehicles = []
        for i, v in enumerate(spec.vehicles):
            key = generator.vehicle_key(spec.email, i, v)
            vehicle = generator.vehicle(v, key, spec.country, now)
            if v.timeline is not None:  # it moves in time (mockcar.domain.timelines.timeline)
                attach(vehicle, v.timeline, seed, key, now, location_given=v.location is not None)
            vehicles.append(vehicle)
        owner = Owner(
            # Same derivation as the World's test-mode owners: stable per seed and email.
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"mockcar:{seed}:owner:{spec.email.lower()}")),
            email=spec.email,
            password=spec.password,
            country=spec.country,
            vehicle_ids=[v.id for v in vehicles],
        )
        world.add_owner(owner, vehicles)
        for vehicle, v in zip(vehicles, spec.vehicles, strict=True):
            if v.simulator is not None and v.simulator.connected:
                simulator.connect(world, owner, vehicle, v.simulator.application)
    views: list[tuple[Any, Any]] = []
    if scenario.fleet is not None or scenario.fleets:
        from mockcar.scenario.fleets.rules import fleets_of
        from mockcar.scenario.fleets.table import FleetCache, FleetView, fleet_name, fleet_seed

        cache = fleets or FleetCache(capacity=0)
        for position, (_, fleet) in enumerate(fleets_of(scenario.fleet, scenario.fleets)):
            name = fleet_name(fleet, position)
            view = FleetView(cache.table(fleet, name, fleet_seed(fleet, name, seed)), now, seed)
            world.add_fleet(view)
            views.append((fleet, view))
    configure(world, scenario, seed, views)  # latency and fault rules
    # What the scenario made; mockcar.state.records records what changes from it.
    world.vehicles.mark_base()
    world.owners.mark_base()
    return world


def load_world(path: Path, clock: Clock | None = None, seed: int | None = None, *,
               cached: bool = False) -> World:
    """`load_scenario` then `build_world`; ScenarioError if the file is not usable.
    `cached`: as for `load_scenario`."""
    from mockcar.scenario.loader import load_scenario

    return build_world(load_scenario(path, cached=cached), clock=clock, seed=seed)

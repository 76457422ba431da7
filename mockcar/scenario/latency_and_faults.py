"""A scenario's latency and fault rules, set on a built World (mockcar.domain.world.latency,
mockcar.domain.world.faults); called by `build_world` once vehicles and fleets are in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from mockcar.domain.world.executions import policy_from
from mockcar.domain.world.fleet import Fleet
from mockcar.domain.world.latency import Latency, Policy, Sleep
from mockcar.domain.world.rate_limits import RateLimitSettings
from mockcar.domain.world.world import World
from mockcar.scenario import fault_rules as fault_checks

if TYPE_CHECKING:
    from mockcar.scenario.schema.fleet import FleetSpec
    from mockcar.scenario.schema.latency import LatencySpec
    from mockcar.scenario.schema.scenario import Scenario


def policy(spec: LatencySpec) -> Policy:
    return Policy(spec) if isinstance(spec, str) else Policy.fixed(spec)


def configure(world: World, scenario: Scenario, seed: int,
              fleets: Sequence[tuple[FleetSpec, Fleet]]) -> None:
    asleep = scenario.asleep
    latency = Latency(
        seed=seed, default=policy(scenario.latency),
        by_make={make: policy(spec) for make, spec in scenario.latency_by_make.items()},
        by_fleet=[(view, policy(spec.latency)) for spec, view in fleets
                  if spec.latency is not None],
        sleep=Sleep(asleep.answer, asleep.wake_ms, timedelta(minutes=asleep.awake_minutes)),
    )
    for owner_spec in scenario.owners:
        owner = world.owners.get(owner_spec.email.lower())
        if owner is None:
            continue
        for vehicle_spec, vehicle_id in zip(owner_spec.vehicles, owner.vehicle_ids, strict=False):
            if vehicle_spec.latency is not None:
                latency.by_vehicle[vehicle_id] = policy(vehicle_spec.latency)
    world.latency = latency
    world.command_policy = policy_from(scenario.commands.long_running,
                                       scenario.commands.long_running_seconds)
    world.rate_limits.configure(RateLimitSettings(**dict(scenario.rate_limits)))
    for rule in scenario.faults:
        target = rule.vehicle_id
        if rule.vin is not None:
            found = world.vehicle_by_vin(rule.vin.upper())
            if found is None:  # the checks name only the scenario's own VINs
                continue
            target = found.id
        fault_checks.add(world.faults, rule, vehicle_id=target, seed=seed)

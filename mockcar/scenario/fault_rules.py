"""Scenario `faults:` checked as the control API checks a rule (the domain's own
`Faults.add`, on a scratch set), plus what only a scenario can check: a vehicle named by
id or VIN must be one of its own (mockcar.scenario.rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcar.domain.world.faults import FaultError, Faults
from mockcar.scenario.errors import Loc

if TYPE_CHECKING:
    from mockcar.scenario.schema.faults import FaultSpec
    from mockcar.scenario.schema.scenario import Scenario

NO_VEHICLE = ("no vehicle of this scenario has this {0} (a fleet's are drawn: match fleet "
              "vehicles by make, endpoint or probability)")


def check(scenario: Scenario) -> list[tuple[Loc, str]]:
    ids = {v.id for o in scenario.owners for v in o.vehicles if v.id is not None}
    vins = {v.vin for o in scenario.owners for v in o.vehicles if v.vin is not None}
    findings: list[tuple[Loc, str]] = []
    for index, spec in enumerate(scenario.faults):
        loc: Loc = ("faults", index)
        try:
            add(Faults(), spec, vehicle_id=spec.vehicle_id, seed=0)
        except FaultError as bad:
            field = bad.field or "type"
            text = str(bad).removeprefix(f"{field}: ")
            findings.append(((*loc, field), text))
        if spec.vehicle_id is not None and spec.vehicle_id.lower() not in ids:
            findings.append(((*loc, "vehicle_id"), NO_VEHICLE.format("id")))
        if spec.vin is not None and spec.vin.upper() not in vins:
            findings.append(((*loc, "vin"), NO_VEHICLE.format("VIN")))
        if spec.vehicle_id is not None and spec.vin is not None:
            findings.append(((*loc, "vin"), "give vehicle_id or vin, not both"))
    return findings


def add(faults: Faults, spec: FaultSpec, *, vehicle_id: str | None, seed: int) -> None:
    """The rule `spec` describes, added to `faults` (FaultError if it cannot be)."""
    kind, code = spec.error()
    faults.add(kind, code, seed=seed, method=spec.method, endpoint=spec.endpoint,
               vehicle_id=vehicle_id.lower() if vehicle_id else None, times=spec.times,
               probability=spec.probability, message=spec.message,
               retry_after=spec.retry_after, make=spec.make, start=spec.start, end=spec.end)

"""What saved records name that a World no longer has: the check behind "the scenario
changed since the state was written".

Records name vehicles by `vehicle_id` / `vehicle_ids` fields (and the `vehicles`
section by key) and applications by `client_id`. Run on a World the records were just
applied to, so vehicles the records themselves create (test-mode accounts, vehicles
added at run time) count as there.
"""

from __future__ import annotations

from typing import Any

from mockcar.domain.world.world import World
from mockcar.state.store import Records

VEHICLE_SECTIONS = frozenset({"vehicles"})


def dangling(world: World, records: Records) -> list[str]:
    """One line per vehicle and application the records name and `world` lacks."""
    vehicles: dict[str, str] = {}  # vehicle id -> the first record naming it
    applications: dict[str, str] = {}
    for section, entries in records.items():
        for key, record in entries.items():
            where = f"{section}/{key}"
            if section in VEHICLE_SECTIONS:
                vehicles.setdefault(key, where)
            for vehicle_id in _named(record, "vehicle_id", "vehicle_ids"):
                vehicles.setdefault(vehicle_id, where)
            for client_id in _named(record, "client_id"):
                applications.setdefault(client_id, where)
    problems = [f"vehicle {vid} (used by {where}) is no longer in the scenario"
                for vid, where in vehicles.items() if vid not in world.vehicles]
    problems += [f"application {cid} (used by {where}) is no longer in the scenario"
                 for cid, where in applications.items() if world.application(cid) is None]
    return problems


def _named(record: Any, *fields: str) -> list[str]:
    if not isinstance(record, dict):
        return []
    found: list[str] = []
    for name in fields:
        value = record.get(name)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found.extend(v for v in value if isinstance(v, str))
    return found


def applications(declared: set[str], records: Records) -> list[str]:
    """The scenario World's saved applications against those the scenario declares now
    (`declared`): the saved ones replace the scenario's, so one it dropped would come back
    and one it gained would be lost."""
    saved = records.get("applications")
    if saved is None:
        return []
    problems = [f"application {cid} is no longer in the scenario"
                for cid in saved if cid not in declared]
    problems += [f"application {cid} is new in the scenario, and the saved state would "
                 "drop it" for cid in sorted(declared) if cid not in saved]
    return problems

"""Records of vehicles and owners: those made at run time (test-mode sign-ins, the
control API's added vehicles) whole, and the scenario's own where they changed.

A World's `vehicles` and `owners` tell which keys were looked up or set since they were
last read (`touched`), so a read costs what was used since, never the fleet's size. A
fleet's vehicle is recorded only while it differs from the one the fleet makes; a
scenario's own vehicle once it was used. A scenario's vehicle keeps its timeline (the
scenario draws it again), so its record holds only where it is on it (anchor, lag,
paused); a vehicle made at run time carries its whole timeline.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol, TypeVar

from mockcar.domain.timelines.timeline import Motion
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.fleet import fingerprint
from mockcar.domain.world.records import Owner
from mockcar.domain.world.world import World
from mockcar.state import pending
from mockcar.state.codec import (
    RecordError,
    decode,
    decode_dataclass,
    encode,
    parse_time,
    public_fields,
)

Record = dict[str, Any]
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Tracked(Protocol[T_co]):
    """`World.vehicles` and `World.owners` (mockcar.domain.world.fleet) as read here."""

    touched: set[str]

    def get_made(self, key: str) -> T_co | None: ...

    def in_base(self, key: str) -> bool: ...

    def fresh(self, key: str) -> T_co | None: ...

    def keep_base_marks(self) -> None: ...

    def base_mark(self, key: str) -> int | None: ...


def vehicle_record(vehicle: Vehicle, created: bool) -> Record:
    record: Record = {f.name: encode(getattr(vehicle, f.name))
                      for f in public_fields(Vehicle) if f.name not in ("id", "motion")}
    motion = vehicle.motion
    if motion is None:
        record["motion"] = None
    else:
        data = encode(motion)
        if not created:
            # The scenario draws the timeline again; where it starts depends on the day
            # the World was built, so that is kept.
            timeline = data.pop("timeline", None) or {}
            data["timeline_start"] = timeline.get("start")
        record["motion"] = data
    record["created"] = created
    return record


def owner_record(owner: Owner, created: bool) -> Record:
    record: Record = encode(owner)
    record["created"] = created
    return record


def _changed(world: World, mapping: Tracked[T], name: str,
             make_record: Any) -> dict[str, Record]:
    """The records of `mapping`'s entries that differ from the base, reading only the
    keys touched since the last read, and of those only the ones whose fingerprint moved
    (mockcar.domain.world.fleet.fingerprint): a car read a thousand times costs one
    look, a fleet car only read costs no record at all."""
    cache = world.record_cache
    mapping.keep_base_marks()
    held: dict[str, Record] = cache.setdefault(name, {})  # changed from the base
    bases: dict[str, Record | None] = cache.setdefault(name + ":base", {})  # of `held`
    seen: dict[str, int] = cache.setdefault(name + ":seen", {})  # fingerprints read
    touched, mapping.touched = mapping.touched, set()
    try:
        for key in touched:
            value = mapping.get_made(key)
            if value is None:
                if held.pop(key, None) is not None:
                    pending.note(world, name, key, None)
                bases.pop(key, None)
                seen.pop(key, None)
                continue
            mark = fingerprint(value)
            if mark is not None:
                if seen.get(key) == mark:
                    continue
                seen[key] = mark
            created = not mapping.in_base(key)
            if not created and key not in held and mark is not None and (
                    mark == mapping.base_mark(key)):
                continue  # as the scenario made it
            record = make_record(value, created)
            if not created:
                if key not in bases:
                    fresh = mapping.fresh(key)
                    bases[key] = make_record(fresh, False) if fresh is not None else None
                if record == bases[key]:
                    if held.pop(key, None) is not None:
                        pending.note(world, name, key, None)
                    bases.pop(key, None)  # drawn again if it changes: few ever do
                    continue
            if held.get(key) != record:
                held[key] = record
                pending.note(world, name, key, record)
    except BaseException:
        mapping.touched |= touched  # read again next time
        raise
    return held


def fold_vehicles(world: World) -> dict[str, Record]:
    return _changed(world, world.vehicles, "vehicles", vehicle_record)


def fold_owners(world: World) -> dict[str, Record]:
    return _changed(world, world.owners, "owners", owner_record)


# Sorted: the same text whatever order they were touched in.
def vehicle_records(world: World) -> dict[str, Record]:
    return dict(sorted(fold_vehicles(world).items()))


def owner_records(world: World) -> dict[str, Record]:
    return dict(sorted(fold_owners(world).items()))


def apply_owners(world: World, section: dict[str, Record]) -> None:
    for key, record in section.items():
        data = dict(record)
        data.pop("created", None)
        world.owners[key] = decode_dataclass(Owner, data, f"owners/{key}")


def apply_vehicles(world: World, section: dict[str, Record]) -> None:
    for vid, record in section.items():
        where = f"vehicles/{vid}"
        data = dict(record)
        created = bool(data.pop("created", False))
        motion_data = data.pop("motion", None)
        base = None if created else world.vehicles.get(vid)
        if not created and base is None:
            raise RecordError(f"{where}: the scenario has no vehicle {vid} any more")
        motion: Motion | None = None
        if motion_data is not None:
            if created:
                motion = decode(Motion, motion_data, f"{where}.motion")
            else:
                assert base is not None
                if not isinstance(base.motion, Motion):
                    raise RecordError(f"{where}: the scenario's vehicle has no timeline now")
                motion_data = dict(motion_data)
                timeline = base.motion.timeline
                start = motion_data.pop("timeline_start", None)
                if start is not None:
                    moved = parse_time(start, f"{where}.motion.timeline_start")
                    if moved != timeline.start:
                        timeline = replace(timeline, start=moved)
                motion = decode_dataclass(Motion, motion_data, f"{where}.motion",
                                          timeline=timeline)
        world.vehicles[vid] = decode_dataclass(Vehicle, data, where, id=vid, motion=motion)

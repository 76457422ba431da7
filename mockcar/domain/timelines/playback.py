"""Playing one vehicle's timeline like a recording: where it is (the current stage),
pause, play, and skip to the next stage, as the Vehicle Simulator's play/pause and
trip controls do (https://smartcar.com/docs/getting-started/dashboard/simulator).

The World's clock is shared by every vehicle, so these act on the vehicle's own
timeline only (`Motion.lag`, mockcar.domain.timelines.timeline):

* pause: the vehicle's state holds as it is now, whatever the clock does; commands and
  overrides still apply;
* play: the timeline goes on from where it was paused (it now runs behind the clock by
  the time it was paused);
* next stage: the rest of the current stage happens at once (a drive arrives, a charge
  adds what it would have), and the vehicle is at the start of the next stage; the
  clock does not move. A paused vehicle stays paused there. A timeline that does not
  repeat has no stage after its last.

Smartcar's simulator pauses the whole simulation; mockcar pauses a vehicle, and the
clock controls (mockcar.domain.world.clock) pause everything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from mockcar.domain.timelines.timeline import Kind, Motion, Segment, Timeline
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.errors import DomainError
from mockcar.errors import Kind as ErrorKind


class PlaybackError(DomainError):
    """The vehicle's timeline cannot do that (it has none, or no next stage)."""

    kind = ErrorKind.CONFLICT


@dataclass(frozen=True)
class Stage:
    """One segment of the current cycle, with its World times if the timeline plays on
    from now (`ends_at` None: it lasts for ever)."""

    index: int
    segment: Segment
    starts_at: datetime
    ends_at: datetime | None


@dataclass(frozen=True)
class Playback:
    """Where a vehicle is on its timeline at `now`. `current` is None before the
    timeline starts; `cycle` counts from 0 (always 0 when it does not repeat)."""

    timeline: Timeline
    paused: bool
    cycle: int
    current: int | None
    position_s: float  # seconds from the timeline's start
    stages: tuple[Stage, ...]  # the current cycle's segments
    starts_at: datetime  # World time the timeline begins (its first cycle)

    @property
    def next_index(self) -> int | None:
        last = len(self.timeline.segments) - 1
        if self.current is None:
            return 0
        if self.current < last:
            return self.current + 1
        return 0 if self.timeline.repeat else None


def motion_of(vehicle: Vehicle) -> Motion:
    motion = vehicle.motion
    if not isinstance(motion, Motion):
        raise PlaybackError(f"Vehicle {vehicle.id} has no timeline: it changes only when a "
                            "command or the control API changes it.")
    return motion


def playback(vehicle: Vehicle, now: datetime) -> Playback:
    motion = motion_of(vehicle)
    timeline = motion.timeline
    x = motion.position(now)
    cycle, index = timeline.locate(max(0.0, x))
    origin = timeline.start + motion.lag  # World time of position 0, playing from now
    # Playing from now, position p is reached at now + (p - x) seconds.
    def when(p: float) -> datetime | None:
        return None if math.isinf(p) else now + timedelta(seconds=p - x)

    stages = []
    for i, segment in enumerate(timeline.segments):
        begins = timeline.begins(cycle, i)
        starts = when(begins)
        assert starts is not None
        stages.append(Stage(i, segment, starts, when(begins + segment.duration_s)))
    return Playback(timeline, motion.paused, cycle, index if x >= 0 else None, x,
                    tuple(stages), origin)


def pause(vehicle: Vehicle, now: datetime) -> None:
    motion_of(vehicle)
    vehicle.settle(now)
    vehicle.motion = replace(motion_of(vehicle), paused=True)


def play(vehicle: Vehicle, now: datetime) -> None:
    motion_of(vehicle)
    vehicle.settle(now)  # paused, the lag grows by the time it was paused
    vehicle.motion = replace(motion_of(vehicle), paused=False)


def next_stage(vehicle: Vehicle, now: datetime) -> int:
    """Skip to the start of the next stage; its index."""
    motion_of(vehicle)
    vehicle.settle(now)
    motion = motion_of(vehicle)
    timeline = motion.timeline
    x = motion.position(motion.anchor)
    if motion.position(now) < 0:
        cycle, index = 0, 0
    else:
        cycle, current = timeline.locate(x)
        if current < len(timeline.segments) - 1:
            index = current + 1
        elif timeline.repeat:
            cycle, index = cycle + 1, 0
        else:
            raise PlaybackError(f"Vehicle {vehicle.id} is at the last stage of a timeline "
                                "that does not repeat; there is no next stage.")
    target = timeline.begins(cycle, index)
    # The clock counts in microseconds: land a microsecond or two past the boundary, so
    # the next stage has begun (its event applied, and never applied twice).
    ahead = timedelta(microseconds=math.ceil((target - x) * 1e6) + 1)
    skipped = replace(motion, lag=motion.lag - ahead, inclusive=False)
    vehicle.state = motion.state_at_position(vehicle, skipped.position(skipped.anchor))
    vehicle.motion = skipped
    vehicle.updated_at = max(now, motion.anchor)
    return index


__all__ = ["Kind", "Playback", "PlaybackError", "Stage", "motion_of", "next_stage", "pause",
           "play", "playback"]

"""Vehicles that move in time: a timeline of segments, and the vehicle's state at any
clock time computed from it in closed form (DESIGN principle 2), so any instant is as
cheap to read as the first.

Segments. `parked` (optionally at a location), `driving` a route at a speed (its
duration follows), `charging` at a charger of some power, `asleep`. The segments start
at `start` and either repeat (a cycle) or end, the last one then lasting forever (a
final drive ends parked where its route ends).

What a segment does. Entering a segment is an event that sets some fields:

* driving: unplugged, not charging, locked (cars lock as they drive off), moving, awake;
  while it lasts the vehicle moves along the route at the segment's speed, the odometer
  grows by the distance, the battery falls by `kwh_per_km` (a PHEV then burns fuel once
  the battery is empty) or the tank by `liters_per_km`; leaving it: parked at the end;
* charging: plugged in and charging, a new session at the segment's charger; the level
  rises along the curve of mockcar.domain.vehicles.charge_curve up to the charge limit
  (FULLY_CHARGED there); leaving it: unplugged;
* asleep: asleep until it ends; parked: nothing (a `location` relocates the vehicle).

A car whose tank reaches `REFUEL_AT` is refuelled to full at once (refuelling stops
are not segments), a battery that runs empty stays at 0 until it charges.

Commands and overrides apply on top. The vehicle keeps an anchor: its full state at the
time of the last command or override (`Motion.anchor`, the timeline's start until the
first). The state at t is the anchor state carried forward through the timeline from
the anchor to t: each field holds the value of the latest event that set it, command
or segment, so a lock holds until an unlock (or the next drive, which locks), a STOP
pauses charging until a START or the next charging segment, a new charge limit stops
charging where it says, and an override of `plugged_in` lasts until a segment changes
it. Every command first re-anchors at its own time (`settle`), which changes no reading
(carrying forward is a semigroup), then applies its change. So a vehicle's state is a
pure function of (timeline, commands, clock time): two reads at the same t agree, and
nothing ticks in the background.

Cost. Locating t is a binary search over the segments' start offsets; the walk from
the anchor covers at most the anchor's cycle, one full cycle and t's cycle; the cycles
in between are folded at once (odometer: distance per cycle; battery and fuel: the
piecewise-affine fold of mockcar.domain.timelines.cycles). A reading is O(segments of
one cycle), whatever the time since the anchor.

Data age (`sc-data-age`): an awake vehicle reports continuously, so its data is as of
t; an asleep one (not charging) last reported when it fell asleep or at its anchor.

Readings at time t come from `Vehicle.at(t)` (mockcar.domain.vehicles.vehicle), a snapshot whose
`state` is the state at t: API v2 renders it, API v3 signals and webhook change
detection read it (mockcar.domain.signals.reading).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from mockcar.domain.timelines import cycles as timeline_cycles
from mockcar.domain.timelines.route import Route
from mockcar.domain.vehicles import charging
from mockcar.domain.vehicles.charge_curve import ChargeCurve
from mockcar.domain.vehicles.vehicle import Location, Vehicle, VehicleState

REFUEL_AT = 0.1  # tank fraction at which the driver refuels to full


class Kind(StrEnum):
    PARKED = "parked"
    DRIVING = "driving"
    CHARGING = "charging"
    ASLEEP = "asleep"


@dataclass(frozen=True)
class Segment:
    """One stretch of a timeline. A driving segment's duration is its route's length
    over its speed; an open-ended segment (the last of a timeline that does not repeat)
    has an infinite duration."""

    kind: Kind
    duration_s: float
    route: Route | None = None  # driving
    speed_kmh: float = 0.0  # driving
    power_kw: float | None = None  # charging: the charger's rated power
    location: Location | None = None  # parked/charging/asleep: where, from its start

    @classmethod
    def drive(cls, route: Route, speed_kmh: float) -> Segment:
        if speed_kmh <= 0:
            raise ValueError("a driving segment needs a speed above 0")
        return cls(Kind.DRIVING, route.length_km / speed_kmh * 3600, route, speed_kmh)

    @property
    def distance_km(self) -> float:
        return self.route.length_km if self.route is not None else 0.0


@dataclass(frozen=True)
class Energy:
    """How a vehicle turns distance into energy: `kwh_per_km` from its battery (None
    without one), `liters_per_km` from its tank (None without one)."""

    capacity_kwh: float | None
    kwh_per_km: float | None
    tank_liters: float | None
    liters_per_km: float | None

    def battery_per_km(self) -> float:
        if not self.capacity_kwh or self.kwh_per_km is None:
            return 0.0
        return self.kwh_per_km / self.capacity_kwh

    def tank_per_km(self) -> float:
        if not self.tank_liters or self.liters_per_km is None:
            return 0.0
        return self.liters_per_km / self.tank_liters


@dataclass(frozen=True)
class Timeline:
    """Segments laid out from `start`, with the tables a reading searches: each
    segment's start offset within a cycle (seconds) and the distance driven before it."""

    segments: tuple[Segment, ...]
    start: datetime
    repeat: bool
    energy: Energy
    offsets: tuple[float, ...] = field(init=False)
    cycle_s: float = field(init=False)
    cycle_km: float = field(init=False)

    def __post_init__(self) -> None:
        segments = self.segments
        if not segments:
            raise ValueError("a timeline needs at least one segment")
        if not self.repeat:
            # The last segment lasts forever; a final drive ends parked at its end.
            if segments[-1].kind is Kind.DRIVING:
                segments = (*segments, Segment(Kind.PARKED, math.inf))
            else:
                segments = (*segments[:-1], replace(segments[-1], duration_s=math.inf))
            object.__setattr__(self, "segments", segments)
        offsets, at = [], 0.0
        for segment in segments:
            if not segment.duration_s > 0:
                raise ValueError("every segment needs a duration above 0")
            offsets.append(at)
            at += segment.duration_s
        object.__setattr__(self, "offsets", tuple(offsets))
        object.__setattr__(self, "cycle_s", at)
        object.__setattr__(self, "cycle_km", sum(s.distance_km for s in segments))

    def locate(self, x: float) -> tuple[int, int]:
        """(cycle, segment index) of the instant `x` seconds after `start` (x >= 0)."""
        cycle = int(x // self.cycle_s) if self.repeat else 0
        within = x - cycle * self.cycle_s if self.repeat else x
        return cycle, max(0, bisect_right(self.offsets, within) - 1)

    def begins(self, cycle: int, index: int) -> float:
        """Seconds from `start` to the start of segment `index` in `cycle`."""
        return (cycle * self.cycle_s if self.repeat else 0.0) + self.offsets[index]


@dataclass(frozen=True)
class Motion:
    """A vehicle's timeline and its anchor: `Vehicle.state` is the state at `anchor`.
    `inclusive`: the anchor is the timeline's own start, whose first event still
    applies (a first charging segment plugs the car in).

    `lag` is how far the vehicle's timeline runs behind the World's clock: the instant
    `t` of the clock is `t - lag` on the timeline. It grows while the timeline is
    `paused` (the state then holds at the anchor whatever the clock does) and shrinks
    when a stage is skipped (mockcar.domain.timelines.playback)."""

    timeline: Timeline
    anchor: datetime
    inclusive: bool = False
    lag: timedelta = timedelta(0)
    paused: bool = False

    def position(self, now: datetime) -> float:
        """Seconds from the timeline's start to where the vehicle is on it at `now`."""
        moment = self.anchor if self.paused else now
        return (moment - self.lag - self.timeline.start).total_seconds()

    def state_at_position(self, vehicle: Vehicle, x: float) -> VehicleState:
        """The vehicle's state where its timeline is `x` seconds from its start, played
        on from the anchor (paused or not); the anchor's state for an earlier `x`."""
        fold = _Fold(self.timeline, vehicle, copy(vehicle.state))
        x0 = self.position(self.anchor)
        if x >= x0 and x >= 0:
            fold.walk(x0, x, self.inclusive)
        return fold.finish()

    def state_at(self, vehicle: Vehicle, now: datetime) -> tuple[VehicleState, datetime]:
        """The vehicle's state at `now` and the time its data is from."""
        fold = _Fold(self.timeline, vehicle, copy(vehicle.state))
        x0 = self.position(self.anchor)
        x1 = self.position(now)
        if now < self.anchor or x1 < 0:
            return fold.finish(), min(vehicle.updated_at, now)
        fold.walk(x0, x1, self.inclusive)
        state = fold.finish()
        return state, fold.data_time(now, self.anchor, self.lag)

    def settled(self, now: datetime) -> Motion:
        if now <= self.anchor:
            return self
        # Paused, the anchor moves on without the timeline: the lag takes up the time.
        lag = self.lag + (now - self.anchor) if self.paused else self.lag
        return replace(self, anchor=now, inclusive=False, lag=lag)


class _Fold:
    """Carries a state forward through a timeline: boundary events and segment runs,
    with the cycles between the first and the last folded at once."""

    def __init__(self, timeline: Timeline, vehicle: Vehicle, state: VehicleState) -> None:
        self.t = timeline
        self.vehicle = vehicle
        self.s = state
        self.fuel0 = state.fuel_level
        self.fuel_used = 0.0  # tank fractions burnt since the anchor
        self.asleep_since: float | None = None  # seconds from start, while asleep
        self.battery_km = timeline.energy.battery_per_km()
        self.tank_km = timeline.energy.tank_per_km()
        self.heading_at: tuple[Route, float] | None = None  # the last drive's route and km
        self.home: charging.Charger | None = None  # the home charger, drawn on first use
        self.curves: dict[float, ChargeCurve] = {}

    # -- the walk ---------------------------------------------------------------------

    def walk(self, x0: float, x1: float, inclusive: bool) -> None:
        t = self.t
        if x0 < 0:  # anchored before the timeline starts: its first event applies
            x0, inclusive = 0.0, True
        k0, i0 = t.locate(x0)
        k1, i1 = t.locate(x1)
        last = len(t.segments) - 1
        if k1 == k0:
            self._segments(k0, i0, i1, x0, x1, inclusive)
            return
        self._segments(k0, i0, last, x0, x1, inclusive)
        full = k1 - k0 - 1
        if full >= 1:
            self._segments(k0 + 1, 0, last, x0, x1, inclusive)
        if full >= 2:
            self._jump(full - 1)
        self._segments(k1, 0, i1, x0, x1, inclusive)

    def _segments(self, cycle: int, first: int, last: int, x0: float, x1: float,
                  inclusive: bool) -> None:
        for index in range(first, last + 1):
            begins = self.t.begins(cycle, index)
            if begins > x0 or (inclusive and begins == x0):
                self._enter(cycle, index, begins)
            segment = self.t.segments[index]
            ends = begins + segment.duration_s
            self._run(segment, max(x0, begins) - begins, min(x1, ends) - begins)

    def _jump(self, cycles: int) -> None:
        """`cycles` more cycles like the one just walked: the flags after a full cycle
        are the same after every one, so each cycle applies the same steps."""
        steps = self._cycle_steps()
        s = self.s
        s.odometer_km += cycles * self.t.cycle_km
        if s.battery_level is not None:
            s.battery_level, fuel = timeline_cycles.iterate(steps, s.battery_level, cycles)
            self.fuel_used += fuel
        else:
            self.fuel_used += cycles * self.t.cycle_km * self.tank_km

    def _cycle_steps(self) -> list[timeline_cycles.Step]:
        """The battery steps of one cycle from the current flags (on a scratch copy)."""
        scratch = _Fold(self.t, self.vehicle, copy(self.s))
        scratch.home, scratch.curves = self.home, self.curves
        steps: list[timeline_cycles.Step] = []
        for index, segment in enumerate(self.t.segments):
            scratch._enter(1, index, 0.0)
            step = scratch._battery_step(segment, segment.duration_s / 3600)
            if step is not None:
                steps.append(step)
        return steps

    # -- events and runs ----------------------------------------------------------------

    def _enter(self, cycle: int, index: int, begins: float) -> None:
        """The event at the start of segment `index`: the previous one ends (none before
        the very first), this one begins."""
        s, segments = self.s, self.t.segments
        previous = segments[index - 1] if index > 0 else (
            segments[-1] if cycle > 0 and self.t.repeat else None)
        if previous is not None:
            if previous.kind is Kind.DRIVING and previous.route is not None:
                s.moving, s.speed_kmh, s.location = False, 0.0, previous.route.end
            elif previous.kind is Kind.CHARGING:
                s.plugged_in = s.charging = False
                s.charge_power_kw = None
            elif previous.kind is Kind.ASLEEP:
                s.asleep = False
                self.asleep_since = None
        segment = segments[index]
        if segment.kind is Kind.DRIVING and segment.route is not None:
            s.plugged_in = s.charging = s.asleep = False
            s.charge_power_kw = None
            s.locked = s.moving = True
            s.speed_kmh = segment.speed_kmh
            s.location = segment.route.start
            self.asleep_since = None
        elif segment.kind is Kind.CHARGING:
            s.plugged_in = s.charging = True
            s.asleep = False
            s.charge_power_kw = segment.power_kw
        elif segment.kind is Kind.ASLEEP:
            s.asleep = True
            self.asleep_since = begins
        if segment.location is not None:
            s.location = segment.location

    def _run(self, segment: Segment, a: float, b: float) -> None:
        """Seconds `a` to `b` into `segment`."""
        if b <= a:
            return
        s = self.s
        km: float | None = None
        if segment.kind is Kind.DRIVING and segment.route is not None:
            if not s.moving:  # an override stopped the car: it waits for the next event
                return
            km_a = min(segment.route.length_km, segment.speed_kmh * a / 3600)
            km_b = min(segment.route.length_km, segment.speed_kmh * b / 3600)
            km = km_b - km_a
            s.odometer_km += km
            route = segment.route
            s.location = route.end if km_b >= route.length_km else route.position(km_b)
            self.heading_at = (route, km_b)  # worked out once, in `finish`
            s.speed_kmh = segment.speed_kmh
            if s.battery_level is None:
                self.fuel_used += km * self.tank_km
        step = self._battery_step(segment, (b - a) / 3600, km)
        if step is not None and s.battery_level is not None:
            s.battery_level, fuel = timeline_cycles.run([step], s.battery_level)
            self.fuel_used += fuel

    def _battery_step(self, segment: Segment, hours: float,
                      km: float | None = None) -> timeline_cycles.Step | None:
        """What `hours` of `segment` do to the battery, given the current flags."""
        s = self.s
        if s.battery_level is None:
            return None
        if segment.kind is Kind.DRIVING:
            if not s.moving:
                return None
            distance = km if km is not None else segment.speed_kmh * hours
            distance = min(distance, segment.distance_km)
            spill = self._spill()
            return timeline_cycles.Drain(distance * self.battery_km, spill)
        if not (s.plugged_in and s.charging):
            return None
        curve = self.curve()
        if curve is None:
            return None
        return timeline_cycles.Charge(curve.center, curve.factor(hours), s.charge_limit)

    def _spill(self) -> float:
        """Tank fraction per battery fraction a PHEV's engine makes up for."""
        energy = self.t.energy
        if not self.battery_km or not self.tank_km:
            return 0.0
        return self.tank_km / self.battery_km if energy.tank_liters else 0.0

    def curve(self) -> ChargeCurve | None:
        """The charging curve of the session the vehicle is plugged into: the charging
        segment's charger, else its home charger; a requested current (Tesla's
        amperage) caps either."""
        capacity = self.t.energy.capacity_kwh
        if not capacity:
            return None
        if self.home is None:
            self.home = charging.charger(self.vehicle)
        home = self.home
        power = self.s.charge_power_kw or home.voltage * home.max_amps * home.phases / 1000
        if self.s.charge_amps:
            power = min(power, home.voltage * self.s.charge_amps * home.phases / 1000)
        curve = self.curves.get(power)
        if curve is None:
            curve = self.curves[power] = ChargeCurve.of(power, capacity)
        return curve

    # -- the result ---------------------------------------------------------------------

    def finish(self) -> VehicleState:
        s = self.s
        if self.fuel0 is not None and self.fuel_used > 0:
            s.fuel_level = refuelled(self.fuel0, self.fuel_used)
        if s.battery_level is not None:
            s.battery_level = min(1.0, max(0.0, s.battery_level))
        s.charge_curve = self.curve() if s.plugged_in else None
        if not s.moving:
            s.speed_kmh = 0.0
        if self.heading_at is not None:  # parked, a car faces the way it last drove
            route, km = self.heading_at
            s.heading = route.heading(km)
        return s

    def data_time(self, now: datetime, anchor: datetime,
                  lag: timedelta = timedelta(0)) -> datetime:
        s = self.s
        if not s.asleep or (s.plugged_in and s.charging):
            return now
        since = anchor
        if self.asleep_since is not None:
            since = max(anchor, self.t.start + lag + timedelta(seconds=self.asleep_since))
        return min(since, now)


def refuelled(level: float, burnt: float) -> float:
    """The tank after burning `burnt` (fractions) from `level`, refuelled to full each
    time it reaches REFUEL_AT: a saw-tooth, closed-form in the total burnt."""
    room = max(0.0, level - REFUEL_AT)
    if burnt <= room:
        return level - burnt
    return 1.0 - (burnt - room) % (1.0 - REFUEL_AT)

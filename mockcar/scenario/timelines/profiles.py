"""Named trip profiles, like the trip types of Smartcar's Vehicle Simulator
(https://smartcar.com/docs/getting-started/dashboard/simulator: driving, charging and parked
trips lasting 8–24 h), generated as timeline segments from a seeded random stream.

* commute (24 h, from the morning departure): home to work, 8–25 km across town at
  30–50 km/h, parked at work for the day, home again; a plug-in car then charges at its
  home charger until the next departure, a combustion car parks and sleeps 23:00–06:00.
* road_trip (48 h, from a 08:00–09:00 departure): 250–400 km towards the nearest other
  city of the vehicle's region at 85–105 km/h, with a stop every ~200 km (a BEV charges
  25–40 minutes at a 150 kW fast charger, others stop 15–25 minutes); the night at the
  destination (plug-in cars on an 11 kW charger) and the same way back the next day.
* overnight_charge (24 h, from 07:00): parked through the day with an errand in the
  afternoon (5–10 km out and back), plugged in at home from 19:00–20:00 until morning.
* parked (24 h, from 07:00): parked, asleep from 23:00 to 07:00.

Times of day are local solar time at the vehicle's home (longitude / 15 hours from
UTC), not civil time zones. Routes stay inside the vehicle's region: around its home
city, or towards another city of the region from the scenario generator's list
(mockcar.scenario.catalog.models.CITIES). Routes are polylines with a point every few km,
jittered sideways so they look driven rather than ruled.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from mockcar.domain.timelines.route import EARTH_RADIUS_KM, Route, bearing, distance_km
from mockcar.domain.timelines.timeline import Kind, Segment
from mockcar.domain.vehicles import charging
from mockcar.domain.vehicles.vehicle import Location, Vehicle
from mockcar.scenario.catalog import models as catalog

HOUR = 3600.0
DAY = 24 * HOUR
FAST_CHARGER_KW = 150.0
DESTINATION_CHARGER_KW = 11.0
ROAD_TRIP_LEG_KM = 200.0


@dataclass(frozen=True)
class Profile:
    """One cycle of segments and when, in local solar time, the cycle starts."""

    segments: tuple[Segment, ...]
    starts_at: time

    def start(self, now: datetime, home: Location) -> datetime:
        """The cycle's start on the local day before `now`: a world built at `now`
        finds the vehicle mid-routine."""
        offset = timedelta(hours=round(home.longitude / 15))
        local_day = (now.astimezone(UTC) + offset).date() - timedelta(days=1)
        return datetime.combine(local_day, self.starts_at, UTC) - offset


def build(name: str, vehicle: Vehicle, rng: random.Random) -> Profile:
    home = vehicle.state.location
    plug_in = vehicle.powertrain.has_battery
    if name == "commute":
        return _commute(home, plug_in, _home_power(vehicle), rng)
    if name == "road_trip":
        return _road_trip(vehicle, home, rng)
    if name == "overnight_charge":
        return _overnight_charge(home, _home_power(vehicle), rng)
    if name == "parked":
        return Profile((Segment(Kind.PARKED, 16 * HOUR), Segment(Kind.ASLEEP, 8 * HOUR)),
                       time(7))
    raise ValueError(f"unknown profile {name!r}")


def _home_power(vehicle: Vehicle) -> float:
    spec = charging.charger(vehicle)
    return round(spec.voltage * spec.max_amps * spec.phases / 1000, 2)


def _commute(home: Location, plug_in: bool, power: float, rng: random.Random) -> Profile:
    minutes = rng.randrange(0, 90, 5)  # 07:00 to 08:25
    depart = time(7 + minutes // 60, minutes % 60)
    work = destination(home, rng.uniform(0, 360), rng.uniform(8, 25))
    out = wander(home, work, rng, spacing_km=2.0)
    back = Route.through(tuple(reversed(out.points)))
    there = Segment.drive(out, rng.uniform(30, 50))
    home_again = Segment.drive(back, rng.uniform(30, 50))
    at_work = rng.uniform(8.5, 9.5) * HOUR - there.duration_s
    evening = DAY - there.duration_s - at_work - home_again.duration_s
    segments = [there, Segment(Kind.PARKED, at_work), home_again]
    if plug_in:
        settle = rng.uniform(0.25, 1.0) * HOUR
        segments += [Segment(Kind.PARKED, settle),
                     Segment(Kind.CHARGING, evening - settle, power_kw=power)]
    else:
        # Asleep from 23:00 local to 06:00, parked around it.
        home_at = _hours(depart) + (DAY - evening) / HOUR
        awake = max(0.5, 23 - home_at) * HOUR
        asleep = min(7 * HOUR, evening - awake - 0.5 * HOUR)
        segments += [Segment(Kind.PARKED, awake), Segment(Kind.ASLEEP, asleep),
                     Segment(Kind.PARKED, evening - awake - asleep)]
    return Profile(tuple(segments), depart)


def _overnight_charge(home: Location, power: float, rng: random.Random) -> Profile:
    errand = destination(home, rng.uniform(0, 360), rng.uniform(5, 10))
    out = wander(home, errand, rng, spacing_km=1.5)
    there = Segment.drive(out, rng.uniform(25, 40))
    back = Segment.drive(Route.through(tuple(reversed(out.points))), rng.uniform(25, 40))
    shopping = rng.uniform(0.5, 1.0) * HOUR
    morning = rng.uniform(7.5, 8.5) * HOUR  # 07:00 to the afternoon errand, from 14:30
    plug_at = rng.uniform(12.0, 13.0) * HOUR  # 19:00 to 20:00
    home_before_plug = plug_at - morning - there.duration_s - shopping - back.duration_s
    segments = (
        Segment(Kind.PARKED, morning), there, Segment(Kind.PARKED, shopping), back,
        Segment(Kind.PARKED, home_before_plug),
        Segment(Kind.CHARGING, DAY - plug_at, power_kw=power),
    )
    return Profile(segments, time(7))


def _road_trip(vehicle: Vehicle, home: Location, rng: random.Random) -> Profile:
    target = _nearest_city(home, str(vehicle.region))
    km = distance_km(home, target)
    length = min(km, rng.uniform(250, 400)) if km > 50 else rng.uniform(250, 400)
    heading = bearing(home, target) if km > 50 else rng.uniform(0, 360)
    far = destination(home, heading, length)
    out = wander(home, far, rng, spacing_km=20.0)
    back = Route.through(tuple(reversed(out.points)))
    speed = rng.uniform(85, 105)
    leg_km = ROAD_TRIP_LEG_KM
    if vehicle.powertrain.has_battery and vehicle.range_km_full:
        leg_km = min(leg_km, 0.55 * vehicle.range_km_full)
    plug_in = vehicle.powertrain.has_battery
    depart = time(8, rng.randrange(0, 60, 5))
    segments: list[Segment] = []
    for route, night_power in ((out, DESTINATION_CHARGER_KW), (back, _home_power(vehicle))):
        day: list[Segment] = []
        for i, leg in enumerate(split(route, leg_km)):
            if i:
                day.append(_stop(vehicle, rng))
            day.append(Segment.drive(leg, speed))
        rest = DAY - sum(s.duration_s for s in day)
        if plug_in:
            day += [Segment(Kind.PARKED, 0.5 * HOUR),
                    Segment(Kind.CHARGING, rest - 0.5 * HOUR, power_kw=night_power)]
        else:
            day += [Segment(Kind.PARKED, rest * 0.4), Segment(Kind.ASLEEP, rest * 0.6)]
        segments += day
    return Profile(tuple(segments), depart)


def _stop(vehicle: Vehicle, rng: random.Random) -> Segment:
    if vehicle.powertrain.value == "BEV":
        return Segment(Kind.CHARGING, rng.uniform(25, 40) * 60, power_kw=FAST_CHARGER_KW)
    return Segment(Kind.PARKED, rng.uniform(15, 25) * 60)


def _hours(moment: time) -> float:
    return moment.hour + moment.minute / 60


def _nearest_city(home: Location, region: str) -> Location:
    """The nearest city of the region more than 50 km away (the home city's own entry
    is never the target), else the nearest at all."""
    cities = [Location(lat, lon) for _, lat, lon in catalog.CITIES[region]]
    away = [c for c in cities if distance_km(home, c) > 50] or cities
    return min(away, key=lambda c: distance_km(home, c))


# -- geometry -------------------------------------------------------------------------------


def destination(start: Location, bearing_deg: float, km: float) -> Location:
    """The point `km` from `start` on the initial bearing (spherical Earth)."""
    lat1, lon1 = math.radians(start.latitude), math.radians(start.longitude)
    theta, delta = math.radians(bearing_deg), km / EARTH_RADIUS_KM
    lat2 = math.asin(math.sin(lat1) * math.cos(delta)
                     + math.cos(lat1) * math.sin(delta) * math.cos(theta))
    lon2 = lon1 + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(lat1),
                             math.cos(delta) - math.sin(lat1) * math.sin(lat2))
    lon = (math.degrees(lon2) + 540) % 360 - 180
    return Location(round(math.degrees(lat2), 6), round(lon, 6))


def wander(a: Location, b: Location, rng: random.Random, spacing_km: float) -> Route:
    """A route from a to b through a point every `spacing_km` or so, each pushed sideways
    by up to a tenth of the spacing: a road, not a ruler line."""
    km = distance_km(a, b)
    count = max(1, round(km / spacing_km))
    side = (bearing(a, b) + 90) % 360
    points = [a]
    for i in range(1, count):
        f = i / count
        on_line = Location(a.latitude + (b.latitude - a.latitude) * f,
                           a.longitude + (b.longitude - a.longitude) * f)
        points.append(destination(on_line, side, rng.uniform(-0.1, 0.1) * spacing_km))
    points.append(b)
    return Route.through(points)


def split(route: Route, leg_km: float) -> list[Route]:
    """The route cut into legs of at most `leg_km`, of equal length, at points on it."""
    legs = max(1, math.ceil(route.length_km / leg_km))
    if legs == 1:
        return [route]
    cuts = [route.length_km * i / legs for i in range(1, legs)]
    out: list[Route] = []
    start_km, start_point = 0.0, route.start
    for cut in [*cuts, route.length_km]:
        inner = [p for p, at in zip(route.points, route.cumulative_km, strict=True)
                 if start_km < at < cut]
        end_point = route.position(cut)
        out.append(Route.through([start_point, *inner, end_point]))
        start_km, start_point = cut, end_point
    return out

"""A driving route: a polyline of coordinates, measured once so that a position along it
is a lookup, not a walk (DESIGN principle 2: a reading is O(log n), never a loop).

Distances are great-circle (haversine, mean Earth radius); between two points a vehicle
moves on the straight line in latitude/longitude, which is where the reference's routes
(city streets, a few km per leg) and the scenario's lists of points put it. Headings are
initial great-circle bearings, degrees clockwise from north.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

from mockcar.domain.vehicles.vehicle import Location

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def distance_km(a: Location, b: Location) -> float:
    """Great-circle distance between two points (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bearing(a: Location, b: Location) -> float:
    """Initial bearing from a to b, 0–360 degrees clockwise from north."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlon = math.radians(b.longitude - a.longitude)
    y = math.sin(dlon) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    return math.degrees(math.atan2(y, x)) % 360


@dataclass(frozen=True)
class Route:
    """At least two points; `cumulative_km[i]` is the distance from the first point to
    point i along the route, so `cumulative_km[-1]` is the route's length."""

    points: tuple[Location, ...]
    cumulative_km: tuple[float, ...]

    @classmethod
    def through(cls, points: tuple[Location, ...] | list[Location]) -> Route:
        if len(points) < 2:
            raise ValueError("a route needs at least two points")
        total, cumulative = 0.0, [0.0]
        for a, b in pairwise(points):
            total += distance_km(a, b)
            cumulative.append(total)
        return cls(tuple(points), tuple(cumulative))

    @property
    def length_km(self) -> float:
        return self.cumulative_km[-1]

    @property
    def start(self) -> Location:
        return self.points[0]

    @property
    def end(self) -> Location:
        return self.points[-1]

    def leg(self, km: float) -> int:
        """The index i of the leg (points i, i+1) holding the point `km` along the
        route; the last leg for km at or past the end."""
        return max(0, min(bisect_right(self.cumulative_km, km) - 1, len(self.points) - 2))

    def position(self, km: float) -> Location:
        """The point `km` along the route (clamped to its ends), interpolated on the
        leg that holds it."""
        if km <= 0:
            return self.start
        if km >= self.length_km:
            return self.end
        i = self.leg(km)
        a, b = self.points[i], self.points[i + 1]
        span = self.cumulative_km[i + 1] - self.cumulative_km[i]
        f = (km - self.cumulative_km[i]) / span if span > 0 else 0.0
        return Location(a.latitude + (b.latitude - a.latitude) * f,
                        a.longitude + (b.longitude - a.longitude) * f)

    def heading(self, km: float) -> float:
        """The bearing of the leg a vehicle `km` along the route is driving on."""
        i = self.leg(km)
        # A zero-length leg (a repeated point) has no direction; use the next real one.
        for a, b in zip(self.points[i:], self.points[i + 1:], strict=False):
            if a != b:
                return round(bearing(a, b), 1)
        return 0.0

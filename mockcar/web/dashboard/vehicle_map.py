"""The vehicle page's offline maps: SVG drawn on the server from the low-resolution
region outlines bundled with mockcar (templates/assets/dashboard/vehicle-regions.json,
hand-simplified coastlines and borders of the US, Canada and Europe), the vehicle's
routes and its position. No tiles, no network.

Two frames: the vehicle's region (the car and its routes on the outline), and, for a car
with a timeline that drives, a close-up around its routes and position. The projection is equirectangular with longitudes
shrunk by the cosine of the frame's middle latitude, which keeps shapes right at the
scale of a region; the page's script moves the marker with the same formula (the SVG's
data-west, data-north, data-scale and data-coslat).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

OUTLINES = Path(__file__).parent.parent.parent / "templates" / "assets" / "dashboard" \
    / "vehicle-regions.json"
WIDTH = 1000.0  # SVG units across a frame
MIN_SPAN_DEG = 0.04  # a close-up is at least ~4 km tall
Point = tuple[float, float]  # (latitude, longitude)


@cache
def outlines() -> dict[str, Any]:
    regions: dict[str, Any] = json.loads(OUTLINES.read_text(encoding="utf-8"))["regions"]
    return regions


@dataclass(frozen=True)
class Frame:
    west: float
    south: float
    east: float
    north: float

    @property
    def coslat(self) -> float:
        return math.cos(math.radians((self.north + self.south) / 2))

    @property
    def scale(self) -> float:
        return WIDTH / ((self.east - self.west) * self.coslat)

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def xy(self, latitude: float, longitude: float) -> tuple[float, float]:
        return (round((longitude - self.west) * self.coslat * self.scale, 1),
                round((self.north - latitude) * self.scale, 1))

    def path(self, points: Iterable[Point], closed: bool = False) -> str:
        coordinates = [self.xy(lat, lon) for lat, lon in points]
        if not coordinates:
            return ""
        text = "M" + " L".join(f"{x:g},{y:g}" for x, y in coordinates)
        return text + (" Z" if closed else "")

    def km_across(self) -> float:
        return (self.east - self.west) * self.coslat * 111.32


def _around(points: Sequence[Point], pad: float, min_span: float) -> Frame:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    middle = (south + north) / 2
    coslat = max(0.2, math.cos(math.radians(middle)))
    span_lat = max(north - south, (east - west) * coslat / 1.6, min_span)
    span_lon = max(east - west, span_lat * 1.6 / coslat)  # a 16:10 frame
    center_lat, center_lon = middle, (west + east) / 2
    half_lat, half_lon = span_lat * (0.5 + pad), span_lon * (0.5 + pad)
    return Frame(center_lon - half_lon, max(-89.0, center_lat - half_lat),
                 center_lon + half_lon, min(89.0, center_lat + half_lat))


def _region_frame(region: str, points: Sequence[Point]) -> Frame:
    west, south, east, north = outlines()[region]["bounds"]
    for lat, lon in points:  # a car moved by hand out of its region is still shown
        south, north = min(south, lat - 1), max(north, lat + 1)
        west, east = min(west, lon - 1), max(east, lon + 1)
    return Frame(west, south, east, north)


@dataclass(frozen=True)
class Drawn:
    """One SVG: its frame, the outlines' and routes' paths, the car's position."""

    frame: Frame
    land: tuple[str, ...]
    routes: tuple[str, ...]
    stops: tuple[tuple[float, float], ...]
    car: tuple[float, float]
    marker_radius: float

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH:g} {self.frame.height:.1f}"


def _draw(frame: Frame, routes: Sequence[Sequence[Point]], stops: Sequence[Point],
          car: Point) -> Drawn:
    land = tuple(frame.path(((lat, lon) for lon, lat in polygon), closed=True)
                 for region in outlines().values() for polygon in region["polygons"])
    return Drawn(frame, land, tuple(frame.path(r) for r in routes),
                 tuple(frame.xy(*s) for s in stops), frame.xy(*car),
                 marker_radius=round(max(WIDTH, frame.height) / 90, 1))


def maps(region: str, car: Point, routes: Sequence[Sequence[Point]],
         stops: Sequence[Point]) -> dict[str, Drawn]:
    """The region map of a car at `car` with its `routes` (polylines of (latitude,
    longitude)) and the places its timeline stops at, and a close-up of them when it
    has routes (a close-up of a lone dot shows nothing a low-resolution outline can)."""
    everything = [car, *stops, *(p for route in routes for p in route)]
    drawn = {"region": _draw(_region_frame(region, everything), routes, stops, car)}
    if routes:
        drawn["local"] = _draw(_around(everything, 0.08, MIN_SPAN_DEG), routes, stops, car)
    return drawn

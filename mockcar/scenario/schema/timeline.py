"""The `timeline:` of a scenario vehicle: segments or a named trip profile (the model is
in mockcar.domain.timelines.timeline)::

    timeline:
      profile: commute          # commute | road_trip | overnight_charge | parked
      # or, instead of a profile:
      segments:
        - {kind: parked, duration: 8h}
        - {kind: driving, speed: 45, route: [{latitude: 37.77, longitude: -122.42},
                                             {latitude: 37.80, longitude: -122.27}]}
        - {kind: charging, duration: 6h30m, power: 7.4}
        - {kind: asleep, duration: 9h}
      start: 2026-01-05T07:30:00Z   # optional: when the first segment begins
      repeat: true                  # optional: default true for a profile, false else
      efficiency: {kwh_per_100km: 16, liters_per_100km: 7.5}   # optional

segments[]:
    kind        parked | driving | charging | asleep
    duration    a duration with units: 8h, 45m, 1h30m, 90s, 2d; required except on a
                drive (which gives speed or duration) and on the last segment of a
                timeline that does not repeat (it then lasts forever)
    route       driving only: at least 2 points, as a list of {latitude, longitude} or
                a GeoJSON LineString {type: LineString, coordinates: [[lon, lat], ...]}
    speed       driving only, km/h, above 0 and at most 300; or give the duration
    power       charging only, kW of the charger, above 0 and at most 350
    location    parked, charging, asleep: where the vehicle is from the segment's start

start defaults to midnight UTC of the day the world is built (for a profile: the
profile's first event the day before, so a world starts mid-routine). A timeline that
charges (a charging segment, the overnight_charge profile) needs a plug-in battery;
efficiency defaults to the vehicle's capacity over its range (kWh/100 km) and its tank
over its fuel range (L/100 km). Profiles generate their routes from the scenario seed,
inside the vehicle's region, around its location (mockcar.scenario.timelines.profiles).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from mockcar.domain.timelines.route import Route
from mockcar.domain.vehicles.vehicle import Location
from mockcar.scenario.errors import Loc
from mockcar.scenario.specs import CHARGING_PROFILES, PROFILES, TimelineRules

_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

KINDS = ("parked", "driving", "charging", "asleep")
MAX_SPEED_KMH = 300.0
MAX_POWER_KW = 350.0
_UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)([dhms]))+")
_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_DURATION_HINT = "like 8h, 45m or 1h30m"


def _invalid(message: str) -> ValueError:
    """Pydantic reports a validator's ValueError (not TypeError) at the key's path."""
    return ValueError(message)


def _duration(value: Any) -> float:
    """'1h30m' -> 5400.0 seconds."""
    if isinstance(value, bool | int | float):
        raise _invalid(f"must be a duration with a unit, {_DURATION_HINT}; got {value!r} "
                         "(a number alone could be minutes or hours)")
    if not isinstance(value, str):
        raise _invalid(f"must be a duration {_DURATION_HINT}")
    text = value.strip().lower().replace(" ", "")
    if text.startswith("-"):
        raise ValueError(f"must be positive, got {value!r}: time only runs forward")
    if not _DURATION.fullmatch(text):
        raise ValueError(f"must be a duration {_DURATION_HINT} (units d, h, m, s), got {value!r}")
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    if seconds <= 0:
        raise ValueError(f"must be longer than 0, got {value!r}")
    return seconds


def _moment(value: Any) -> datetime:
    """A YAML timestamp or date, or an ISO 8601 string; naive means UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"must be a date-time like 2026-01-05T07:30:00Z, got {value!r}") from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), UTC)
    raise ValueError("must be a date-time like 2026-01-05T07:30:00Z")


def _profile(value: str) -> str:
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in PROFILES:
        raise ValueError(f"unknown profile {value!r}; use one of {', '.join(PROFILES)}")
    return key


def _kind(value: str) -> str:
    if value.strip().lower() not in KINDS:
        raise ValueError(f"must be one of {', '.join(KINDS)}, got {value!r}")
    return value.strip().lower()


def _coordinate(lat: Any, lon: Any, where: str) -> tuple[float, float]:
    for name, v, bound in (("latitude", lat, 90), ("longitude", lon, 180)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"{where}: {name} must be a number, got {v!r}")
        if not -bound <= v <= bound:
            raise ValueError(f"{where}: {name} must be from -{bound} to {bound}, got {v}")
    return float(lat), float(lon)


def _route(value: Any) -> tuple[tuple[float, float], ...]:
    """A list of {latitude, longitude} or a GeoJSON LineString -> ((lat, lon), ...)."""
    if isinstance(value, dict):
        if value.get("type") != "LineString" or set(value) - {"type", "coordinates"}:
            raise ValueError("a mapping route must be a GeoJSON LineString: "
                             "{type: LineString, coordinates: [[longitude, latitude], ...]}")
        raw = value.get("coordinates")
        if not isinstance(raw, list):
            raise _invalid("coordinates must be a list of [longitude, latitude] pairs")
        points = []
        for i, pair in enumerate(raw):
            if not isinstance(pair, list) or len(pair) not in (2, 3):
                raise ValueError(f"coordinates[{i}] must be [longitude, latitude] (GeoJSON "
                                 "order), optionally with an altitude")
            points.append(_coordinate(pair[1], pair[0], f"coordinates[{i}]"))
    elif isinstance(value, list):
        points = []
        for i, point in enumerate(value):
            if not isinstance(point, dict) or set(point) != {"latitude", "longitude"}:
                raise ValueError(f"point {i} must be {{latitude: ..., longitude: ...}}")
            points.append(_coordinate(point["latitude"], point["longitude"], f"point {i}"))
    else:
        raise _invalid("must be a list of {latitude, longitude} points or a GeoJSON "
                       "LineString")
    if len(points) < 2:
        raise ValueError(f"a route needs at least 2 points, got {len(points)}")
    return tuple(points)


_POINT_SCHEMA = {"type": "object", "required": ["latitude", "longitude"],
                 "additionalProperties": False,
                 "properties": {"latitude": {"type": "number", "minimum": -90, "maximum": 90},
                                "longitude": {"type": "number", "minimum": -180,
                                              "maximum": 180}}}
Duration = Annotated[float, BeforeValidator(_duration),
                     WithJsonSchema({"type": "string", "pattern": r"^(\d+(\.\d+)?[dhms])+$",
                                     "examples": ["8h", "45m", "1h30m"]})]
Moment = Annotated[datetime, BeforeValidator(_moment),
                   WithJsonSchema({"type": "string", "format": "date-time"})]
RoutePoints = Annotated[
    tuple[tuple[float, float], ...], BeforeValidator(_route),
    WithJsonSchema({"oneOf": [
        {"type": "array", "minItems": 2, "items": _POINT_SCHEMA},
        {"type": "object", "required": ["type", "coordinates"], "additionalProperties": False,
         "properties": {"type": {"const": "LineString"},
                        "coordinates": {"type": "array", "minItems": 2,
                                        "items": {"type": "array", "minItems": 2,
                                                  "maxItems": 3,
                                                  "items": {"type": "number"}}}}},
    ]}),
]


class Point(BaseModel):
    model_config = _CONFIG
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]


class Efficiency(BaseModel):
    model_config = _CONFIG
    kwh_per_100km: Annotated[float, Field(gt=0, le=100)] | None = None
    liters_per_100km: Annotated[float, Field(gt=0, le=100)] | None = None


class SegmentSpec(BaseModel):
    model_config = _CONFIG
    kind: Annotated[str, AfterValidator(_kind), WithJsonSchema({"enum": list(KINDS)})]
    duration: Duration | None = None
    route: RoutePoints | None = None
    speed: Annotated[float, Field(gt=0, le=MAX_SPEED_KMH)] | None = None
    power: Annotated[float, Field(gt=0, le=MAX_POWER_KW)] | None = None
    location: Point | None = None


class TimelineSpec(BaseModel, TimelineRules):
    model_config = _CONFIG
    profile: Annotated[str, AfterValidator(_profile),
                       WithJsonSchema({"enum": list(PROFILES)})] | None = None
    segments: list[SegmentSpec] | None = None
    start: Moment | None = None
    repeat: bool | None = None
    efficiency: Efficiency | None = None


# Which model a key below a vehicle's `timeline` belongs to (for "did you mean").
MODELS: dict[tuple[str, ...], type[BaseModel]] = {
    ("timeline",): TimelineSpec,
    ("timeline", "segments"): SegmentSpec,
    ("timeline", "segments", "location"): Point,
    ("timeline", "efficiency"): Efficiency,
}

_ONLY = {"route": "driving", "speed": "driving", "power": "charging"}


def check(timeline: TimelineSpec, powertrain: str | None) -> Iterator[tuple[Loc, str]]:
    """Rules across fields, each located below the vehicle's `timeline` key.
    `powertrain` is the vehicle's, when the scenario gives it."""
    if (timeline.profile is None) == (timeline.segments is None):
        yield (), "give either profile or segments (not both)"
        return
    if timeline.segments is not None and not timeline.segments:
        yield ("segments",), "must have at least 1 segment"
    battery = powertrain is None or powertrain in ("BEV", "PHEV")
    fuel = powertrain is None or powertrain != "BEV"
    if timeline.profile in CHARGING_PROFILES and not battery:
        yield ("profile",), (f"{powertrain} vehicles have no plug-in battery to charge; "
                             f"use commute, road_trip or parked")
    efficiency = timeline.efficiency
    if efficiency is not None:
        if efficiency.kwh_per_100km is not None and not battery:
            yield ("efficiency", "kwh_per_100km"), f"{powertrain} vehicles have no plug-in battery"
        if efficiency.liters_per_100km is not None and not fuel:
            yield ("efficiency", "liters_per_100km"), "BEV vehicles have no fuel tank"
    segments = timeline.segments or []
    for i, segment in enumerate(segments):
        open_ended = i == len(segments) - 1 and not timeline.repeats
        yield from (((("segments", i, *sub)), text)
                    for sub, text in _segment(segment, open_ended, battery, powertrain))


def _segment(s: SegmentSpec, open_ended: bool, battery: bool,
             powertrain: str | None) -> Iterator[tuple[Loc, str]]:
    for key, kind in _ONLY.items():
        if getattr(s, key) is not None and s.kind != kind:
            yield (key,), f"only a {kind} segment has {key}; this one is {s.kind}"
    if s.kind == "driving":
        if s.route is None:
            yield ("route",), "required key is missing: a drive needs a route of 2 points or more"
        if (s.speed is None) == (s.duration is None):
            yield ("speed",), ("give either speed (km/h) or duration; the other follows from "
                               "the route's length")
        if s.location is not None:
            yield ("location",), "a drive is where its route puts it; remove location"
        if s.route is not None:
            km = Route.through([Location(lat, lon) for lat, lon in s.route]).length_km
            if km < 0.001:
                yield ("route",), "goes nowhere: its points are all the same place"
            elif s.duration is not None and km / (s.duration / 3600) > MAX_SPEED_KMH:
                yield ("duration",), (f"is too short for {km:.1f} km: that is "
                                      f"{km / (s.duration / 3600):.0f} km/h, above "
                                      f"{MAX_SPEED_KMH:.0f}")
        return
    if s.duration is None and not open_ended:
        yield ("duration",), ("required key is missing (only the last segment of a timeline "
                              "that does not repeat may leave it out: it then lasts forever)")
    if s.kind == "charging":
        if not battery:
            yield ("kind",), f"{powertrain} vehicles have no plug-in battery to charge"
        if s.power is None:
            yield ("power",), "required key is missing: the charger's power in kW, e.g. 7.4 or 150"

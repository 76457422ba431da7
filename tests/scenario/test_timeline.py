"""`timeline:` in scenario files: what it builds, and every mistake located at its file,
line and key path (mockcar.scenario.schema.timeline)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mockcar.domain.timelines.timeline import Kind
from mockcar.domain.vehicles.vehicle import Location
from mockcar.domain.world.clock import Clock
from mockcar.scenario import Problem, ScenarioError, load_scenario, load_world
from mockcar.settings import default_scenario
from tests.scenario.conftest import WriteScenario
from tests.support.timelines import timeline_of

NOW = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)
HEAD = "version: 1\nseed: 3\nowners:\n  - email: t@example.com\n    password: pw\n    vehicles:\n"


def scenario(vehicle: str) -> str:
    """A one-vehicle scenario; `vehicle` is YAML indented for the vehicles list."""
    return HEAD + vehicle


def problems(write: WriteScenario, text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(text))
    return caught.value.problems


SEGMENTS = """\
      - make: TESLA
        model: Model 3
        battery: {level: 0.5}
        timeline:
          start: 2026-04-14T06:00:00Z
          repeat: true
          efficiency: {kwh_per_100km: 20}
          segments:
            - {kind: parked, duration: 2h}
            - kind: driving
              speed: 36
              route: [{latitude: 48.0, longitude: 11.0}, {latitude: 48.1, longitude: 11.0}]
            - {kind: charging, duration: 1h30m, power: 11}
            - {kind: asleep, duration: 20h}
"""


def test_segments_build_a_timeline_on_the_vehicle(write_scenario: WriteScenario) -> None:
    world = load_world(write_scenario(scenario(SEGMENTS)), clock=Clock(frozen_at=NOW))
    (car,) = world.vehicles.values()
    assert car.motion is not None
    line = timeline_of(car)
    assert line.start == datetime(2026, 4, 14, 6, tzinfo=UTC) and line.repeat
    assert [s.kind for s in line.segments] == [Kind.PARKED, Kind.DRIVING, Kind.CHARGING,
                                              Kind.ASLEEP]
    drive = line.segments[1]
    assert drive.duration_s == pytest.approx(drive.distance_km / 36 * 3600)
    assert line.energy.kwh_per_km == pytest.approx(0.2)
    # No location given: it starts where its first route does, and drives it at 08:00
    # (11 km in 18.5 minutes), charges until 09:48 and is asleep at 10:00.
    assert car.state.location == Location(48.0, 11.0)
    assert car.at(NOW - timedelta(minutes=110)).state.moving
    assert car.at(NOW).state.asleep and car.at(NOW).location() == Location(48.1, 11.0)
    assert car.at(NOW + timedelta(hours=24)).state.odometer_km > car.at(NOW).state.odometer_km


def test_a_geojson_line_string_is_longitude_first(write_scenario: WriteScenario) -> None:
    text = scenario(SEGMENTS.replace(
        "route: [{latitude: 48.0, longitude: 11.0}, {latitude: 48.1, longitude: 11.0}]",
        "route: {type: LineString, coordinates: [[11.0, 48.0], [11.0, 48.1, 520]]}"))
    (car,) = load_world(write_scenario(text), clock=Clock(frozen_at=NOW)).vehicles.values()
    assert car.motion is not None
    route = timeline_of(car).segments[1].route
    assert route is not None and route.points == (Location(48.0, 11.0), Location(48.1, 11.0))


def test_a_timeline_that_charges_picks_a_plug_in_model(write_scenario: WriteScenario) -> None:
    text = scenario("      - timeline: {profile: overnight_charge}\n" * 4)
    world = load_world(write_scenario(text), clock=Clock(frozen_at=NOW))
    assert all(v.powertrain.has_battery for v in world.vehicles.values())


def test_the_default_scenario_has_vehicles_that_move() -> None:
    world = load_world(default_scenario(), clock=Clock(frozen_at=NOW))
    moving = [v for v in world.vehicles.values() if v.motion is not None]
    assert {v.make for v in moving} == {"TESLA", "FORD"}
    for vehicle in moving:
        day = [vehicle.at(NOW + timedelta(minutes=m)) for m in range(0, 24 * 60, 10)]
        assert any(s.state.moving for s in day) and not all(s.state.moving for s in day)
        assert day[-1].odometer_km() > day[0].odometer_km()


# (YAML of the vehicle's timeline, line of the problem, key path, text in the message);
# a flow-style timeline sits on line 8, below the vehicle's `make`.
BAD_TIMELINES = [
    ("{profile: commute, segments: [{kind: parked, duration: 1h}]}", 8, "timeline",
     "either profile or segments"),
    ("{repeat: true}", 8, "timeline", "either profile or segments"),
    ("{profile: teleport}", 8, "timeline.profile", "unknown profile 'teleport'"),
    ("{segments: []}", 8, "timeline.segments", "at least 1 segment"),
    ("{segments: [{kind: parked, duration: -2h}]}", 8, "timeline.segments[0].duration",
     "must be positive"),
    ("{segments: [{kind: parked, duration: 0m}]}", 8, "timeline.segments[0].duration",
     "longer than 0"),
    ("{segments: [{kind: parked, duration: 90}]}", 8, "timeline.segments[0].duration",
     "a duration with a unit"),
    ("{segments: [{kind: parked, duration: 8 hours}]}", 8, "timeline.segments[0].duration",
     "like 8h, 45m or 1h30m"),
    ("{segments: [{kind: parked, duration: 1h}, {kind: asleep}], repeat: true}", 8,
     "timeline.segments[1].duration", "only the last segment"),
    ("{segments: [{kind: flying, duration: 1h}]}", 8, "timeline.segments[0].kind",
     "must be one of parked, driving, charging, asleep"),
    ("{segments: [{kind: parked, durration: 1h}]}", 8, "timeline.segments[0].durration",
     "did you mean 'duration'?"),
    ("{segments: [{kind: driving, speed: 40, route: [{latitude: 1, longitude: 2}]}]}", 8,
     "timeline.segments[0].route", "at least 2 points, got 1"),
    (("{segments: [{kind: driving, speed: 0, route: [{latitude: 1, longitude: 2}, "
     "{latitude: 1.1, longitude: 2}]}]}"), 8, "timeline.segments[0].speed",
     "greater than 0"),
    (("{segments: [{kind: driving, speed: -30, route: [{latitude: 1, longitude: 2}, "
     "{latitude: 1.1, longitude: 2}]}]}"), 8, "timeline.segments[0].speed",
     "greater than 0"),
    (("{segments: [{kind: driving, route: [{latitude: 1, longitude: 2}, "
     "{latitude: 1.1, longitude: 2}]}]}"), 8, "timeline.segments[0].speed",
     "give either speed (km/h) or duration"),
    ("{segments: [{kind: driving, speed: 30}]}", 8, "timeline.segments[0].route",
     "a drive needs a route"),
    (("{segments: [{kind: driving, duration: 1m, route: [{latitude: 1, longitude: 2}, "
     "{latitude: 2, longitude: 2}]}]}"), 8, "timeline.segments[0].duration",
     "too short for 111.2 km"),
    (("{segments: [{kind: driving, speed: 30, route: [{latitude: 1, longitude: 2}, "
     "{latitude: 1, longitude: 2}]}]}"), 8, "timeline.segments[0].route", "goes nowhere"),
    (("{segments: [{kind: driving, speed: 30, route: {type: LineString, coordinates: "
     "[[2, 1], [200, 1]]}}]}"), 8, "timeline.segments[0].route",
     "coordinates[1]: longitude must be from -180 to 180"),
    ("{segments: [{kind: driving, speed: 30, route: {type: Point, coordinates: [2, 1]}}]}",
     8, "timeline.segments[0].route", "must be a GeoJSON LineString"),
    ("{segments: [{kind: parked, duration: 1h, power: 7}]}", 8, "timeline.segments[0].power",
     "only a charging segment has power"),
    ("{segments: [{kind: charging, duration: 1h}]}", 8, "timeline.segments[0].power",
     "the charger's power in kW"),
    ("{segments: [{kind: charging, duration: 1h, power: 900}]}", 8,
     "timeline.segments[0].power", "at most 350"),
    ("{start: next tuesday, profile: parked}", 8, "timeline.start", "must be a date-time"),
]


@pytest.mark.parametrize(("timeline", "line", "path", "text"), BAD_TIMELINES,
                         ids=[c[2] + ":" + c[3][:24] for c in BAD_TIMELINES])
def test_a_bad_timeline_is_located(write_scenario: WriteScenario, timeline: str, line: int,
                                   path: str, text: str) -> None:
    found = problems(write_scenario, scenario(f"      - make: TESLA\n        timeline: {timeline}\n"))
    assert [(p.line, p.path) for p in found] == [(line, f"owners[0].vehicles[0].{path}")]
    assert text in found[0].message


ICE = "      - make: FORD\n        model: F-150\n        powertrain: ICE\n"


@pytest.mark.parametrize(("timeline", "path", "text"), [
    ("{segments: [{kind: charging, duration: 1h, power: 7}]}", "timeline.segments[0].kind",
     "ICE vehicles have no plug-in battery to charge"),
    ("{profile: overnight_charge}", "timeline.profile", "no plug-in battery"),
    ("{profile: commute, efficiency: {kwh_per_100km: 15}}", "timeline.efficiency.kwh_per_100km",
     "no plug-in battery"),
])
def test_charging_a_combustion_car_is_refused(write_scenario: WriteScenario, timeline: str,
                                              path: str, text: str) -> None:
    found = problems(write_scenario, scenario(ICE + f"        timeline: {timeline}\n"))
    assert [p.path for p in found] == [f"owners[0].vehicles[0].{path}"]
    assert text in found[0].message and found[0].line == 10


def test_a_catalog_model_without_a_battery_is_named(write_scenario: WriteScenario) -> None:
    """make and model of a combustion car, no powertrain: the catalog says it cannot."""
    text = scenario("      - make: FORD\n        model: F-150\n"
                    "        timeline: {profile: overnight_charge}\n")
    (found,) = problems(write_scenario, text)
    assert found.path == "owners[0].vehicles[0].timeline"
    assert "F-150 is ICE in mockcar's catalog" in found.message


def test_the_last_segment_may_last_forever(write_scenario: WriteScenario) -> None:
    text = scenario("      - make: TESLA\n        timeline: {segments: [{kind: parked, "
                    "duration: 1h}, {kind: charging, power: 11}]}\n")
    (car,) = load_world(write_scenario(text), clock=Clock(frozen_at=NOW)).vehicles.values()
    assert car.motion is not None and timeline_of(car).segments[-1].duration_s == float("inf")


def test_a_mistake_deep_in_a_block_timeline_names_its_own_line(
    write_scenario: WriteScenario,
) -> None:
    text = scenario(SEGMENTS.replace("duration: 1h30m", "duration: -1h30m"))
    (found,) = problems(write_scenario, text)
    assert (found.line, found.path) == (19, "owners[0].vehicles[0].timeline.segments[2].duration")

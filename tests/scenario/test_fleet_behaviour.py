"""`faults:`, `latency:`, `latency_by_make:` and `asleep:` in a scenario: what they build
and their located errors."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from mockcar.domain.world.clock import Clock
from mockcar.scenario import ScenarioError, build_world, load_scenario
from tests.scenario.conftest import WriteScenario

HEAD = "version: 1\nseed: 5\n"
OWNER = ("owners:\n  - email: a@b.co\n    password: x\n    vehicles:\n"
         "      - {id: 5bc4f833-1351-4bdf-8185-277afcd07e25, make: TESLA, model: Model 3,"
         " vin: 5YJ3E1EA0NF123456, latency: {/odometer: 50}}\n"
         "      - {make: FORD, model: F-150}\n")


def test_faults_and_latency_are_set_on_the_world(write_scenario: WriteScenario) -> None:
    path = write_scenario(HEAD + OWNER + """\
latency: realistic
latency_by_make: {ford: ideal}
asleep: {answer: error}
fleet: {count: 20, makes: [NISSAN], latency: {"*": 7}}
faults:
  - {type: UPSTREAM.NO_RESPONSE, make: TESLA, start: "10:00", end: "10:15"}
  - {type: RATE_LIMIT, code: VEHICLE, vin: 5yj3e1ea0nf123456, times: 2, retry_after: 9}
  - {type: SERVER, code: INTERNAL, endpoint: /location, probability: 0.5, method: get}
""")
    clock = Clock(frozen_at=datetime(2026, 1, 5, 10, 5, tzinfo=UTC))
    world = build_world(load_scenario(path), clock=clock)
    tesla_id = "5bc4f833-1351-4bdf-8185-277afcd07e25"
    ford = next(v for v in world.vehicles.values() if v.make == "FORD")
    nissan = next(v for v in world.vehicles.values() if v.make == "NISSAN")
    latency = world.latency
    assert latency.policy(tesla_id, "TESLA").table == (("/odometer", 50.0),)
    assert latency.policy(ford.id, "FORD").mode == "ideal"
    assert latency.policy(nissan.id, "NISSAN").table == (("/*", 7.0),)
    assert latency.policy("someone-else", "KIA").mode == "realistic"
    assert latency.sleep.mode == "error"
    first, second, third = world.faults
    assert (first.type, first.code, first.make) == ("UPSTREAM", "NO_RESPONSE", "TESLA")
    assert first.window is not None and first.window.start == time(10, 0)
    assert second.vehicle_id == tesla_id and second.times == 2
    assert third.method == "GET" and third.probability == 0.5
    error = world.faults.trip("GET", "/odometer", tesla_id)
    assert error is not None and error.code == "NO_RESPONSE"
    clock.advance(timedelta(minutes=15))
    error = world.faults.trip("GET", "/odometer", tesla_id)
    assert error is not None and (error.code, error.retry_after) == ("VEHICLE", 9)


def test_probabilities_are_the_same_under_the_same_seed(write_scenario: WriteScenario,
                                                        clock: Clock) -> None:
    path = write_scenario(HEAD + "faults: [{type: SERVER, code: INTERNAL, probability: 0.3}]\n")
    scenario = load_scenario(path)

    def pattern(seed: int) -> list[bool]:
        world = build_world(scenario, clock=clock, seed=seed)
        return [world.faults.trip("GET", "/vehicles", None) is not None for _ in range(40)]

    assert pattern(1) == pattern(1) and pattern(1) != pattern(2)


@pytest.mark.parametrize(("text", "line", "path", "message"), [
    ("faults: [{type: NOPE}]", 3, "faults[0].type", "no Smartcar error NOPE:None"),
    ("faults: [{type: UPSTREAM, code: NOPE}]", 3, "faults[0].code", "codes of UPSTREAM"),
    ("faults: [{type: SERVER, code: INTERNAL, start: 10:15}]", 3, "faults[0].start",
     "YAML read this as the number 615"),
    ("faults: [{type: SERVER, code: INTERNAL, start: '10:15', end: '2026-01-01'}]", 3,
     "faults[0].end", "both be times of day"),
    ("faults: [{type: SERVER, code: INTERNAL, start: 'noon'}]", 3, "faults[0].start",
     "neither a time of day"),
    ("faults: [{type: SERVER, code: INTERNAL, vin: 5YJ3E1EA0NF000000}]", 3, "faults[0].vin",
     "no vehicle of this scenario has this VIN"),
    ("faults: [{type: SERVER, code: INTERNAL, method: FETCH}]", 3, "faults[0].method",
     "must be one of GET, POST, PUT, DELETE"),
    ("faults: [{type: SERVER, code: INTERNAL, probability: 0}]", 3, "faults[0].probability",
     "greater than 0"),
    ("latency: fast", 3, "latency", "must be ideal, realistic or a table"),
    ("latency: {odometer: 5}", 3, "latency", "endpoint keys are paths like /odometer"),
    ("latency: {/odometer: -5}", 3, "latency", "/odometer: must be a number of milliseconds"),
    ("latency_by_make: {TESLA: sometimes}", 3, "latency_by_make.TESLA", "must be ideal"),
    ("asleep: {answer: snore}", 3, "asleep.answer", "must be wake (answer slowly) or error"),
    ("asleep: {anwser: error}", 3, "asleep.anwser", "did you mean 'answer'?"),
])
def test_bad_faults_and_latency_are_located(write_scenario: WriteScenario, text: str, line: int,
                                            path: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write_scenario(HEAD + text + "\n"))
    found = [(p.line, p.path) for p in caught.value.problems]
    assert (line, path) in found, caught.value
    assert any(message in p.message for p in caught.value.problems if p.path == path), \
        caught.value

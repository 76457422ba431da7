"""Playing one vehicle's timeline: pause holds its state whatever the clock does, play
goes on from there, next stage skips to the next segment's start without moving the
clock, and a vehicle without a timeline (or past the last stage) is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from mockcar.domain.timelines import playback
from mockcar.domain.timelines.timeline import Kind
from tests.support.timelines import HOUR, START, WORK, charging, drive, parked, vehicle

ROUTINE = [parked(1), drive(40.0), parked(8), charging(4)]  # drive: 11.12 km, ~16.7 min


def at(hours: float) -> timedelta:
    return timedelta(hours=hours)


def test_pause_holds_the_state_and_play_goes_on_from_there() -> None:
    car, twin = vehicle(ROUTINE, repeat=True), vehicle(ROUTINE, repeat=True)
    paused_at = START + at(1) + timedelta(minutes=8)  # mid-drive
    playback.pause(car, paused_at)
    held = car.at(paused_at)
    later = car.at(paused_at + at(5))
    assert later.state.location == held.state.location
    assert later.state.odometer_km == held.state.odometer_km
    assert held.state.moving and playback.playback(car, paused_at + at(5)).paused

    playback.play(car, paused_at + at(5))
    # Five hours behind its twin from now on: an hour later it is where the twin was an
    # hour after the pause.
    resumed = car.at(paused_at + at(6))
    expected = twin.at(paused_at + at(1))
    assert resumed.state.odometer_km == pytest.approx(expected.state.odometer_km)
    assert resumed.state.location == expected.state.location
    assert resumed.state.battery_level == pytest.approx(expected.state.battery_level)
    assert not playback.playback(car, paused_at + at(6)).paused


def test_next_stage_finishes_the_drive_at_once_and_leaves_the_clock() -> None:
    car = vehicle(ROUTINE, repeat=True)
    now = START + at(1) + timedelta(minutes=5)  # five minutes into the drive
    before = car.at(now)
    assert playback.playback(car, now).current == 1
    assert playback.next_stage(car, now) == 2
    after = car.at(now)
    assert after.state.location == WORK and not after.state.moving
    assert after.state.odometer_km == pytest.approx(1000.0 + 11.12, abs=0.01)
    assert after.state.battery_level is not None and before.state.battery_level is not None
    assert after.state.battery_level < before.state.battery_level
    where = playback.playback(car, now)
    assert where.current == 2
    assert abs(where.stages[2].starts_at - now) < timedelta(milliseconds=1)
    # It plays on from the new stage: 8 h parked at work, then the charge.
    assert car.at(now + at(7.9)).state.location == WORK
    assert car.at(now + at(8.1)).state.charging


def test_next_stage_of_a_paused_car_stays_paused_and_wraps_to_the_next_cycle() -> None:
    car = vehicle(ROUTINE, repeat=True)
    now = START + at(12)  # charging, the last segment
    playback.pause(car, now)
    assert playback.next_stage(car, now) == 0
    where = playback.playback(car, now + at(3))
    assert where.paused and where.cycle == 1 and where.current == 0
    state = car.at(now + at(3)).state
    assert not state.plugged_in and state.location == WORK  # the routine drives one way


def test_a_timeline_that_does_not_repeat_has_no_stage_after_its_last() -> None:
    car = vehicle([parked(1), drive(40.0)])
    now = START + at(3)  # parked at the end for ever
    where = playback.playback(car, now)
    assert where.current == 2 and where.next_index is None
    assert where.stages[2].segment.kind is Kind.PARKED and where.stages[2].ends_at is None
    with pytest.raises(playback.PlaybackError, match="no next stage"):
        playback.next_stage(car, now)


def test_before_its_start_the_next_stage_is_the_first() -> None:
    car = vehicle(ROUTINE, start=START + at(2))
    car.motion = replace(playback.motion_of(car), anchor=START)  # built before it starts
    assert playback.playback(car, START).current is None
    assert playback.next_stage(car, START) == 0
    assert playback.playback(car, START).current == 0


def test_a_vehicle_without_a_timeline_has_no_playback() -> None:
    car = vehicle(ROUTINE)
    car.motion = None
    for act in (playback.pause, playback.play, playback.next_stage):
        with pytest.raises(playback.PlaybackError, match="has no timeline"):
            act(car, START)


def test_reads_agree_with_hour_after_hour_while_paused() -> None:
    car = vehicle(ROUTINE, repeat=True)
    playback.pause(car, START + 0.5 * HOUR * timedelta(seconds=1))
    first = car.at(START + at(2)).state.odometer_km
    car.lock(START + at(3))  # a command settles the paused car: still nothing moves
    assert car.at(START + at(30)).state.odometer_km == first

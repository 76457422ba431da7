"""The v3 signal catalogue over the domain's readings: every code answers SUCCESS or an
ERROR carrying a Smartcar error, bodies follow Smartcar's shapes and units, and a
signal reads the same state API v2 reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from mockcar.domain.signals import reading as signals
from mockcar.domain.vehicles import readings
from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario

NOW = datetime(2026, 7, 15, 12, tzinfo=UTC)

# The codes checked against Smartcar's signal pages
# (https://smartcar.com/docs/api-reference/signals/).
_CONFIRMED_TEXT = """
tractionbattery-stateofcharge tractionbattery-range tractionbattery-nominalcapacity
tractionbattery-isheateractive tractionbattery-maxrangechargecounter
lowvoltagebattery-stateofcharge lowvoltagebattery-status odometer-traveleddistance
location-preciselocation location-isathome charge-amperage charge-amperagemax
charge-amperagerequested charge-voltage charge-wattage charge-energyadded charge-chargerate
charge-timetocomplete charge-ischarging charge-ischargingcableconnected
charge-ischargingcablelatched charge-ischargingportflapopen charge-isfastchargerpresent
charge-detailedchargingstatus charge-chargelimits charge-chargetimers charge-chargerecords
charge-chargerphases charge-chargingconnectortype charge-fastchargertype
charge-chargeportstatuscolor closure-doors closure-windows closure-islocked
closure-fronttrunk closure-reartrunk closure-sunroof closure-enginecover
internalcombustionengine-fuellevel internalcombustionengine-amountremaining
internalcombustionengine-range internalcombustionengine-oillife hvac-cabintargettemperature
hvac-iscabinhvacactive hvac-isfrontdefrosteractive hvac-isreardefrosteractive
hvac-issteeringheateractive wheel-tires wheel-style vehicleidentification-vin
vehicleidentification-nickname vehicleidentification-exteriorcolor motion-currentspeed
"""
# The other groups of the schema page (https://smartcar.com/docs/api-reference/signals/schema),
# their codes from the groups' pages and real VEHICLE_STATE payloads.
_GROUPS_TEXT = """
vehicleidentification-trim vehicleidentification-packages closure-tailgate
climate-externaltemperature climate-internaltemperature transmission-gearstate
transmission-drivemode connectivitystatus-isonline connectivitystatus-isasleep
connectivitystatus-isdigitalkeypaired connectivitysoftware-currentfirmwareversion
vehicleuseraccount-permissions vehicleuseraccount-role surveillance-isenabled
surveillance-brand diagnostics-abs diagnostics-activesafety diagnostics-airbag
diagnostics-brakefluid diagnostics-driverassistance diagnostics-emissions
diagnostics-evbatteryconditioning diagnostics-evcharging diagnostics-evdriveunit
diagnostics-evhvbattery diagnostics-lighting diagnostics-mil diagnostics-oilpressure
diagnostics-oiltemperature diagnostics-telematics diagnostics-tirepressure
diagnostics-tirepressuremonitoring diagnostics-transmission diagnostics-washerfluid
diagnostics-waterinfuel diagnostics-dtccount diagnostics-dtclist diagnostics-oillife
service-isinservice service-records
"""
CONFIRMED = _CONFIRMED_TEXT.split() + _GROUPS_TEXT.split()


def world() -> World:
    return load_world(default_scenario(), clock=Clock(frozen_at=NOW))


def of(found: World, powertrain: Powertrain) -> Vehicle:
    """Without a timeline: its state changes only when the test changes it."""
    return next(v for v in found.vehicles.values()
                if v.powertrain is powertrain and v.motion is None)


def by_code(vehicle: Vehicle) -> dict[str, signals.Signal]:
    return {s.code: s for s in signals.signals(vehicle, NOW)}


def test_the_catalogue_covers_every_confirmed_code_once() -> None:
    assert sorted(signals.codes()) == sorted(CONFIRMED)
    for spec in signals.CATALOG:
        assert spec.code == f"{spec.group}-{spec.name}".lower()
        assert re.fullmatch(r"[A-Z][A-Za-z]+", spec.name) and re.fullmatch(r"[A-Z]\w+", spec.group)


@pytest.mark.parametrize("powertrain", list(Powertrain))
def test_every_signal_is_success_or_a_smartcar_error(powertrain: Powertrain) -> None:
    found = world()
    vehicle = next((v for v in found.vehicles.values() if v.powertrain is powertrain), None)
    if vehicle is None:
        vehicle = of(found, Powertrain.BEV)
    for sig in signals.signals(vehicle, NOW):
        assert (sig.body is None) != (sig.error is None), sig.code
        assert sig.status == ("SUCCESS" if sig.body is not None else "ERROR")
        assert sig.retrieved_at == NOW and sig.oem_updated_at == vehicle.at(NOW).updated_at
        if sig.error is not None:
            assert sig.error.type == "COMPATIBILITY", (sig.code, sig.error)


def test_a_bev_lacks_the_engine_signals_and_an_ice_car_the_battery_ones() -> None:
    found = world()
    bev, ice = by_code(of(found, Powertrain.BEV)), by_code(of(found, Powertrain.ICE))
    for code in ("internalcombustionengine-fuellevel", "internalcombustionengine-oillife",
                 "closure-enginecover"):
        refused = bev[code].error
        assert bev[code].status == "ERROR"
        assert refused is not None and refused.code == "VEHICLE_NOT_CAPABLE"
        assert ice[code].status == "SUCCESS"
    for code in ("tractionbattery-stateofcharge", "charge-ischarging", "closure-fronttrunk"):
        assert ice[code].status == "ERROR" and bev[code].status == "SUCCESS"


def test_bodies_read_the_same_state_as_v2() -> None:
    found = world()
    bev = of(found, Powertrain.BEV)
    got = by_code(bev)
    assert got["odometer-traveleddistance"].body == {
        "unit": "kilometers", "value": round(bev.odometer_km(), 2)}
    battery = bev.battery()
    assert got["tractionbattery-stateofcharge"].body == {
        "unit": "percent", "value": round(battery.percent_remaining * 100, 2)}
    assert got["tractionbattery-range"].body is not None
    assert got["tractionbattery-range"].body["value"] == round(battery.range_km, 2)
    here = bev.location()
    location = got["location-preciselocation"].body
    assert location is not None
    assert (location["latitude"], location["longitude"]) == (here.latitude, here.longitude)
    assert location["direction"] in ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
    assert got["closure-islocked"].body == {"value": bev.security().is_locked}
    assert got["charge-detailedchargingstatus"].body == {"value": bev.charge().state.value}
    assert got["vehicleidentification-vin"].body == {"value": bev.vin}
    tires = readings.tire_pressures(bev)
    body = got["wheel-tires"].body
    assert body is not None and body["rowCount"] == 2 and body["columnCount"] == 2
    assert body["values"][0] == {"row": 0, "column": 0, "tirePressure": tires.front_left}
    ice = of(found, Powertrain.ICE)
    fuel = by_code(ice)["internalcombustionengine-amountremaining"].body
    assert fuel == {"unit": "liters", "value": round(ice.fuel().amount_liters, 2)}


def test_commands_move_the_signals() -> None:
    found = world()
    bev = of(found, Powertrain.BEV)
    bev.state.plugged_in, bev.state.charging = True, False
    bev.state.battery_level, bev.state.charge_limit = 0.4, 0.8
    before = by_code(bev)
    bev.start_charge(NOW)
    after = by_code(bev)
    assert before["charge-ischarging"].body == {"value": False}
    assert after["charge-ischarging"].body == {"value": True}
    assert after["charge-detailedchargingstatus"].body == {"value": "CHARGING"}
    amps = after["charge-amperage"].body
    assert amps is not None and amps["unit"] == "ampere" and amps["value"] > 0
    minutes = after["charge-timetocomplete"].body
    assert minutes is not None and minutes["value"] > 0
    assert before["charge-ischarging"].value_key != after["charge-ischarging"].value_key
    assert before["odometer-traveleddistance"].value_key == \
        after["odometer-traveleddistance"].value_key
    bev.set_charge_limit(0.9, NOW)
    limits = signals.signal(bev, "charge-chargelimits", NOW).body
    assert limits == {"values": [{"type": "GLOBAL", "limit": 90.0, "condition": None}],
                      "activeLimit": 90.0, "unit": "percent"}


def test_permissions_turn_signals_into_permission_errors() -> None:
    bev = of(world(), Powertrain.BEV)
    got = {s.code: s for s in signals.signals(bev, NOW, permissions={"read_odometer"})}
    assert got["odometer-traveleddistance"].status == "SUCCESS"
    refused = got["tractionbattery-stateofcharge"].error
    assert refused is not None and (refused.type, refused.code) == ("PERMISSION", None)
    assert "read_battery" in str(refused.hint)


def test_only_and_single_signal_lookup() -> None:
    bev = of(world(), Powertrain.BEV)
    picked = signals.signals(bev, NOW, only=["Odometer-TraveledDistance", "nope"])
    assert [s.code for s in picked] == ["odometer-traveleddistance"]
    assert signals.signal(bev, "ODOMETER-TRAVELEDDISTANCE", NOW).code == \
        "odometer-traveleddistance"
    with pytest.raises(KeyError):
        signals.signal(bev, "odometer-nope", NOW)


def test_the_same_world_and_time_give_equal_snapshots() -> None:
    one, two = world(), world()
    for vehicle in one.vehicles.values():
        twin = two.vehicles[vehicle.id]
        assert [s.value_key for s in signals.signals(vehicle, NOW)] == \
            [s.value_key for s in signals.signals(twin, NOW)]


def test_an_incompatible_test_vehicle_answers_only_static_signals() -> None:
    bev = of(world(), Powertrain.BEV)
    bev.test_level = "incompatible"
    got = by_code(bev)
    assert got["vehicleidentification-vin"].status == "SUCCESS"
    assert got["wheel-style"].status == "SUCCESS"
    for code in ("odometer-traveleddistance", "hvac-iscabinhvacactive", "motion-currentspeed"):
        error = got[code].error
        assert error is not None and error.code == "VEHICLE_NOT_CAPABLE", code

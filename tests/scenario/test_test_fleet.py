"""The World's vehicle factory for test-mode logins, one level below Connect: every WMI
of the catalog decides a VIN login's make, every brand Connect lists gives vehicles of
that brand, and test-mode cars are ready for commands."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockcar.domain.connect.brands import SMARTCAR_BRANDS
from mockcar.domain.vehicles.brands import brand_key
from mockcar.domain.vehicles.capabilities import ENDPOINTS, reason
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import VehicleFactory
from mockcar.scenario.build import build_world
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.schema.scenario import Scenario

EMPTY = Scenario(version=1)


@pytest.fixture
def factory() -> VehicleFactory:
    made = build_world(EMPTY, clock=Clock(frozen_at=datetime(2025, 6, 1, tzinfo=UTC)),
                       seed=5).vehicle_factory
    assert made is not None
    return made


@pytest.mark.parametrize(("make", "wmi"), [
    (make, wmi) for make, wmis in sorted(catalog.WMIS.items()) for wmi in wmis])
def test_every_wmi_of_the_catalog_decides_a_vin_logins_make(
    factory: VehicleFactory, make: str, wmi: str
) -> None:
    vin = f"{wmi}ABCDE1234567890"[:17]
    for level in ("compatible", "incompatible"):
        (vehicle,) = factory(f"{vin}@{level}.smartcar.com", "TESLA", 1)
        assert (vehicle.vin, vehicle.make, vehicle.test_level) == (vin, make, level)


def test_a_vin_of_an_unknown_maker_is_of_the_brand_picked(factory: VehicleFactory) -> None:
    (vehicle,) = factory("ZZZ00000000000001@bev.smartcar.com", "NISSAN", 1)
    assert (vehicle.make, str(vehicle.powertrain)) == ("NISSAN", "BEV")


@pytest.mark.parametrize("brand", SMARTCAR_BRANDS)
def test_every_connect_brand_gives_vehicles_of_that_brand(
    factory: VehicleFactory, brand: str
) -> None:
    key = brand_key(brand)
    vehicles = factory("someone@example.com", key, 6)
    assert {brand_key(v.make) for v in vehicles} == {key}
    assert all(v.model for v in vehicles)
    first = vehicles[0]
    rows = catalog.models_of(first.make)
    best = next(p for p in ("PHEV", "BEV", "HEV", "ICE") if any(r.powertrain == p for r in rows))
    assert str(first.powertrain) == best


def test_a_test_car_is_ready_for_commands(factory: VehicleFactory) -> None:
    for vehicle in factory("99-vehicles@smartcar.com", "CHEVROLET", 99):
        state = vehicle.state
        assert not state.moving and not vehicle.doors_open and vehicle.motion is None
        if vehicle.powertrain.has_battery:
            assert state.plugged_in and state.charging
            assert state.battery_level is not None
            assert state.battery_level < state.charge_limit
        general = [e for e in ENDPOINTS if not e.make_specific]
        refused = {e.path for e in general if reason(vehicle, e) is not None}
        allowed = {"BEV": {"/fuel", "/engine/oil"}, "PHEV": set()}.get(
            str(vehicle.powertrain),
            {e.path for e in general if e.needs.name == "BATTERY"})
        assert refused == allowed


def test_the_volt_comes_first_at_chevrolet(factory: VehicleFactory) -> None:
    volt = factory("anyone@example.com", "CHEVROLET", 1)[0]
    assert (volt.make, volt.model, str(volt.powertrain)) == ("CHEVROLET", "Volt", "PHEV")

"""The capability table: one row per served vehicle endpoint, and who can answer it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mockcar.domain.vehicles import capabilities
from mockcar.domain.vehicles.capabilities import (
    SMARTCAR_NOT_CAPABLE,
    VEHICLE_NOT_CAPABLE,
    capable,
    endpoints_for,
    require_capable,
)
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.errors import SmartcarError


@dataclass(frozen=True)
class Car:
    make: str
    powertrain: str
    region: str = "US"
    test_level: str | None = None


def test_no_duplicate_rows() -> None:
    assert len(capabilities.BY_KEY) == len(capabilities.ENDPOINTS)


def test_permissions_are_real_and_make_specific_paths_are_lower_case() -> None:
    for row in capabilities.ENDPOINTS:
        assert row.permission is None or row.permission in PERMISSIONS, row
        if row.make_specific:
            segment = row.path.split("/")[1]
            assert segment == segment.lower() and row.makes == frozenset({segment.upper()})


@pytest.mark.parametrize(
    ("car", "method", "path", "expected"),
    [
        (Car("TOYOTA", "ICE"), "GET", "/battery", VEHICLE_NOT_CAPABLE),
        (Car("TOYOTA", "ICE"), "POST", "/charge", VEHICLE_NOT_CAPABLE),
        (Car("TOYOTA", "HEV"), "GET", "/engine/oil", None),
        (Car("TESLA", "BEV"), "GET", "/fuel", VEHICLE_NOT_CAPABLE),
        (Car("TESLA", "BEV"), "GET", "/engine/oil", VEHICLE_NOT_CAPABLE),
        (Car("TOYOTA", "PHEV"), "GET", "/fuel", None),
        (Car("TOYOTA", "PHEV"), "GET", "/charge/limit", None),
        (Car("CHEVROLET", "ICE"), "GET", "/diagnostics/dtcs", None),
        (Car("JEEP", "PHEV"), "GET", "/diagnostics/system_status", None),
        (Car("TESLA", "BEV"), "GET", "/diagnostics/dtcs", SMARTCAR_NOT_CAPABLE),
        (Car("FORD", "ICE"), "GET", "/service/history", None),
        (Car("FORD", "ICE", "EUROPE"), "GET", "/service/history", SMARTCAR_NOT_CAPABLE),
        (Car("TESLA", "BEV"), "GET", "/service/history", SMARTCAR_NOT_CAPABLE),
        (Car("TESLA", "BEV"), "GET", "/tesla/compass", None),
        (Car("FORD", "BEV"), "GET", "/tesla/compass", SMARTCAR_NOT_CAPABLE),
        (Car("CADILLAC", "ICE"), "GET", "/cadillac/charge/voltmeter", VEHICLE_NOT_CAPABLE),
        (Car("CADILLAC", "BEV"), "GET", "/chevrolet/charge/voltmeter", SMARTCAR_NOT_CAPABLE),
        (Car("TOYOTA", "ICE"), "GET", "/vin", None),
        (Car("TOYOTA", "ICE", test_level="incompatible"), "GET", "/vin", None),
        (Car("TOYOTA", "ICE", test_level="incompatible"), "GET", "/odometer",
         VEHICLE_NOT_CAPABLE),
        (Car("TOYOTA", "PHEV", test_level="compatible"), "GET", "/diagnostics/dtcs", None),
        (Car("TOYOTA", "PHEV", test_level="compatible"), "GET", "/tesla/compass",
         SMARTCAR_NOT_CAPABLE),
        (Car("TOYOTA", "BEV", test_level="bev"), "GET", "/fuel", VEHICLE_NOT_CAPABLE),
    ],
)
def test_reasons(car: Car, method: str, path: str, expected: str | None) -> None:
    assert capable(car, method, path) == expected


def test_an_unknown_endpoint_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="GET /warp-drive"):
        capable(Car("TESLA", "BEV"), "GET", "/warp-drive")


def test_endpoints_per_permission_lists_the_general_ones() -> None:
    battery = [(e.method, e.path) for e in endpoints_for("read_battery")]
    assert battery == [("GET", "/battery"), ("GET", "/battery/capacity"),
                       ("GET", "/battery/nominal_capacity")]
    assert [e.path for e in endpoints_for("control_charge")] == ["/charge", "/charge/limit"]
    assert endpoints_for("read_compass") == ()


def test_require_capable_says_what_is_missing() -> None:
    target = capabilities.endpoint("GET", "/battery")
    assert target is not None
    with pytest.raises(SmartcarError) as refused:
        require_capable(Car("HONDA", "ICE"), target, "v-1")
    assert (refused.value.type, refused.value.code, refused.value.status) == (
        "COMPATIBILITY", "VEHICLE_NOT_CAPABLE", 501)
    assert "plug-in EV battery" in str(refused.value.hint)
    assert "v-1" in str(refused.value.hint)
    require_capable(Car("HONDA", "PHEV"), target)

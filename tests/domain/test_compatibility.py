"""The Compatibility API's domain answers
(https://smartcar.com/docs/api-reference/compatibility/by-vin),
over mockcar's catalog."""

from __future__ import annotations

from mockcar.domain.vehicles import compatibility
from mockcar.domain.vehicles.compatibility import ModelLine, VehicleCatalog
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario.catalog.platform import vehicle_catalog

CATALOG = VehicleCatalog(
    models=(ModelLine("MINI", "Cooper SE", "BEV", (2020, 2024)),
            ModelLine("MINICAR", "Tiny", "ICE", (2020, 2024)),
            ModelLine("FORD", "F-150", "ICE", (2015, 2025)),
            ModelLine("FORD", "Mustang Mach-E", "BEV", (2021, 2025))),
    wmis={"1FT": "FORD"}, countries=frozenset({"US", "DE", "CA"}),
    european_countries=frozenset({"DE"}),
)


def test_test_vins_name_their_make_longest_first() -> None:
    assert CATALOG.make_of_vin("0SCMINICAR1234567") == "MINICAR"
    assert CATALOG.make_of_vin("0SCMINI0123456789") == "MINI"
    assert CATALOG.make_of_vin("1FTFW1E55MFA48213") == "FORD"
    assert CATALOG.make_of_vin("0SCNOPE0123456789") is None


def test_regions_follow_the_country() -> None:
    assert [CATALOG.region(c) for c in ("US", "CA", "DE", "JP")] == [
        "US", "CA", "EUROPE", "US"]


def test_a_make_selling_both_kinds_depends_on_the_model() -> None:
    world = World(clock=Clock(), seed=0)  # empty: every VIN is decoded
    answer = compatibility.check_vin(world, CATALOG, "1FTXXXXXXXXXXXXXX",
                                     ["read_battery", "read_odometer"])
    reasons = {c.endpoint: c.reason for c in answer.capabilities}
    assert reasons["/battery"] == "VEHICLE_NOT_CAPABLE"
    assert reasons["/odometer"] is None


def test_matrix_filters_by_scope_and_type() -> None:
    catalog = vehicle_catalog()
    bevs = compatibility.matrix(catalog, "US", powertrain="BEV")
    assert all(m.powertrain == "BEV" for models in bevs.values() for m in models)
    with_fuel = compatibility.matrix(catalog, "US", permissions=("read_fuel",))
    assert all("read_fuel" in m.permissions for models in with_fuel.values() for m in models)
    assert "TESLA" not in with_fuel
    history = compatibility.matrix(catalog, "EUROPE", permissions=("read_service_history",))
    assert history == {}  # service history is served in the US only

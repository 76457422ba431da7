"""The v2 vehicle endpoints beyond the first reads: nominal capacity, engine oil, tires, service
history, diagnostics, charge limit and destination commands, and `flags` everywhere."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles import capabilities
from mockcar.domain.vehicles.units import KM_PER_MILE, KPA_PER_PSI
from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle
from mockcar.domain.world.world import World
from mockcar.web.v2 import VEHICLE_ENDPOINTS
from mockcar.web.v2.vehicle_endpoint import HANDLERS
from tests.web.v2.conftest import Grant, add_vehicle, vehicle_with
from tests.web.v2.test_reads import TIMESTAMP, base


def test_the_capability_table_and_the_served_endpoints_agree() -> None:
    """Every row of the domain's table is served and every table-driven endpoint has a
    row, so the Compatibility API cannot promise what the Vehicle API does not serve."""
    assert set(HANDLERS) == set(capabilities.BY_KEY)
    assert set(HANDLERS) <= set(VEHICLE_ENDPOINTS)
    assert ("POST", "/batch") in VEHICLE_ENDPOINTS


SUCCESS = {"status": "success", "message": "Successfully sent request to vehicle"}
IMPERIAL = {"sc-unit-system": "imperial"}


def test_nominal_capacity_when_smartcar_knows_the_pack(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.get(base(vehicle.id) + "/battery/nominal_capacity", headers=grant(vehicle))
    assert response.status_code == 200
    assert response.json() == {
        "availableCapacities": [{"capacity": vehicle.battery_capacity_kwh, "description": None}],
        "capacity": {"nominal": vehicle.battery_capacity_kwh, "source": "SMARTCAR"},
        "url": None,
    }
    assert "sc-data-age" in response.headers and "sc-unit-system" not in response.headers


def test_nominal_capacity_asks_the_owner_when_several_packs_exist(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    vehicle.battery_options = (70.9, 90.9)
    body = client.get(base(vehicle.id) + "/battery/nominal_capacity",
                      headers=grant(vehicle)).json()
    assert body["capacity"] is None
    assert body["availableCapacities"] == [
        {"capacity": 70.9, "description": None},
        {"capacity": 90.9, "description": "BEV:Extended Range"},
    ]
    url = urlsplit(body["url"])
    assert (url.scheme, url.netloc, url.path) == ("http", "localhost", "/battery-capacity")
    query = parse_qs(url.query, keep_blank_values=True)
    assert query["vehicle_id"] == [vehicle.id]
    assert query["client_id"] == [next(iter(world.applications))]
    assert query["response_type"] == ["vehicle_id"] and query["redirect_uri"] == [""]


def test_engine_oil_on_combustion_cars_only(client: TestClient, world: World, grant: Grant) -> None:
    ice = vehicle_with(world, Powertrain.ICE)
    response = client.get(base(ice.id) + "/engine/oil", headers=grant(ice))
    assert response.status_code == 200
    life = response.json()["lifeRemaining"]
    assert 0 <= life <= 1
    assert TIMESTAMP.fullmatch(response.headers["sc-fetched-at"])
    assert client.get(base(ice.id) + "/engine/oil", headers=grant(ice)).json() == {
        "lifeRemaining": life}, "deterministic"
    ice.state.odometer_km += 2_500  # a quarter of the oil-change interval later
    assert client.get(base(ice.id) + "/engine/oil", headers=grant(ice)).json()[
        "lifeRemaining"] == pytest.approx((life - 0.25) % 1, abs=0.011)
    bev = vehicle_with(world, Powertrain.BEV)
    refused = client.get(base(bev.id) + "/engine/oil", headers=grant(bev))
    assert refused.status_code == 501
    assert refused.json()["code"] == "VEHICLE_NOT_CAPABLE"
    assert "combustion engine" in refused.headers["mockcar-hint"]


def test_tire_pressure_in_kpa_or_psi(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.HEV)
    vehicle.state.tire_pressures_kpa = (220.0, 230.0, 240.0, 250.0)
    metric = client.get(base(vehicle.id) + "/tires/pressure", headers=grant(vehicle))
    assert metric.json() == {"frontLeft": 220.0, "frontRight": 230.0,
                             "backLeft": 240.0, "backRight": 250.0}
    assert metric.headers["sc-unit-system"] == "metric"
    imperial = client.get(base(vehicle.id) + "/tires/pressure",
                          headers=grant(vehicle, **IMPERIAL))
    assert imperial.json()["frontLeft"] == pytest.approx(220 / KPA_PER_PSI, abs=0.05)
    assert imperial.headers["sc-unit-system"] == "imperial"


def test_derived_tire_pressures_are_plausible_and_stable(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    first = client.get(base(vehicle.id) + "/tires/pressure", headers=grant(vehicle)).json()
    assert all(200 < kpa < 260 for kpa in first.values())
    assert client.get(base(vehicle.id) + "/tires/pressure", headers=grant(vehicle)).json() == first


def ford(world: World, region: Region = Region.US) -> Vehicle:
    return add_vehicle(world, "FORD", Powertrain.ICE, region=region, odometer_km=60_000.0)


def test_service_history_is_a_top_level_array_in_both_query_spellings(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = ford(world)
    path = base(vehicle.id) + "/service/history"
    python_style = client.get(path, params={"startDate": "2015-01-01", "endDate": "2026-11-01"},
                              headers=grant(vehicle))
    node_style = client.get(path, params={"start_date": "2015-01-01", "end_date": "2026-11-01"},
                            headers=grant(vehicle))
    assert python_style.status_code == 200
    records = python_style.json()
    assert isinstance(records, list) and records == node_style.json()
    assert len(records) == 5  # one visit per 12,000 km of the 60,000
    assert python_style.headers["sc-unit-system"] == "metric"
    first = records[0]
    assert set(first) == {"serviceId", "serviceDate", "odometerDistance", "serviceTasks",
                          "serviceDetails", "serviceCost"}
    assert TIMESTAMP.fullmatch(first["serviceDate"])
    assert first["serviceCost"]["currency"] == "USD"
    assert {"taskId", "taskDescription"} == set(first["serviceTasks"][0])
    dates = [r["serviceDate"] for r in records]
    assert dates == sorted(dates, reverse=True), "newest first"
    miles = client.get(path, params={"startDate": "2015-01-01"},
                       headers=grant(vehicle, **IMPERIAL)).json()
    assert miles[0]["odometerDistance"] == pytest.approx(
        first["odometerDistance"] / KM_PER_MILE, abs=1)


def test_service_history_defaults_to_the_last_twelve_months(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = ford(world)
    everything = client.get(base(vehicle.id) + "/service/history",
                            params={"startDate": "2000-01-01"}, headers=grant(vehicle)).json()
    recent = client.get(base(vehicle.id) + "/service/history", headers=grant(vehicle)).json()
    assert recent, "the world's car has been to the dealer this year"
    assert recent == [r for r in everything if r["serviceDate"] >= "2025-11-23"]
    assert all(r["odometerDistance"] <= vehicle.odometer_km() for r in everything)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"startDate": "yesterday"}, "startDate"), ({"end_date": "2024-13-01"}, "endDate"),
     ({"startDate": "2024-06-01", "endDate": "2024-01-01"}, "startDate")],
)
def test_service_history_rejects_bad_dates(
    client: TestClient, world: World, grant: Grant, params: dict[str, str], field: str
) -> None:
    vehicle = ford(world)
    response = client.get(base(vehicle.id) + "/service/history", params=params,
                          headers=grant(vehicle))
    assert response.status_code == 400
    body = response.json()
    assert (body["type"], body["code"]) == ("VALIDATION", "PARAMETER")
    assert body["detail"][0]["field"] == [field]


def test_service_history_only_for_supported_makes_in_the_us(
    client: TestClient, world: World, grant: Grant
) -> None:
    tesla = next(v for v in world.vehicles.values() if v.make == "TESLA")
    refused = client.get(base(tesla.id) + "/service/history", headers=grant(tesla))
    assert refused.status_code == 501 and refused.json()["code"] == "SMARTCAR_NOT_CAPABLE"
    abroad = ford(world, Region.EUROPE)
    refused = client.get(base(abroad.id) + "/service/history", headers=grant(abroad))
    assert refused.json()["code"] == "SMARTCAR_NOT_CAPABLE"
    assert "US only" in refused.headers["mockcar-hint"]


def test_diagnostics_for_gm_and_fca_brands(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = add_vehicle(world, "CHEVROLET", Powertrain.ICE,
                          tire_pressures_kpa=(240.0, 240.0, 150.0, 240.0))
    status = client.get(base(vehicle.id) + "/diagnostics/system_status", headers=grant(vehicle))
    assert status.status_code == 200
    systems = {s["systemId"]: s for s in status.json()["systems"]}
    assert systems["SYSTEM_TPMS"]["status"] == "ALERT"
    assert "backLeft" in systems["SYSTEM_TPMS"]["description"]
    assert systems["SYSTEM_AIRBAG"] == {"systemId": "SYSTEM_AIRBAG", "status": "OK",
                                        "description": None}
    codes = client.get(base(vehicle.id) + "/diagnostics/dtcs", headers=grant(vehicle)).json()
    for code in codes["activeCodes"]:
        assert set(code) == {"code", "timestamp"}
        assert code["timestamp"] is None or TIMESTAMP.fullmatch(code["timestamp"])
    jeep = add_vehicle(world, "JEEP", Powertrain.PHEV)
    assert client.get(base(jeep.id) + "/diagnostics/dtcs", headers=grant(jeep)).status_code == 200
    toyota = vehicle_with(world, Powertrain.HEV)
    refused = client.get(base(toyota.id) + "/diagnostics/dtcs", headers=grant(toyota))
    assert refused.status_code == 501 and refused.json()["code"] == "SMARTCAR_NOT_CAPABLE"


@pytest.mark.parametrize("limit", [0.65, "0.9", 1, "1.0"])
def test_set_charge_limit_takes_numbers_and_numeric_strings(
    client: TestClient, world: World, grant: Grant, limit: float | str
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    path = base(vehicle.id) + "/charge/limit"
    response = client.post(path, json={"limit": limit}, headers=grant(vehicle))
    assert response.status_code == 200 and response.json() == SUCCESS
    assert client.get(path, headers=grant(vehicle)).json() == {"limit": float(limit)}


@pytest.mark.parametrize(
    ("body", "code"),
    [({"limit": 0.4}, "PARAMETER"), ({"limit": "1.5"}, "PARAMETER"), ({"limit": "lots"}, None),
     ({}, None), (None, None), ({"limit": True}, None)],
)
def test_set_charge_limit_refuses_bad_values(
    client: TestClient, world: World, grant: Grant, body: object, code: str | None
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    before = vehicle.state.charge_limit
    response = client.post(base(vehicle.id) + "/charge/limit", json=body, headers=grant(vehicle))
    assert response.status_code == 400
    assert (response.json()["type"], response.json()["code"]) == ("VALIDATION", code)
    assert response.json()["detail"][0]["field"] == ["limit"]
    assert vehicle.state.charge_limit == before


def test_lowering_the_limit_below_the_level_ends_the_charge(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    vehicle.state.plugged_in, vehicle.state.charging = True, True
    vehicle.state.battery_level, vehicle.state.charge_limit = 0.7, 0.9
    charge = base(vehicle.id) + "/charge"
    assert client.get(charge, headers=grant(vehicle)).json()["state"] == "CHARGING"
    client.post(charge + "/limit", json={"limit": 0.6}, headers=grant(vehicle))
    assert client.get(charge, headers=grant(vehicle)).json()["state"] == "FULLY_CHARGED"


def test_send_destination_is_kept_by_the_vehicle(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    response = client.post(base(vehicle.id) + "/navigation/destination",
                           json={"latitude": 37.7749, "longitude": -122.4194},
                           headers=grant(vehicle))
    assert response.status_code == 200 and response.json() == SUCCESS
    assert vehicle.state.destination == Location(37.7749, -122.4194)
    assert "sc-data-age" not in response.headers


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [({"latitude": 91, "longitude": 0}, "PARAMETER", "latitude"),
     ({"latitude": 0, "longitude": -181}, "PARAMETER", "longitude"),
     ({"longitude": 10}, None, "latitude"), ({"latitude": "north", "longitude": 1}, None,
                                             "latitude")],
)
def test_send_destination_validates_coordinates(
    client: TestClient, world: World, grant: Grant, body: dict[str, object], code: str | None,
    field: str,
) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    response = client.post(base(vehicle.id) + "/navigation/destination", json=body,
                           headers=grant(vehicle))
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"][0]["field"] == [field]
    assert vehicle.state.destination is None


def test_destination_needs_control_navigation(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    response = client.post(base(vehicle.id) + "/navigation/destination",
                           json={"latitude": 1, "longitude": 2},
                           headers=grant(vehicle, ("read_location",)))
    assert response.status_code == 403
    assert "control_navigation" in response.headers["mockcar-hint"]


def test_flags_are_accepted_on_reads_commands_and_batch(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    flags = {"flags": "country:DE color:00819D debug:true"}
    headers = grant(vehicle)
    assert client.get(base(vehicle.id) + "/odometer", params=flags,
                      headers=headers).status_code == 200
    assert client.post(base(vehicle.id) + "/security", params=flags, json={"action": "LOCK"},
                       headers=headers).status_code in (200, 409)
    batch = client.post(base(vehicle.id) + "/batch", params=flags,
                        json={"requests": [{"path": "/vin"}]}, headers=headers)
    assert batch.json()["responses"][0]["code"] == 200
    assert client.get("/v2.0/vehicles", params=flags, headers=headers).status_code == 200


@pytest.mark.parametrize(("body", "text"), [
    ({"latitude": -90.5, "longitude": 0}, "Invalid latitude value. It must be between -90 and 90."),
    ({"latitude": 0, "longitude": 180.5},
     "Invalid longitude value. It must be between -180 and 180."),
])
def test_out_of_range_coordinates_answer_smartcars_validation_text(
    client: TestClient, world: World, grant: Grant, body: dict[str, object], text: str
) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    response = client.post(base(vehicle.id) + "/navigation/destination", json=body,
                           headers=grant(vehicle))
    assert response.status_code == 400
    assert response.json()["detail"][0]["message"] == text
    assert response.headers["mockcar-hint"] == text

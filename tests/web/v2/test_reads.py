"""Vehicle reads over HTTP: shapes, units, data headers, capabilities, slashes."""

from __future__ import annotations

import re
import uuid

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.units import KM_PER_MILE, LITERS_PER_US_GALLON
from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import World
from mockcar.errors import CATALOG
from tests.web.v2.conftest import START, Grant, vehicle_with

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def base(vehicle_id: str) -> str:
    return f"/v2.0/vehicles/{vehicle_id}"


def test_attributes_answer_with_and_without_trailing_slash(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    headers = grant(vehicle)
    for path in (base(vehicle.id), base(vehicle.id) + "/"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "id": vehicle.id, "make": vehicle.make, "model": vehicle.model, "year": vehicle.year,
        }
        assert isinstance(response.json()["year"], int)
        assert uuid.UUID(response.headers["sc-request-id"]).version == 4
        assert "sc-data-age" not in response.headers


def test_odometer_is_metric_by_default_and_miles_when_imperial(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    metric = client.get(base(vehicle.id) + "/odometer", headers=grant(vehicle))
    imperial = client.get(
        base(vehicle.id) + "/odometer", headers=grant(vehicle, **{"sc-unit-system": "imperial"})
    )
    assert metric.json()["distance"] == pytest.approx(vehicle.odometer_km(), abs=0.01)
    assert imperial.json()["distance"] == pytest.approx(
        vehicle.odometer_km() / KM_PER_MILE, abs=0.01
    )
    assert metric.headers["sc-unit-system"] == "metric"
    assert imperial.headers["sc-unit-system"] == "imperial"
    assert TIMESTAMP.fullmatch(metric.headers["sc-data-age"])
    assert metric.headers["sc-fetched-at"] == "2026-11-23T09:30:00.000Z" == START.strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )


def test_fuel_converts_volume_and_range(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    fuel = vehicle.fuel()
    body = client.get(
        base(vehicle.id) + "/fuel", headers=grant(vehicle, **{"sc-unit-system": "imperial"})
    ).json()
    assert body["amountRemaining"] == pytest.approx(
        fuel.amount_liters / LITERS_PER_US_GALLON, abs=0.01
    )
    assert body["range"] == pytest.approx(fuel.range_km / KM_PER_MILE, abs=0.01)
    assert body["percentRemaining"] == pytest.approx(fuel.percent_remaining)


def test_ev_battery_charge_and_limit(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    headers = grant(vehicle)
    battery = client.get(base(vehicle.id) + "/battery", headers=headers)
    assert battery.status_code == 200
    assert 0 <= battery.json()["percentRemaining"] <= 1
    assert battery.json()["range"] > 0
    assert battery.headers["sc-unit-system"] == "metric"
    charge = client.get(base(vehicle.id) + "/charge", headers=headers)
    assert charge.json()["state"] in ("CHARGING", "FULLY_CHARGED", "NOT_CHARGING")
    assert isinstance(charge.json()["isPluggedIn"], bool)
    assert "sc-unit-system" not in charge.headers
    assert "sc-data-age" in charge.headers
    limit = client.get(base(vehicle.id) + "/charge/limit", headers=headers)
    assert limit.json() == {"limit": vehicle.state.charge_limit}


def test_location_vin_and_lock_status(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.PHEV)
    headers = grant(vehicle)
    location = client.get(base(vehicle.id) + "/location", headers=headers).json()
    assert location == {
        "latitude": vehicle.location().latitude, "longitude": vehicle.location().longitude,
    }
    assert client.get(base(vehicle.id) + "/vin", headers=headers).json() == {"vin": vehicle.vin}
    security = client.get(base(vehicle.id) + "/security", headers=headers).json()
    assert set(security) == {"isLocked", "doors", "windows", "sunroof", "storage", "chargingPort"}
    assert [d["type"] for d in security["doors"]] == [
        "frontLeft", "frontRight", "backLeft", "backRight",
    ]


@pytest.mark.parametrize(
    ("powertrain", "path"),
    [(Powertrain.ICE, "/battery"), (Powertrain.ICE, "/charge"), (Powertrain.BEV, "/fuel")],
)
def test_a_vehicle_without_the_part_answers_vehicle_not_capable(
    client: TestClient, world: World, grant: Grant, powertrain: Powertrain, path: str
) -> None:
    vehicle = vehicle_with(world, powertrain)
    response = client.get(base(vehicle.id) + path, headers=grant(vehicle))
    assert response.status_code == 501
    body = response.json()
    assert (body["type"], body["code"]) == ("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")
    assert body["description"] == CATALOG[("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")].description
    assert vehicle.id in response.headers["mockcar-hint"]


def test_vehicles_list_pages(client: TestClient, world: World, grant: Grant) -> None:
    owner = max(world.owners.values(), key=lambda o: len(o.vehicle_ids))
    assert len(owner.vehicle_ids) >= 2, "the default scenario has an owner with several cars"
    app = next(iter(world.applications.values()))
    connection = world.connect(app.client_id, owner, owner.vehicle_ids, ["read_odometer"], "test")
    token = world.issue_token(connection.id, app.client_id, "tok-paging", "ref-paging")
    headers = {"Authorization": f"Bearer {token.access_token}"}
    first = client.get("/v2.0/vehicles", params={"limit": 1}, headers=headers).json()
    second = client.get("/v2.0/vehicles/", params={"limit": 1, "offset": 1}, headers=headers)
    assert first == {
        "vehicles": [owner.vehicle_ids[0]],
        "paging": {"count": len(owner.vehicle_ids), "offset": 0},
    }
    assert second.json()["vehicles"] == [owner.vehicle_ids[1]]
    assert second.json()["paging"]["offset"] == 1
    everything = client.get("/v2.0/vehicles", headers=headers).json()
    assert everything["vehicles"] == owner.vehicle_ids[:10]


@pytest.mark.parametrize("limit", ["0", "51", "ten", "-1"])
def test_vehicles_paging_rejects_bad_limits(
    client: TestClient, world: World, grant: Grant, limit: str
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.get("/v2.0/vehicles", params={"limit": limit}, headers=grant(vehicle))
    assert response.status_code == 400
    assert response.json()["type"] == "VALIDATION"
    assert response.json()["detail"][0]["field"] == ["limit"]


def test_user_and_permissions(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    headers = grant(vehicle, ("read_odometer", "read_vin", "control_security"))
    user = client.get("/v2.0/user/", headers=headers)
    owner = next(o for o in world.owners.values() if vehicle.id in o.vehicle_ids)
    assert user.json() == {"id": owner.id}
    permissions = client.get(base(vehicle.id) + "/permissions", headers=headers).json()
    assert permissions == {
        "permissions": ["read_odometer", "read_vin", "control_security"],
        "paging": {"count": 3, "offset": 0},
    }
    paged = client.get(
        base(vehicle.id) + "/permissions", params={"limit": 1, "offset": 2}, headers=headers
    ).json()
    assert paged["permissions"] == ["control_security"]


def test_any_numeric_version_is_served(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.get(f"/v99999999.99/vehicles/{vehicle.id}/vin", headers=grant(vehicle))
    assert response.json() == {"vin": vehicle.vin}

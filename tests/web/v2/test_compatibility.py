"""Compatibility API: `GET /v2.0/compatibility` and `/v2.0/compatibility/matrix` with
HTTP Basic client authentication (https://smartcar.com/docs/api-reference/compatibility/by-vin)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import Application, World

URL = "/v2.0/compatibility"
MATRIX = URL + "/matrix"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def auth(world: World) -> dict[str, str]:
    app: Application = next(iter(world.applications.values()))
    return basic(app.client_id, app.client_secret)


def ask(client: TestClient, auth: dict[str, str], **params: str) -> Any:
    response = client.get(URL, headers=auth, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_world_vehicle_answers_from_its_capabilities(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    bev = next(v for v in world.vehicles.values()
               if v.powertrain is Powertrain.BEV and v.make == "TESLA")
    body = ask(client, auth, vin=bev.vin, scope="read_odometer read_battery read_fuel",
               country="US")
    assert body["compatible"] is True and body["reason"] is None
    assert body["capabilities"] == [
        {"capable": True, "endpoint": "/odometer", "permission": "read_odometer", "reason": None},
        {"capable": True, "endpoint": "/battery", "permission": "read_battery", "reason": None},
        {"capable": True, "endpoint": "/battery/capacity", "permission": "read_battery",
         "reason": None},
        {"capable": True, "endpoint": "/battery/nominal_capacity", "permission": "read_battery",
         "reason": None},
        {"capable": False, "endpoint": "/fuel", "permission": "read_fuel",
         "reason": "VEHICLE_NOT_CAPABLE"},
    ]


def test_an_ice_vehicle_lacks_the_battery_and_diagnostics_depend_on_the_make(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    ford = next(v for v in world.vehicles.values() if v.make == "FORD"
                and v.powertrain is Powertrain.ICE)
    body = ask(client, auth, vin=ford.vin.lower(),
               scope="required:read_battery read_diagnostics read_vehicle_info")
    reasons = {(c["endpoint"], c["reason"]) for c in body["capabilities"]}
    assert ("/battery", "VEHICLE_NOT_CAPABLE") in reasons
    assert ("/diagnostics/dtcs", "SMARTCAR_NOT_CAPABLE") in reasons
    assert ("/", None) in reasons  # attributes, a static endpoint


def test_an_unknown_vin_is_decoded_by_its_manufacturer_identifier(
    client: TestClient, auth: dict[str, str]
) -> None:
    tesla = ask(client, auth, vin="5YJSA1E26HF000001", scope="read_odometer read_location")
    assert tesla["compatible"] is True
    assert [c["capable"] for c in tesla["capabilities"]] == [True, True]
    # Subaru sells only combustion cars in mockcar's catalog, so any Subaru VIN has a tank.
    subaru = ask(client, auth, vin="4S4BTANC5L3000001", scope="read_battery read_fuel")
    assert {c["endpoint"]: c["reason"] for c in subaru["capabilities"]} == {
        "/battery": "VEHICLE_NOT_CAPABLE", "/battery/capacity": "VEHICLE_NOT_CAPABLE",
        "/battery/nominal_capacity": "VEHICLE_NOT_CAPABLE", "/fuel": None,
    }
    # Audi sells BEVs, PHEVs and petrol cars: only what all of them have is certain.
    test_vin = ask(client, auth, vin="0SCAUDI0155C49A95", scope="read_odometer")
    assert test_vin["compatible"] is True and test_vin["capabilities"][0]["capable"] is True


def test_an_unknown_make_is_not_compatible(client: TestClient, auth: dict[str, str]) -> None:
    body = ask(client, auth, vin="ZZZ00000000000000", scope="read_odometer")
    assert body == {"compatible": False, "reason": "MAKE_NOT_COMPATIBLE", "capabilities": []}


def test_outside_the_us_only_compatible_is_meaningful(
    client: TestClient, world: World, auth: dict[str, str]
) -> None:
    vin = next(iter(world.vehicles.values())).vin
    body = ask(client, auth, vin=vin, scope="read_odometer", country="de")
    assert body == {"compatible": True, "reason": None, "capabilities": []}


def test_test_mode_levels(client: TestClient, auth: dict[str, str]) -> None:
    vin = "ZZZ00000000000000"
    bev = ask(client, auth, vin=vin, scope="read_battery read_fuel", mode="test",
              test_mode_compatibility_level="BEV")
    assert [c["capable"] for c in bev["capabilities"]] == [True, True, True, False]
    none = ask(client, auth, vin=vin, scope="read_odometer",
               test_mode_compatibility_level="incompatible")
    assert none == {"compatible": False, "reason": "VEHICLE_NOT_COMPATIBLE", "capabilities": []}


def test_v1_answers_only_compatible(client: TestClient, world: World,
                                    auth: dict[str, str]) -> None:
    vin = next(iter(world.vehicles.values())).vin
    response = client.get("/v1.0/compatibility", headers=auth,
                          params={"vin": vin, "scope": "read_vin"})
    assert response.json() == {"compatible": True}


@pytest.mark.parametrize("params, field, code", [
    ({"scope": "read_vin"}, "vin", None),
    ({"vin": "5YJSA1E26HF000001"}, "scope", None),
    ({"vin": "5YJSA1E26HF000001", "scope": " "}, "scope", None),
    ({"vin": "short", "scope": "read_vin"}, "vin", "PARAMETER"),
    ({"vin": "5YJSA1E26HF000001", "scope": "read_vin fly"}, "scope", "PARAMETER"),
    ({"vin": "5YJSA1E26HF000001", "scope": "read_vin", "country": "XX"}, "country", "PARAMETER"),
    ({"vin": "5YJSA1E26HF000001", "scope": "read_vin", "mode": "prod"}, "mode", "PARAMETER"),
    ({"vin": "5YJSA1E26HF000001", "scope": "read_vin", "test_mode_compatibility_level": "x"},
     "test_mode_compatibility_level", "PARAMETER"),
])
def test_bad_parameters_are_validation_errors_with_detail(
    client: TestClient, auth: dict[str, str], params: dict[str, str], field: str,
    code: str | None,
) -> None:
    response = client.get(URL, headers=auth, params=params)
    assert response.status_code == 400
    body = response.json()
    assert (body["type"], body["code"]) == ("VALIDATION", code)
    assert body["detail"][0]["field"] == [field]


@pytest.mark.parametrize("url", [URL, MATRIX])
@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer x"}, {"Authorization": "Basic ???"},
    basic("d3e0a9b1-0000-4000-8000-000000000001", "wrong"), basic("nobody", "demo-client-secret"),
])
def test_bad_client_credentials_are_401(client: TestClient, url: str,
                                        headers: dict[str, str]) -> None:
    response = client.get(url, headers=headers, params={"vin": "x", "region": "US"})
    assert response.status_code == 401
    assert (response.json()["type"], response.json()["code"]) == ("AUTHENTICATION", None)


def test_matrix_by_region_make_and_type(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get(MATRIX, headers=auth, params={"region": "US", "make": "nissan tesla"})
    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == ["NISSAN", "TESLA"]
    leaf = body["NISSAN"][0]
    assert set(leaf) == {"model", "startYear", "endYear", "type", "endpoints", "permissions"}
    assert (leaf["model"], leaf["type"]) == ("LEAF", "BEV")
    assert leaf["startYear"] <= leaf["endYear"]
    assert "EV battery" in leaf["endpoints"] and "Fuel tank" not in leaf["endpoints"]
    assert "read_battery" in leaf["permissions"] and "read_fuel" not in leaf["permissions"]

    ice = client.get(MATRIX, headers=auth, params={"region": "US", "type": "ice"}).json()
    assert ice and all(m["type"] == "ICE" for models in ice.values() for m in models)
    fuel = client.get(MATRIX, headers=auth,
                      params={"region": "EUROPE", "scope": "read_fuel read_battery"}).json()
    assert {m["type"] for models in fuel.values() for m in models} == {"PHEV"}


def test_matrix_needs_a_region(client: TestClient, auth: dict[str, str]) -> None:
    missing = client.get(MATRIX, headers=auth)
    assert missing.status_code == 400
    assert missing.json()["detail"] == [{"field": ["region"], "message": "\"region\" is required"}]
    wrong = client.get(MATRIX, headers=auth, params={"region": "MARS"})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "PARAMETER")

"""POST /batch (https://smartcar.com/docs/api-reference/batch): sub-responses with a
normalised path, an integer code and a headers object always; errors stay inside their
sub-response; units apply."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.units import KM_PER_MILE
from mockcar.domain.vehicles.vehicle import Powertrain
from mockcar.domain.world.world import World
from mockcar.errors import CATALOG
from mockcar.wire.v2.reads import ALL_READS
from tests.web.v2.conftest import Grant, add_vehicle, login_as, vehicle_with
from tests.web.v2.test_reads import TIMESTAMP, base


def batch(client: TestClient, vehicle_id: str, headers: dict[str, str],
          *paths: str) -> dict[str, dict[str, Any]]:
    response = client.post(base(vehicle_id) + "/batch",
                           json={"requests": [{"path": p} for p in paths]}, headers=headers)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"responses"}
    found = response.json()["responses"]
    assert len(found) == len(paths)
    for sub in found:
        assert set(sub) == {"path", "code", "body", "headers"}
        assert isinstance(sub["code"], int) and isinstance(sub["headers"], dict)
    return {sub["path"]: sub for sub in found}


def test_paths_are_normalised_and_bodies_match_the_endpoints(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    headers = grant(vehicle)
    found = batch(client, vehicle.id, headers, "odometer", "/tires/pressure/", "/", "charge/limit")
    assert set(found) == {"/odometer", "/tires/pressure", "/", "/charge/limit"}
    for path, sub in found.items():
        alone = client.get(base(vehicle.id) + (path if path != "/" else ""), headers=headers)
        assert (sub["code"], sub["body"]) == (200, alone.json())
    assert found["/"]["headers"] == {}, "attributes are static"
    odometer = found["/odometer"]["headers"]
    assert set(odometer) == {"sc-data-age", "sc-fetched-at", "sc-unit-system"}
    assert TIMESTAMP.fullmatch(odometer["sc-data-age"])
    assert set(found["/charge/limit"]["headers"]) == {"sc-data-age", "sc-fetched-at"}


def test_units_apply_inside_the_batch(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.ICE)
    found = batch(client, vehicle.id, grant(vehicle, **{"sc-unit-system": "imperial"}),
                  "/odometer")
    assert found["/odometer"]["body"]["distance"] == pytest.approx(
        vehicle.odometer_km() / KM_PER_MILE, abs=0.01)
    assert found["/odometer"]["headers"]["sc-unit-system"] == "imperial"


def test_errors_stay_inside_their_sub_response(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.post(
        base(vehicle.id) + "/batch",
        json={"requests": [{"path": p} for p in
                           ("/odometer", "/fuel", "/location", "/warp-drive", "/TESLA/compass")]},
        headers=grant(vehicle, ("read_odometer", "read_fuel")),
    )
    found = {sub["path"]: sub for sub in response.json()["responses"]}
    assert found["/odometer"]["code"] == 200
    expected = {"/fuel": (501, "COMPATIBILITY", "VEHICLE_NOT_CAPABLE"),
                "/location": (403, "PERMISSION", None),
                "/warp-drive": (404, "RESOURCE_NOT_FOUND", "PATH"),
                "/TESLA/compass": (403, "PERMISSION", None)}
    for path, (status, error_type, code) in expected.items():
        sub = found[path]
        assert (sub["code"], sub["body"]["type"], sub["body"]["code"]) == (status, error_type, code)
        assert sub["body"]["statusCode"] == status
        assert sub["body"]["requestId"] == response.headers["sc-request-id"]
        assert set(sub["headers"]) == {"mockcar-hint"}
        assert sub["body"]["description"] == CATALOG[(error_type, code)].description
    assert "read_location" in found["/location"]["headers"]["mockcar-hint"]


def test_a_rate_limited_sub_response_carries_retry_after_in_both_casings(
    client: TestClient, world: World
) -> None:
    vehicle, headers = login_as(world, "RATE_LIMIT.VEHICLE@smartcar.com")
    found = batch(client, vehicle.id, headers, "/vin", "/odometer")
    assert found["/vin"]["code"] == 200, "static endpoints are never triggered"
    limited = found["/odometer"]
    assert (limited["code"], limited["body"]["code"]) == (429, "VEHICLE")
    assert limited["headers"]["retry-after"] == limited["headers"]["Retry-After"] == "60"
    assert "RATE_LIMIT.VEHICLE@smartcar.com" in limited["headers"]["mockcar-hint"]


def test_every_read_can_be_batched(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = vehicle_with(world, Powertrain.PHEV)
    found = batch(client, vehicle.id, grant(vehicle), *(r.path or "/" for r in ALL_READS))
    assert all(sub["code"] in (200, 501) for sub in found.values())
    assert found["/permissions"]["body"]["paging"]["count"] > 0


@pytest.mark.parametrize(
    ("body", "field"),
    [(None, ["requests"]), ({}, ["requests"]), ({"requests": "odometer"}, ["requests"]),
     ({"requests": []}, ["requests"]), ({"requests": [{"path": "/vin"}, {}]},
                                        ["requests", 1, "path"])],
)
def test_a_malformed_batch_is_400_validation(
    client: TestClient, world: World, grant: Grant, body: object, field: list[object]
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.post(base(vehicle.id) + "/batch", json=body, headers=grant(vehicle))
    assert response.status_code == 400
    assert (response.json()["type"], response.json()["code"]) == ("VALIDATION", None)
    assert response.json()["detail"][0]["field"] == field
    if field == ["requests"] and not body:
        assert response.json()["detail"] == [
            {"field": ["requests"], "message": '"requests" is required'}]


def test_a_body_that_is_not_json_asks_for_requests(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    response = client.post(base(vehicle.id) + "/batch", content=b"{requests: odometer",
                           headers=grant(vehicle))
    assert response.status_code == 400
    assert response.json()["detail"] == [
        {"field": ["requests"], "message": '"requests" is required'}]


def test_a_sub_request_may_carry_a_query(client: TestClient, world: World, grant: Grant) -> None:
    vehicle = add_vehicle(world, "FORD", Powertrain.ICE, odometer_km=30_000.0)
    headers = grant(vehicle)
    response = client.post(base(vehicle.id) + "/batch", headers=headers, json={"requests": [
        {"path": "/service/history?startDate=2000-01-01"}, {"path": "/service/history"}]})
    ever, recent = response.json()["responses"]
    assert ever["path"] == recent["path"] == "/service/history"
    path = base(vehicle.id) + "/service/history"
    assert ever["body"] == client.get(path, params={"startDate": "2000-01-01"},
                                      headers=headers).json()
    assert len(ever["body"]) == 2, "visits at 12,000 and 24,000 km"
    assert recent["body"] == client.get(path, headers=headers).json()


def test_a_batch_needs_a_token_for_the_vehicle(
    client: TestClient, world: World, grant: Grant
) -> None:
    vehicle = vehicle_with(world, Powertrain.BEV)
    other = vehicle_with(world, Powertrain.ICE)
    body = {"requests": [{"path": "/vin"}]}
    assert client.post(base(vehicle.id) + "/batch", json=body).status_code == 401
    assert client.post(base(other.id) + "/batch", json=body,
                       headers=grant(vehicle)).status_code == 400

"""Every group of Smartcar's v3 signal reference over HTTP (GET /v3/vehicles/{id}/signals
and /signals/{code} with an application token): each group is served, each body has its
group's shape and units, values follow the vehicle state where it has a meaning, and a
signal a powertrain or make lacks is COMPATIBILITY VEHICLE_NOT_CAPABLE."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle
from mockcar.domain.world.world import World
from tests.web.v3.conftest import Connect, as_user, vehicle_with

GROUPS = ("Charge", "Climate", "Closure", "ConnectivitySoftware", "ConnectivityStatus",
          "Diagnostics", "HVAC", "InternalCombustionEngine", "Location", "LowVoltageBattery",
          "Motion", "Odometer", "Service", "Surveillance", "TractionBattery", "Transmission",
          "VehicleIdentification", "VehicleUserAccount", "Wheel")


def signals(client: TestClient, token: str, connect: Connect,
            vehicle: Vehicle) -> dict[str, dict[str, Any]]:
    user = connect(vehicle).user_id
    response = client.get(f"/v3/vehicles/{vehicle.id}/signals", headers=as_user(token, user))
    assert response.status_code == 200, response.text
    return {s["id"]: s for s in response.json()["data"]}


def body(found: dict[str, dict[str, Any]], code: str) -> Any:
    attributes = found[code]["attributes"]
    assert attributes["status"] == {"value": "SUCCESS"}, (code, attributes["status"])
    return attributes["body"]


def refused(found: dict[str, dict[str, Any]], code: str) -> str:
    status = found[code]["attributes"]["status"]
    assert status["value"] == "ERROR", code
    return str(status["error"]["code"])


def test_every_documented_group_is_served(client: TestClient, world: World,
                                          connect: Connect, token: str) -> None:
    found = signals(client, token, connect, vehicle_with(world, Powertrain.PHEV))
    assert {s["attributes"]["group"] for s in found.values()} == set(GROUPS)
    for code, resource in found.items():
        group, name = resource["attributes"]["group"], resource["attributes"]["name"]
        assert code == f"{group}-{name}".lower()


def test_new_groups_shapes_on_an_ice_car(client: TestClient, world: World, connect: Connect,
                                         token: str) -> None:
    ice = vehicle_with(world, Powertrain.ICE)
    ice.state.moving = False
    found = signals(client, token, connect, ice)
    assert body(found, "connectivitystatus-isonline") == {"value": True}
    assert body(found, "connectivitystatus-isasleep") == {"value": False}
    assert isinstance(body(found, "connectivitysoftware-currentfirmwareversion")["value"], str)
    assert body(found, "vehicleuseraccount-role")["value"] in ("PRIMARY", "SECONDARY")
    assert body(found, "vehicleuseraccount-permissions")["values"]
    assert body(found, "transmission-gearstate") == {"value": "PARK"}
    assert body(found, "climate-externaltemperature")["unit"] == "celsius"
    assert body(found, "climate-internaltemperature")["unit"] == "celsius"
    assert body(found, "diagnostics-mil")["status"] in ("OK", "ALERT")
    assert body(found, "diagnostics-dtccount")["value"] == len(
        body(found, "diagnostics-dtclist")["values"])
    assert body(found, "diagnostics-oillife")["unit"] == "percent"
    assert body(found, "service-isinservice")["value"] in (True, False)
    # An ICE car has no EV systems; no make but Tesla reports a surveillance system.
    assert refused(found, "diagnostics-evhvbattery") == "VEHICLE_NOT_CAPABLE"
    assert refused(found, "diagnostics-evcharging") == "VEHICLE_NOT_CAPABLE"
    if ice.make != "TESLA":
        assert refused(found, "surveillance-isenabled") == "VEHICLE_NOT_CAPABLE"


def test_bev_shapes_and_the_state_behind_them(client: TestClient, world: World,
                                              connect: Connect, token: str) -> None:
    bev = vehicle_with(world, Powertrain.BEV)
    bev.state.moving, bev.state.asleep = True, True
    found = signals(client, token, connect, bev)
    assert body(found, "transmission-gearstate") == {"value": "DRIVE"}
    assert body(found, "connectivitystatus-isasleep") == {"value": True}
    assert body(found, "connectivitystatus-isonline") == {"value": False}
    assert refused(found, "diagnostics-mil") == "VEHICLE_NOT_CAPABLE"
    assert body(found, "diagnostics-evhvbattery")["status"] in ("OK", "ALERT")
    tires = body(found, "wheel-tires")
    assert tires["unit"] == "kilopascals" and (tires["rowCount"], tires["columnCount"]) == (2, 2)
    assert {"row", "column", "tirePressure"} == set(tires["values"][0])
    ev_range = body(found, "tractionbattery-range")
    assert ev_range["type"] == "DEFAULT" and ev_range["unit"] == "kilometers"
    timers = found["charge-chargetimers"]
    assert timers["links"]["values"] == f"/vehicles/{bev.id}/charge-schedules"
    assert "values" not in found["odometer-traveleddistance"]["links"]


@pytest.mark.parametrize("code", ["diagnostics-abs", "vehicleuseraccount-role",
                                  "climate-externaltemperature", "transmission-drivemode"])
def test_one_new_signal_by_code(client: TestClient, world: World, connect: Connect, token: str,
                                code: str) -> None:
    car = vehicle_with(world, Powertrain.PHEV)
    user = connect(car).user_id
    response = client.get(f"/v3/vehicles/{car.id}/signals/{code}", headers=as_user(token, user))
    assert response.status_code == 200
    assert response.json()["attributes"]["status"] == {"value": "SUCCESS"}
    assert response.json()["attributes"]["code"] == code


def test_without_the_permission_a_new_signal_says_so(client: TestClient, world: World,
                                                     connect: Connect, token: str) -> None:
    car = vehicle_with(world, Powertrain.PHEV)
    user = connect(car, permissions=("read_odometer",)).user_id
    response = client.get(f"/v3/vehicles/{car.id}/signals/diagnostics-abs",
                          headers=as_user(token, user))
    assert response.json()["attributes"]["status"]["error"]["type"] == "PERMISSION"

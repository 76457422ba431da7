"""API v3's compatible vehicles through HTTP: filtered by region, make and powertrain,
each model line's signals and commands drawn from the same capability table as the v2
matrix."""

from __future__ import annotations

import base64

from starlette.testclient import TestClient

from tests.web.v3.conftest import V3_APP, only_error


def capabilities_of(vehicle: dict[str, object]) -> dict[str, str]:
    attributes = vehicle["attributes"]
    assert isinstance(attributes, dict)
    return {c["capability"]: c["type"] for c in attributes["capabilities"]}


def test_compatible_vehicles_agree_with_the_v2_matrix(client: TestClient) -> None:
    v3 = client.get("/v3/compatible-vehicles",
                    params={"region": "US", "make": "TESLA", "powertrainType": "BEV"})
    assert v3.status_code == 200
    data = v3.json()["data"]
    assert data and {v["attributes"]["make"] for v in data} == {"TESLA"}
    assert {v["attributes"]["region"] for v in data} == {"US"}
    basic = base64.b64encode(f"{V3_APP.client_id}:{V3_APP.client_secret}".encode()).decode()
    matrix = client.get("/v2.0/compatibility/matrix",
                        params={"region": "US", "make": "TESLA", "type": "BEV"},
                        headers={"Authorization": f"Basic {basic}"}).json()["TESLA"]
    assert sorted(v["attributes"]["model"] for v in data) == sorted(m["model"] for m in matrix)
    model = capabilities_of(data[0])
    assert model["charge-start"] == "command" and model["security-lock"] == "command"
    assert model["charge-schedule-weekly"] == "command"
    assert model["tractionbattery-stateofcharge"] == "signal"
    assert "fuel-level" not in model  # a BEV has no tank
    by_features = {m["model"]: m for m in matrix}
    first = data[0]["attributes"]
    assert "EV start & stop charge" in by_features[first["model"]]["endpoints"]
    assert first["years"] == {"start": by_features[first["model"]]["startYear"],
                              "end": by_features[first["model"]]["endYear"]}


def test_a_gasoline_car_has_no_charging_and_unknown_filters_are_refused(
    client: TestClient,
) -> None:
    ice = client.get("/v3/compatible-vehicles",
                     params={"region": "US", "powertrainType": "ICE"}).json()["data"]
    assert ice
    for vehicle in ice:
        found = capabilities_of(vehicle)
        assert "charge-start" not in found and "tractionbattery-stateofcharge" not in found
        assert not any(c.startswith("charge-schedule") for c in found)
    everywhere = client.get("/v3/compatible-vehicles", params={"make": "VOLVO"}).json()["data"]
    assert {v["attributes"]["region"] for v in everywhere} >= {"US", "EUROPE"}
    volvo = next(v for v in everywhere if v["attributes"]["powertrainType"] == "BEV")
    schedules = {c for c in capabilities_of(volvo) if c.startswith("charge-schedule")}
    assert schedules == {"charge-schedule-daily"}
    refused = client.get("/v3/compatible-vehicles", params={"region": "MARS"})
    assert refused.status_code == 400
    assert only_error(refused.json())["type"] == "VALIDATION"

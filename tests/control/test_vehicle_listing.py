"""The control API's vehicle listing with paging, filters and search (what the dashboard's
Vehicles page reads): the same vehicles in the same order as the whole listing, filters
that agree with the vehicles' own fields, exact search by id, VIN and owner email, and a
page that does not make the fleet's other vehicles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.connect.brands import make_name
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import Settings
from tests.control.conftest import START

SCENARIO = """\
version: 1
seed: 11
applications:
  - {name: Fleet, client_id: fleet-app, client_secret: s, redirect_uris: ['http://localhost/cb']}
owners:
  - email: ada@example.com
    password: pw
    vehicles:
      - {make: MERCEDES_BENZ, model: EQS, year: 2023, powertrain: BEV}
fleet: {count: 600, name: rental, vehicles_per_owner: 2}
"""


@pytest.fixture
def fleet_world(tmp_path: Path) -> World:
    path = tmp_path / "fleet.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return load_world(path, clock=Clock(frozen_at=START))


@pytest.fixture
def http(fleet_world: World) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), fleet_world), base_url="http://localhost") as client:
        yield client


def listing(http: TestClient, **params: Any) -> dict[str, Any]:
    answer = http.get("/_mockcar/vehicles", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_pages_walk_the_whole_listing_in_its_order(http: TestClient) -> None:
    everything = [v["id"] for v in listing(http)["vehicles"]]
    assert len(everything) == 601
    walked: list[str] = []
    offset = 0
    while True:
        page = listing(http, offset=offset, limit=250)
        assert page["total"] == 601 and page["limit"] == 250 and page["offset"] == offset
        walked += [v["id"] for v in page["vehicles"]]
        if len(page["vehicles"]) < 250:
            break
        offset += 250
    assert walked == everything
    assert listing(http, offset=601)["vehicles"] == []


def test_filters_agree_with_the_vehicles_fields(http: TestClient) -> None:
    everything = listing(http)["vehicles"]
    for params, keep in (
        ({"make": "FORD"}, lambda v: v["make"] == "FORD"),
        ({"powertrain": "bev"}, lambda v: v["powertrain"] == "BEV"),
        ({"region": "US", "powertrain": "ICE"},
         lambda v: v["region"] == "US" and v["powertrain"] == "ICE"),
        ({"q": "mercedes"}, lambda v: make_name(v["make"]) == "Mercedes-Benz"),
        ({"make": "Mercedes-Benz"}, lambda v: make_name(v["make"]) == "Mercedes-Benz"),
        ({"q": "toyota 2022"}, lambda v: v["make"] == "TOYOTA" and v["year"] == 2022),
        ({"year": 2021, "q": "hev"}, lambda v: v["year"] == 2021 and v["powertrain"] == "HEV"),
    ):
        expected = [v["id"] for v in everything if keep(v)]
        page = listing(http, limit=500, **params)
        assert [v["id"] for v in page["vehicles"]] == expected, params
        assert page["total"] == len(expected), params
    assert expected, "the last filter matched nothing: the scenario no longer tests it"
    assert listing(http, q="2020 2021")["total"] == 0


def test_search_finds_a_vehicle_by_id_or_vin_and_an_owners_vehicles(
        http: TestClient, fleet_world: World) -> None:
    fleet = fleet_world.vehicles.fleets()[0]
    vehicle_id = fleet.vehicle_id(123)
    one = listing(http, q=vehicle_id)
    assert [v["id"] for v in one["vehicles"]] == [vehicle_id] and one["total"] == 1
    vin = one["vehicles"][0]["vin"]
    assert [v["id"] for v in listing(http, q=vin.lower())["vehicles"]] == [vehicle_id]
    owner = one["vehicles"][0]["owner"]
    mine = listing(http, q=owner.upper())
    assert mine["total"] == 2 and {v["owner"] for v in mine["vehicles"]} == {owner}
    assert listing(http, owner="ada@example.com")["vehicles"][0]["model"] == "EQS"
    assert listing(http, owner="nobody@example.com")["total"] == 0


def test_a_page_reads_its_vehicles_without_keeping_them(
        http: TestClient, fleet_world: World) -> None:
    page = listing(http, offset=300, limit=20)
    assert len(page["vehicles"]) == 20
    assert all(fleet_world.vehicles.get_made(v["id"]) is None for v in page["vehicles"])


def test_a_vehicle_added_at_run_time_is_listed_and_found(http: TestClient) -> None:
    added = http.post("/_mockcar/vehicles", json={
        "owner": "new@example.com", "vehicle": {"make": "RIVIAN", "powertrain": "BEV"}})
    assert added.status_code == 201, added.text
    found = listing(http, q="rivian")
    assert added.json()["id"] in [v["id"] for v in found["vehicles"]]
    assert listing(http)["vehicles"][1]["id"] == added.json()["id"]  # after the scenario's


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "501"}, {"offset": "-1"},
                                    {"year": "twenty"}, {"limit": "ten"}])
def test_bad_paging_is_a_400_naming_the_parameter(http: TestClient,
                                                  params: dict[str, str]) -> None:
    answer = http.get("/_mockcar/vehicles", params=params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "invalid_request"
    assert any(p.startswith(next(iter(params))) for p in body["problems"])

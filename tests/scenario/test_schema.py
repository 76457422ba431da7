"""What a scenario may leave out, and how given values are normalized."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mockcar.scenario import load_scenario
from mockcar.scenario.schema.scenario import VehicleSpec
from tests.scenario.conftest import WriteScenario


def test_minimal_scenario_defaults(write_scenario: WriteScenario) -> None:
    scenario = load_scenario(write_scenario("version: 1\n"))
    assert (scenario.version, scenario.seed, scenario.applications, scenario.owners) == (1, 0, [], [])


def test_owner_and_vehicle_defaults(write_scenario: WriteScenario) -> None:
    text = "version: 1\nowners:\n  - email: a@b.co\n    password: pw\n  - email: c@d.co\n" \
           "    password: pw\n    vehicles: [{}]\n"
    first, second = load_scenario(write_scenario(text)).owners
    assert (first.country, first.vehicles) == ("US", [])
    assert second.vehicles == [VehicleSpec()]
    assert all(value is None for value in second.vehicles[0].model_dump().values())


def test_values_are_normalized(write_scenario: WriteScenario) -> None:
    text = """\
version: 1
owners:
  - email: a@b.co
    password: pw
    country: de
    vehicles:
      - id: 7C9E6679-7425-40DE-944B-E07FC1F90AE7
        make: ' tesla '
        vin: 5yj3e1ea0nf123456
        powertrain: bev
        region: europe
        doors_open: [FRONTLEFT, backRight]
"""
    owner = load_scenario(write_scenario(text)).owners[0]
    v = owner.vehicles[0]
    assert owner.country == "DE"
    assert (v.id, v.make, v.vin) == ("7c9e6679-7425-40de-944b-e07fc1f90ae7", "TESLA",
                                     "5YJ3E1EA0NF123456")
    assert (v.powertrain, v.region, v.doors_open) == ("BEV", "EUROPE", ["frontLeft", "backRight"])


def test_anchors_and_merge_keys_under_x_keys(write_scenario: WriteScenario) -> None:
    text = """\
version: 1
x-tesla: &tesla {make: TESLA, model: Model 3, powertrain: BEV}
owners:
  - email: a@b.co
    password: pw
    vehicles:
      - <<: *tesla
        year: 2020
      - <<: *tesla
        model: Model Y
"""
    first, second = load_scenario(write_scenario(text)).owners[0].vehicles
    assert (first.make, first.model, first.year) == ("TESLA", "Model 3", 2020)
    assert (second.make, second.model) == ("TESLA", "Model Y")


def test_scenario_is_frozen(write_scenario: WriteScenario) -> None:
    scenario = load_scenario(write_scenario("version: 1\nseed: 3\n"))
    with pytest.raises(ValidationError, match="frozen"):
        scenario.seed = 4


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfversion: 1\n")
    assert load_scenario(path).version == 1

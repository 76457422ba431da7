"""`applications[].connect_redirect`: which way Connect ends for an application (API v2's
code, API v3's user_id), carried from the scenario file to the World."""

from __future__ import annotations

import pytest

from mockcar.scenario import ScenarioError, load_scenario, load_world
from tests.scenario.conftest import WriteScenario

APP = """\
version: 1
applications:
  - name: Fleet v3
    client_id: fleet-v3
    client_secret: s3cret
    redirect_uris: [http://localhost:8000/callback]
"""


def test_code_is_the_default_and_user_id_is_carried_to_the_world(
    write_scenario: WriteScenario,
) -> None:
    plain = load_world(write_scenario(APP))
    assert plain.applications["fleet-v3"].connect_redirect == "code"
    v3 = load_world(write_scenario(APP + "    connect_redirect: user_id\n"))
    assert v3.applications["fleet-v3"].connect_redirect == "user_id"


def test_another_value_is_a_located_error(write_scenario: WriteScenario) -> None:
    path = write_scenario(APP + "    connect_redirect: vehicle_id\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (7, "applications[0].connect_redirect")
    assert "'code' or 'user_id'" in problem.message

"""A state file written against a scenario that has changed since: the saved records of
the scenario World replace its applications, so an application the scenario gained would
be dropped and one it lost would come back; both refuse the start, naming the
application, as a lost vehicle does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mockcar.scenario import load_world
from mockcar.settings import default_scenario
from mockcar.state.keeper import ScenarioChanged, open_state
from mockcar.state.records import world_records

EXTRA = """  - name: Second App
    client_id: 0c0ffee0-0000-4000-8000-000000000002
    client_secret: second-secret
    redirect_uris: [http://localhost:8000/exchange]
    management_token: second-management-token
"""


def saved(scenario: Path, state: Path) -> None:
    """A state holding the scenario World's records, as a first run leaves it."""
    world = load_world(scenario)
    keeper = open_state(state, scenario, None, world)
    keeper.ledger.commit(keeper.ledger.changes("", world_records(world)))
    keeper.close()


def test_an_application_the_scenario_gained_or_lost_refuses_the_start(tmp_path: Path) -> None:
    scenario, state = tmp_path / "scenario.yaml", tmp_path / "mockcar.db"
    shutil.copy(default_scenario(), scenario)
    text = scenario.read_text(encoding="utf-8")
    gained = text.replace("\nowners:", "\n" + EXTRA + "\nowners:", 1)
    assert gained != text
    saved(scenario, state)

    scenario.write_text(gained, encoding="utf-8")
    with pytest.raises(ScenarioChanged, match="0c0ffee0-0000-4000-8000-000000000002 is new"):
        open_state(state, scenario, None, load_world(scenario))

    # Written with both, started with one: the second is gone from the scenario.
    state.unlink()
    saved(scenario, state)
    scenario.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioChanged, match="0c0ffee0-0000-4000-8000-000000000002 is no "
                                              "longer in the scenario") as refused:
        open_state(state, scenario, None, load_world(scenario))
    assert "--reset-state" in str(refused.value)

    # --reset-state starts from the scenario alone.
    open_state(state, scenario, None, load_world(scenario), reset_state=True).close()

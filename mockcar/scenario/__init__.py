"""Scenario files: YAML describing applications, owners and vehicles, loaded into a
World (DESIGN.md, "scenario/"). The format is documented in `mockcar.scenario.schema.scenario`
and in the header of scenarios/default.yaml.

    scenario = load_scenario(Path("scenarios/default.yaml"))   # parse + validate
    world = build_world(scenario, clock=Clock(), seed=7)        # generate + populate
    world = load_world(Path("scenarios/default.yaml"))          # both

Every user mistake raises `ScenarioError`, whose str() is one `FILE:LINE: key.path:
what is wrong` line per problem.
"""

from mockcar.scenario.build import build_world, load_world
from mockcar.scenario.errors import Problem, ScenarioError
from mockcar.scenario.loader import load_scenario
from mockcar.scenario.schema.scenario import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "build_world", "load_scenario", "load_world"]

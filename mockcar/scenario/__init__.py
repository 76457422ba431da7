"""Scenario files: YAML describing applications, owners and vehicles, loaded into a
World (DESIGN.md, "scenario/"). The format is documented in `mockcar.scenario.schema.scenario`
and in the header of scenarios/default.yaml.

    scenario = load_scenario(Path("scenarios/default.yaml"))   # parse + validate
    world = build_world(scenario, clock=Clock(), seed=7)        # generate + populate
    world = load_world(Path("scenarios/default.yaml"))          # both

Every user mistake raises `ScenarioError`, whose str() is one `FILE:LINE: key.path:
what is wrong` line per problem.

Names load on first use (PEP 562): a start whose scenario was validated before builds
its World without the schema, and so without pydantic (mockcar.scenario.cache).
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    from mockcar.scenario.build import build_world, load_world
    from mockcar.scenario.errors import Problem, ScenarioError
    from mockcar.scenario.loader import load_scenario
    from mockcar.scenario.schema.scenario import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "build_world", "load_scenario", "load_world"]

_HOMES = {
    "Problem": "mockcar.scenario.errors",
    "ScenarioError": "mockcar.scenario.errors",
    "Scenario": "mockcar.scenario.schema.scenario",
    "build_world": "mockcar.scenario.build",
    "load_world": "mockcar.scenario.build",
    "load_scenario": "mockcar.scenario.loader",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mockcar.scenario' has no attribute {name!r}")
    return getattr(_import_module(home), name)

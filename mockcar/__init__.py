"""mockcar: a local, offline stand-in for the Smartcar connected-vehicle platform.

What a program embedding mockcar imports: the app factory and its settings, the World
it serves, and the scenario loaders that build one::

    from mockcar import Settings, create_app, load_world

    app = create_app(Settings(), world=load_world(Path("scenarios/default.yaml")))

Tests against a running mockcar import `mockcar.testing` instead.

Names load on first use (PEP 562): pytest imports `mockcar.testing.plugin`, and with it
this package, in every session of a project that has mockcar installed, and must not pay
for the app.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    from mockcar.app import create_app
    from mockcar.domain.world.clock import Clock
    from mockcar.domain.world.world import World
    from mockcar.scenario import (
        Scenario,
        ScenarioError,
        build_world,
        load_scenario,
        load_world,
    )
    from mockcar.settings import Settings

    __version__: str

__all__ = [
    "Clock",
    "Scenario",
    "ScenarioError",
    "Settings",
    "World",
    "__version__",
    "build_world",
    "create_app",
    "load_scenario",
    "load_world",
]

_HOMES = {
    "Clock": "mockcar.domain.world.clock",
    "Scenario": "mockcar.scenario",
    "ScenarioError": "mockcar.scenario",
    "Settings": "mockcar.settings",
    "World": "mockcar.domain.world.world",
    "build_world": "mockcar.scenario",
    "create_app": "mockcar.app",
    "load_scenario": "mockcar.scenario",
    "load_world": "mockcar.scenario",
}


def __getattr__(name: str) -> object:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("mockcar")
        except PackageNotFoundError:  # a checkout that was never installed
            return "unknown"
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mockcar' has no attribute {name!r}")
    return getattr(_import_module(home), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

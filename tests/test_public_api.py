"""The public API: `mockcar` and `mockcar.testing` each list what a user imports in a
sorted `__all__`, every listed name imports, and nothing else public leaks out of the
package namespace (its submodules aside), as httpx checks its own `__all__`.

Importing either package must stay cheap: pytest loads `mockcar.testing.plugin` in every
session of a project that has mockcar installed, so the app (Starlette, authlib) loads
only when a name that needs it is first used. A fresh interpreter checks that.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from types import ModuleType

import pytest

PACKAGES = ["mockcar", "mockcar.testing"]


def leaked(package: ModuleType) -> list[str]:
    """Public names in the package's namespace that are neither listed in `__all__` nor
    one of its own submodules (which importing a submodule always adds). pytest's
    assertion rewriting adds `@py_builtins` to a plugin's package: not a name Python code
    can import, so not counted."""
    listed = set(package.__all__)
    return sorted(
        name for name, value in vars(package).items()
        if name.isidentifier() and not name.startswith("_") and name not in listed
        and not (isinstance(value, ModuleType) and value.__name__ == f"{package.__name__}.{name}")
    )


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_every_name_imports(name: str) -> None:
    package = importlib.import_module(name)
    assert package.__all__ == sorted(package.__all__)
    assert len(set(package.__all__)) == len(package.__all__)
    for member in package.__all__:
        assert getattr(package, member) is not None, member
    assert set(package.__all__) <= set(dir(package))


@pytest.mark.parametrize("name", PACKAGES)
def test_nothing_else_public_leaks(name: str) -> None:
    package = importlib.import_module(name)
    for member in package.__all__:  # load every lazy name first
        getattr(package, member)
    assert leaked(package) == []


@pytest.mark.parametrize("name", PACKAGES)
def test_an_unknown_name_is_an_attribute_error(name: str) -> None:
    package = importlib.import_module(name)
    with pytest.raises(AttributeError, match="no_such_name"):
        package.no_such_name  # noqa: B018


def test_names_come_from_their_home_modules() -> None:
    import mockcar
    from mockcar.app import create_app
    from mockcar.domain.world.world import World
    from mockcar.scenario import load_scenario, load_world
    from mockcar.settings import Settings

    assert mockcar.create_app is create_app
    assert mockcar.Settings is Settings
    assert mockcar.World is World
    assert mockcar.load_world is load_world
    assert mockcar.load_scenario is load_scenario
    assert isinstance(mockcar.__version__, str) and mockcar.__version__


def test_the_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    import mockcar

    assert mockcar.__version__ == version("mockcar")


def test_importing_the_packages_does_not_load_the_app() -> None:
    code = (
        "import sys, mockcar, mockcar.testing, mockcar.testing.plugin\n"
        "print(sorted(m for m in sys.modules\n"
        "            if m.split('.')[0] in {'starlette', 'authlib', 'uvicorn'}\n"
        "            or m == 'mockcar.app'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout

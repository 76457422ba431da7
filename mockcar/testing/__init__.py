"""What other projects import to test against mockcar.

Names load on first use (PEP 562): pytest imports the plugin module of this package in
every session of a project that has mockcar installed, and must not pay for the app.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    from mockcar.testing.client import ControlClient, MockcarError
    from mockcar.testing.handle import ConnectResult, Faults, Journal, Mockcar, VehicleHandle
    from mockcar.testing.sdk import smartcar_sdk_pointed_at
    from mockcar.testing.server import MockcarServer

__all__ = [
    "ConnectResult",
    "ControlClient",
    "Faults",
    "Journal",
    "Mockcar",
    "MockcarError",
    "MockcarServer",
    "VehicleHandle",
    "smartcar_sdk_pointed_at",
]

_HOMES = {
    "ConnectResult": "handle", "ControlClient": "client", "Faults": "handle",
    "Journal": "handle", "Mockcar": "handle", "VehicleHandle": "handle",
    "MockcarError": "client", "MockcarServer": "server", "smartcar_sdk_pointed_at": "sdk",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mockcar.testing' has no attribute {name!r}")
    return getattr(_import_module(f"mockcar.testing.{home}"), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

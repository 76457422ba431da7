"""What other projects import to test against mockcar.

Names load on first use (PEP 562): pytest imports the plugin module of this package in
every session of a project that has mockcar installed, and must not pay for the app.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockcar.testing.client import ControlClient, MockcarError
    from mockcar.testing.handle import ConnectResult, Mockcar
    from mockcar.testing.sdk import smartcar_sdk_pointed_at
    from mockcar.testing.server import MockcarServer

__all__ = [
    "ConnectResult", "ControlClient", "Mockcar", "MockcarError", "MockcarServer",
    "smartcar_sdk_pointed_at",
]

_HOMES = {
    "ConnectResult": "handle", "ControlClient": "client", "Mockcar": "handle",
    "MockcarError": "client", "MockcarServer": "server", "smartcar_sdk_pointed_at": "sdk",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mockcar.testing' has no attribute {name!r}")
    return getattr(import_module(f"mockcar.testing.{home}"), name)

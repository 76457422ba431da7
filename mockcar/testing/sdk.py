"""Point the official Python SDK (PyPI `smartcar`) at a mockcar origin.

The SDK reads its origins from the environment once, at import, into module constants of
`smartcar.config`, and reads those constants on every call. So both are set here: the
environment for a `smartcar` imported later, and the constants of one already imported.
With an application's credentials, SMARTCAR_CLIENT_ID, SMARTCAR_CLIENT_SECRET and
SMARTCAR_REDIRECT_URI are set too (`smartcar.AuthClient()` with no arguments reads
them), so a developer's real credentials in the shell never reach mockcar, and mockcar's
never outlive the block.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from mockcar.settings import sdk_environment

# Environment variable -> the smartcar.config constant it becomes.
CONFIG_NAMES = {
    "SMARTCAR_API_ORIGIN": "API_ORIGIN",
    "SMARTCAR_AUTH_ORIGIN": "AUTH_ORIGIN",
    "SMARTCAR_CONNECT_ORIGIN": "CONNECT_ORIGIN",
    "SMARTCAR_MANAGEMENT_API_ORIGIN": "MANAGEMENT_API_ORIGIN",
    "SMARTCAR_VEHICLE_API_V3_ORIGIN": "VEHICLE_API_ORIGIN",
}


@contextmanager
def smartcar_sdk_pointed_at(base_url: str,
                            credentials: Mapping[str, str] | None = None) -> Iterator[None]:
    """Within the block the SDK talks to `base_url` (with `credentials`, variables such
    as SMARTCAR_CLIENT_ID, set as well); afterwards everything is restored."""
    environment = {**sdk_environment(base_url), **(credentials or {})}
    saved_env = {name: os.environ.get(name) for name in environment}
    config = sys.modules.get("smartcar.config")
    saved_config = {attr: getattr(config, attr) for attr in CONFIG_NAMES.values()} if config else {}
    os.environ.update(environment)
    if config is not None:
        for name, attr in CONFIG_NAMES.items():
            setattr(config, attr, environment[name])
    try:
        yield
    finally:
        for name, old in saved_env.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
        for attr, old_value in saved_config.items():
            setattr(config, attr, old_value)

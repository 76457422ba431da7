"""Fixtures of the Connect browser tests: the application under test's own site (its
redirect URI on a free port) and a mockcar whose applications list that URI. A module
that needs another server defines its own `server`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockcar.domain.world.world import Application
from mockcar.testing import MockcarServer
from tests.support.app_site import AppSite, running_app_site, server_redirecting_to


@pytest.fixture(scope="module")
def app_site() -> Iterator[AppSite]:
    with running_app_site() as site:
        yield site


@pytest.fixture(scope="module")
def server(app_site: AppSite) -> Iterator[MockcarServer]:
    with server_redirecting_to(app_site) as running:
        yield running


@pytest.fixture
def application(server: MockcarServer) -> Application:
    return next(iter(server.world.applications.values()))

"""The routing table (mockcar.web.routes): every named operation is served by the row
that names it, in matching order, and names resolve with `url_path_for`."""

from __future__ import annotations

import re

import pytest
from starlette.routing import BaseRoute, Match

from mockcar.app import create_app
from mockcar.settings import Settings
from mockcar.web import routes
from mockcar.web.routes import OPERATIONS, Operation

# Operations a newcomer looks for by name, one per host at least.
KNOWN = ("v2.get_odometer", "v2.get_vehicles", "v2.lock_unlock", "v2.start_stop_charge",
         "v2.set_charge_limit", "v2.get_tesla_compass", "v2.batch", "v2.subscribe",
         "v3.get_signal", "v3.security_lock", "v3.list_connections",
         "management.delete_connections", "management_v3.create_subscription",
         "compatibility.get_compatibility", "auth.exchange_token", "auth.application_token",
         "connect.authorize", "connect.sign_in", "connect.decide", "control.advance_clock",
         "control.register_application", "control.add_fault", "home.home",
         "docs.get_openapi")


def _concrete(path: str) -> str:
    """A path of the template with every parameter filled in."""
    return re.sub(r"\{(\w+)(:\w+)?\}",
                  lambda m: "2.0" if m.group(1) == "version" else f"some-{m.group(1)}", path)


def _first_match(app_routes: list[BaseRoute], method: str, path: str) -> BaseRoute:
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for route in app_routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    raise AssertionError(f"no route takes {method} {path}")


def test_the_operations_a_newcomer_looks_for_are_named() -> None:
    names = {operation.name for operation in OPERATIONS}
    assert set(KNOWN) <= names, sorted(set(KNOWN) - names)


def test_each_method_and_path_is_one_operation() -> None:
    keys = [(operation.method, operation.path) for operation in OPERATIONS]
    assert len(keys) == len(set(keys))


@pytest.fixture(scope="module")
def app_routes() -> list[BaseRoute]:
    return create_app(Settings()).routes


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: f"{o.name} {o.method}")
def test_the_app_serves_each_operation_by_its_row(
    operation: Operation, app_routes: list[BaseRoute]
) -> None:
    matched = _first_match(app_routes, operation.method, _concrete(operation.path))
    endpoint = getattr(operation.route, "endpoint", None)
    if endpoint not in routes.DISPATCHED:
        assert matched is operation.route
        return
    # A dispatcher's row: its route (with or without a sub-path) and its table's handler.
    assert getattr(matched, "endpoint", None) is endpoint
    base, table = routes.DISPATCHED[endpoint]
    handler = table[(operation.method, operation.path.removeprefix(base))]
    assert operation.name.endswith("." + handler.__name__)


def test_names_resolve_to_paths_with_url_path_for() -> None:
    app = create_app(Settings())
    assert app.url_path_for("v2.get_vehicles", version="2.0") == "/v2.0/vehicles"
    assert app.url_path_for("v2.get_vehicles_slash", version="2.0") == "/v2.0/vehicles/"
    assert app.url_path_for("control.advance_clock") == "/_mockcar/clock/advance"
    assert app.url_path_for("auth.exchange_token") == "/oauth/token"
    assert app.url_path_for("v3.get_connection+delete_connection",
                            connection_id="c1") == "/v3/connections/c1"
    # The vehicle endpoints share the dispatcher's route; the table holds their paths.
    odometer = next(o for o in OPERATIONS if o.name == "v2.get_odometer")
    assert odometer.path == app.url_path_for(
        "v2.vehicle_endpoint", version="{version}", vehicle_id="{vehicle_id}",
        sub_path="odometer")

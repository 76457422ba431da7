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

# Every operation's name, so a search for a handler's name lands here too; a new or
# renamed operation is added here on purpose.
NAMES = frozenset({
    'assets.favicon', 'auth.application_token', 'auth.exchange_token',
    'compatibility.get_compatibility', 'compatibility.get_compatibility_matrix',
    'connect.authorize', 'connect.choose_brand', 'connect.continue_', 'connect.decide',
    'connect.exit_flow', 'connect.reauthenticate', 'connect.show_brands',
    'connect.show_permissions', 'connect.show_sign_in', 'connect.sign_in',
    'control.add_fault', 'control.advance_clock', 'control.clear_deliveries',
    'control.clear_faults', 'control.clear_journal', 'control.connect',
    'control.count_journal', 'control.create_vehicle', 'control.create_webhook',
    'control.delete_application', 'control.delete_fault', 'control.delete_webhook',
    'control.freeze_clock', 'control.get_application', 'control.get_clock',
    'control.get_deliveries', 'control.get_journal', 'control.get_policy',
    'control.get_rate_limits', 'control.get_state', 'control.get_vehicle',
    'control.get_webhook', 'control.health',
    'control.get_latencies', 'control.get_readings', 'control.get_timeline',
    'control.get_vehicle_webhooks', 'control.list_vehicle_connections', 'control.next_stage',
    'control.pause_timeline', 'control.play_timeline', 'control.revoke_vehicle_connections',
    'control.subscribe_vehicle', 'control.unsubscribe_vehicle',
    'dashboard.vehicle_page', 'dashboard.vehicle_page_of_application',
    'control.list_faults', 'control.list_vehicles', 'control.list_webhooks',
    'control.register_application', 'control.reset_application', 'control.reset_server',
    'control.restore_application_snapshot', 'control.restore_snapshot',
    'control.revoke', 'control.set_clock', 'control.set_clock_speed', 'control.set_policy',
    'control.set_rate_limits', 'control.set_vehicle_state', 'control.take_application_snapshot',
    'control.stream_journal', 'control.stream_unclaimed_journal', 'control.stream_world',
    'control.take_snapshot', 'control.test_webhook',
    'control.unclaimed_journal',
    'control.unfreeze_clock',
    'control.verify_journal', 'control.verify_webhook', 'docs.get_collection',
    'docs.get_environment', 'docs.get_openapi',
    'dashboard.add_vehicle', 'dashboard.add_vehicle_of_application', 'dashboard.applications',
    'dashboard.asset', 'dashboard.start_here', 'dashboard.start_here_of_application',
    'dashboard.vehicles', 'dashboard.vehicles_of_application',
    'dashboard.api_docs', 'dashboard.docs_asset',
    'dashboard.requests_page', 'dashboard.requests_page_of_application',
    'dashboard.request_page', 'dashboard.request_page_of_application',
    'dashboard.faults', 'dashboard.faults_of_application',
    'dashboard.webhooks', 'dashboard.webhooks_of_application',
    'management.delete_connections', 'management.get_connections',
    'management_v3.create_subscription', 'management_v3.delete_subscription',
    'management_v3.get_subscription', 'management_v3.list_subscriptions', 'v2.batch',
    'v2.disconnect', 'v2.get_attributes', 'v2.get_audi_charge', 'v2.get_battery',
    'v2.get_battery_capacity', 'v2.get_charge', 'v2.get_charge_completion_cadillac',
    'v2.get_charge_completion_chevrolet', 'v2.get_charge_completion_tesla',
    'v2.get_charge_limit', 'v2.get_charge_records_bmw', 'v2.get_charge_records_mini',
    'v2.get_charge_schedule_by_location_ford', 'v2.get_charge_schedule_by_location_lincoln',
    'v2.get_engine_oil', 'v2.get_fuel', 'v2.get_location', 'v2.get_lock_status',
    'v2.get_nissan_charge_schedule', 'v2.get_nominal_capacity', 'v2.get_odometer',
    'v2.get_permissions', 'v2.get_service_history', 'v2.get_system_status',
    'v2.get_tesla_alerts', 'v2.get_tesla_amperage', 'v2.get_tesla_attributes',
    'v2.get_tesla_battery', 'v2.get_tesla_billing_records', 'v2.get_tesla_cabin_climate',
    'v2.get_tesla_charge', 'v2.get_tesla_charge_records', 'v2.get_tesla_charge_schedule',
    'v2.get_tesla_compass', 'v2.get_tesla_defroster', 'v2.get_tesla_exterior_temperature',
    'v2.get_tesla_interior_temperature', 'v2.get_tesla_speedometer',
    'v2.get_tesla_steering_heater', 'v2.get_tesla_user_access', 'v2.get_tesla_user_info',
    'v2.get_tesla_virtual_key', 'v2.get_tesla_wattage', 'v2.get_tire_pressure',
    'v2.get_trouble_codes', 'v2.get_user', 'v2.get_vehicles', 'v2.get_vin',
    'v2.get_voltage_cadillac', 'v2.get_voltage_chevrolet', 'v2.get_voltage_tesla',
    'v2.lock_unlock', 'v2.send_destination', 'v2.set_charge_limit',
    'v2.set_charge_schedule_by_location_ford', 'v2.set_charge_schedule_by_location_lincoln',
    'v2.set_nissan_charge_schedule', 'v2.set_nissan_charge_schedule_post',
    'v2.set_tesla_amperage', 'v2.set_tesla_cabin_climate', 'v2.set_tesla_charge_schedule',
    'v2.set_tesla_defroster', 'v2.set_tesla_steering_heater', 'v2.start_stop_charge',
    'v2.subscribe', 'v2.tesla_charge_port_door', 'v2.unsubscribe', 'v3.charge_set_limit',
    'v3.charge_start', 'v3.charge_stop', 'v3.delete_connection', 'v3.delete_user',
    'v3.delete_charge_schedule', 'v3.get_connection', 'v3.get_execution', 'v3.get_signal',
    'v3.get_signals', 'v3.set_daily_charge_schedule', 'v3.set_weekly_charge_schedule',
    'v3.set_workweek_charge_schedule',
    'v3.get_vehicle',
    'v3.list_compatible_vehicles', 'v3.list_connections', 'v3.navigation_set_destination',
    'v3.security_lock',
    'v3.security_unlock',
})


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


def test_the_table_names_every_operation_and_nothing_else() -> None:
    assert {operation.name for operation in OPERATIONS} == NAMES


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

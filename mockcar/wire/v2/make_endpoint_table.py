"""The make-specific rows of the v2.0 endpoint tables
(https://smartcar.com/docs/api-reference/about-brand-specific):
`/{make}/...`, the make lower-case. Which vehicles may call them is the domain's
capability table; these rows say how each renders or acts.
"""

from __future__ import annotations

from typing import Any

from mockcar.domain.vehicles import charging, makes, tesla, units
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.wire.v2 import make_responses as wire_brands
from mockcar.wire.v2 import request_parsing as bodies
from mockcar.wire.v2 import vehicle_responses as wire
from mockcar.wire.v2.context import Context
from mockcar.wire.v2.endpoint_table import Command, Headers, Read, Renderer

_D, _U, _S = Headers.DATA, Headers.UNITS, Headers.STATIC


def _each(makes_: str, tail: str, operation: str, render: Renderer,
          headers: Headers) -> tuple[Read, ...]:
    return tuple(Read(f"/{make}{tail}", f"{operation}_{make}", render, headers)
                 for make in makes_.split())


# -- Tesla commands --------------------------------------------------------------------------


def set_amperage(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    amps = charging.set_amperage(
        vehicle, bodies.number(bodies.field(body, "amperage"), "amperage"), ctx.now)
    return {"status": "success", "message": f"Successfully sent the following amperage: {amps}"}


def set_schedule(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    """Smartcar's docs spell the flag both `enable` and `enabled`; either is read."""
    kind = bodies.field(body, "type")
    enabled = body.get("enabled", body.get("enable"))
    if not isinstance(enabled, bool):
        raise bodies.required("enabled", '"enabled" must be true or false')
    schedule = tesla.set_schedule(vehicle, kind, enabled, body.get("time"), ctx.now)
    return wire_brands.schedule_body(schedule)


def charge_port_door(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    charging.open_charge_port(vehicle, bodies.action(body, ("OPEN", "CLOSE")) == "OPEN",
                              ctx.now)
    return wire.ACTION_SUCCESS


def set_cabin(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    """START, STOP or SET; the temperature is in the request's unit system."""
    action = bodies.action(body, ("START", "STOP", "SET"))
    raw = body.get("temperature")
    if raw is None and action == "SET":
        raise bodies.required("temperature")
    celsius = None
    if raw is not None:
        celsius = units.temperature_to_celsius(bodies.number(raw, "temperature"), ctx.units)
    tesla.set_cabin(vehicle, action, celsius, ctx.now)
    return wire_brands.cabin(vehicle, ctx)


def set_defroster(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    action = bodies.action(body, ("START", "STOP"))
    tesla.set_defroster(vehicle, action == "START", ctx.now)
    return {"status": action}


def set_steering_heater(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    action = bodies.action(body, ("START", "STOP"))
    tesla.set_steering_heater(vehicle, action == "START", ctx.now)
    return {"status": action}


# -- other makes' commands --------------------------------------------------------------------


def set_location_schedule(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    """PUT ?latitude=&longitude=. The body is read in both shapes Smartcar documents:
    flat `{chargeLimit, chargingSchedules}` and `{chargingLocation: {chargeLimit,
    chargingWindows}}`."""
    latitude = bodies.query_number(ctx.query, "latitude", -90, 90)
    longitude = bodies.query_number(ctx.query, "longitude", -180, 180)
    if not isinstance(body, dict):
        raise bodies.required("chargingLocation")
    spot = body.get("chargingLocation", body)
    if not isinstance(spot, dict):
        raise bodies.required("chargingLocation", '"chargingLocation" must be an object')
    windows = spot.get("chargingSchedules", spot.get("chargingWindows")) or {}
    if not isinstance(windows, dict):
        raise bodies.required("chargingSchedules", '"chargingSchedules" must be an object')
    makes.set_location_schedule(vehicle, latitude, longitude, spot.get("chargeLimit"),
                                windows.get("weekday"), windows.get("weekend"), ctx.now)
    return wire.ACTION_SUCCESS


def set_weekly_schedules(vehicle: Vehicle, body: Any, ctx: Context) -> dict[str, Any]:
    schedules = body.get("chargeSchedules") if isinstance(body, dict) else None
    makes.set_weekly_schedules(vehicle, schedules, ctx.now)
    return wire.ACTION_SUCCESS


W = wire_brands

BRAND_READS: tuple[Read, ...] = (
    Read("/tesla/battery", "get_tesla_battery", W.tesla_battery, _U),
    Read("/tesla/charge", "get_tesla_charge", W.tesla_charge, _U),
    Read("/tesla/charge/ammeter", "get_tesla_amperage", W.ammeter, _D),
    *_each("tesla chevrolet cadillac", "/charge/voltmeter", "get_voltage", W.voltmeter, _D),
    Read("/tesla/charge/wattmeter", "get_tesla_wattage", W.wattmeter, _D),
    *_each("tesla chevrolet cadillac", "/charge/completion", "get_charge_completion",
           W.completion, _D),
    Read("/tesla/charge/records", "get_tesla_charge_records", W.charge_records, _D),
    Read("/tesla/charge/records/billing", "get_tesla_billing_records", W.billing_records,
         _D),
    Read("/tesla/charge/schedule", "get_tesla_charge_schedule", W.charge_schedule, _D),
    Read("/tesla/compass", "get_tesla_compass", W.compass, _D),
    Read("/tesla/speedometer", "get_tesla_speedometer", W.speedometer, _U),
    Read("/tesla/thermometer/interior", "get_tesla_interior_temperature", W.interior, _U),
    Read("/tesla/thermometer/exterior", "get_tesla_exterior_temperature", W.exterior, _U),
    Read("/tesla/climate/cabin", "get_tesla_cabin_climate", W.cabin, _U),
    Read("/tesla/climate/defroster", "get_tesla_defroster", W.defroster, _D),
    Read("/tesla/climate/steering_wheel", "get_tesla_steering_heater", W.steering_wheel, _D),
    Read("/tesla/virtual_key", "get_tesla_virtual_key", W.virtual_key, _D),
    Read("/tesla/alerts", "get_tesla_alerts", W.alerts, _D),
    Read("/tesla/attributes", "get_tesla_attributes", W.tesla_attributes, _D),
    Read("/tesla/user/info", "get_tesla_user_info", W.user_info, _S),
    Read("/tesla/user/access", "get_tesla_user_access", W.user_access, _S),
    *_each("bmw mini", "/charge/records", "get_charge_records", W.bmw_records, _D),
    *_each("ford lincoln", "/charge/schedule_by_location", "get_charge_schedule_by_location",
           W.charging_locations, _D),
    Read("/nissan/charge/schedule", "get_nissan_charge_schedule", W.weekly_schedules, _D),
    Read("/audi/charge", "get_audi_charge", W.audi_charge, _U),
)

BRAND_COMMANDS: tuple[Command, ...] = (
    Command("POST", "/tesla/charge/ammeter", "set_tesla_amperage", set_amperage),
    Command("POST", "/tesla/charge/schedule", "set_tesla_charge_schedule", set_schedule),
    Command("POST", "/tesla/charge/charge_port_door", "tesla_charge_port_door",
            charge_port_door),
    Command("POST", "/tesla/climate/cabin", "set_tesla_cabin_climate", set_cabin),
    Command("POST", "/tesla/climate/defroster", "set_tesla_defroster", set_defroster),
    Command("POST", "/tesla/climate/steering_wheel", "set_tesla_steering_heater",
            set_steering_heater),
    *(Command("PUT", f"/{make}/charge/schedule_by_location",
              f"set_charge_schedule_by_location_{make}", set_location_schedule)
      for make in ("ford", "lincoln")),
    Command("PUT", "/nissan/charge/schedule", "set_nissan_charge_schedule",
            set_weekly_schedules),
    Command("POST", "/nissan/charge/schedule", "set_nissan_charge_schedule_post",
            set_weekly_schedules),
)

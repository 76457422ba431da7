"""API v2.0 wire shapes of the make-specific endpoints (field names from Smartcar's
make-specific pages, https://smartcar.com/docs/api-reference/about-brand-specific and the pages
beside it, e.g. https://smartcar.com/docs/api-reference/tesla/get-battery). Distances, speeds and
temperatures follow the request's unit system (`sc-unit-system`); energy, power, current and voltage
do not.
"""

from __future__ import annotations

from typing import Any

from mockcar.domain.vehicles import charging, makes, tesla, units
from mockcar.domain.vehicles.readings import seeded
from mockcar.domain.vehicles.schedules import ScheduleSlot, TeslaSchedule, TimeWindow
from mockcar.domain.vehicles.vehicle import CHARGE_LIMIT_RANGE, Vehicle
from mockcar.wire.v2 import request_parsing as bodies
from mockcar.wire.v2.context import Context
from mockcar.wire.v2.vehicle_responses import number, optional_timestamp, timestamp

# -- Tesla: battery and charge -------------------------------------------------------------


def tesla_battery(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    reading = vehicle.battery()
    cold = tesla.exterior_c(vehicle, ctx.now) < 0

    def distance(km: float) -> float:
        return number(units.distance(km, ctx.units))

    return {
        "percentRemaining": number(reading.percent_remaining, 4),
        "range": distance(reading.range_km),
        "heaterOn": cold and vehicle.is_charging(),
        "rangeEstimated": distance(reading.range_km * 0.93),
        "rangeIdeal": distance(reading.range_km * 1.06),
        "percentRemainingUsable": number(max(0.0, reading.percent_remaining - 0.01), 4),
        "maxRangeChargeCounter": seeded(vehicle, "max-range").randrange(12),
        "notEnoughPowerToHeat": cold and reading.percent_remaining < 0.1,
    }


def tesla_charge(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    reading = vehicle.charge()
    spec = charging.charger(vehicle)
    active = vehicle.is_charging()
    session = charging.session(vehicle)
    amps = charging.amperage(vehicle) if active else 0

    def distance(km: float) -> float:
        return number(units.distance(km, ctx.units))

    return {
        "amperage": amps,
        "completionTime": timestamp(charging.completion(vehicle, ctx.now)) if active else None,
        "wattage": charging.power_kw(vehicle) if active else 0,
        "voltage": spec.voltage if reading.is_plugged_in else 0,
        "isPluggedIn": reading.is_plugged_in,
        "state": reading.state.value,
        "socLimit": vehicle.state.charge_limit,
        "amperageMaxVehicle": 48,
        "socLimitMax": CHARGE_LIMIT_RANGE[1],
        "socLimitMin": CHARGE_LIMIT_RANGE[0],
        "socLimitDefault": 0.8,
        "amperageRequested": vehicle.state.charge_amps or spec.max_amps,
        "energyAdded": session.energy_added_kwh,
        "rangeAddedRated": distance(session.range_added_km),
        "rangeAddedIdeal": distance(session.range_added_km * 1.06),
        "chargeRate": distance(charging.charge_rate_kmh(vehicle)),
        "connector": spec.connector if reading.is_plugged_in else None,
        "fastChargerPresent": False,
        "fastChargerType": None,
        "fastChargerBrand": None,
        "amperageMaxCharger": spec.max_amps,
        "chargePortColor": ("Green" if active else "Blue") if reading.is_plugged_in else "Off",
        "chargePortOpen": reading.is_plugged_in or vehicle.state.charge_port_open,
        "chargePortLatch": "Engaged" if reading.is_plugged_in else "Disengaged",
        "chargerPhases": spec.phases if reading.is_plugged_in else None,
    }


def ammeter(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"amperage": charging.amperage(vehicle)}


def voltmeter(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"voltage": charging.voltage(vehicle)}


def wattmeter(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"wattage": charging.power_kw(vehicle)}


def completion(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"time": timestamp(charging.completion(vehicle, ctx.now))}


def charge_records(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    start = bodies.query_date(ctx.query, "startDate", "start_date")
    end = bodies.query_date(ctx.query, "endDate", "end_date")
    return {"records": [
        {"date": timestamp(r.day), "home": r.home_kwh, "other": r.other_kwh,
         "superCharger": r.supercharger_kwh, "total": r.total_kwh}
        for r in tesla.charge_records(vehicle, start, end, ctx.now)
    ]}


def billing_records(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    start = bodies.query_date(ctx.query, "startDate", "start_date")
    end = bodies.query_date(ctx.query, "endDate", "end_date")
    found, more = tesla.billing_records(vehicle, start, end, bodies.page_number(ctx.query),
                                        ctx.now)
    return {
        "records": [
            {"chargeStart": timestamp(r.start), "chargeEnd": timestamp(r.end),
             "energyConsumed": r.energy_kwh,
             "cost": {"currency": r.currency, "energy": r.energy_cost, "other": r.other_cost},
             "location": r.location, "recordId": r.record_id}
            for r in found
        ],
        "hasMoreData": more,
    }


def charge_schedule(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    vehicle.battery()
    return schedule_body(vehicle.state.tesla_schedule)


def schedule_body(schedule: TeslaSchedule) -> dict[str, Any]:
    def slot(s: ScheduleSlot) -> dict[str, Any]:
        return {"enabled": s.enabled, "time": s.time}

    return {"departureTime": slot(schedule.departure_time), "startTime": slot(schedule.start_time)}


# -- Tesla: motion, climate, account ------------------------------------------------------------


def compass(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    heading = tesla.heading(vehicle)
    return {"heading": heading, "direction": tesla.direction(heading)}


def speedometer(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"speed": number(units.speed(vehicle.speed_kmh(), ctx.units))}


def interior(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"temperature": number(units.temperature(tesla.interior_c(vehicle, ctx.now),
                                                    ctx.units), 1)}


def exterior(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"temperature": number(units.temperature(tesla.exterior_c(vehicle, ctx.now),
                                                    ctx.units), 1)}


def cabin(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"status": "ON" if vehicle.state.climate_on else "OFF",
            "temperature": number(units.temperature(vehicle.state.cabin_target_c, ctx.units), 1)}


def defroster(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"status": "ON" if vehicle.state.defroster_on else "OFF"}


def steering_wheel(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"status": "ON" if vehicle.state.steering_heater_on else "OFF"}


def virtual_key(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"isPaired": vehicle.state.virtual_key_paired}


def alerts(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"alerts": [
        {"name": a.name, "dateTime": timestamp(a.at), "audience": list(a.audience),
         "userText": a.text}
        for a in tesla.alerts(vehicle, ctx.now)
    ]}


def tesla_attributes(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    a = tesla.attributes(vehicle)
    return {
        "id": vehicle.id, "make": vehicle.make, "model": vehicle.model, "year": vehicle.year,
        "firmwareVersion": a.firmware, "trimBadging": a.trim, "nickname": a.nickname,
        "efficiencyPackage": a.efficiency_package, "performancePackage": a.performance_package,
        "driverAssistVersion": a.driver_assist,
        "driveUnit": {"front": a.drive_unit_front, "rear": a.drive_unit_rear},
        "sentryMode": {"available": a.sentry_available, "enabled": a.sentry_enabled},
        "style": {"exteriorColor": a.exterior_color, "exteriorTrim": a.exterior_trim,
                  "interiorTrim": a.interior_trim},
        "wheel": {"diameter": a.wheel_diameter_mm, "style": a.wheel_style},
        "atHome": a.at_home,
    }


def user_info(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"email": ctx.connection.owner_email or None}


def user_access(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"accessType": "OWNER",
            "permissions": list(tesla.tesla_permissions(ctx.connection.permissions))}


# -- other makes -------------------------------------------------------------------------------


def bmw_records(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    start = bodies.query_date(ctx.query, "startDate", "start_date")
    end = bodies.query_date(ctx.query, "endDate", "end_date")
    return {"records": [
        {"chargeStart": timestamp(s.start), "chargeEnd": timestamp(s.end),
         "location": s.location, "energy": s.energy_kwh, "isPublic": s.is_public,
         "startPercentRemaining": s.start_level, "endPercentRemaining": s.end_level,
         "chargingType": s.charging_type}
        for s in makes.charge_sessions(vehicle, start, end, ctx.now)
    ]}


def _windows(windows: tuple[TimeWindow, ...]) -> list[dict[str, str]]:
    return [{"start": w.start, "end": w.end} for w in windows]


def charging_locations(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    return {"chargingLocations": [
        {"chargeLimit": spot.charge_limit,
         "chargingSchedules": {"weekday": _windows(spot.weekday),
                               "weekend": _windows(spot.weekend)},
         "location": {"latitude": spot.latitude, "longitude": spot.longitude}}
        for spot in makes.charging_locations(vehicle)
    ]}


def weekly_schedules(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    vehicle.battery()
    return {"chargeSchedules": [
        {"start": s.start, "end": s.end, "days": list(s.days)}
        for s in vehicle.state.weekly_schedules
    ]}


def audi_charge(vehicle: Vehicle, ctx: Context) -> dict[str, Any]:
    c = makes.audi_charge(vehicle, ctx.now)
    return {
        "chargingStatus": c.status, "isPluggedIn": c.plugged_in, "wattage": c.power_kw,
        "chargeRate": number(units.distance(c.rate_kmh, ctx.units), 1),
        "chargeType": c.charge_type, "chargePortColor": c.port_color,
        "chargePortLatch": c.port_latch, "completionTime": optional_timestamp(c.completion),
        "chargeMode": "manual", "socLimit": c.soc_limit, "externalPowerStatus": c.external_power,
    }

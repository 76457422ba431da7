"""One vehicle's page (`/vehicles/{vehicle_id}`, by id or VIN): its gauges (battery or
fuel and range, charging, odometer, lock, doors, windows and trunk, tire pressures, oil
life), an offline map of its position and routes, its timeline with play, pause and
next stage, a form for every signal that can be set by hand, the endpoints it answers
with their estimated latency, the applications connected to it (with revoke), the
fault rules that reach it and the webhooks that report it.

The page is rendered here from the same functions the control API answers with
(mockcar.web.control.vehicle_detail); its script (vehicle.js) keeps it live from the
World's stream, whose events carry what those routes answer
(mockcar.web.control.world_stream), and does every action through them, so the page
holds no state of its own.

Quantities are metric as in the domain; a US vehicle's distances and pressures also show
in miles and psi (its owner's units). Levels show as percentages.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.connect.brands import make_name
from mockcar.domain.vehicles.readings import LOW_TIRE_KPA
from mockcar.domain.vehicles.vehicle import DOORS, Vehicle
from mockcar.domain.world.faults import Fault
from mockcar.domain.world.world import World
from mockcar.web.control import responses as wire
from mockcar.web.control import vehicle_detail as detail
from mockcar.web.dashboard import faults_page, layout, vehicle_map

KM_PER_MILE = 1.609344
KPA_PER_PSI = 6.894757
NAMES = {"frontLeft": "front left", "frontRight": "front right", "backLeft": "back left",
         "backRight": "back right", "rear": "trunk", "front": "frunk / hood",
         "sunroof": "sunroof", "chargingPort": "charge port"}
CHARGE_STATES = {"CHARGING": "Charging", "FULLY_CHARGED": "Fully charged",
                 "NOT_CHARGING": "Not charging"}
KINDS = {"parked": "Parked", "driving": "Driving", "charging": "Charging",
         "asleep": "Asleep"}
DELIVERIES_SHOWN = 10


def _whole(value: float) -> int:
    """Rounded half up, as the page's script (Math.round) rounds: Python's round() and
    format() round half to even, and the stream's first readings would redraw 12.5 % as
    13 % after 12 %."""
    return math.floor(value + 0.5)


def _number(value: float) -> str:
    return f"{_whole(value):,d}"


def percent(fraction: float) -> str:
    return f"{_whole(fraction * 100):d} %"


def distance(km: float, imperial: bool) -> str:
    text = f"{_number(km)} km"
    return f"{text} · {_number(km / KM_PER_MILE)} mi" if imperial else text


def pressure(kpa: float, imperial: bool) -> str:
    text = f"{_number(kpa)} kPa"
    return f"{text} · {kpa / KPA_PER_PSI:.1f} psi" if imperial else text


def moment(iso: str) -> str:
    """A control API time (ISO 8601, UTC) as the page shows it: to the second, "UTC"."""
    return iso[:19].replace("T", " ") + " UTC"


def _opened(openings: list[dict[str, str]]) -> str:
    found = [NAMES.get(o["type"], o["type"]) for o in openings if o["status"] == "OPEN"]
    return "Open: " + ", ".join(found) if found else "All closed"


def texts(read: dict[str, Any], imperial: bool) -> dict[str, str]:
    """Every value the page shows, by the key its element carries (`data-r`); vehicle.js
    builds the same keys from the same readings."""
    shown: dict[str, str] = {}
    battery, fuel, charge = read["battery"], read["fuel"], read["charge"]
    if battery is not None:
        shown["battery.percent"] = percent(battery["percent_remaining"])
        shown["battery.range"] = distance(battery["range_km"], imperial)
    if fuel is not None:
        shown["fuel.percent"] = percent(fuel["percent_remaining"])
        shown["fuel.range"] = distance(fuel["range_km"], imperial)
    if charge is not None:
        shown["charge.state"] = CHARGE_STATES.get(charge["state"], charge["state"])
        shown["charge.plug"] = "Plugged in" if charge["is_plugged_in"] else "Unplugged"
        shown["charge.power"] = f"{charge['power_kw']:.1f} kW"
        shown["charge.limit"] = percent(charge["charge_limit"])
        port = read["security"]["charging_port"]
        shown["charge.port"] = "port " + ("open" if port and port[0]["status"] == "OPEN"
                                          else "closed")
    shown["odometer"] = distance(read["odometer_km"], imperial)
    where = read["location"]
    shown["position"] = f"{where['latitude']:.5f}, {where['longitude']:.5f}"
    heading = read["heading"]
    shown["heading"] = "–" if heading is None else f"{_whole(heading):d}°"
    speed = read["speed_kmh"]
    shown["motion"] = (f"Driving at {_number(speed)} km/h" if read["moving"] else "Parked") + (
        " · asleep" if read["asleep"] else "")
    security = read["security"]
    shown["lock"] = "Locked" if security["is_locked"] else "Unlocked"
    shown["doors"] = _opened(security["doors"])
    shown["windows"] = _opened(security["windows"] + security["sunroof"])
    shown["storage"] = _opened(security["storage"])
    for key, kpa in read["tire_pressures_kpa"].items():
        low = " (low)" if kpa < LOW_TIRE_KPA else ""
        shown["tires." + key] = pressure(kpa, imperial) + low
    shown["oil"] = "–" if read["oil_life"] is None else percent(read["oil_life"])
    if read["virtual_key_paired"] is not None:
        shown["virtual_key"] = "Paired" if read["virtual_key_paired"] else "Not paired"
    shown["data_at"] = moment(read["data_at"])
    return shown


def stage_text(stage: dict[str, Any]) -> str:
    """One stage as a line: what, how far or how strong, and when (World time, UTC)."""
    parts = [KINDS.get(stage["kind"], stage["kind"])]
    if stage["kind"] == "driving":
        parts.append(f"{stage['distance_km']:.1f} km at {_whole(stage['speed_kmh'] or 0):d} km/h")
    if stage["kind"] == "charging" and stage["power_kw"]:
        parts.append(f"{stage['power_kw']:g} kW charger")
    start = stage["starts_at"][11:16]
    end = stage["ends_at"][11:16] if stage["ends_at"] else "on"
    parts.append(f"{start}–{end} UTC")
    return " · ".join(parts)


def _faults(world: World, vehicle: Vehicle) -> list[dict[str, Any]]:
    """The fault rules that can reach this vehicle: naming it or its make, or any car;
    each with how often it fires, in words (`when`), as the Faults page says it."""
    def reaches(rule: Fault) -> bool:
        return (rule.vehicle_id in (None, vehicle.id)
                and (rule.make is None or rule.make.upper() == vehicle.make.upper()))
    shown = [wire.fault(rule) for rule in world.faults if reaches(rule)]
    return [rule | {"when": faults_page.when(rule)} for rule in shown]


def _find(world: World, vehicle_id: str) -> Vehicle:
    found = world.vehicles.get(vehicle_id) or world.vehicle_by_vin(vehicle_id.upper())
    if found is None:
        raise layout.PageError(404, f"No vehicle {vehicle_id!r} in this World; the "
                               "Vehicles page lists them.")
    return found


def _routes(timeline: dict[str, Any]) -> tuple[list[list[tuple[float, float]]],
                                                list[tuple[float, float]]]:
    routes = [[(p[0], p[1]) for p in stage["route"]] for stage in timeline["stages"]
              if stage["route"]]
    # Where it stops: a stage's own place, and each drive's ends (a parked or charging
    # stage after a drive is where that drive ended, and carries no place of its own).
    places = [(stage["location"][0], stage["location"][1]) for stage in timeline["stages"]
              if stage["location"]] + [end for route in routes for end in (route[0], route[-1])]
    stops = list(dict.fromkeys((round(lat, 5), round(lon, 5)) for lat, lon in places))
    return routes, stops


async def vehicle_page(request: Request) -> Response:
    shown = layout.view(request)
    world = shown.world
    vehicle = _find(world, request.path_params["vehicle_id"])
    now: datetime = world.now()
    read = detail.readings_of(vehicle, now)
    timeline = detail.timeline_of(vehicle, now)
    imperial = vehicle.region.value == "US"
    routes, stops = _routes(timeline)
    car = (read["location"]["latitude"], read["location"]["longitude"])
    owner = world.owner_of(vehicle.id)
    title = f"{vehicle.year} {make_name(vehicle.make)} {vehicle.model}"
    return layout.render(request, "dashboard/vehicle.html", {
        "vehicle": vehicle, "owner": owner, "make": make_name(vehicle.make),
        "read": read, "shown": texts(read, imperial), "imperial": imperial,
        "timeline": timeline, "stages": [(s, stage_text(s)) for s in timeline["stages"]],
        "latencies": detail.latencies_of(world, vehicle),
        "connections": detail.connections_of(world, vehicle)["connections"],
        "webhooks": detail.webhooks_of(world, vehicle, DELIVERIES_SHOWN),
        "faults": _faults(world, vehicle),
        "maps": vehicle_map.maps(vehicle.region.value, car, routes, stops),
        "doors": DOORS, "names": NAMES, "low_tire_kpa": LOW_TIRE_KPA, "moment": moment,
        "control": shown.control(f"/vehicles/{vehicle.id}"),
    }, title=title, active="vehicles", page_view=shown)

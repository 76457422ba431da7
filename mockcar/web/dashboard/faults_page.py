"""Faults (`/faults`): the World's fault rules, and a form that adds one — a Smartcar
error from the catalogue (mockcar.errors.CATALOG, https://smartcar.com/docs/errors/api-errors),
matched by method, endpoint, vehicle and make, always, a number of times, with a
probability, and/or inside a window of the World's clock. Adding and removing are the
control API's `POST …/faults` and `POST …/faults/{id}/delete` (faults.js)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.connect.brands import make_name
from mockcar.errors import CATALOG
from mockcar.web import v2
from mockcar.web.control import responses as wire
from mockcar.web.dashboard import layout
from mockcar.web.dashboard.vehicle_names import vehicle_label

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
VEHICLES_LISTED = 200  # vehicle ids offered in the form's suggestions


def catalogue() -> list[tuple[str, list[dict[str, Any]]]]:
    """Every catalogued error by type: (type, [{value, label, status}])."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (error_type, code), spec in CATALOG.items():
        groups[error_type].append({
            "value": f"{error_type}:{code or ''}",
            "label": f"{error_type} · {code}" if code else f"{error_type} (no code)",
            "status": spec.status, "description": spec.description,
        })
    return sorted(groups.items())


# API v3's paths below the vehicle id, as a rule names them (a rule matches v2 and v3
# requests alike: `/` is a vehicle's attributes in both).
V3_ENDPOINTS = ("/signals", "/signals/*", "/commands/*", "/charge-schedules/*")


def endpoints() -> list[str]:
    """The endpoints a rule may name: API v2's and v3's vehicle paths below the vehicle
    id, and the user-level `/vehicles` and `/user`."""
    paths = {path or "/" for _, path in v2.VEHICLE_ENDPOINTS if "{" not in path}
    return sorted(paths | {"/vehicles", "/user", *V3_ENDPOINTS})


def when(rule: dict[str, Any]) -> list[str]:
    """How often a rule fires, in words."""
    parts = []
    if rule["times"] is not None:
        left = max(0, rule["times"] - rule["hits"])
        parts.append(f"{rule['times']} time{'s' if rule['times'] != 1 else ''} ({left} left)")
    if rule["probability"] < 1:
        parts.append(f"{round(rule['probability'] * 100, 1):g} % of matching requests")
    if rule["start"] or rule["end"]:
        parts.append(f"from {rule['start'] or 'any time'} until {rule['end'] or 'open'}")
    return parts or ["every matching request"]


async def faults(request: Request) -> Response:
    shown = layout.view(request)
    world = shown.world
    rules = [wire.fault(rule) for rule in world.faults]
    statuses = {f"{t}:{c or ''}": spec.status for (t, c), spec in CATALOG.items()}
    listed = [{"rule": rule, "when": when(rule),
               "status": statuses.get(f"{rule['type']}:{rule['code'] or ''}"),
               "make": make_name(rule["make"]) if rule["make"] else None,
               "vehicle": vehicle_label(world, rule["vehicle_id"])} for rule in rules]
    vehicles: list[tuple[str, str]] = []  # (id, "2022 Tesla Model 3")
    for vehicle_id in world.vehicles:
        if len(vehicles) == VEHICLES_LISTED:
            break
        vehicles.append((vehicle_id, vehicle_label(world, vehicle_id) or vehicle_id))
    return layout.render(request, "dashboard/faults.html", {
        "rules": listed, "catalogue": catalogue(), "endpoints": endpoints(),
        "methods": METHODS, "vehicles": vehicles,
        "makes": sorted(((m, make_name(m)) for m in world.vehicles.makes()),
                        key=lambda pair: pair[1]),
    }, title="Faults", active="faults", page_view=shown)

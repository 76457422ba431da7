"""Vehicles (`/vehicles`): the World's vehicles, filtered, searched and paged on the
server (mockcar.domain.world.vehicle_listing, the control API's `GET …/vehicles` with the
same parameters), each with a one-line state the page's script (vehicles.js) keeps live
from the World's stream (`GET …/stream?vehicles=<the page's ids>`, whose states event lists
them as that listing does)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.connect.brands import make_name
from mockcar.domain.vehicles.vehicle import REGION_NAMES
from mockcar.domain.world import vehicle_listing
from mockcar.web.control import responses as wire
from mockcar.web.dashboard import layout

PAGE_SIZE = 50
POWERTRAINS = (("BEV", "Electric (BEV)"), ("PHEV", "Plug-in hybrid (PHEV)"),
               ("HEV", "Hybrid (HEV)"), ("ICE", "Combustion (ICE)"))
REGIONS = tuple(REGION_NAMES.items())
QUERY: tuple[tuple[str, str], ...] = (
    ("q", "search: a vehicle id, VIN or owner email, or words of make, model, year"),
    ("make", "make id (FORD)"), ("powertrain", "BEV, PHEV, HEV or ICE"),
    ("region", "US, CA or EUROPE"), ("page", "page number, from 1"),
)


def state_line(shown: dict[str, Any]) -> list[tuple[str, str]]:
    """The one-line state as (text, tone) badges: battery or fuel, charging, locked,
    moving. vehicles.js draws the same from the same fields (`stateLine`)."""
    state = shown["state"]
    parts: list[tuple[str, str]] = []
    battery, fuel = state.get("battery_level"), state.get("fuel_level")
    if battery is not None:
        tone = "error" if battery < 0.15 else "warn" if battery < 0.3 else "ok"
        parts.append((f"Battery {round(battery * 100)} %", tone))
    if fuel is not None:
        tone = "error" if fuel < 0.1 else "warn" if fuel < 0.2 else "ok"
        parts.append((f"Fuel {round(fuel * 100)} %", tone))
    # As the API's charge state reads it (mockcar.domain.vehicles.vehicle.Vehicle.charge):
    # plugged in at or above the charge limit is full, whatever the charging flag says.
    limit = state.get("charge_limit")
    if state.get("plugged_in") and battery is not None and limit is not None and battery >= limit:
        parts.append(("Fully charged", "ok"))
    elif state.get("charging") and state.get("plugged_in"):
        parts.append(("Charging", "info"))
    elif state.get("plugged_in"):
        parts.append(("Plugged in", "plain"))
    parts.append(("Locked", "plain") if state.get("locked") else ("Unlocked", "warn"))
    if state.get("moving"):
        speed = state.get("speed_kmh")
        parts.append((f"Moving {round(speed)} km/h" if speed else "Moving", "info"))
    else:
        parts.append(("Parked", "plain"))
    return parts


def _page_number(raw: str | None) -> int:
    return int(raw) if raw is not None and raw.isdigit() and 0 < int(raw) < 10**7 else 1


async def vehicles(request: Request) -> Response:
    shown = layout.view(request)
    world = shown.world
    params = request.query_params
    filters = {name: (params.get(name) or "").strip()
               for name in ("q", "make", "powertrain", "region")}
    page = _page_number(params.get("page"))
    query = vehicle_listing.VehicleQuery(
        text=filters["q"], make=filters["make"] or None,
        powertrain=filters["powertrain"] or None, region=filters["region"] or None)
    offset = (page - 1) * PAGE_SIZE
    found = vehicle_listing.find(world, query, offset, PAGE_SIZE)
    now = world.now()
    rows = []
    for vehicle_id in found.ids:
        vehicle = vehicle_listing.peek(world, vehicle_id)
        if vehicle is None:
            continue
        body = wire.vehicle(vehicle.at(now), world.owner_of(vehicle_id))
        rows.append({"vehicle": body, "make": make_name(body["make"]),
                     "href": shown.page("/vehicles/" + vehicle_id),
                     "state": state_line(body)})
    active = {k: v for k, v in filters.items() if v}
    pages = max(1, -(-found.total // PAGE_SIZE))

    def link(number: int) -> str:
        return shown.page("/vehicles") + "?" + urlencode({**active, "page": number})

    # The control API's listing of this same page, which the script reads to keep the
    # state column live.
    listing = shown.control("/vehicles") + "?" + urlencode(
        {**active, "offset": offset, "limit": PAGE_SIZE})
    makes = sorted(world.vehicles.makes(), key=make_name)
    return layout.render(request, "dashboard/vehicles.html", {
        "rows": rows, "total": found.total, "filters": filters, "filtered": bool(active),
        "first": offset + 1 if rows else 0, "last": offset + len(rows),
        "page": page, "pages": pages,
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
        # A page past the end (an old link, a fleet that shrank): where the last one is.
        "last_page": link(pages),
        "makes": [(make, make_name(make)) for make in makes],
        "powertrains": POWERTRAINS, "regions": REGIONS, "listing": listing,
    }, title="Vehicles", active="vehicles", page_view=shown)

"""Add vehicle (`/vehicles/new`): Smartcar's Vehicle Simulator flow
(https://smartcar.com/docs/getting-started/dashboard/simulator) over the control API's
`POST …/vehicles` (mockcar.web.control.vehicle_creation): region → make → model → year
from mockcar's catalog, or a VIN; powertrain; a starting state or trip profile; an owner;
connected to an application (the page then shows the tokens) or not (it shows the
credentials and a link opening Connect at the vehicle's brand).

The page only lays the choices out: the catalog rides on `data-*` attributes the page's
script filters by, and the script sends the one control call."""

from __future__ import annotations

from itertools import islice
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.connect.brands import make_key, make_name
from mockcar.domain.vehicles.compatibility import VehicleCatalog
from mockcar.domain.world import vehicle_listing
from mockcar.domain.world.records import Application
from mockcar.domain.world.world import World
from mockcar.web.dashboard import layout
from mockcar.web.dashboard.start import DEMO_SCOPE
from mockcar.web.dashboard.vehicles import POWERTRAINS, REGIONS

OWNERS_LISTED = 50
# What the form starts at (Smartcar's simulator page shows an EV first).
DEFAULT_MAKE, DEFAULT_MODEL = "TESLA", "Model 3"

# (value, label, what it means, timeline profile or None, plug-in battery needed)
STARTS: tuple[tuple[str, str, str, str | None, bool], ...] = (
    ("parked", "Parked", "Stays where it is; asleep at night.", "parked", False),
    ("charging", "Charging", "Plugged in, charging from now on.", None, True),
    ("commute", "Commute", "Drives to work and back on weekdays.", "commute", False),
    ("road_trip", "Road trip", "A long drive with stops.", "road_trip", False),
    ("overnight_charge", "Overnight charge", "Plugs in at home every evening.",
     "overnight_charge", True),
)


def connect_base(application: Application) -> str:
    """Connect in simulated mode for `application`; the script adds `make`."""
    return "/oauth/authorize?" + urlencode({
        "response_type": "code", "client_id": application.client_id,
        "redirect_uri": application.redirect_uris[0], "scope": DEMO_SCOPE,
        "mode": "simulated", "state": "from-mockcar-add-vehicle",
    })


def _catalog(catalog: VehicleCatalog) -> dict[str, Any]:
    makes: dict[str, set[str]] = {}
    for line in catalog.models:
        makes.setdefault(line.make, set()).update(line.regions)
    return {
        "makes": [{"id": make, "name": make_name(make), "key": make_key(make),
                   "regions": " ".join(sorted(regions))}
                  for make, regions in sorted(makes.items(), key=lambda i: make_name(i[0]))],
        "models": [{"make": line.make, "model": line.model, "powertrain": line.powertrain,
                    "first": line.years[0], "last": line.years[1],
                    "regions": " ".join(sorted(line.regions))}
                   for line in sorted(catalog.models, key=lambda m: (m.make, m.model))],
        # WMI -> make key, "1FT=FORD 5YJ=TESLA ...": what the script shows a VIN decodes to.
        "wmis": " ".join(f"{wmi}={make_key(make)}" for wmi, make in sorted(catalog.wmis.items())),
    }


def usual_region(world: World) -> str:
    """The region most of the World's vehicles are in (US when none), where the form
    starts: a European fleet's World adds European cars. Counted by the listing's scans,
    a few milliseconds on a 100,000-vehicle fleet."""
    counts = {region: vehicle_listing.find(world, vehicle_listing.VehicleQuery(
        region=region), 0, 0).total for region, _ in REGIONS}
    return max(REGIONS, key=lambda item: (counts[item[0]], item[0] == "US"))[0]


async def add_vehicle(request: Request) -> Response:
    shown = layout.view(request)
    world = shown.world
    listed = (owner for owner in world.owners.values() if not owner.generated)
    return layout.render(request, "dashboard/add_vehicle.html", {
        **_catalog(request.app.state.vehicle_catalog),
        "default_make": DEFAULT_MAKE, "default_model": DEFAULT_MODEL,
        "default_region": usual_region(world), "regions": REGIONS,
        "powertrains": POWERTRAINS, "starts": STARTS,
        "applications": [{"app": app, "connect": connect_base(app)}
                         for app in world.applications.values()],
        "owners": [owner.email for owner in islice(listed, OWNERS_LISTED)],
    }, title="Add vehicle", active="vehicles", page_view=shown)

"""Smartcar's Vehicle Simulator cars (https://smartcar.com/docs/getting-started/dashboard/simulator):
created by powertrain (BEV, ICE, HEV, PHEV) and a name, they show as make `Simulated`
and their powertrain as model ("2023 Simulated BEV"), the name is the
`VehicleIdentification.Nickname` signal, and unless created without a connection they are
connected straight away, every compatible permission granted.

mockcar makes one from a scenario vehicle with a `simulator` entry or the control API's
vehicle creation: the drawn vehicle keeps its drawn state (levels, place, odometer) and
takes the simulator's make, model, year and name; it answers every general endpoint its
powertrain has, whatever Smartcar serves for real makes (the test-mode level
`compatible`). Smartcar does not say which year its simulator cars carry; mockcar uses
2023, its page's example, unless the scenario gives one.
"""

from __future__ import annotations

from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Connection, Owner, World

MAKE = "Simulated"
YEAR = 2023
MODE = "simulated"


def simulate(vehicle: Vehicle, nickname: str, year: int | None = None) -> Vehicle:
    """Make `vehicle` a simulator car named `nickname` (in place; returned)."""
    vehicle.make = MAKE
    vehicle.model = str(vehicle.powertrain)
    vehicle.year = year or YEAR
    vehicle.nickname = nickname
    vehicle.test_level = "compatible"
    return vehicle


def connect(world: World, owner: Owner, vehicle: Vehicle,
            client_id: str | None = None) -> Connection | None:
    """Connect a new simulator car to `client_id` (default: the World's first
    application) with every permission; None when the World has no application."""
    chosen = client_id or next(iter(world.applications), None)
    if chosen is None:
        return None
    return world.connect(chosen, owner, [vehicle.id], sorted(PERMISSIONS), MODE)

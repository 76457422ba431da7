"""A vehicle as the dashboard names it in a list: "2022 Tesla Model 3" (the make by name,
as people write it), for the requests monitor, the webhooks and the faults pages."""

from __future__ import annotations

from collections.abc import Iterable

from mockcar.domain.connect.brands import make_name
from mockcar.domain.world.world import World


def vehicle_label(world: World, vehicle_id: str | None) -> str | None:
    """The name of a vehicle of `world`; None for none, or an id the World does not have."""
    if vehicle_id is None or vehicle_id not in world.vehicles:
        return None
    vehicle = world.vehicles[vehicle_id]
    return f"{vehicle.year} {make_name(vehicle.make)} {vehicle.model}"


def vehicle_labels(world: World, vehicle_ids: Iterable[str]) -> dict[str, str]:
    """The name of each id that is one of the World's vehicles."""
    labels = {}
    for vehicle_id in vehicle_ids:
        label = vehicle_label(world, vehicle_id)
        if label is not None:
            labels[vehicle_id] = label
    return labels

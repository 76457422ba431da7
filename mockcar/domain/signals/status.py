"""The bodies of the v3 signals about the car's connection, account, climate, gears and
configuration: ConnectivityStatus, ConnectivitySoftware, VehicleUserAccount,
Surveillance, Climate, Transmission, Closure.Tailgate and VehicleIdentification's trim
and packages (the groups of https://smartcar.com/docs/api-reference/signals/schema, each
on its page under https://smartcar.com/docs/api-reference/signals/).

Where the vehicle state has a meaning for a signal it is read from there: asleep and
online from the timeline's sleep (what API v2's VEHICLE_STATE ASLEEP follows), the
digital key from Tesla's virtual key, temperatures from the same weather and cabin model
as Tesla's v2 thermometers, the gear from whether the car moves, the tailgate from the
rear opening. What the state does not hold (firmware, the OEM account's role and
permissions, drive mode, trim, packages) is drawn from the vehicle's seed, so it stays
the same across reads; Tesla's draw the very attributes its v2 /tesla/attributes shows.

Smartcar's pages name these signals without drawing every body; mockcar writes
`{value}` for a single value, `{values: [...]}` for a list and `{unit, value}` for a
measure, as the neighbouring documented signals do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockcar.domain.signals.charge import unit, value
from mockcar.domain.vehicles import readings, tesla
from mockcar.domain.vehicles.vehicle import Vehicle, not_capable

PICKUPS = frozenset({"F-150", "F-150 Lightning", "Silverado", "Silverado EV", "Cybertruck",
                     "R1T", "Sierra", "Sierra EV", "1500", "Ranger", "Tacoma", "Tundra",
                     "Hummer EV Pickup", "Colorado", "Frontier", "Ridgeline", "Gladiator"})


def _tesla(v: Vehicle) -> bool:
    return v.make.upper() == "TESLA"


# -- ConnectivityStatus, ConnectivitySoftware ---------------------------------------------


def is_online(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(not v.state.asleep)


def is_asleep(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(v.state.asleep)


def digital_key_paired(v: Vehicle, now: datetime) -> dict[str, Any]:
    """Tesla's virtual key (what its commands need); other makes pair none."""
    return value(v.state.virtual_key_paired if _tesla(v) else False)


def firmware(v: Vehicle, now: datetime) -> dict[str, Any]:
    if _tesla(v):
        return value(tesla.attributes(v).firmware.split(" ")[0])
    rng = readings.seeded(v, "firmware")
    return value(f"{v.year % 100}.{rng.randrange(1, 12)}.{rng.randrange(0, 40)}")


# -- VehicleUserAccount ------------------------------------------------------------------

_OEM_PERMISSIONS = ("REMOTE_COMMANDS", "VEHICLE_DATA", "LOCATION", "CHARGING")
_TESLA_SCOPES = ("vehicle_device_data", "vehicle_location", "vehicle_cmds",
                 "vehicle_charging_cmds")


def account_permissions(v: Vehicle, now: datetime) -> dict[str, Any]:
    """What the owner's OEM account allows: Tesla's Fleet API scopes for a Tesla."""
    granted: tuple[str, ...] = _TESLA_SCOPES if _tesla(v) else _OEM_PERMISSIONS
    rng = readings.seeded(v, "oem-permissions")
    # A secondary account may lack remote commands.
    if _role(v) == "SECONDARY" and rng.random() < 0.5:
        granted = granted[:1] + granted[2:]
    return {"values": list(granted)}


def _role(v: Vehicle) -> str:
    return "SECONDARY" if readings.seeded(v, "oem-role").random() < 0.15 else "PRIMARY"


def role(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(_role(v))


# -- Surveillance ------------------------------------------------------------------------


def surveillance_enabled(v: Vehicle, now: datetime) -> dict[str, Any]:
    """Tesla's Sentry Mode, as its v2 attributes draw it; no other make reports one."""
    if not _tesla(v):
        raise not_capable(v, "reports no surveillance system")
    return value(tesla.attributes(v).sentry_enabled)


def surveillance_brand(v: Vehicle, now: datetime) -> dict[str, Any]:
    if not _tesla(v):
        raise not_capable(v, "reports no surveillance system")
    return value("Sentry Mode")


# -- Climate, Transmission ---------------------------------------------------------------


def exterior(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit("celsius", tesla.exterior_c(v, now))


def interior(v: Vehicle, now: datetime) -> dict[str, Any]:
    return unit("celsius", tesla.interior_c(v, now))


def gear(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value("DRIVE" if v.state.moving else "PARK")


def drive_mode(v: Vehicle, now: datetime) -> dict[str, Any]:
    return value(readings.seeded(v, "drive-mode").choice(("NORMAL", "NORMAL", "ECO", "SPORT")))


# -- Closure.Tailgate, VehicleIdentification ------------------------------------------------


def tailgate(v: Vehicle, now: datetime) -> dict[str, Any]:
    """A pickup's rear opening is its tailgate (no other body has one)."""
    if v.model not in PICKUPS:
        raise not_capable(v, "has no tailgate")
    return {"isOpen": "rear" in v.storage_open, "isLocked": v.state.locked}


def trim(v: Vehicle, now: datetime) -> dict[str, Any]:
    if _tesla(v):
        return value(tesla.attributes(v).trim)
    return value(readings.seeded(v, "trim").choice(("Base", "SE", "Limited", "Premium")))


def packages(v: Vehicle, now: datetime) -> dict[str, Any]:
    if _tesla(v):
        extra = tesla.attributes(v)
        return {"values": [extra.efficiency_package, extra.performance_package,
                           extra.driver_assist]}
    rng = readings.seeded(v, "packages")
    return {"values": sorted(rng.sample(("Cold Weather", "Technology", "Towing", "Premium Audio",
                                         "Driver Assistance"), rng.randrange(0, 3)))}

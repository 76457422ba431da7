"""Smartcar permissions (https://smartcar.com/docs/api-reference/permissions) and the Connect
`scope` syntax."""

from __future__ import annotations

from dataclasses import dataclass

READ_PERMISSIONS: tuple[str, ...] = (
    "read_alerts", "read_battery", "read_charge", "read_charge_locations",
    "read_charge_records", "read_charge_events", "read_climate", "read_compass",
    "read_diagnostics", "read_engine_oil", "read_extended_vehicle_info", "read_fuel",
    "read_location", "read_odometer", "read_security", "read_service_history",
    "read_speedometer", "read_thermometer", "read_tires", "read_user_profile",
    "read_vehicle_info", "read_vin",
)
CONTROL_PERMISSIONS: tuple[str, ...] = (
    "control_charge", "control_climate", "control_navigation", "control_security",
    "control_pin", "control_trunk",
)
PERMISSIONS: frozenset[str] = frozenset(READ_PERMISSIONS + CONTROL_PERMISSIONS)

# What an application is granted when its Connect URL carries no scope: Smartcar then
# uses the Dashboard's "Vehicle Access" configuration; the demo app's is the basics.
DEFAULT_SCOPE: tuple[str, ...] = (
    "read_vehicle_info", "read_vin", "read_odometer", "read_location",
)

REQUIRED_PREFIX = "required:"

# Shown on the Connect permissions page.
DESCRIPTIONS: dict[str, str] = {
    "read_alerts": "Vehicle alerts",
    "read_battery": "EV battery level, range and capacity",
    "read_charge": "Charging status and charge limit",
    "read_charge_locations": "Saved charging locations",
    "read_charge_records": "Charging records",
    "read_charge_events": "Charging events",
    "read_climate": "Climate settings",
    "read_compass": "Heading",
    "read_diagnostics": "Diagnostics and trouble codes",
    "read_engine_oil": "Engine oil life",
    "read_extended_vehicle_info": "Vehicle configuration",
    "read_fuel": "Fuel tank level and range",
    "read_location": "Location",
    "read_odometer": "Odometer",
    "read_security": "Lock status, doors and windows",
    "read_service_history": "Service records",
    "read_speedometer": "Speed",
    "read_thermometer": "Temperatures",
    "read_tires": "Tire pressure",
    "read_user_profile": "Account profile",
    "read_vehicle_info": "Make, model and year",
    "read_vin": "VIN",
    "control_charge": "Start and stop charging, set the charge limit",
    "control_climate": "Change climate settings",
    "control_navigation": "Send a destination",
    "control_security": "Lock and unlock",
    "control_pin": "PIN to drive",
    "control_trunk": "Open the trunk",
}


@dataclass(frozen=True)
class RequestedScope:
    """A parsed Connect `scope`: every permission asked for, and those marked `required:`."""

    permissions: tuple[str, ...]
    required: frozenset[str]
    unknown: tuple[str, ...]

    @classmethod
    def parse(cls, raw: str | None) -> RequestedScope:
        if not raw or not raw.split():
            return cls(DEFAULT_SCOPE, frozenset(), ())
        permissions: list[str] = []
        required: set[str] = set()
        unknown: list[str] = []
        for item in raw.split():
            name = item.removeprefix(REQUIRED_PREFIX)
            if name not in PERMISSIONS:
                unknown.append(name)
                continue
            if item.startswith(REQUIRED_PREFIX):
                required.add(name)
            if name not in permissions:
                permissions.append(name)
        return cls(tuple(permissions), frozenset(required), tuple(unknown))

    def grantable(self, chosen: set[str] | frozenset[str]) -> tuple[str, ...]:
        """The permissions granted when the owner keeps `chosen`: required ones always."""
        return tuple(p for p in self.permissions if p in chosen or p in self.required)

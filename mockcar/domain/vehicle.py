"""A simulated vehicle: what it is (make, model, powertrain) and what it reads now.

Quantities are metric and fractions are 0–1, as the domain's one convention; the web layer
converts units on the way out. Readings raise `SmartcarError` when the vehicle cannot
answer (an ICE car has no EV battery), so every API version renders the same refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from mockcar.errors import SmartcarError


class Powertrain(StrEnum):
    BEV = "BEV"
    PHEV = "PHEV"
    HEV = "HEV"
    ICE = "ICE"

    @property
    def has_battery(self) -> bool:
        """A plug-in high-voltage battery, the one Smartcar's /battery reports."""
        return self in (Powertrain.BEV, Powertrain.PHEV)

    @property
    def has_fuel(self) -> bool:
        return self is not Powertrain.BEV


class Region(StrEnum):
    US = "US"
    CA = "CA"
    EUROPE = "EUROPE"


class ChargeState(StrEnum):
    CHARGING = "CHARGING"
    FULLY_CHARGED = "FULLY_CHARGED"
    NOT_CHARGING = "NOT_CHARGING"


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Battery:
    percent_remaining: float
    range_km: float


@dataclass(frozen=True)
class Fuel:
    amount_liters: float
    percent_remaining: float
    range_km: float


@dataclass(frozen=True)
class Charge:
    is_plugged_in: bool
    state: ChargeState


DOORS = ("frontLeft", "frontRight", "backLeft", "backRight")


@dataclass(frozen=True)
class Opening:
    type: str
    status: str  # OPEN | CLOSED | UNKNOWN


@dataclass(frozen=True)
class Security:
    is_locked: bool
    doors: tuple[Opening, ...]
    windows: tuple[Opening, ...]
    sunroof: tuple[Opening, ...]
    storage: tuple[Opening, ...]
    charging_port: tuple[Opening, ...]


@dataclass
class VehicleState:
    """The mutable part of a vehicle: what commands change and readings report."""

    odometer_km: float
    location: Location
    locked: bool = True
    battery_level: float | None = None  # 0–1, BEV/PHEV
    fuel_level: float | None = None  # 0–1, ICE/PHEV/HEV
    plugged_in: bool = False
    charging: bool = False
    charge_limit: float = 0.8


@dataclass
class Vehicle:
    """One simulated vehicle. `range_km_full` and `fuel_range_km_full` are the ranges
    on a full battery and a full tank, from which current ranges follow linearly."""

    id: str
    make: str
    model: str
    year: int
    vin: str
    powertrain: Powertrain
    region: Region
    state: VehicleState
    updated_at: datetime
    battery_capacity_kwh: float | None = None
    range_km_full: float | None = None
    fuel_capacity_liters: float | None = None
    fuel_range_km_full: float | None = None
    doors_open: frozenset[str] = field(default_factory=frozenset)

    # -- readings -------------------------------------------------------------------

    def odometer_km(self) -> float:
        return self.state.odometer_km

    def location(self) -> Location:
        return self.state.location

    def battery(self) -> Battery:
        level = self._battery_level()
        return Battery(level, round(level * (self.range_km_full or 0.0), 1))

    def battery_capacity(self) -> float:
        self._battery_level()
        return self.battery_capacity_kwh or 0.0

    def fuel(self) -> Fuel:
        if not self.powertrain.has_fuel or self.state.fuel_level is None:
            raise _not_capable(self, "has no fuel tank")
        level = self.state.fuel_level
        return Fuel(
            amount_liters=round(level * (self.fuel_capacity_liters or 0.0), 1),
            percent_remaining=level,
            range_km=round(level * (self.fuel_range_km_full or 0.0), 1),
        )

    def charge(self) -> Charge:
        level = self._battery_level()
        if not self.state.plugged_in:
            return Charge(False, ChargeState.NOT_CHARGING)
        if level >= self.state.charge_limit:
            return Charge(True, ChargeState.FULLY_CHARGED)
        if self.state.charging:
            return Charge(True, ChargeState.CHARGING)
        return Charge(True, ChargeState.NOT_CHARGING)

    def charge_limit(self) -> float:
        self._battery_level()
        return self.state.charge_limit

    def security(self) -> Security:
        def openings(names: tuple[str, ...]) -> tuple[Opening, ...]:
            return tuple(
                Opening(n, "OPEN" if n in self.doors_open else "CLOSED") for n in names
            )

        return Security(
            is_locked=self.state.locked,
            doors=openings(DOORS),
            windows=tuple(Opening(n, "CLOSED") for n in DOORS),
            sunroof=(Opening("sunroof", "CLOSED"),),
            storage=(Opening("rear", "CLOSED"), Opening("front", "CLOSED")),
            charging_port=(
                (Opening("chargingPort", "OPEN" if self.state.plugged_in else "CLOSED"),)
                if self.powertrain.has_battery
                else ()
            ),
        )

    # -- commands ---------------------------------------------------------------------

    def lock(self, now: datetime) -> None:
        if self.doors_open:
            raise SmartcarError(
                "VEHICLE_STATE", "DOOR_OPEN",
                message=f"Open: {', '.join(sorted(self.doors_open))}.",
            )
        self.state.locked = True
        self.updated_at = now

    def unlock(self, now: datetime) -> None:
        self.state.locked = False
        self.updated_at = now

    def start_charge(self, now: datetime) -> None:
        level = self._battery_level()
        if not self.state.plugged_in:
            raise SmartcarError("VEHICLE_STATE", "CHARGING_PLUG_NOT_CONNECTED")
        if level >= self.state.charge_limit:
            raise SmartcarError("VEHICLE_STATE", "FULLY_CHARGED")
        self.state.charging = True
        self.updated_at = now

    def stop_charge(self, now: datetime) -> None:
        self._battery_level()
        if not self.state.plugged_in:
            raise SmartcarError("VEHICLE_STATE", "CHARGING_PLUG_NOT_CONNECTED")
        self.state.charging = False
        self.updated_at = now

    # -- helpers --------------------------------------------------------------------

    def _battery_level(self) -> float:
        if not self.powertrain.has_battery or self.state.battery_level is None:
            raise _not_capable(self, "has no EV battery")
        return self.state.battery_level


def _not_capable(vehicle: Vehicle, why: str) -> SmartcarError:
    return SmartcarError(
        "COMPATIBILITY", "VEHICLE_NOT_CAPABLE",
        message=f"Vehicle {vehicle.id} ({vehicle.year} {vehicle.make} {vehicle.model}, "
        f"{vehicle.powertrain}) {why}.",
    )

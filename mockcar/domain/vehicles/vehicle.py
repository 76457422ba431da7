"""A simulated vehicle: what it is (make, model, powertrain) and what it reads now.

Quantities are metric and fractions are 0–1, as the domain's one convention; the web layer
converts units on the way out. Readings raise `SmartcarError` when the vehicle cannot
answer (an ICE car has no EV battery), so every API version renders the same refusal.
Commands change the state, and the state decides whether a command can run
(https://smartcar.com/docs/errors/api-errors/vehicle-state-errors).

A vehicle with a timeline (`motion`: a `Motion`, which mockcar.domain.timelines.timeline
implements above this module) moves in time: its `state`
is then the state at its anchor, `at(now)` is the vehicle as it reads at `now`, and every
command first `settle`s at its own time. Without a timeline a vehicle only changes when a
command or an override changes it, and `at(now)` is the vehicle itself.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from mockcar.domain.vehicles.charge_curve import ChargeCurve
from mockcar.domain.vehicles.schedules import (
    ChargeSchedule,
    ChargingLocation,
    TeslaSchedule,
    WeeklySchedule,
    in_window,
    invalid,
)
from mockcar.errors import SmartcarError

CHARGE_LIMIT_RANGE = (0.5, 1.0)  # what set-charge-limit accepts
CRUISE_KMH = 50.0  # the speed of a vehicle marked moving without a speed


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

    @property
    def has_engine(self) -> bool:
        """A combustion engine, whose oil /engine/oil reports."""
        return self is not Powertrain.BEV


class Region(StrEnum):
    US = "US"
    CA = "CA"
    EUROPE = "EUROPE"


REGION_NAMES: dict[str, str] = {Region.US: "United States", Region.CA: "Canada",
                                 Region.EUROPE: "Europe"}


def region_name(region: str) -> str:
    """A region as a person reads it: "Europe" for EUROPE; an unknown code as it is."""
    return REGION_NAMES.get(region, region)


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
STORAGE = ("rear", "front")  # front is the hood on a combustion car, the frunk on a BEV


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
    """The mutable part of a vehicle: what commands change and readings report.
    `None` in an optional reading means "derive it from the vehicle's seed"."""

    odometer_km: float
    location: Location
    locked: bool = True
    battery_level: float | None = None  # 0–1, BEV/PHEV
    fuel_level: float | None = None  # 0–1, ICE/PHEV/HEV
    plugged_in: bool = False
    charging: bool = False
    charge_limit: float = 0.8
    moving: bool = False  # driving: commands that need a parked car refuse
    speed_kmh: float = 0.0
    heading: float | None = None  # degrees clockwise from north
    destination: Location | None = None  # the last one sent by navigation/destination
    charge_amps: int | None = None  # requested charging current; None = the charger's max
    charge_port_open: bool = False
    virtual_key_paired: bool = True  # Tesla: commands need Smartcar's virtual key
    climate_on: bool = False
    cabin_target_c: float = 21.0
    defroster_on: bool = False
    steering_heater_on: bool = False
    tire_pressures_kpa: tuple[float, float, float, float] | None = None  # FL, FR, BL, BR
    oil_life: float | None = None  # 0–1 set by hand; None: follows the odometer
    tesla_schedule: TeslaSchedule = field(default_factory=TeslaSchedule)
    weekly_schedules: tuple[WeeklySchedule, ...] = ()  # Nissan
    charging_locations: tuple[ChargingLocation, ...] | None = None  # Ford, Lincoln
    charge_schedules: tuple[ChargeSchedule, ...] = ()  # API v3 charge-schedules
    # Set by timelines (mockcar.domain.timelines.timeline): asleep in an asleep segment; the rated
    # power of the charger a charging segment plugged the car into (None: its home
    # charger); the curve of the session it is plugged into, in a snapshot at a time.
    asleep: bool = False
    charge_power_kw: float | None = None
    charge_curve: ChargeCurve | None = None


class Motion(Protocol):
    """What moves a vehicle in time: a timeline and its anchor
    (mockcar.domain.timelines.timeline.Motion). Declared here, where the vehicle holds
    one, so the vehicle needs nothing from the timelines that move it."""

    @property
    def anchor(self) -> datetime: ...

    def state_at(self, vehicle: Vehicle, now: datetime) -> tuple[VehicleState, datetime]:
        """The vehicle's state at `now` and the time its data is from."""
        ...

    def settled(self, now: datetime) -> Motion:
        """The same motion re-anchored at `now`."""
        ...


@dataclass
class Vehicle:
    """One simulated vehicle. `range_km_full` and `fuel_range_km_full` are the ranges
    on a full battery and a full tank, from which current ranges follow linearly.

    `test_level` is the capability level of a `<VIN>@<level>.smartcar.com` test account
    (mockcar.domain.connect.test_accounts), `compatible` for any other test-mode vehicle;
    `battery_options` lists the pack sizes (kWh) a model was sold with when Smartcar
    cannot tell which one this vehicle has."""

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
    storage_open: frozenset[str] = field(default_factory=frozenset)
    windows_open: frozenset[str] = field(default_factory=frozenset)
    test_level: str | None = None
    battery_options: tuple[float, ...] = ()
    motion: Motion | None = None  # its timeline and anchor; None: it only changes on command
    nickname: str | None = None  # a Vehicle Simulator car's name; None: a drawn one

    # -- time -------------------------------------------------------------------------

    def at(self, now: datetime) -> Vehicle:
        """The vehicle as it reads at `now`: a snapshot whose `state` is the state at
        `now` and whose `updated_at` is when that data is from (API v2's sc-data-age).
        Read from it, command the vehicle itself. Without a timeline, the vehicle. A car
        with API v3 charge schedules (mockcar.domain.vehicles.charge_schedules) reads as
        not charging outside their windows; a timeline's battery level does not know
        the windows."""
        if self.motion is None:
            snapshot = self
        else:
            state, data_time = self.motion.state_at(self, now)
            snapshot = copy(self)
            snapshot.state, snapshot.updated_at, snapshot.motion = state, data_time, None
        schedules = snapshot.state.charge_schedules
        if schedules and snapshot.state.charging and not in_window(schedules, now):
            # A car with API v3 charge schedules waits for a window, plugged in.
            waiting = copy(snapshot)
            waiting.state = replace(snapshot.state, charging=False)
            return waiting
        return snapshot

    def settle(self, now: datetime) -> None:
        """Re-anchor the timeline at `now` (what every command and override does before
        changing the state); changes no reading at `now` or later."""
        if self.motion is not None and now > self.motion.anchor:
            self.state, _ = self.motion.state_at(self, now)
            self.motion = self.motion.settled(now)

    # -- readings -------------------------------------------------------------------

    def odometer_km(self) -> float:
        return self.state.odometer_km

    def location(self) -> Location:
        return self.state.location

    def speed_kmh(self) -> float:
        if not self.state.moving:
            return 0.0
        return self.state.speed_kmh if self.state.speed_kmh > 0 else CRUISE_KMH

    def battery(self) -> Battery:
        level = self._battery_level()
        return Battery(level, round(level * (self.range_km_full or 0.0), 1))

    def battery_capacity(self) -> float:
        self._battery_level()
        return self.battery_capacity_kwh or 0.0

    def fuel(self) -> Fuel:
        if not self.powertrain.has_fuel or self.state.fuel_level is None:
            raise not_capable(self, "has no fuel tank")
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

    def is_charging(self) -> bool:
        return self.charge().state is ChargeState.CHARGING

    def charge_limit(self) -> float:
        self._battery_level()
        return self.state.charge_limit

    def security(self) -> Security:
        def openings(names: tuple[str, ...], opened: frozenset[str]) -> tuple[Opening, ...]:
            return tuple(Opening(n, "OPEN" if n in opened else "CLOSED") for n in names)

        port_open = self.state.plugged_in or self.state.charge_port_open
        return Security(
            is_locked=self.state.locked,
            doors=openings(DOORS, self.doors_open),
            windows=openings(DOORS, self.windows_open),
            sunroof=(Opening("sunroof", "CLOSED"),),
            storage=openings(STORAGE, self.storage_open),
            charging_port=(
                (Opening("chargingPort", "OPEN" if port_open else "CLOSED"),)
                if self.powertrain.has_battery
                else ()
            ),
        )

    # -- commands ---------------------------------------------------------------------

    def lock(self, now: datetime) -> None:
        self.settle(now)
        self.require_command_access()
        if self.doors_open:
            raise SmartcarError(
                "VEHICLE_STATE", "DOOR_OPEN",
                message=f"Open: {', '.join(sorted(self.doors_open))}.",
            )
        if "rear" in self.storage_open or (
            "front" in self.storage_open and self.powertrain is Powertrain.BEV
        ):
            raise SmartcarError("VEHICLE_STATE", "TRUNK_OPEN")
        if "front" in self.storage_open:
            raise SmartcarError("VEHICLE_STATE", "HOOD_OPEN")
        self.state.locked = True
        self.updated_at = now

    def unlock(self, now: datetime) -> None:
        """A moving car stays locked; locking while driving is allowed, as cars
        lock themselves when they move off."""
        self.settle(now)
        self.require_command_access()
        self.require_parked()
        self.state.locked = False
        self.updated_at = now

    def start_charge(self, now: datetime) -> None:
        """A test-mode car that is already charging accepts the command and keeps on:
        in Smartcar's test mode commands succeed unless a `TYPE.CODE@smartcar.com`
        login says otherwise (https://smartcar.com/docs/getting-started/
        test-your-integration); other cars answer CHARGING_IN_PROGRESS."""
        self.settle(now)
        level = self._battery_level()
        self.require_command_access()
        self.require_parked()
        if not self.state.plugged_in:
            raise SmartcarError("VEHICLE_STATE", "CHARGING_PLUG_NOT_CONNECTED")
        if level >= self.state.charge_limit:
            raise SmartcarError(
                "VEHICLE_STATE", "FULLY_CHARGED",
                message=f"The battery is at {level:.0%}, its charge limit is "
                f"{self.state.charge_limit:.0%}.",
            )
        if self.state.charging and self.test_level is None:
            raise SmartcarError("VEHICLE_STATE", "CHARGING_IN_PROGRESS")
        self.state.charging = True
        self.updated_at = now

    def stop_charge(self, now: datetime) -> None:
        """Stopping a charge that is not running succeeds: the car ends up not
        charging, which is what was asked."""
        self.settle(now)
        self._battery_level()
        self.require_command_access()
        self.require_parked()
        if not self.state.plugged_in:
            raise SmartcarError("VEHICLE_STATE", "CHARGING_PLUG_NOT_CONNECTED")
        self.state.charging = False
        self.updated_at = now

    def set_charge_limit(self, limit: float, now: datetime) -> None:
        """Lowering the limit below the current level ends a charge: the car reads
        FULLY_CHARGED, as a real one does."""
        self.settle(now)
        self._battery_level()
        low, high = CHARGE_LIMIT_RANGE
        if not low <= limit <= high:
            raise invalid(["limit"], f"must be a number from {low} to {high}")
        self.require_command_access()
        self.state.charge_limit = round(limit, 2)
        self.updated_at = now

    def send_destination(self, destination: Location, now: datetime) -> None:
        # Smartcar's own validation texts, word for word (apps show or compare them).
        if not -90 <= destination.latitude <= 90:
            raise _out_of_range("latitude", 90)
        if not -180 <= destination.longitude <= 180:
            raise _out_of_range("longitude", 180)
        self.require_command_access()
        self.state.destination = destination
        self.updated_at = now

    # -- rules shared by commands -----------------------------------------------------

    def require_command_access(self) -> None:
        """Tesla accepts commands only from apps whose virtual key the owner added."""
        if self.make == "TESLA" and not self.state.virtual_key_paired:
            raise SmartcarError(
                "CONNECTED_SERVICES_ACCOUNT", "VIRTUAL_KEY_REQUIRED",
                message=f"Vehicle {self.id} has no Smartcar virtual key yet.",
            )

    def require_parked(self) -> None:
        if self.state.moving:
            raise SmartcarError(
                "VEHICLE_STATE", "IN_MOTION",
                message=f"Vehicle {self.id} is driving at {self.speed_kmh():.0f} km/h.",
            )

    def require_plugged_in(self) -> None:
        self._battery_level()
        if not self.state.plugged_in:
            raise SmartcarError("VEHICLE_STATE", "CHARGING_PLUG_NOT_CONNECTED")

    def require_charging(self) -> None:
        """For readings of a charging session (amperage, completion time)."""
        self.require_plugged_in()
        if not self.is_charging():
            raise SmartcarError(
                "VEHICLE_STATE", "NOT_CHARGING",
                message=f"Vehicle {self.id} is plugged in but {self.charge().state}.",
            )

    def _battery_level(self) -> float:
        if not self.powertrain.has_battery or self.state.battery_level is None:
            raise not_capable(self, "has no EV battery")
        return self.state.battery_level


def not_capable(vehicle: Vehicle, why: str) -> SmartcarError:
    return SmartcarError(
        "COMPATIBILITY", "VEHICLE_NOT_CAPABLE",
        message=f"Vehicle {vehicle.id} ({vehicle.year} {vehicle.make} {vehicle.model}, "
        f"{vehicle.powertrain}) {why}.",
    )


def _out_of_range(name: str, bound: int) -> SmartcarError:
    text = f"Invalid {name} value. It must be between -{bound} and {bound}."
    return SmartcarError("VALIDATION", "PARAMETER", message=text,
                         detail=[{"field": [name], "message": text}])

"""Readings a scenario does not spell out, derived from the vehicle: engine oil life, tire
pressures, diagnostics, service history and nominal battery capacity (each endpoint's
page under https://smartcar.com/docs/api-reference/).

Each is a pure function of the vehicle's state and a random stream seeded by the vehicle
id and a topic, so the same world always reads the same values (DESIGN principle 3),
and a value the state holds (tire pressures set by a test) wins over the derived one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mockcar.domain.vehicles.vehicle import Powertrain, Vehicle, not_capable

OIL_CHANGE_KM = 10_000.0
SERVICE_INTERVAL_KM = 12_000.0
LOW_TIRE_KPA = 190.0  # below this the TPMS warns
# Dated things (fault codes) are placed in this year, so they do not drift with the clock.
REFERENCE = datetime(2025, 1, 1, tzinfo=UTC)
CURRENCIES = {"US": "USD", "CA": "CAD", "EUROPE": "EUR"}


def seeded(vehicle: Vehicle, topic: str) -> random.Random:
    """A random stream fixed by the vehicle (whose id comes from the world's seed) and a
    topic, so adding a topic never reshuffles another."""
    return random.Random(f"mockcar:{vehicle.id}:{topic}")


# -- engine oil, tires -------------------------------------------------------------------


def engine_oil_life(vehicle: Vehicle) -> float:
    """0–1 of oil life left: 1 right after a change, which happens every
    OIL_CHANGE_KM; where in the interval the car is was drawn once."""
    if not vehicle.powertrain.has_engine:
        raise not_capable(vehicle, "has no combustion engine")
    if vehicle.state.oil_life is not None:  # set by hand (an override)
        return round(vehicle.state.oil_life, 2)
    offset = seeded(vehicle, "oil").uniform(0, OIL_CHANGE_KM)
    used = (vehicle.odometer_km() + offset) % OIL_CHANGE_KM
    return round(1 - used / OIL_CHANGE_KM, 2)


@dataclass(frozen=True)
class TirePressures:
    front_left: float
    front_right: float
    back_left: float
    back_right: float

    def lowest(self) -> tuple[str, float]:
        named = {"frontLeft": self.front_left, "frontRight": self.front_right,
                 "backLeft": self.back_left, "backRight": self.back_right}
        name = min(named, key=named.__getitem__)
        return name, named[name]


def tire_pressures(vehicle: Vehicle) -> TirePressures:
    """kPa. A placard pressure of 230–250 kPa, each tire a little off it."""
    given = vehicle.state.tire_pressures_kpa
    if given is not None:
        return TirePressures(*given)
    rng = seeded(vehicle, "tires")
    placard = rng.choice((230.0, 240.0, 250.0))
    return TirePressures(*(round(placard + rng.uniform(-8, 3), 1) for _ in range(4)))


# -- diagnostics ------------------------------------------------------------------------

# Codes a car may carry: (code, needs a combustion engine).
_DTCS = (("P0420", True), ("P0171", True), ("P0300", True), ("C0035", False),
         ("U0100", False), ("B1318", False))


@dataclass(frozen=True)
class TroubleCode:
    code: str
    timestamp: datetime | None


@dataclass(frozen=True)
class SystemStatus:
    system_id: str
    status: str  # OK | ALERT
    description: str | None


def trouble_codes(vehicle: Vehicle, now: datetime) -> tuple[TroubleCode, ...]:
    """Zero to two active codes; a third of the fleet carries one or more."""
    rng = seeded(vehicle, "dtcs")
    pool = [c for c, engine in _DTCS if vehicle.powertrain.has_engine or not engine]
    count = rng.choices((0, 1, 2), weights=(66, 24, 10))[0]
    codes = []
    for code in rng.sample(pool, count):
        at = REFERENCE + timedelta(days=rng.uniform(0, 300))
        # Some cars report when a code appeared, some do not (its `timestamp` may be null).
        codes.append(TroubleCode(code, min(at, now) if rng.random() < 0.7 else None))
    return tuple(codes)


def system_status(vehicle: Vehicle, now: datetime) -> tuple[SystemStatus, ...]:
    """OK everywhere except where another reading says otherwise: a low tire raises
    the TPMS, an active powertrain code the malfunction lamp."""
    tire, kpa = tire_pressures(vehicle).lowest()
    powertrain_codes = [c.code for c in trouble_codes(vehicle, now) if c.code.startswith("P")]
    systems = [
        ("SYSTEM_ABS", None), ("SYSTEM_AIRBAG", None), ("SYSTEM_BRAKE_FLUID", None),
        ("SYSTEM_TPMS", f"Low pressure in the {tire} tire ({kpa:.0f} kPa)"
         if kpa < LOW_TIRE_KPA else None),
    ]
    if vehicle.powertrain.has_engine:
        systems += [
            ("SYSTEM_MIL", f"Active codes: {', '.join(powertrain_codes)}"
             if powertrain_codes else None),
            ("SYSTEM_OIL_PRESSURE", None),
        ]
    if vehicle.powertrain is not Powertrain.ICE:
        systems.append(("SYSTEM_EV_HV_BATTERY", None))
    return tuple(
        SystemStatus(system, "ALERT" if alert else "OK", alert) for system, alert in systems
    )


# -- service history --------------------------------------------------------------------

_TASKS = ("Oil and filter change", "Tire rotation", "Brake inspection", "Cabin air filter",
          "Multi-point inspection", "Wiper blades", "Coolant check")


@dataclass(frozen=True)
class ServiceTask:
    task_id: str
    description: str


@dataclass(frozen=True)
class ServiceRecord:
    service_id: str
    date: datetime
    odometer_km: float
    tasks: tuple[ServiceTask, ...]
    details: tuple[tuple[str, str], ...]  # (type, value)
    total_cost: float
    currency: str


def service_history(
    vehicle: Vehicle, now: datetime, start: datetime | None = None, end: datetime | None = None
) -> tuple[ServiceRecord, ...]:
    """Dealer visits every SERVICE_INTERVAL_KM, dated by the car's driving pace from
    January of its model year, within [start, end] (default: the last 12 months, as
    Smartcar's default). Newest first."""
    end = end or now
    start = start or end - timedelta(days=365)
    rng = seeded(vehicle, "service")
    first_day = datetime(vehicle.year, 1, 1, 9, tzinfo=UTC)
    # A drawn pace keeps dates steady as the clock moves; a car that has driven further
    # than that pace allows drove faster, so its last visits still fall before now.
    days_owned = max(1.0, (now - first_day).total_seconds() / 86_400)
    km_per_day = max(rng.uniform(25, 45), vehicle.odometer_km() / days_owned)
    records = []
    visit = 1
    while visit * SERVICE_INTERVAL_KM <= vehicle.odometer_km():
        km = min(visit * SERVICE_INTERVAL_KM + rng.uniform(-400, 400), vehicle.odometer_km())
        day = first_day + timedelta(days=km / km_per_day, hours=rng.randrange(8))
        tasks = rng.sample(_TASKS[1:] if not vehicle.powertrain.has_engine else _TASKS, 2)
        cost = round(rng.uniform(60, 400), 2)
        if start <= day <= end and day <= now:
            records.append(ServiceRecord(
                service_id=f"{vehicle.vin[-6:]}-{visit:03d}", date=day, odometer_km=round(km),
                tasks=tuple(ServiceTask(str(_TASKS.index(t) + 1), t) for t in tasks),
                details=(("dealership", f"{vehicle.make.title()} Service Center"),),
                total_cost=cost, currency=CURRENCIES.get(str(vehicle.region), "USD"),
            ))
        visit += 1
    return tuple(reversed(records))


# -- nominal capacity ----------------------------------------------------------------------


@dataclass(frozen=True)
class NominalCapacity:
    """`available` lists (kWh, description); `nominal` is None while the owner has not
    told Smartcar which of several packs the car has."""

    available: tuple[tuple[float, str | None], ...]
    nominal: float | None
    source: str | None  # SMARTCAR | USER_SELECTED | None


def nominal_capacity(vehicle: Vehicle) -> NominalCapacity:
    capacity = vehicle.battery_capacity()
    options = vehicle.battery_options
    if len(options) > 1:
        available = tuple(
            (kwh, None if i == 0 else "BEV:Extended Range") for i, kwh in enumerate(options)
        )
        return NominalCapacity(available, None, None)
    return NominalCapacity(((capacity, None),), capacity, "SMARTCAR")

"""How long a vehicle request takes to answer.

A policy is one of:

* `ideal`: no delay (the default, and what tests want);
* `realistic`: a delay drawn from a log-normal distribution per make and kind of
  endpoint (`REALISTIC` below; Smartcar's Vehicle Simulator has the same setting,
  https://smartcar.com/docs/getting-started/dashboard/simulator);
* a table `{endpoint: ms}`: fixed delays; keys are endpoints in the fault rules' terms
  (`/odometer`, `/charge/*`, `/` for attributes, `/batch`), `*` for every other one.

Policies are set per scenario, per make and per vehicle (or fleet); the most specific
one wins wholesale. A vehicle's delay is computed by a pure function of the policy, the
request and one uniform draw (`delay_ms`); a World's `Latency` keeps the draws seeded by
the World's seed, so the same requests in the same order wait the same.

Asleep vehicles (a timeline's `asleep` segment): with `asleep: wake` (default) the first
request pays `wake_ms` on top and wakes the car for `awake_minutes` of World time; with
`asleep: error` they answer VEHICLE_STATE ASLEEP, as Smartcar does for GM cars in deep
sleep (Smartcar docs, "brand quirks").

Where the realistic figures come from: Smartcar does not publish its latencies. The
Simulator's "Realistic" setting uses "Smartcar's measured average latency for that
brand", but the figures behind its "View latencies" link are not public. So these are
estimates, stated as such: seconds rather than milliseconds because every request goes
through the carmaker's cloud to the car (the official SDKs wait up to 310 s); static
data (attributes, VIN, permissions) comes
from Smartcar's own records and is fast; commands wait for the car to act; Hyundai and
Kia answer reads from the OEM cloud's cache (brand quirks: "all other requests will be
sent to the OEM's cloud") so they are fast to read and slow to command; GM, Nissan and
the Volkswagen group are slower cars to reach; Tesla's API answers awake cars quickly.
Change them freely: they shape tests of timeouts and spinners, not numbers to trust.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from mockcar.domain.world.fleet import Fleet
from mockcar.errors import SmartcarError

IDEAL = "ideal"
REALISTIC = "realistic"
Z90 = 1.2816  # the standard normal's 90th percentile


class Kind(StrEnum):
    """What an endpoint asks of the car, which is what its latency depends on."""

    STATIC = "static"  # attributes, VIN, permissions: Smartcar's own records
    READ = "read"
    LOCATION = "location"  # a GPS fix: the slowest read
    COMMAND = "command"
    BATCH = "batch"


@dataclass(frozen=True)
class Spread:
    """A log-normal delay by its median and 90th percentile, in milliseconds."""

    median_ms: float
    p90_ms: float

    def draw(self, normal: float, factor: float = 1.0) -> float:
        sigma = math.log(self.p90_ms / self.median_ms) / Z90
        return self.median_ms * factor * math.exp(sigma * normal)

    def scaled(self, factor: float) -> Spread:
        return Spread(round(self.median_ms * factor), round(self.p90_ms * factor))


# Estimates (see the module docstring): a typical car, then each make's factor on it.
TYPICAL: dict[Kind, Spread] = {
    Kind.STATIC: Spread(250, 700),
    Kind.READ: Spread(1_800, 4_500),
    Kind.LOCATION: Spread(2_800, 7_000),
    Kind.COMMAND: Spread(6_000, 15_000),
    Kind.BATCH: Spread(3_500, 9_000),
}
# (reads, commands) factors; static answers do not depend on the make.
MAKE_FACTORS: dict[str, tuple[float, float]] = {
    "TESLA": (0.6, 0.7),
    "HYUNDAI": (0.5, 2.0), "KIA": (0.5, 2.0),
    "CHEVROLET": (1.5, 1.6), "CADILLAC": (1.5, 1.6), "GMC": (1.5, 1.6), "BUICK": (1.5, 1.6),
    "NISSAN": (1.5, 1.5),
    "VOLKSWAGEN": (1.4, 1.3), "AUDI": (1.4, 1.3), "PORSCHE": (1.2, 1.2), "SKODA": (1.4, 1.3),
    "TOYOTA": (1.3, 1.4), "LEXUS": (1.3, 1.4),
    "FORD": (1.2, 1.2), "LINCOLN": (1.2, 1.2),
    "BMW": (1.0, 1.1), "MINI": (1.0, 1.1), "MERCEDES-BENZ": (1.0, 1.0),
    "RIVIAN": (0.8, 0.9), "POLESTAR": (0.9, 1.0), "VOLVO": (1.0, 1.1),
}


@dataclass(frozen=True)
class Policy:
    """`ideal`, `realistic`, or fixed delays by endpoint (`table`, in given order)."""

    mode: str = IDEAL
    table: tuple[tuple[str, float], ...] = ()

    @classmethod
    def fixed(cls, table: Mapping[str, float]) -> Policy:
        return cls("fixed", tuple((_endpoint(k), float(v)) for k, v in table.items()))

    def describe(self) -> str | dict[str, float]:
        return dict(self.table) if self.mode == "fixed" else self.mode


IDEAL_POLICY = Policy()


def kind_of(method: str, endpoint: str, static: bool) -> Kind:
    if endpoint == "/batch":
        return Kind.BATCH
    if static:
        return Kind.STATIC
    if method != "GET":
        return Kind.COMMAND
    return Kind.LOCATION if endpoint == "/location" else Kind.READ


def delay_ms(policy: Policy, make: str, method: str, endpoint: str, static: bool,
             normal: float) -> float:
    """The delay of one request, given one standard-normal draw. Pure."""
    if policy.mode == IDEAL:
        return 0.0
    if policy.mode == REALISTIC:
        kind = kind_of(method, endpoint, static)
        return round(TYPICAL[kind].draw(normal, _factor(make, kind)), 1)
    default = 0.0
    for pattern, ms in policy.table:
        if pattern == "/*":
            default = ms
        elif _matches(pattern, endpoint):
            return ms
    return default


def estimated(make: str, method: str, endpoint: str, static: bool) -> Spread:
    """The `realistic` policy's median and 90th percentile for this make and endpoint:
    what mockcar lists as a vehicle's estimated latencies, as the Vehicle Simulator's
    "View Estimated Latencies" does (estimates; see the module docstring)."""
    kind = kind_of(method, endpoint, static)
    return TYPICAL[kind].scaled(_factor(make, kind))


def _factor(make: str, kind: Kind) -> float:
    reads, commands = MAKE_FACTORS.get(make.upper(), (1.0, 1.0))
    return 1.0 if kind is Kind.STATIC else commands if kind is Kind.COMMAND else reads


@dataclass(frozen=True)
class Sleep:
    """How an asleep vehicle answers: `wake` (slowly, then awake for a while) or
    `error` (VEHICLE_STATE ASLEEP)."""

    mode: str = "wake"
    wake_ms: float = 12_000.0
    awake_for: timedelta = timedelta(minutes=10)


@dataclass
class Latency:
    """A World's latency settings and its seeded draws. `by_vehicle` holds vehicles'
    own policies, `by_fleet` fleets' (found by asking each fleet, O(fleets))."""

    seed: int = 0
    default: Policy = IDEAL_POLICY
    by_make: dict[str, Policy] = field(default_factory=dict)
    by_vehicle: dict[str, Policy] = field(default_factory=dict)
    by_fleet: list[tuple[Fleet, Policy]] = field(default_factory=list)
    sleep: Sleep = field(default_factory=Sleep)
    _awake_until: dict[str, datetime] = field(default_factory=dict, repr=False)
    _random: random.Random | None = field(default=None, repr=False)

    def policy(self, vehicle_id: str, make: str) -> Policy:
        found = self.by_vehicle.get(vehicle_id)
        if found is not None:
            return found
        for fleet, policy in self.by_fleet:
            if fleet.vehicle_index(vehicle_id) is not None:
                return policy
        return self.by_make.get(make.upper(), self.default)

    def delay(self, vehicle_id: str, make: str, method: str, endpoint: str, *,
              static: bool, asleep: bool, now: datetime) -> float:
        """Seconds this request waits; VEHICLE_STATE ASLEEP if the vehicle sleeps and
        the World says asleep vehicles refuse. Static endpoints never wake a car."""
        policy = self.policy(vehicle_id, make)
        waiting = 0.0
        if policy.mode != IDEAL:
            waiting = delay_ms(policy, make, method, endpoint, static, self._normal())
        if asleep and not static and now >= self._awake_until.get(vehicle_id, now):
            if self.sleep.mode == "error":
                raise SmartcarError(
                    "VEHICLE_STATE", "ASLEEP",
                    message=f"Vehicle {vehicle_id} is asleep (its timeline says so); this "
                    "scenario answers asleep vehicles with an error (latency asleep: error).")
            waiting += self.sleep.wake_ms
            self._awake_until[vehicle_id] = now + self.sleep.awake_for
        return waiting / 1000.0

    @property
    def awake_until(self) -> dict[str, datetime]:
        """Vehicle id -> until when a request woke it (a snapshot keeps it; a copy)."""
        return dict(self._awake_until)

    def restore_awake(self, awake_until: dict[str, datetime]) -> None:
        self._awake_until = dict(awake_until)

    def _normal(self) -> float:
        if self._random is None:
            self._random = random.Random(f"mockcar:{self.seed}:latency")
        return self._random.gauss(0.0, 1.0)


def _endpoint(key: str) -> str:
    return "/" + key.strip().strip("/") if key.strip() != "*" else "/*"


def _matches(pattern: str, endpoint: str) -> bool:
    regex = ".*".join(re.escape(p) for p in pattern.split("*"))
    return re.fullmatch(regex, endpoint) is not None

"""The typed schema of a scenario file, version 1.

A scenario is YAML with four top-level keys::

    version: 1                # required; the only version this mockcar reads
    seed: 0                   # int, default 0; drives every generated value
    applications: [...]       # default []
    owners: [...]             # default []
    fleets: [...]             # default []: generated vehicles by the hundred thousand
    fleet: {...}              # one fleet (mockcar.scenario.schema.fleet)
    faults: [...]             # default []: failing requests (mockcar.scenario.schema.faults)
    latency: ideal            # ideal | realistic | {endpoint: ms}; latency_by_make: {MAKE:
    asleep: {...}             # ...}; how asleep cars answer (mockcar.scenario.schema.latency)
    commands: {...}           # long_running: {MAKE or '*': [command types] or '*'},
                              # long_running_seconds: 30; default none (200 sync)
    rate_limits: {...}        # enabled: false; application_capacity 120,
                              # application_per_minute 2, vehicle_capacity 10, vehicle_per_minute 10
    x-anything: ...           # top-level keys starting with x- are ignored: a place
                              # for YAML anchors (&tesla) to merge (<<: *tesla)

applications[] (each a Smartcar application, i.e. an OAuth client):
    name              str, required
    client_id         str, required, unique; no whitespace or ':' (HTTP Basic splits on
                      ':'); Smartcar's are UUIDs
    client_secret     str, required
    redirect_uris     list of absolute URLs (scheme and host, no #fragment), at least one;
                      the first is the default
    management_token  str, optional; derived from seed and client_id when absent
    webhooks          list, default []: {id, name, url?, version?, signals?, trigger?}
                      — the webhooks vehicles can be subscribed to and what they deliver
                      (mockcar.scenario.schema.webhooks); id unique across applications
    connect_redirect  code | user_id, default code: how Connect ends for this app —
                      API v2's `?code=...&state=...`, or API v3's
                      `?user_id=...&state=...` (no code; the app then uses an
                      application token from POST /oauth2/token with sc-user-id)

owners[] (a connected-services account at a car brand):
    email             str, required, unique (case-insensitively)
    password          str, required (quote digits-only passwords)
    country           ISO 3166-1 alpha-2, default US
    vehicles          list of vehicles, default [] (an empty account: NO_VEHICLES)

vehicles[] (every field optional; what is left out is generated from the seed):
    id                UUID string (lower-cased), unique
    make              str, stored upper-case (TESLA); a make outside the catalog also
                      needs `model`
    model             str (catalog names compare case-insensitively)
    year              int, 1990..2027
    vin               17 letters/digits, unique, stored upper-case. Neither the check
                      digit nor the no-I/O/Q rule is enforced on a given VIN (Smartcar's
                      test VIN 0SCAUDI0155C49A95 has neither); generated ones obey both
    powertrain        BEV | PHEV | HEV | ICE
    region            US | CA | EUROPE; default from the owner's country
    odometer          km, >= 0
    battery           {level: 0..1, range: km now, capacity: kWh}; BEV and PHEV only
    fuel              {level: 0..1, range: km now, capacity: liters}; not on BEV
    location          {latitude: -90..90, longitude: -180..180}
    locked            bool
    plugged_in        bool; BEV and PHEV only
    charging          bool; BEV and PHEV only, needs plugged_in
    charge_limit      0.5..1.0; BEV and PHEV only
    doors_open        list of frontLeft, frontRight, backLeft, backRight
    latency           ideal | realistic | {endpoint: ms}; wins over its make's
    timeline          how the vehicle moves in time: segments or a trip profile
                      (mockcar.scenario.schema.timeline); without one it stays as given

Values are strict: YAML's `yes`/`no` are booleans, and a string field given a number or
a boolean is an error (quote it), so a scenario means exactly what it says.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mockcar.domain.vehicles.vehicle import DOORS
from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.catalog import vin
from mockcar.scenario.schema.faults import FaultSpec
from mockcar.scenario.schema.fleet import FleetSpec
from mockcar.scenario.schema.latency import (
    AsleepSpec,
    CommandsSpec,
    LatencyByMake,
    LatencySpec,
    RateLimitsSpec,
)
from mockcar.scenario.schema.timeline import TimelineSpec
from mockcar.scenario.schema.webhooks import WebhookSpec
from mockcar.scenario.specs import VehicleRules

SUPPORTED_VERSION = 1
MIN_YEAR, MAX_YEAR = 1990, 2027

# strict: no silent coercion ("2020" is not a year); frozen: a parsed scenario is a value.
# defer_build: the validators are compiled when a file is first validated, once for the
# whole tree, not model by model at import (every schema module says the same).
_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


def _one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    # Case-insensitive in, canonical spelling out: "bev" is BEV, "frontleft" frontLeft.
    canonical = {c.casefold(): c for c in choices}

    def check(value: str) -> str:
        if value.casefold() in canonical:
            return canonical[value.casefold()]
        raise ValueError(f"must be one of {', '.join(choices)}, got {value!r}")

    return check


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _client_id(value: str) -> str:
    if not value or any(c.isspace() or c == ":" for c in value):
        raise ValueError(f"must be non-empty without spaces or ':', got {value!r}")
    return value


def _redirect_uri(value: str) -> str:
    if any(c.isspace() for c in value):
        raise ValueError(f"must not contain spaces, got {value!r}")
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"must be an absolute URL like https://app.example/callback, got {value!r}")
    if parts.fragment:
        raise ValueError(f"must not contain a #fragment (RFC 6749 §3.1.2), got {value!r}")
    return value


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"must be an email address, got {value!r}")
    return value


def _country(value: str) -> str:
    if value.upper() not in catalog.COUNTRIES:
        raise ValueError(f"must be an ISO 3166-1 alpha-2 country code like US or DE, got {value!r}")
    return value.upper()


def _uuid(value: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != value.lower():
        raise ValueError(f"must be a UUID like 3f2b8c1e-7d4a-4b6e-9c2f-0a1b2c3d4e5f, got {value!r}")
    return value.lower()


def _vin(value: str) -> str:
    why = vin.problem(value.upper())
    if why:
        raise ValueError(f"{why}: {value!r}")
    return value.upper()


_door = _one_of(DOORS)


def _make(value: str) -> str:
    return _nonblank(value).strip().upper()


NonBlank = Annotated[str, AfterValidator(_nonblank)]
Fraction = Annotated[float, Field(ge=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]


class Battery(BaseModel):
    """Traction battery now: `range` is the current range, not range when full."""

    model_config = _CONFIG
    level: Fraction | None = None
    range: NonNegative | None = None
    capacity: Positive | None = None


class Fuel(BaseModel):
    model_config = _CONFIG
    level: Fraction | None = None
    range: NonNegative | None = None
    capacity: Positive | None = None


class Location(BaseModel):
    model_config = _CONFIG
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]


class SimulatorSpec(BaseModel):
    """A Vehicle Simulator car (mockcar.domain.world.simulator): make `Simulated`, its
    powertrain as model, `nickname` its VehicleIdentification.Nickname signal; unless
    `connected` is false, connected to `application` (a client id; default: the
    scenario's first application) with every permission."""

    model_config = _CONFIG
    nickname: NonBlank
    connected: bool = True
    application: NonBlank | None = None


class VehicleSpec(BaseModel, VehicleRules):
    model_config = _CONFIG
    id: Annotated[str, AfterValidator(_uuid)] | None = None
    make: Annotated[str, AfterValidator(_make)] | None = None
    model: NonBlank | None = None
    year: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    vin: Annotated[str, AfterValidator(_vin)] | None = None
    powertrain: Annotated[str, AfterValidator(_one_of(catalog.POWERTRAINS))] | None = None
    region: Annotated[str, AfterValidator(_one_of(catalog.REGIONS))] | None = None
    odometer: NonNegative | None = None
    battery: Battery | None = None
    fuel: Fuel | None = None
    location: Location | None = None
    locked: bool | None = None
    plugged_in: bool | None = None
    charging: bool | None = None
    charge_limit: Annotated[float, Field(ge=0.5, le=1.0)] | None = None
    doors_open: list[Annotated[str, AfterValidator(_door)]] | None = None
    latency: LatencySpec | None = None
    timeline: TimelineSpec | None = None
    simulator: SimulatorSpec | None = None


class OwnerSpec(BaseModel):
    model_config = _CONFIG
    email: Annotated[str, AfterValidator(_email)]
    password: NonBlank
    country: Annotated[str, AfterValidator(_country)] = "US"
    vehicles: list[VehicleSpec] = []


class ApplicationSpec(BaseModel):
    model_config = _CONFIG
    name: NonBlank
    client_id: Annotated[str, AfterValidator(_client_id)]
    client_secret: NonBlank
    redirect_uris: Annotated[list[Annotated[str, AfterValidator(_redirect_uri)]],
                             Field(min_length=1)]
    management_token: NonBlank | None = None
    webhooks: list[WebhookSpec] = []
    connect_redirect: Literal["code", "user_id"] = "code"


class Scenario(BaseModel):
    """A validated scenario file. Generated values are not here: they are drawn when a
    World is built, so one Scenario builds different fleets under different seeds."""

    model_config = _CONFIG
    version: int
    seed: int = 0
    applications: list[ApplicationSpec] = []
    owners: list[OwnerSpec] = []
    fleet: FleetSpec | None = None
    fleets: list[FleetSpec] = []
    faults: list[FaultSpec] = []
    latency: LatencySpec = "ideal"
    latency_by_make: LatencyByMake = {}
    # Made without validation (their defaults are valid), so importing the schema
    # builds no validator: a start whose scenario is cached never builds one.
    asleep: AsleepSpec = AsleepSpec.model_construct()
    commands: CommandsSpec = CommandsSpec.model_construct()
    rate_limits: RateLimitsSpec = RateLimitsSpec.model_construct()

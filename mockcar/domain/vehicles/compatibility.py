"""Smartcar's Compatibility API: can this VIN connect, and what can it do; and the
matrix of makes and models (https://smartcar.com/docs/api-reference/compatibility/by-vin,
https://smartcar.com/docs/api-reference/compatibility/by-region-and-make).

What a vehicle can do comes from the one capability table (mockcar.domain.vehicles.capabilities).
Which makes and models exist comes from a `VehicleCatalog` handed in by the wiring
(mockcar.app builds it from the scenario layer's catalog; the domain may not read it).

Decisions where Smartcar's documents are silent:

* A VIN of a vehicle in the World answers from that vehicle (make, powertrain, region,
  test level).
* Any other VIN is decoded by its World Manufacturer Identifier (positions 1–3), or for
  Smartcar-style test VINs `0SC<MAKE>...` by the make spelled after the prefix. The model
  is unknown, so an endpoint is capable when every catalog model of the make supports
  it, `SMARTCAR_NOT_CAPABLE` when none does for that make, and `VEHICLE_NOT_CAPABLE` when
  it depends on the model (a make selling both BEVs and ICE cars has `/battery` on some).
  An unknown make is `compatible: false`, `MAKE_NOT_COMPATIBLE`.
* `test_mode_compatibility_level` (the levels of the `<VIN>@<level>` test accounts) overrides
  the VIN:
  `incompatible` is `compatible: false`, `VEHICLE_NOT_COMPATIBLE`.
* Outside the US only `compatible` is meaningful: `capabilities` is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from mockcar.domain.vehicles import capabilities
from mockcar.domain.vehicles.capabilities import Endpoint
from mockcar.domain.vehicles.vehicle import Vehicle

MAKE_NOT_COMPATIBLE = "MAKE_NOT_COMPATIBLE"
VEHICLE_NOT_COMPATIBLE = "VEHICLE_NOT_COMPATIBLE"
REGIONS = ("US", "CA", "EUROPE")
POWERTRAINS = ("ICE", "BEV", "PHEV", "HEV")
TEST_VIN_PREFIX = "0SC"
# Test mode's compatibility levels (`test_mode_compatibility_level`, and the level of a
# `<VIN>@<level>.smartcar.com` test login) -> the powertrain its vehicle has (None:
# whatever the generator draws). https://smartcar.com/docs/api-reference/compatibility/by-vin
LEVEL_POWERTRAINS: dict[str, str | None] = {
    "compatible": "PHEV", "phev": "PHEV", "bev": "BEV", "fuel": "ICE", "incompatible": None,
}

# The matrix names features, not paths ("EV battery", "Lock & unlock").
FEATURES: dict[tuple[str, str], str] = {
    ("GET", ""): "Vehicle info",
    ("GET", "/vin"): "VIN",
    ("GET", "/odometer"): "Odometer",
    ("GET", "/location"): "Location",
    ("GET", "/security"): "Lock status",
    ("POST", "/security"): "Lock & unlock",
    ("GET", "/battery"): "EV battery",
    ("GET", "/battery/capacity"): "EV battery",
    ("GET", "/battery/nominal_capacity"): "EV battery",
    ("GET", "/charge"): "EV charging status",
    ("GET", "/charge/limit"): "EV charging status",
    ("POST", "/charge"): "EV start & stop charge",
    ("POST", "/charge/limit"): "EV charge limit",
    ("GET", "/fuel"): "Fuel tank",
    ("GET", "/engine/oil"): "Engine oil life",
    ("GET", "/tires/pressure"): "Tire pressure",
    ("POST", "/navigation/destination"): "Send destination",
    ("GET", "/service/history"): "Service history",
    ("GET", "/diagnostics/system_status"): "Diagnostics",
    ("GET", "/diagnostics/dtcs"): "Diagnostics",
}


@dataclass(frozen=True)
class ModelLine:
    make: str  # upper-case
    model: str
    powertrain: str  # ICE | BEV | PHEV | HEV
    years: tuple[int, int]
    regions: frozenset[str] = frozenset(REGIONS)  # where it is sold


@dataclass(frozen=True)
class VehicleCatalog:
    """The makes and models the platform knows, and how to read a VIN's make."""

    models: tuple[ModelLine, ...]
    wmis: Mapping[str, str]  # World Manufacturer Identifier -> make
    countries: frozenset[str]  # ISO 3166-1 alpha-2
    european_countries: frozenset[str]

    @property
    def makes(self) -> tuple[str, ...]:
        return tuple(sorted({m.make for m in self.models}))

    def region(self, country: str) -> str:
        if country == "CA":
            return "CA"
        return "EUROPE" if country in self.european_countries else "US"

    def make_of_vin(self, vin: str) -> str | None:
        if vin.startswith(TEST_VIN_PREFIX):
            rest = vin[len(TEST_VIN_PREFIX):]
            # Longest first: a make spelled inside another (MINI in MINICOOPER) loses.
            return next((m for m in sorted(self.makes, key=len, reverse=True)
                         if rest.startswith(m.replace(" ", ""))), None)
        return self.wmis.get(vin[:3])


@dataclass(frozen=True)
class Profile:
    """What capability depends on, for a vehicle known only by its VIN."""

    make: str
    region: str
    powertrain: str
    test_level: str | None = None


@dataclass(frozen=True)
class Capability:
    permission: str
    endpoint: str  # below /vehicles/{id}; "" is the attributes
    reason: str | None  # VEHICLE_NOT_CAPABLE | SMARTCAR_NOT_CAPABLE | None


@dataclass(frozen=True)
class Answer:
    compatible: bool
    reason: str | None  # MAKE_NOT_COMPATIBLE | VEHICLE_NOT_COMPATIBLE | None
    capabilities: tuple[Capability, ...]


@dataclass(frozen=True)
class MatrixModel:
    model: str
    years: tuple[int, int]
    powertrain: str
    features: tuple[str, ...]
    permissions: tuple[str, ...]


class KnownVehicles(Protocol):
    """Where a VIN the check is asked about may already be a vehicle (the World)."""

    def vehicle_by_vin(self, vin: str) -> Vehicle | None: ...


def check_vin(
    world: KnownVehicles, catalog: VehicleCatalog, vin: str, permissions: Sequence[str],
    country: str = "US", test_level: str | None = None,
) -> Answer:
    """Compatibility by VIN, for an upper-case 17-character VIN and known permissions."""
    region = catalog.region(country)
    known = world.vehicle_by_vin(vin)
    make = known.make if known is not None else catalog.make_of_vin(vin)
    profiles: list[capabilities.Capable]
    if test_level is not None:
        powertrain = LEVEL_POWERTRAINS.get(test_level) or "ICE"
        profiles = [Profile(make or "", region, powertrain, test_level)]
    elif known is not None:
        profiles = [Profile(known.make, region, str(known.powertrain), known.test_level)]
    elif make is None:
        return Answer(False, MAKE_NOT_COMPATIBLE, ())
    else:
        powertrains = sorted({m.powertrain for m in catalog.models if m.make == make})
        profiles = [Profile(make, region, p) for p in powertrains]
    if profiles[0].test_level == "incompatible":
        return Answer(False, VEHICLE_NOT_COMPATIBLE, ())
    if country != "US":
        return Answer(True, None, ())
    found = [
        Capability(permission, endpoint.path, _reason(profiles, endpoint))
        for permission in _unique(permissions)
        for endpoint in capabilities.endpoints_for(permission)
    ]
    return Answer(True, None, tuple(found))


def matrix(
    catalog: VehicleCatalog, region: str, makes: Iterable[str] | None = None,
    powertrain: str | None = None, permissions: Sequence[str] = (),
) -> dict[str, list[MatrixModel]]:
    """The matrix: each make's models with the features and permissions they support in the
    region; with `permissions`, only models supporting all of them."""
    wanted = {m.upper() for m in makes} if makes is not None else None
    result: dict[str, list[MatrixModel]] = {}
    for line in catalog.models:
        if (wanted is not None and line.make not in wanted) or (
                powertrain is not None and line.powertrain != powertrain):
            continue
        profile = Profile(line.make, region, line.powertrain)
        supported = [e for e in capabilities.ENDPOINTS
                     if (e.method, e.path) in FEATURES and capabilities.reason(profile, e) is None]
        granted = _unique(e.permission for e in supported if e.permission)
        if any(p not in granted for p in permissions):
            continue
        result.setdefault(line.make, []).append(MatrixModel(
            line.model, line.years, line.powertrain,
            _unique(FEATURES[(e.method, e.path)] for e in supported), granted,
        ))
    return result


def _reason(profiles: Sequence[capabilities.Capable], endpoint: Endpoint) -> str | None:
    reasons = {capabilities.reason(p, endpoint) for p in profiles}
    if reasons == {None}:
        return None
    if reasons == {capabilities.SMARTCAR_NOT_CAPABLE}:
        return capabilities.SMARTCAR_NOT_CAPABLE
    return capabilities.VEHICLE_NOT_CAPABLE


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def supported(line: ModelLine, region: str) -> tuple[Endpoint, ...]:
    """The capability rows a model line supports in a region: what the v2 matrix's
    features and API v3's compatible vehicles are both drawn from."""
    profile = Profile(line.make, region, line.powertrain)
    return tuple(e for e in capabilities.ENDPOINTS if capabilities.reason(profile, e) is None)

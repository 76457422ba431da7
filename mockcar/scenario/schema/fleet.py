"""`fleets:` in a scenario: many generated vehicles, and their owners, from a few lines.

    fleets:
      - name: delivery            # lower-case letters, digits and '-'; default fleet-1, ...
        count: 1000               # required, 1..1,000,000
        makes: [TESLA, FORD]      # catalog makes; default: every make sold in the region
        powertrains: {BEV: 0.6, ICE: 0.4}   # shares adding up to 1; default: as the
                                  # catalog's models of those makes in that region fall
        region: US                # US | CA | EUROPE, default US
        seed: 7                   # default: drawn from the scenario's seed and the name
        vehicles_per_owner: 1     # n, or {min: 1, max: 3}: how vehicles are spread
        password: fleet-password  # every owner's password (simulated-mode sign-in)
        email_domain: delivery.fleet.example   # default: <name>.fleet.example
        latency: realistic        # as a vehicle's `latency`
        profiles: {commute: 0.4, overnight_charge: 0.3}   # shares of the fleet that live
                                  # a trip profile (a vehicle's `timeline: {profile: ..}`);
                                  # the rest stays as drawn. overnight_charge falls back
                                  # to commute on a car without a plug.

`fleet:` (a single mapping) is the same as a one-item `fleets:` list.

Vehicles are made in index order: vehicle i of a fleet belongs to the owner whose block
holds i (blocks of `vehicles_per_owner`, or of a size drawn between min and max), is
parked around that owner's city in the region, and is a catalog model sold there. Owners
are `first.last.N@email_domain` (N = 1, 2, ... in order), names drawn by Faker in the
language of the owner's country. The same scenario and seed give the same fleet, and a
fleet of n is the first n vehicles of a larger one with the same seed.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mockcar.scenario.catalog import models as catalog
from mockcar.scenario.schema.latency import LatencySpec
from mockcar.scenario.specs import PROFILES

MAX_COUNT = 1_000_000
MAX_PER_OWNER = 1000
_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def _fleet_name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError("must be 1-40 lower-case letters, digits or '-', starting with a letter "
                         f"or digit (it names the owners' email domain), got {value!r}")
    return value


def _domain(value: str) -> str:
    if not _DOMAIN.fullmatch(value.lower()):
        raise ValueError(f"must be a domain name like fleet.example, got {value!r}")
    return value.lower()


def _make(value: str) -> str:
    make = value.strip().upper()
    if make not in catalog.MAKES:
        raise ValueError(f"{value!r} is not in mockcar's catalog; fleets draw catalog models "
                         f"of: {', '.join(catalog.MAKES)}")
    return make


def _powertrain(value: str) -> str:
    folded = value.upper()
    if folded not in catalog.POWERTRAINS:
        raise ValueError(f"must be one of {', '.join(catalog.POWERTRAINS)}, got {value!r}")
    return folded


def _profile(value: str) -> str:
    if value not in PROFILES:
        raise ValueError(f"must be one of {', '.join(PROFILES)}, got {value!r}")
    return value


def _region(value: str) -> str:
    folded = value.upper()
    if folded not in catalog.REGIONS:
        raise ValueError(f"must be one of {', '.join(catalog.REGIONS)}, got {value!r}")
    return folded


class PerOwner(BaseModel):
    """Each owner gets a number of vehicles drawn between min and max (inclusive)."""

    model_config = _CONFIG
    min: Annotated[int, Field(ge=1, le=MAX_PER_OWNER)]
    max: Annotated[int, Field(ge=1, le=MAX_PER_OWNER)]


Share = Annotated[float, Field(ge=0, le=1)]


class FleetSpec(BaseModel):
    model_config = _CONFIG
    name: Annotated[str, AfterValidator(_fleet_name)] | None = None
    count: Annotated[int, Field(ge=1, le=MAX_COUNT)]
    makes: Annotated[list[Annotated[str, AfterValidator(_make)]], Field(min_length=1)] | None = None
    powertrains: dict[Annotated[str, AfterValidator(_powertrain)], Share] | None = None
    region: Annotated[str, AfterValidator(_region)] = "US"
    seed: int | None = None
    vehicles_per_owner: Annotated[int, Field(ge=1, le=MAX_PER_OWNER)] | PerOwner = 1
    password: Annotated[str, Field(min_length=1)] = "fleet-password"
    email_domain: Annotated[str, AfterValidator(_domain)] | None = None
    latency: LatencySpec | None = None
    profiles: dict[Annotated[str, AfterValidator(_profile)], Share] | None = None

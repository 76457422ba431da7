"""What a vehicle read or command knows besides the vehicle: built once per request (and
once per batch sub-request) by the HTTP layer, or once per vehicle by a scheduled webhook,
and read by the renderers and command executors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from mockcar.domain.vehicles.units import UnitSystem
from mockcar.domain.world.world import Connection


@dataclass(frozen=True)
class Context:
    units: UnitSystem  # from the sc-unit-system request header
    now: datetime  # the World's clock, read once
    query: Mapping[str, str]  # the request's, or a batch sub-request's
    connection: Connection
    # scheme://host[:port] the client used (every Smartcar host is this one), asked for
    # on demand: building it from a request costs more than most reads.
    origin_of: Callable[[], str]

    @property
    def origin(self) -> str:
        return self.origin_of()

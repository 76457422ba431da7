"""What a vehicle endpoint knows about the request besides the vehicle: built once per
request (and once per batch sub-request) by the pipeline, read by `wire` renderers and
command executors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request

from mockcar.domain.vehicles.units import UnitSystem
from mockcar.domain.world.world import Connection


@dataclass(frozen=True)
class Context:
    units: UnitSystem  # from the sc-unit-system request header
    now: datetime  # the World's clock, read once
    query: Mapping[str, str]  # the request's, or a batch sub-request's
    connection: Connection
    request: Request

    @property
    def origin(self) -> str:
        """scheme://host[:port] the client used: every Smartcar host is this one.
        Computed on demand: building it costs more than most reads."""
        return str(self.request.base_url).rstrip("/")

"""`faults:` in a scenario: rules that make matching API requests fail from the start,
as the control API's `POST …/faults` does at runtime (mockcar.domain.world.faults).

    faults:
      - type: UPSTREAM            # or UPSTREAM.NO_RESPONSE
        code: NO_RESPONSE
        make: TESLA               # match by make, vehicle_id, vin, method, endpoint
        start: "10:00"            # a window of the World's clock, UTC; quote times of
        end: "10:15"              # day (YAML reads 10:15 unquoted as the number 615)
      - {type: RATE_LIMIT, code: VEHICLE, endpoint: /location, probability: 0.2,
         retry_after: 30}
      - {type: VEHICLE_STATE, code: ASLEEP, vin: 5YJ3E1EA0NF123456, times: 2}

Every key but `type` is optional; `vehicle_id` and `vin` must name a vehicle given in
`owners` (a fleet's are drawn, so rules reach fleets by make, endpoint or chance).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from mockcar.scenario.specs import FaultRules

_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
METHODS = ("GET", "POST", "PUT", "DELETE")


def _moment_text(value: Any) -> Any:
    """YAML reads `10:15` as 615 (base 60) and an unquoted instant as a datetime: say
    the first, accept the second as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        # ValueError, not TypeError: pydantic reports only the former as a problem.
        raise ValueError(f"YAML read this as the number {value} (an unquoted 10:15 is a "  # noqa: TRY004
                         "base-60 number); quote times of day: '10:15'")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00+00:00"
    return value


def _method(value: str) -> str:
    if value.upper() not in METHODS:
        raise ValueError(f"must be one of {', '.join(METHODS)}, got {value!r}")
    return value.upper()


Moment = Annotated[str, BeforeValidator(_moment_text)]


class FaultSpec(BaseModel, FaultRules):
    model_config = _CONFIG
    type: Annotated[str, Field(min_length=1)]
    code: str | None = None
    method: Annotated[str, AfterValidator(_method)] | None = None
    endpoint: str | None = None
    vehicle_id: str | None = None
    vin: str | None = None
    make: Annotated[str, Field(min_length=1)] | None = None
    times: Annotated[int, Field(ge=1)] | None = None
    probability: Annotated[float, Field(gt=0, le=1)] = 1.0
    message: str | None = None
    retry_after: Annotated[int, Field(ge=0)] | None = None
    start: Moment | None = None
    end: Moment | None = None

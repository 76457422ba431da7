"""Latency in a scenario (mockcar.domain.world.latency has the model and where the realistic
figures come from).

    latency: realistic            # the scenario's: ideal (default) | realistic | a table
    latency_by_make:              # per make; wins over the scenario's
      TESLA: ideal
      NISSAN: {/odometer: 4000, "*": 1500}     # ms per endpoint, "*" for the rest
    asleep:                       # how vehicles in a timeline's asleep segment answer
      answer: wake                # wake (slowly: wake_ms, then awake awake_minutes) | error
      wake_ms: 12000
      awake_minutes: 10

Vehicles (`owners[].vehicles[].latency`) and fleets (`fleets[].latency`) take the same
values and win over their make's.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from mockcar.domain.world.latency import IDEAL, REALISTIC

MAX_MS = 300_000  # the official SDKs give up after 310 s
_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


def _latency(value: Any) -> str | dict[str, float]:
    """One of the three forms, with one problem message naming what is wrong (a plain
    union would report each form's own complaint)."""
    if isinstance(value, str) and value.strip().lower() in (IDEAL, REALISTIC):
        return value.strip().lower()
    if not isinstance(value, dict):
        # ValueError, not TypeError: pydantic reports only the former as a problem.
        raise ValueError(f"must be {IDEAL}, {REALISTIC} or a table of milliseconds by "  # noqa: TRY004
                         f"endpoint like {{/odometer: 800, '*': 200}}, got {value!r}")
    table: dict[str, float] = {}
    for key, ms in value.items():
        if not isinstance(key, str) or (key != "*" and not key.startswith("/")):
            raise ValueError(f"endpoint keys are paths like /odometer or /charge/*, or * for "
                             f"every other endpoint, got {key!r}")
        if isinstance(ms, bool) or not isinstance(ms, int | float) or not 0 <= ms <= MAX_MS:
            raise ValueError(f"{key}: must be a number of milliseconds from 0 to {MAX_MS}, "
                             f"got {ms!r}")
        table[key] = float(ms)
    return table


Milliseconds = Annotated[float, Field(ge=0, le=MAX_MS)]
LatencySpec = Annotated[
    str | dict[str, float],
    PlainValidator(_latency),
    WithJsonSchema({
        "description": "ideal (no delay), realistic (seconds, by make and endpoint) or "
                       "milliseconds by endpoint (`*` for the rest)",
        "anyOf": [
            {"enum": [IDEAL, REALISTIC]},
            {"type": "object", "propertyNames": {"pattern": r"^(/.*|\*)$"},
             "additionalProperties": {"type": "number", "minimum": 0, "maximum": MAX_MS}},
        ],
    }),
]


def _answer(value: str) -> str:
    folded = value.strip().lower()
    if folded not in ("wake", "error"):
        raise ValueError(f"must be wake (answer slowly) or error (VEHICLE_STATE ASLEEP), "
                         f"got {value!r}")
    return folded


def _make(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip().upper()


class AsleepSpec(BaseModel):
    model_config = _CONFIG
    answer: Annotated[str, AfterValidator(_answer)] = "wake"
    wake_ms: Milliseconds = 12_000
    awake_minutes: Annotated[float, Field(ge=0, le=24 * 60)] = 10


LatencyByMake = dict[Annotated[str, AfterValidator(_make)], LatencySpec]


class CommandsSpec(BaseModel):
    """Which API v3 commands are long-running (202, then PENDING until the World clock
    reaches their completion): `long_running` maps a make (or `*`) to command types
    (`charge-start`, `security-lock`, ... or `*`); default none, every command answering
    200 sync (mockcar.domain.world.executions)."""

    model_config = _CONFIG
    long_running: dict[Annotated[str, AfterValidator(_make)], list[str] | str] = {}
    long_running_seconds: Annotated[float, Field(ge=0, le=24 * 3600)] = 30.0


class RateLimitsSpec(BaseModel):
    """Smartcar's rate limits, off by default (mockcar.domain.world.rate_limits)."""

    model_config = _CONFIG
    enabled: bool = False
    application_capacity: Annotated[int, Field(ge=1)] = 120
    application_per_minute: Annotated[float, Field(ge=0)] = 2.0
    vehicle_capacity: Annotated[int, Field(ge=1)] = 10
    vehicle_per_minute: Annotated[float, Field(ge=0)] = 10.0

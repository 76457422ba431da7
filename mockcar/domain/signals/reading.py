"""Signals: API v3's view of a vehicle, computed from the same state as API v2's readings.

Smartcar's pages: https://smartcar.com/docs/api-reference/get-signal (the signal resource),
https://smartcar.com/docs/api-reference/signals/ (the catalogue),
https://smartcar.com/docs/api-reference/webhooks/events/vehicle-state (webhook VEHICLE_STATE
payloads carry the same signals).

A signal is `<group>-<name>` lower-cased (`odometer-traveleddistance`), with a `body` in
Smartcar's v3 vocabulary when it can be read, or a Smartcar error when it cannot (status
ERROR: COMPATIBILITY when the vehicle lacks the part, PERMISSION when the connection was
not granted the permission behind it, VEHICLE_STATE when the state refuses). The bodies
are built by `mockcar.domain.signals.catalog` from the vehicle's readings (the very
functions API v2 renders), so v2 and v3 always agree; there is no second copy of state.

The contract other modules rely on (API v3 in mockcar.web.v3, webhook deliveries):

* `signals(vehicle, now)` — every catalogue signal of `vehicle` at clock time `now`, in
  catalogue order, each SUCCESS or ERROR, never raising for a signal the vehicle lacks.
  It reads `vehicle.at(now)` (mockcar.domain.timelines.timeline: a vehicle with a timeline moves
  in time), as API v2 renders do. Pure: the same vehicle state and `now` give equal
  results, so comparing two snapshots (`Signal.value_key`) tells what changed.
* `signal(vehicle, code, now)` — one of them; `KeyError` for a code not in the catalogue.
* `permissions=` (both) — when given, a signal whose permission is missing is an ERROR
  carrying PERMISSION; when None (webhooks decide subscriptions elsewhere), no check.

Bodies are metric whatever the caller's `sc-unit-system` (Smartcar does not say whether
the header changes v3 units: mockcar picks "v3 units are fixed and named in the body");
percentages are
0–100, as the v3 examples show, where v2 says 0–1.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockcar.domain.signals.catalog import BY_CODE, CATALOG, SignalSpec
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.errors import SmartcarError

SUCCESS = "SUCCESS"
ERROR = "ERROR"

__all__ = [
    "BY_CODE", "CATALOG", "ERROR", "SUCCESS", "Signal", "SignalSpec", "codes", "signal",
    "signals",
]


@dataclass(frozen=True)
class Signal:
    """One signal of one vehicle at one moment. Exactly one of `body` and `error` is set.

    `retrieved_at` is when it was read (the clock's now); `oem_updated_at` when the
    vehicle last reported it (the vehicle's `updated_at`, API v2's `sc-data-age`)."""

    spec: SignalSpec
    body: dict[str, Any] | None
    error: SmartcarError | None
    retrieved_at: datetime
    oem_updated_at: datetime

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def group(self) -> str:
        return self.spec.group

    @property
    def status(self) -> str:
        return ERROR if self.error is not None else SUCCESS

    @property
    def value_key(self) -> tuple[str, object]:
        """What identifies this signal's value, without timestamps: equal keys mean an
        unchanged signal (for change detection between two snapshots)."""
        if self.error is not None:
            return (ERROR, (self.error.type, self.error.code))
        return (SUCCESS, _freeze(self.body))


def codes() -> tuple[str, ...]:
    """Every signal code mockcar serves, in catalogue order."""
    return tuple(spec.code for spec in CATALOG)


def signal(
    vehicle: Vehicle, code: str, now: datetime, permissions: Collection[str] | None = None
) -> Signal:
    """The signal `code` of `vehicle` at `now`; KeyError if `code` is not catalogued."""
    spec = BY_CODE[code.lower()]
    return _evaluate(spec, vehicle.at(now), now, permissions)


def signals(
    vehicle: Vehicle, now: datetime, permissions: Collection[str] | None = None,
    only: Iterable[str] | None = None,
) -> list[Signal]:
    """Every catalogued signal of `vehicle` at `now` (or those in `only`, unknown codes
    skipped), in catalogue order."""
    if only is None:
        chosen: Iterable[SignalSpec] = CATALOG
    else:
        wanted = {c.lower() for c in only}
        chosen = (spec for spec in CATALOG if spec.code in wanted)
    snapshot = vehicle.at(now)
    return [_evaluate(spec, snapshot, now, permissions) for spec in chosen]


def _evaluate(
    spec: SignalSpec, vehicle: Vehicle, now: datetime, permissions: Collection[str] | None
) -> Signal:
    """`vehicle` is the snapshot at `now`; its `updated_at` is when its data is from."""
    try:
        if permissions is not None and spec.permission not in permissions:
            raise SmartcarError(
                "PERMISSION",
                message=f"The signal {spec.code} needs the '{spec.permission}' permission; "
                f"add it to the Connect scope.",
            )
        spec.require_capable(vehicle)
        body: dict[str, Any] | None = spec.read(vehicle, now)
        error = None
    except SmartcarError as refused:
        body, error = None, refused
    return Signal(spec, body, error, now, vehicle.updated_at)


def _freeze(value: object) -> object:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value

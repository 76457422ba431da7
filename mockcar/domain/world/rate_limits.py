"""Smartcar's operational rate limits, opt-in (https://smartcar.com/docs/help/api-limits,
https://smartcar.com/docs/errors/api-errors/rate-limit-errors).

* `RATE_LIMIT:SMARTCAR_API`: each application has a bucket of 120 requests that refills at
  2 requests per minute (Smartcar's documented default);
* `RATE_LIMIT:VEHICLE`: a per-vehicle throttle, answered with `Retry-After` (seconds).
  Smartcar does not publish its size; here it is a bucket of 10 requests per vehicle that
  refills at 10 per minute, both settable.

Both are buckets on the World's clock, so a test advances the clock to refill them. Off by
default (a test suite that polls would otherwise be surprised); a scenario's `rate_limits`
section or the control API turns them on. Refused requests take no token.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

from mockcar.errors import SmartcarError

APPLICATION, VEHICLE = "application", "vehicle"  # the kinds of bucket


@dataclass(frozen=True)
class RateLimitSettings:
    enabled: bool = False
    application_capacity: int = 120
    application_per_minute: float = 2.0
    vehicle_capacity: int = 10
    vehicle_per_minute: float = 10.0

    def describe(self) -> dict[str, object]:
        return {"enabled": self.enabled,
                "application_capacity": self.application_capacity,
                "application_per_minute": self.application_per_minute,
                "vehicle_capacity": self.vehicle_capacity,
                "vehicle_per_minute": self.vehicle_per_minute}


@dataclass
class _Bucket:
    tokens: float
    at: datetime

    def take(self, now: datetime, capacity: int, per_minute: float) -> float:
        """0 if a token was taken, else the seconds until one is there."""
        elapsed = max(0.0, (now - self.at).total_seconds())
        self.tokens = min(float(capacity), self.tokens + elapsed * per_minute / 60.0)
        self.at = max(self.at, now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        if per_minute <= 0:
            return 3600.0
        return (1.0 - self.tokens) * 60.0 / per_minute


@dataclass
class RateLimits:
    settings: RateLimitSettings = field(default_factory=RateLimitSettings)
    _applications: dict[str, _Bucket] = field(default_factory=dict, repr=False)
    _vehicles: dict[str, _Bucket] = field(default_factory=dict, repr=False)

    def configure(self, settings: RateLimitSettings) -> None:
        """New settings start with full buckets."""
        self.settings = settings
        self._applications.clear()
        self._vehicles.clear()

    def switch(self, enabled: bool) -> None:
        self.configure(replace(self.settings, enabled=enabled))

    def buckets(self) -> Iterator[tuple[str, str, float, datetime]]:
        """(kind: application | vehicle, key, tokens, as of): what a snapshot keeps."""
        for kind, held in ((APPLICATION, self._applications), (VEHICLE, self._vehicles)):
            for key, bucket in held.items():
                yield kind, key, bucket.tokens, bucket.at

    def restore_bucket(self, kind: str, key: str, tokens: float, at: datetime) -> None:
        held = {APPLICATION: self._applications, VEHICLE: self._vehicles}[kind]
        held[key] = _Bucket(tokens, at)

    def check(self, client_id: str, vehicle_id: str | None, now: datetime) -> None:
        """Takes a token from the application's bucket, then the vehicle's; raises
        RATE_LIMIT with Retry-After when one is empty."""
        s = self.settings
        if not s.enabled:
            return
        app = self._applications.setdefault(client_id, _Bucket(float(s.application_capacity), now))
        wait = app.take(now, s.application_capacity, s.application_per_minute)
        if wait:
            raise SmartcarError(
                "RATE_LIMIT", "SMARTCAR_API", retry_after=math.ceil(wait),
                message=f"Application {client_id} has used its bucket of "
                f"{s.application_capacity} requests (refilling {s.application_per_minute:g} "
                "per minute of World time; rate limits are on for this World).")
        if vehicle_id is None:
            return
        car = self._vehicles.setdefault(vehicle_id, _Bucket(float(s.vehicle_capacity), now))
        wait = car.take(now, s.vehicle_capacity, s.vehicle_per_minute)
        if wait:
            app.tokens = min(float(s.application_capacity), app.tokens + 1.0)
            raise SmartcarError(
                "RATE_LIMIT", "VEHICLE", retry_after=math.ceil(wait),
                message=f"Vehicle {vehicle_id} has had {s.vehicle_capacity} requests "
                f"(refilling {s.vehicle_per_minute:g} per minute of World time); retry after "
                f"{math.ceil(wait)} s.")

"""Webhooks an application declares, and which vehicles are subscribed to them
(https://smartcar.com/docs/api-reference/webhooks/subscribe-webhook; what a webhook delivers:
https://smartcar.com/docs/api-reference/webhooks/events/overview).

A webhook is configured by the scenario (`applications[].webhooks`) or through the
control API: where deliveries go (`url`), what they carry (`signals`: v3 signal codes, or
v2 endpoint paths for a v2 webhook), when they fire (`trigger`: on a signal change, or on
a schedule) and in which envelope (`version`: "v3" is Smartcar's current "4.0" envelope,
"v2" the legacy one). Membership lives in `World.subscriptions` (webhook id -> vehicle
ids); what each subscription has been told so far lives in `World.deliveries`
(mockcar.domain.webhooks.deliveries). Deliveries themselves are sent by mockcar.delivery.

Which vehicles are subscribed, and the rules that change it, are in
mockcar.domain.webhooks.membership: this module holds only the webhook itself, so the
World's records (mockcar.domain.world.records) can hold an application's webhooks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mockcar.domain.signals import reading as catalogue
from mockcar.domain.vehicles import capabilities
from mockcar.domain.webhooks.deliveries import VEHICLE_ERROR

V2, V3 = "v2", "v3"
VERSIONS = (V2, V3)

# What a webhook carries when its configuration names nothing: signals (v3) or endpoint
# paths (v2) every make answers, plus the EV battery an app most often watches.
DEFAULT_SIGNALS = (
    "odometer-traveleddistance", "location-preciselocation", "closure-islocked",
    "tractionbattery-stateofcharge", "charge-ischarging",
)
DEFAULT_V2_PATHS = ("/odometer", "/location", "/battery", "/charge")
_DURATION = re.compile(r"(?:(\d+)([dhms]))+")
_UNITS = {"d": 86_400, "h": 3600, "m": 60, "s": 1}


@dataclass(frozen=True)
class Trigger:
    """When a webhook fires besides its first delivery: on a change of any of its
    signals (`every_seconds` None), or every `every_seconds` of World time, on the
    multiples of that period since the Unix epoch (every 3600 s: on the hour)."""

    every_seconds: int | None = None

    @property
    def on_change(self) -> bool:
        return self.every_seconds is None

    def describe(self) -> str:
        return "on_change" if self.every_seconds is None else f"every {self.every_seconds}s"


ON_CHANGE = Trigger()


@dataclass(frozen=True)
class Webhook:
    """A webhook as the Smartcar Dashboard defines it. Without a `url` nothing is
    delivered (vehicles can still be subscribed). `error_url`, the optional "Vehicle
    error callback URI", receives the VEHICLE_ERROR payloads instead of `url`
    (https://smartcar.com/docs/integrations/webhooks/webhook-receiver)."""

    id: str
    name: str
    url: str | None = None
    signals: tuple[str, ...] = field(default=())  # empty: DEFAULT_SIGNALS / _V2_PATHS
    trigger: Trigger = ON_CHANGE
    version: str = V3
    error_url: str | None = None

    def url_for(self, kind: str) -> str | None:
        """Where an event of `kind` goes: VEHICLE_ERROR to `error_url` when there is one,
        everything else (and VERIFY always) to `url`."""
        if kind == VEHICLE_ERROR and self.error_url is not None and self.url is not None:
            return self.error_url
        return self.url

    @property
    def carried(self) -> tuple[str, ...]:
        """The signal codes (v3) or endpoint paths (v2) each delivery carries."""
        if self.signals:
            return self.signals
        return DEFAULT_V2_PATHS if self.version == V2 else DEFAULT_SIGNALS


def seconds(value: Any) -> int:
    """A duration with units (`1h30m`, `45m`, `90s`, `1d`) or whole seconds, >= 1 s."""
    if isinstance(value, int) and not isinstance(value, bool):
        total = value
    elif isinstance(value, str) and _DURATION.fullmatch(value.strip()):
        total = sum(int(n) * _UNITS[u] for n, u in re.findall(r"(\d+)([dhms])", value))
    else:
        raise ValueError(f"must be a duration like 1h, 15m or 30s (units d, h, m, s), "
                         f"got {value!r}")
    if total < 1:
        raise ValueError("must be at least 1 second")
    return total


def carried_problem(version: str, item: str) -> str | None:
    """What is wrong with one `signals` entry of a webhook of `version`, or None."""
    if version == V2:
        path = item.rstrip("/")
        if capabilities.endpoint("GET", path) is None:
            return (f"{item!r} is not a Vehicle API GET path (a v2 webhook carries paths "
                    "like /odometer, /battery, /location)")
        return None
    if item.lower() not in catalogue.BY_CODE:
        return (f"{item!r} is not a signal code (codes look like odometer-traveleddistance; "
                "GET /v3/vehicles/{id}/signals lists them)")
    return None

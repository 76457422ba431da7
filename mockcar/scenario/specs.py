"""What the parts of a validated scenario do, without pydantic: the behaviour the
schema's models (mockcar.scenario.schema) inherit (`VehicleRules`, `TimelineRules`,
`WebhookRules`, `FaultRules`), and `Kept`, the plain stand-in a start whose scenario was
validated before builds its World from (mockcar.scenario.cache).

A `Kept` has the fields of the model it stands for as attributes and inherits the same
behaviour, so building a World reads it as it reads the model: a start that takes its
scenario from the cache imports no pydantic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from mockcar.domain.webhooks.webhook import Trigger, Webhook

PROFILES = ("commute", "road_trip", "overnight_charge", "parked")
CHARGING_PROFILES = frozenset({"overnight_charge"})  # profiles that need a plug-in battery


# The behaviour of the schema's models beyond their fields, in one place: each model
# (mockcar.scenario.schema) and its stand-in below inherit it. Written against `Any`:
# the fields are the model's.


class FaultRules:
    def error(self) -> tuple[str, str | None]:
        """A fault rule's (type, code), upper-case; `type: A.B` carries its code."""
        spec: Any = self
        kind, code = spec.type.upper(), spec.code.upper() if spec.code else None
        if code is None:
            for separator in (".", ":"):
                if separator in kind:
                    kind, code = kind.split(separator, 1)
                    break
        return kind, code


class VehicleRules:
    @property
    def needs_battery(self) -> bool:
        """Whether a given field only makes sense with a plug-in battery."""
        vehicle: Any = self
        return (vehicle.battery is not None or vehicle.plugged_in is not None
                or vehicle.charging is not None or vehicle.charge_limit is not None
                or (vehicle.timeline is not None and vehicle.timeline.charges))

    @property
    def needs_fuel(self) -> bool:
        vehicle: Any = self
        return vehicle.fuel is not None


class TimelineRules:
    @property
    def repeats(self) -> bool:
        timeline: Any = self
        return (bool(timeline.repeat) if timeline.repeat is not None
                else timeline.profile is not None)

    @property
    def charges(self) -> bool:
        """Whether it plugs the vehicle in: it then needs a plug-in battery."""
        timeline: Any = self
        if timeline.profile is not None:
            return timeline.profile in CHARGING_PROFILES
        return any(s.kind == "charging" for s in timeline.segments or ())


class WebhookRules:
    def webhook(self) -> Webhook:
        """A scenario webhook as the World holds it; its trigger is "on_change" or a
        schedule."""
        spec: Any = self
        every = None if isinstance(spec.trigger, str) else spec.trigger.schedule.every
        return Webhook(spec.id, spec.name, spec.url, tuple(spec.signals),
                       Trigger(every_seconds=every), spec.version, spec.error_url)


class Kept:
    """A model's validated fields as attributes (`dict(kept)` gives them, as for a
    model). Made by mockcar.scenario.cache only, from values validated when kept."""

    # The model it stands for: a name no field can take (fields never start with "_").
    _model: ClassVar[str] = ""

    def __init__(self, fields: dict[str, Any]) -> None:
        vars(self).update(fields)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(vars(self).items())

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Kept) and other._model == self._model
                and vars(other) == vars(self))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{self._model}({', '.join(f'{k}={v!r}' for k, v in self)})"


class KeptVehicle(Kept, VehicleRules):
    _model = "VehicleSpec"


class KeptTimeline(Kept, TimelineRules):
    _model = "TimelineSpec"


class KeptWebhook(Kept, WebhookRules):
    _model = "WebhookSpec"


class KeptFault(Kept, FaultRules):
    _model = "FaultSpec"


# The stand-ins with behaviour, by the model's name; every other model is a plain `Kept`.
KEPT: dict[str, type[Kept]] = {kind._model: kind for kind in
                               (KeptVehicle, KeptTimeline, KeptWebhook, KeptFault)}


def kept(model: str, fields: dict[str, Any]) -> Kept:
    """The stand-in for the model named `model` (its class name) with `fields`; a
    ValueError for a field name that is not one (or would hide a method)."""
    found = KEPT.get(model)
    if found is None:
        found = KEPT[model] = type(model, (Kept,), {"_model": model})
    for name in fields:
        if not name.isidentifier() or name.startswith("_") or hasattr(found, name):
            raise ValueError(f"{model}: not a field name: {name!r}")
    return found(fields)

"""What the parts of a validated scenario do, without pydantic: the rules the schema's
models (mockcar.scenario.schema) call, and `Kept`, the plain stand-in a start whose
scenario was validated before builds its World from (mockcar.scenario.cache).

A `Kept` has the fields of the model it stands for as attributes, and the same few
methods (through the same functions here), so building a World reads it as it reads
the model: a start that takes its scenario from the cache imports no pydantic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from mockcar.domain.webhooks.webhook import Trigger, Webhook

PROFILES = ("commute", "road_trip", "overnight_charge", "parked")
CHARGING_PROFILES = frozenset({"overnight_charge"})  # profiles that need a plug-in battery


def fault_error(spec: Any) -> tuple[str, str | None]:
    """A fault rule's (type, code), upper-case; `type: A.B` carries its code."""
    kind, code = spec.type.upper(), spec.code.upper() if spec.code else None
    if code is None:
        for separator in (".", ":"):
            if separator in kind:
                kind, code = kind.split(separator, 1)
                break
    return kind, code


def needs_battery(vehicle: Any) -> bool:
    """Whether a vehicle spec gives a field that only makes sense with a plug-in battery."""
    return (vehicle.battery is not None or vehicle.plugged_in is not None
            or vehicle.charging is not None or vehicle.charge_limit is not None
            or (vehicle.timeline is not None and timeline_charges(vehicle.timeline)))


def timeline_repeats(timeline: Any) -> bool:
    return bool(timeline.repeat) if timeline.repeat is not None else timeline.profile is not None


def timeline_charges(timeline: Any) -> bool:
    """Whether a timeline plugs the vehicle in: it then needs a plug-in battery."""
    if timeline.profile is not None:
        return timeline.profile in CHARGING_PROFILES
    return any(s.kind == "charging" for s in timeline.segments or ())


def webhook_of(spec: Any) -> Webhook:
    """A scenario webhook as the World holds it; its trigger is "on_change" or a
    schedule."""
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


class KeptVehicle(Kept):
    _model = "VehicleSpec"

    @property
    def needs_battery(self) -> bool:
        return needs_battery(self)

    @property
    def needs_fuel(self) -> bool:
        return getattr(self, "fuel", None) is not None


class KeptTimeline(Kept):
    _model = "TimelineSpec"

    @property
    def repeats(self) -> bool:
        return timeline_repeats(self)

    @property
    def charges(self) -> bool:
        return timeline_charges(self)


class KeptWebhook(Kept):
    _model = "WebhookSpec"

    def webhook(self) -> Webhook:
        return webhook_of(self)


class KeptFault(Kept):
    _model = "FaultSpec"

    def error(self) -> tuple[str, str | None]:
        return fault_error(self)


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

"""`applications[].webhooks[]` of a scenario: where deliveries go, what they carry, when
they fire (the model is mockcar.domain.webhooks.webhook)::

    webhooks:
      - id: 5d2a2f6e-3b1c-4c8e-9a47-1f0b8e6d2c11   # required, unique across applications
        name: Battery watcher                        # required
        url: http://localhost:8000/webhooks          # optional: without it nothing is sent
        error_url: http://localhost:8000/errors      # optional: VEHICLE_ERROR goes here
        version: v3            # v3 (default: Smartcar's current "4.0" envelope) | v2
        signals:               # v3: signal codes; v2: Vehicle API GET paths
          - tractionbattery-stateofcharge
          - charge-ischarging
        trigger: on_change     # default; or {schedule: {every: 1h}}

id        no whitespace, '/', '?' or '#' (it is a path segment); Smartcar's are UUIDs
url       an absolute http(s) URL
error_url an absolute http(s) URL, Smartcar's optional "Vehicle error callback URI":
          VEHICLE_ERROR payloads go there instead of `url` (everything else, VERIFY
          included, still goes to `url`)
signals   v3: codes of the signal catalogue (odometer-traveleddistance, ...); v2: GET
          endpoint paths (/odometer, /battery, ...). Default: odometer, location, lock
          state, EV state of charge and charging (v2: /odometer /location /battery
          /charge)
trigger   on_change: a v3 webhook sends VEHICLE_STATE when a signal changes; a v2 one
          sends eventBased charging events. schedule.every: a duration with a unit (30s,
          15m, 1h, 1d, 1h30m) or whole seconds; deliveries at every multiple of it in
          World time (every 1h: on the hour)
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from mockcar.domain.webhooks.receiver_url import receiver_url
from mockcar.domain.webhooks.webhook import V3, carried_problem, seconds
from mockcar.scenario.specs import WebhookRules

_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


def _webhook_id(value: str) -> str:
    # It is a path segment: /vehicles/{id}/webhooks/{webhook_id}, /v3/subscriptions.
    if not value or any(c.isspace() or c in "/?#" for c in value):
        raise ValueError(f"must be non-empty without spaces, '/', '?' or '#', got {value!r}")
    return value


def _name(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class Every(BaseModel):
    model_config = _CONFIG
    every: Annotated[int, BeforeValidator(seconds), WithJsonSchema({"oneOf": [
        {"type": "string", "pattern": r"^(\d+[dhms])+$"}, {"type": "integer", "minimum": 1}]})]


class Schedule(BaseModel):
    model_config = _CONFIG
    schedule: Every


class WebhookSpec(BaseModel, WebhookRules):
    model_config = _CONFIG
    id: Annotated[str, AfterValidator(_webhook_id)]
    name: Annotated[str, AfterValidator(_name)]
    url: Annotated[str, AfterValidator(receiver_url)] | None = None
    error_url: Annotated[str, AfterValidator(receiver_url)] | None = None
    version: Literal["v2", "v3"] = "v3"
    signals: list[str] = []
    # Tagged by shape, so a mistake is reported against the one form it was meant as.
    trigger: Annotated[
        Annotated[Literal["on_change"], Tag("on_change")] | Annotated[Schedule, Tag("schedule")],
        Discriminator(lambda v: "schedule" if isinstance(v, dict | Schedule) else "on_change"),
    ] = "on_change"

    @field_validator("signals")
    @classmethod
    def _carried(cls, value: list[str], info: ValidationInfo) -> list[str]:
        problems = [problem for item in value
                    if (problem := carried_problem(info.data.get("version", V3), item))]
        if problems:
            raise ValueError("; ".join(problems))
        if len(set(value)) != len(value):
            raise ValueError("lists an entry twice")
        return value

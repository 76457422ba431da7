"""The charging curve of a simulated vehicle: how fast its battery fills at a charger.

The curve. A charger delivers its rated power `P` (kW, at the wall) into an empty
battery, and the power falls linearly with state of charge `x` to `taper · P` at a full
battery::

    power(x) = P · (c − x) / c,        c = 1 / (1 − taper)

`taper` is 0.8 on AC chargers (up to 22 kW: home wall boxes, public AC posts), whose
power barely drops before the top, and 0.15 on DC fast chargers (above 22 kW), whose
power falls steadily from the first minutes as published DC charging curves do (a
75 kWh pack on a 150 kW charger goes from 10% to 80% in about 40 minutes here). Of the
wall energy, `CHARGING_EFFICIENCY` (90%) reaches the pack.

Why this family. With power linear in `x`, the state of charge after `h` hours is

    x(h) = c + (x₀ − c) · exp(−κ·h),     κ = P · efficiency / (capacity · c)

an affine function of the level before. Charging stops at the charge limit. Because
every step of a day (driving drains a fixed amount, charging is affine, the limit and
an empty battery clamp) is piecewise affine, a repeating timeline can be folded over any
number of days in closed form (mockcar.domain.timelines.cycles) instead of day by day.
A flat-then-tapering curve would look closer to an AC charge, but its state after a
charge is not affine in the state before, and days could then only be stepped one at a
time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CHARGING_EFFICIENCY = 0.9  # share of wall energy that reaches the pack
AC_MAX_KW = 22.0  # above this a charger is a DC fast charger
AC_TAPER, DC_TAPER = 0.8, 0.15


def taper_for(power_kw: float) -> float:
    return AC_TAPER if power_kw <= AC_MAX_KW else DC_TAPER


@dataclass(frozen=True)
class ChargeCurve:
    """Charging a `capacity_kwh` battery at a charger rated `power_kw`. Levels are
    fractions 0–1 of the capacity, times in hours."""

    power_kw: float
    capacity_kwh: float
    taper: float
    efficiency: float = CHARGING_EFFICIENCY

    @classmethod
    def of(cls, power_kw: float, capacity_kwh: float) -> ChargeCurve:
        return cls(power_kw, capacity_kwh, taper_for(power_kw))

    @property
    def center(self) -> float:
        """The level the power would fall to zero at (above 1: it never does)."""
        return 1 / (1 - self.taper)

    @property
    def rate(self) -> float:
        """κ, per hour: how fast the gap to `center` closes."""
        return self.power_kw * self.efficiency / (self.capacity_kwh * self.center)

    def power_at(self, level: float) -> float:
        """Wall power (kW) drawn at `level`."""
        return self.power_kw * (self.center - level) / self.center

    def factor(self, hours: float) -> float:
        """exp(−κ·h): what is left of the gap to `center` after `hours`."""
        return math.exp(-self.rate * hours)

    def after(self, level: float, hours: float, limit: float) -> float:
        """The level after charging `hours` from `level`, stopping at `limit`. A battery
        already at or above the limit (the limit was lowered) stays where it is."""
        if level >= limit or hours <= 0:
            return level
        center = self.center
        return min(limit, center + (level - center) * self.factor(hours))

    def hours_to(self, level: float, target: float) -> float:
        """Hours of charging from `level` to `target` (0 when already there)."""
        if level >= target:
            return 0.0
        center = self.center
        return math.log((center - level) / (center - target)) / self.rate

"""Unit systems of the Vehicle API (`sc-unit-system`,
https://smartcar.com/docs/api-reference/headers).

The domain keeps every quantity metric (°C, km/h); conversion happens once, when a reading is
serialized for a client that asked for imperial.
"""

from __future__ import annotations

from enum import StrEnum

KM_PER_MILE = 1.609344
LITERS_PER_US_GALLON = 3.785411784
KPA_PER_PSI = 6.894757


class UnitSystem(StrEnum):
    METRIC = "metric"
    IMPERIAL = "imperial"

    @classmethod
    def parse(cls, raw: str | None) -> UnitSystem:
        """The `sc-unit-system` header; absent or unknown means metric, as Smartcar does."""
        if raw and raw.strip().lower() == cls.IMPERIAL:
            return cls.IMPERIAL
        return cls.METRIC


# Read on every rendering: a module global is one dict lookup, an Enum class's
# attribute goes through EnumType's __getattr__ hook first (Python 3.11).
_IMPERIAL = UnitSystem.IMPERIAL


def distance(km: float, units: UnitSystem) -> float:
    return km / KM_PER_MILE if units is _IMPERIAL else km


def volume(liters: float, units: UnitSystem) -> float:
    return liters / LITERS_PER_US_GALLON if units is _IMPERIAL else liters


def pressure(kpa: float, units: UnitSystem) -> float:
    return kpa / KPA_PER_PSI if units is _IMPERIAL else kpa


def temperature(celsius: float, units: UnitSystem) -> float:
    return celsius * 9 / 5 + 32 if units is _IMPERIAL else celsius


def temperature_to_celsius(value: float, units: UnitSystem) -> float:
    """A temperature a client sent in its unit system, as the domain keeps it."""
    return (value - 32) * 5 / 9 if units is _IMPERIAL else value


def speed(kmh: float, units: UnitSystem) -> float:
    return kmh / KM_PER_MILE if units is _IMPERIAL else kmh

"""Smartcar's make ids: the upper-case keys Connect's `make` parameter and brand buttons
use (`TESLA`, `MERCEDES_BENZ`), and which of an account's vehicles a brand's sign-in
lists (https://smartcar.com/docs/connect/connect-parameters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

_NOT_KEY = re.compile(r"[^A-Z0-9]+")
_FOLDS = str.maketrans({"Ë": "E", "Š": "S"})


class _HasMake(Protocol):
    @property
    def make(self) -> str: ...


Made = TypeVar("Made", bound=_HasMake)


def brand_key(make: str) -> str:
    """`Mercedes-Benz` → `MERCEDES_BENZ`, `Citroën` → `CITROEN`, `Tesla` → `TESLA`."""
    return _NOT_KEY.sub("_", make.upper().translate(_FOLDS)).strip("_")


def of_brand(vehicles: Iterable[Made], brand: str) -> list[Made]:
    """The vehicles whose make is `brand` (a make or a make id, any spelling)."""
    key = brand_key(brand)
    return [v for v in vehicles if brand_key(v.make) == key]

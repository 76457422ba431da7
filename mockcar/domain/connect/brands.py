"""The brands Connect lists: Smartcar's makes plus every make a World's vehicles have,
named as a person reads them and found by a search that ignores case and accents; a
Connect URL's `make` names one of them by its id
(https://smartcar.com/docs/connect/connect-parameters).

Functions of the World's makes, not of the World, so the authorization request and the
session can hold a `Brand` without importing the World.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from mockcar.domain.vehicles.brands import brand_key

# Brands Smartcar Connect lists (display names); the World's own makes are added to
# these so every scenario vehicle's brand can be picked.
SMARTCAR_BRANDS: tuple[str, ...] = (
    "Acura", "Alfa Romeo", "Audi", "BMW", "Buick", "Cadillac", "Chevrolet", "Chrysler",
    "Citroën", "CUPRA", "Dodge", "DS", "Fiat", "Ford", "Genesis", "GMC", "Honda",
    "Hyundai", "Infiniti", "Jaguar", "Jeep", "Kia", "Land Rover", "Lexus", "Lincoln",
    "Lucid", "Mazda", "Mercedes-Benz", "MINI", "Mitsubishi", "Nissan", "Opel", "Peugeot",
    "Polestar", "Porsche", "Ram", "Renault", "Rivian", "Škoda", "Subaru", "Tesla",
    "Toyota", "Vauxhall", "Volkswagen", "Volvo",
)


@dataclass(frozen=True)
class Brand:
    key: str  # TESLA, MERCEDES_BENZ: the `make` value and the button id
    name: str  # what the user reads


def make_key(make: str) -> str:
    """`Mercedes-Benz` → `MERCEDES_BENZ`, `Tesla` → `TESLA` (Smartcar's make ids)."""
    return brand_key(make)


_BRAND_NAMES = {make_key(name): name for name in SMARTCAR_BRANDS}


def make_name(make: str) -> str:
    """What a person reads for a make id: `FORD` → `Ford`, `MERCEDES_BENZ` →
    `Mercedes-Benz`; a make Connect does not list, in title case (`SMART` → `Smart`)."""
    known = _BRAND_NAMES.get(make_key(make))
    if known is not None:
        return known
    return make.replace("_", " ").title() if make.isupper() else make


def listed_brands(world_makes: Iterable[str]) -> list[Brand]:
    """Smartcar's brands plus `world_makes`, sorted by name, one per key."""
    found: dict[str, Brand] = {}
    for name in (*SMARTCAR_BRANDS, *sorted(world_makes)):
        key = make_key(name)
        if key and key not in found:
            found[key] = Brand(key, make_name(name))
    return sorted(found.values(), key=lambda b: _folded(b.name))


def _folded(text: str) -> str:
    """Without case and accents, so Škoda sorts and matches with the S."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_listed_brand(world_makes: Iterable[str], make: str) -> Brand | None:
    key = make_key(make)
    return next((b for b in listed_brands(world_makes) if b.key == key), None)


def search_listed_brands(world_makes: Iterable[str], query: str) -> list[Brand]:
    needle = _folded(query.strip())
    every = listed_brands(world_makes)
    if not needle:
        return every
    return [b for b in every if needle in _folded(b.name) or needle in b.key.casefold()]

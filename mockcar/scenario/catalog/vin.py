"""Vehicle Identification Numbers (ISO 3779; check digit per 49 CFR 565.15).

Generated VINs use the VIN alphabet (no I, O, Q) and carry a correct check digit in
position 9 and the model-year code in position 10. Given VINs are only checked for
length and letters/digits: Smartcar's own test VINs (e.g. 0SCAUDI0155C49A95) have
neither a check digit nor the restricted alphabet, and scenarios must accept them.
"""

from __future__ import annotations

import random

# Real VINs never use I, O and Q (they read as 1, 0 and 0); given VINs may.
ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
ACCEPTED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
LENGTH = 17

_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7, "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Position 10 cycles every 30 years: 1980 = A ... 2000 = Y, 2001 = 1 ... 2009 = 9, 2010 = A.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def problem(vin: str) -> str | None:
    """Why `vin` cannot be a VIN given in a scenario, or None. Upper-case it first."""
    if len(vin) != LENGTH:
        return f"must be {LENGTH} characters, not {len(vin)}"
    bad = sorted({c for c in vin if c not in ACCEPTED})
    if bad:
        return f"must be letters and digits only, found {', '.join(map(repr, bad))}"
    return None


def check_digit(vin: str) -> str:
    """The check digit (position 9) a 17-character VIN over `ALPHABET` should carry."""
    total = sum(_VALUES[c] * w for c, w in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def has_valid_check_digit(vin: str) -> bool:
    return len(vin) == LENGTH and set(vin) <= set(ALPHABET) and vin[8] == check_digit(vin)


def year_code(year: int) -> str:
    return _YEAR_CODES[(year - 1980) % len(_YEAR_CODES)]


def generate(wmi: str, year: int, rng: random.Random) -> str:
    """A well-formed VIN: WMI, five descriptor characters, check digit, model year,
    plant, six-digit serial."""
    descriptor = "".join(rng.choice(ALPHABET) for _ in range(5))
    plant = rng.choice(ALPHABET)
    serial = f"{rng.randrange(1_000_000):06d}"
    draft = f"{wmi}{descriptor}0{year_code(year)}{plant}{serial}"
    return draft[:8] + check_digit(draft) + draft[9:]



class Drawer:
    """`generate` for fleets of 100,000: the same kind of VIN (WMI, descriptor, check
    digit, model year, plant, serial) from two draws, its characters and check-digit
    sum looked up in tables of character pairs and digit triples."""

    _PAIRS = len(ALPHABET) ** 2

    def __init__(self) -> None:
        pairs = [a + b for a in ALPHABET for b in ALPHABET]
        # (text, weighted sum) of a pair at positions 4-5, 6-7 and 8+11 (plant).
        self._pairs = [
            [(t, _VALUES[t[0]] * _WEIGHTS[i] + _VALUES[t[1]] * _WEIGHTS[j]) for t in pairs]
            for i, j in ((3, 4), (5, 6), (7, 10))
        ]
        triples = [f"{n:03d}" for n in range(1000)]
        self._triples = [
            [(t, sum(int(d) * w for d, w in zip(t, _WEIGHTS[start:start + 3], strict=True)))
             for t in triples]
            for start in (11, 14)
        ]
        self._heads: dict[tuple[str, int], tuple[int, str]] = {}

    def draw(self, wmi: str, year: int, rng: random.Random) -> str:
        head = self._heads.get((wmi, year))
        if head is None:
            code = year_code(year)
            head = self._heads[(wmi, year)] = (
                sum(_VALUES[c] * w for c, w in zip(wmi, _WEIGHTS, strict=False))
                + _VALUES[code] * _WEIGHTS[9], code)
        # random() is uniform to 2**-53: int(random() * n) is uniform for these n, and
        # far cheaper than randrange.
        rest, third = divmod(int(rng.random() * self._PAIRS ** 3), self._PAIRS)
        first, second = divmod(rest, self._PAIRS)
        high, low = divmod(int(rng.random() * 1_000_000), 1000)
        (a, wa), (b, wb), (c, wc) = (self._pairs[0][first], self._pairs[1][second],
                                     self._pairs[2][third])
        (h, wh), (lo, wl) = self._triples[0][high], self._triples[1][low]
        remainder = (head[0] + wa + wb + wc + wh + wl) % 11
        check = "X" if remainder == 10 else str(remainder)
        return f"{wmi}{a}{b}{c[0]}{check}{head[1]}{c[1]}{h}{lo}"

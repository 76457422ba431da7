"""VIN rules (ISO 3779, check digit per 49 CFR 565.15)."""

from __future__ import annotations

import random

import pytest

from mockcar.scenario.catalog import vin


@pytest.mark.parametrize(
    "known",
    [
        "1M8GDM9AXKP042788",  # the check-digit worked example: remainder 10 -> X
        "11111111111111111",  # all ones: the textbook "valid" VIN
        "5YJ3E1EA0NF123456",
    ],
)
def test_known_check_digits(known: str) -> None:
    assert vin.check_digit(known) == known[8]
    assert vin.has_valid_check_digit(known)


@pytest.mark.parametrize("test_vin", ["0SCAUDI0155C49A95", "0SCAUDI012FE3B132",
                                      "0SCLR0002E8896323"])
def test_smartcar_test_vins_are_accepted_without_a_check_digit(test_vin: str) -> None:
    assert vin.problem(test_vin) is None
    assert not vin.has_valid_check_digit(test_vin)


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("5YJ3E1EA0NF12345", "must be 17 characters, not 16"),
        ("5YJ3E1EA0NF1234567", "must be 17 characters, not 18"),
        ("5YJ3E1EA0NF1234-6", "letters and digits only, found '-'"),
        ("5YJ3E1EA0NF1234 6", "letters and digits only, found ' '"),
    ],
)
def test_problems(bad: str, why: str) -> None:
    assert why in (vin.problem(bad) or "")


@pytest.mark.parametrize(("year", "code"), [(1980, "A"), (2000, "Y"), (2001, "1"),
                                            (2009, "9"), (2010, "A"), (2025, "S")])
def test_year_codes(year: int, code: str) -> None:
    assert vin.year_code(year) == code


def test_generated_vins_are_valid() -> None:
    rng = random.Random(7)
    for year in range(1990, 2028):
        made = vin.generate("5YJ", year, rng)
        assert made.startswith("5YJ")
        assert made[9] == vin.year_code(year)
        assert vin.has_valid_check_digit(made), made

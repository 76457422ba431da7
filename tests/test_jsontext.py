"""mockcar.jsontext: JSON from outside, parsed within bounds (HTTP behaviour in
tests/web/test_guard.py)."""

from __future__ import annotations

import pytest

from mockcar import jsontext


def test_nesting_is_bounded_whatever_the_depth() -> None:
    assert jsontext.loads("[" * 64 + "]" * 64) is not None
    for depth in (65, 500, 5000, 100_000):
        with pytest.raises(jsontext.JSONTextError, match="deeper than 64"):
            jsontext.loads(b"[" * depth + b"]" * depth)
    deep_object = '{"a":' * 65 + "1" + "}" * 65
    with pytest.raises(ValueError):  # every caller's `except ValueError` catches it
        jsontext.loads(deep_object)


def test_brackets_in_strings_and_wide_documents_are_fine() -> None:
    text = '{"note": "' + "[{" * 500 + '"}'
    assert jsontext.loads(text) == {"note": "[{" * 500}
    assert len(jsontext.loads(b"[" + b",".join([b"[1]"] * 100_000) + b"]")) == 100_000


@pytest.mark.parametrize("raw", [b"", b"{", b"\xff\xfe{}", b"NaN]", "\ud800"])
def test_anything_else_that_is_not_json_is_one_error(raw: bytes | str) -> None:
    with pytest.raises(jsontext.JSONTextError):
        jsontext.loads(raw)

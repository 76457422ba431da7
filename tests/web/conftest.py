"""Read paths: the API v2 and v3 read modules in `BOTH` run twice, through the fast read
path (mockcar.web.fast_reads, on by default) and through the Starlette path alone, so
their assertions hold both ways. Every other test runs through the fast path, and
tests/web/test_fast_reads.py compares the two answer for answer;
`MOCKCAR_FAST_READS=0 pytest tests/web` runs everything through the Starlette path."""

from __future__ import annotations

import pytest

BOTH = frozenset({
    "tests/web/v2/test_reads.py", "tests/web/v2/test_endpoints.py",
    "tests/web/v2/test_triggers.py", "tests/web/v3/test_signals.py",
    "tests/web/v3/test_vehicles_and_errors.py",
})
PATHS = {"fast": "1", "starlette": "0"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    where = metafunc.definition.path.relative_to(metafunc.config.rootpath).as_posix()
    if "read_path" in metafunc.fixturenames and where in BOTH:
        metafunc.parametrize("read_path", list(PATHS), indirect=True)


@pytest.fixture(autouse=True)
def read_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The read path of the apps this test makes (Settings reads MOCKCAR_FAST_READS when
    made); None leaves it to the environment."""
    chosen: str | None = getattr(request, "param", None)
    if chosen is not None:
        monkeypatch.setenv("MOCKCAR_FAST_READS", PATHS[chosen])
    return chosen

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mockcar.domain.world.clock import Clock

WriteScenario = Callable[[str], Path]


@pytest.fixture
def write_scenario(tmp_path: Path) -> WriteScenario:
    """Write YAML text to a fresh file and return its path."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"scenario{next(counter)}.yaml"
        path.write_text(text)
        return path

    return write


@pytest.fixture
def clock() -> Clock:
    return Clock(frozen_at=datetime(2025, 6, 1, 12, 0, tzinfo=UTC))

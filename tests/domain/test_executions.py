"""Long-running command executions settle by the World's clock, in completion order
(mockcar.domain.world.executions), whatever order they were started in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mockcar.domain.world.executions import PENDING, SUCCESS, Executions

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_pending_executions_finish_when_due_in_completion_order() -> None:
    executions = Executions()
    acted: list[tuple[str, datetime]] = []

    def start(name: str, seconds: float) -> str:
        return executions.start(
            "car", name, {}, lambda at: acted.append((name, at)), START,
            long_running=True, seconds=seconds).id

    slow, quick, tie = start("slow", 60), start("quick", 10), start("tie", 60)
    executions.settle(START + timedelta(seconds=9))
    assert acted == []
    assert executions.get("car", quick) is not None
    assert executions.get("car", quick).status == PENDING  # type: ignore[union-attr]
    executions.settle(START + timedelta(seconds=10))
    assert acted == [("quick", START + timedelta(seconds=10))]
    executions.settle(START + timedelta(hours=1))
    assert [name for name, _ in acted] == ["quick", "slow", "tie"]
    assert all(executions.get("car", e).status == SUCCESS  # type: ignore[union-attr]
               for e in (slow, quick, tie))
    executions.settle(START + timedelta(hours=2))
    assert len(acted) == 3

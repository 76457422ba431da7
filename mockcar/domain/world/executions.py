"""API v3 command executions: what a command was asked to do, whether it ran synchronously,
and when its effect reaches the vehicle (https://smartcar.com/docs/api-reference/commands/overview).

Smartcar answers a command with a command-execution resource: 200 with
`executionMode: "sync"` when the car acted within the request, 202 when the command is
long-running ("in process"). Commands never return the new state; the signals show it once
the car has acted. Here a synchronous command acts at once; a long-running one answers
`PENDING`, and its action runs on the vehicle when the World clock reaches its
`completedAt` (`Executions.settle`, which every v3 and v2 vehicle request calls first), so
a test advances the clock instead of waiting. A refusal found then (the car started
driving, say) makes the execution `FAILED` with the error, and the state is unchanged.

Which commands are long-running is the World's `CommandPolicy`: per make (or `*`), a set of
command types, and how many seconds of World time they take. Smartcar does not say which
commands of which makes are long-running; the default is none (every command answers 200,
as every example in Smartcar's reference does).
"""

from __future__ import annotations

import heapq
import itertools
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mockcar.domain.world.stores.tracked import TrackedDict, Watched
from mockcar.errors import SmartcarError

ALL = "*"
DEFAULT_LONG_RUNNING_SECONDS = 30.0

PENDING, SUCCESS, FAILED = "PENDING", "SUCCESS", "FAILED"


@dataclass(frozen=True)
class CommandPolicy:
    """`long_running`: make (upper case, or `*` for any make) -> command types (the
    execution's `commandType`, e.g. `charge-start`, or `*` for all of them)."""

    long_running: Mapping[str, frozenset[str]] = field(default_factory=dict)
    seconds: float = DEFAULT_LONG_RUNNING_SECONDS

    def is_long_running(self, make: str, command_type: str) -> bool:
        for key in (make.upper(), ALL):
            types = self.long_running.get(key)
            if types is not None and (command_type in types or ALL in types):
                return True
        return False

    def describe(self) -> dict[str, Any]:
        return {"long_running": {make: sorted(types) for make, types in
                                 sorted(self.long_running.items())},
                "long_running_seconds": self.seconds}


# Runs the command on the vehicle at a time; raises SmartcarError if the car refuses.
Action = Callable[[datetime], None]


@dataclass
class Execution(Watched):
    id: str
    vehicle_id: str
    command_type: str
    parameters: dict[str, Any]
    executed_at: datetime
    completed_at: datetime
    mode: str  # "sync" | "async"
    status: str = PENDING
    error: SmartcarError | None = None
    action: Action | None = field(default=None, repr=False)
    # A charge-schedule execution's own attributes (action, scheduleType, scheduleId).
    schedule: dict[str, Any] | None = None

    @property
    def duration_seconds(self) -> float:
        return (self.completed_at - self.executed_at).total_seconds()

    def finish(self) -> None:
        action, self.action = self.action, None
        try:
            if action is not None:
                action(self.completed_at)
        except SmartcarError as refused:
            self.status, self.error = FAILED, refused
        else:
            self.status = SUCCESS


@dataclass
class Executions:
    """Every execution of a World by id; the pending ones settle in completion order."""

    # Notes which executions changed (mockcar.domain.world.stores.tracked), for the records.
    by_id: dict[str, Execution] = field(default_factory=TrackedDict)
    # A heap by completion time (then start order): every vehicle request settles, and
    # settling with nothing due looks at the earliest only.
    _pending: list[tuple[datetime, int, Execution]] = field(default_factory=list, repr=False)
    _started: itertools.count[int] = field(default_factory=itertools.count, repr=False)

    def start(self, vehicle_id: str, command_type: str, parameters: dict[str, Any],
              action: Action, now: datetime, *, long_running: bool, seconds: float = 0.0,
              schedule: dict[str, Any] | None = None) -> Execution:
        """Runs `action` now (sync; its refusal propagates, so the request fails) or
        `seconds` of World time later (async)."""
        prefix = "exec_"
        execution = Execution(
            f"{prefix}{uuid.uuid4().hex}", vehicle_id, command_type, parameters, now,
            now + timedelta(seconds=seconds if long_running else 0.0),
            "async" if long_running else "sync", action=action, schedule=schedule)
        if long_running:
            heapq.heappush(self._pending,
                           (execution.completed_at, next(self._started), execution))
        else:
            execution.action = None
            action(now)
            execution.status = SUCCESS
            if seconds:
                execution.completed_at = now + timedelta(seconds=seconds)
        self.by_id[execution.id] = execution
        return execution

    @property
    def pending(self) -> int:
        """Long-running executions not yet settled."""
        return len(self._pending)

    def restore(self, executions: list[Execution]) -> None:
        """The executions a snapshot held (mockcar.state), replacing these; the pending
        ones settle in completion order as any others."""
        self.by_id = TrackedDict((e.id, e) for e in executions)
        self._pending = []
        for execution in executions:
            if execution.status == PENDING:
                heapq.heappush(self._pending,
                               (execution.completed_at, next(self._started), execution))

    def settle(self, now: datetime) -> None:
        """Runs every pending action whose time has come, oldest first."""
        while self._pending and self._pending[0][0] <= now:
            heapq.heappop(self._pending)[2].finish()

    def get(self, vehicle_id: str, execution_id: str) -> Execution | None:
        found = self.by_id.get(execution_id)
        return found if found is not None and found.vehicle_id == vehicle_id else None


def policy_from(long_running: Mapping[str, list[str] | str], seconds: float) -> CommandPolicy:
    """A policy from a scenario's `commands` section (`{MAKE: [types] | "*"}`)."""
    table = {make.upper() if make != ALL else ALL:
             frozenset([types] if isinstance(types, str) else types)
             for make, types in long_running.items()}
    return CommandPolicy(table, seconds)

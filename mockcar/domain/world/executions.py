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

How long an execution can be read back is not documented either: Smartcar's command
pages give the outcome in the command's own answer ("Always read the response body to
determine success or failure", https://smartcar.com/docs/api-reference/commands/overview)
and document no endpoint that reads it later. mockcar keeps a settled execution for
`RETENTION` of World time after its `completedAt`, and at most `CAPACITY` settled ones per
World, oldest first, so a server that runs for weeks holds what a test can still ask
for, not every command ever sent. A pending one is never dropped: it settles, then ages.
An execution no longer kept answers 404 RESOURCE_NOT_FOUND, as an unknown id does.
"""

from __future__ import annotations

import heapq
import itertools
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mockcar.domain.world.stores.expiring import ExpiringStore
from mockcar.domain.world.stores.tracked import Watched
from mockcar.errors import SmartcarError

ALL = "*"
DEFAULT_LONG_RUNNING_SECONDS = 30.0

PENDING, SUCCESS, FAILED = "PENDING", "SUCCESS", "FAILED"

# A settled execution is kept this long after its completedAt (World time), and at most
# CAPACITY settled ones per World: about as many as the journal keeps of the requests
# that made them (mockcar.domain.journal.journal.CAPACITY).
RETENTION = timedelta(hours=24)
CAPACITY = 1000
_NEVER = datetime.max.replace(tzinfo=UTC)


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
    def expires_at(self) -> datetime:
        """When it is no longer kept: never while pending."""
        return _NEVER if self.status == PENDING else self.completed_at + RETENTION

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
    """The executions a World keeps, by id, oldest first; the pending ones settle in
    completion order."""

    # In the order started; notes which executions changed (a TrackedDict), for the records.
    by_id: ExpiringStore[Execution] = field(default_factory=ExpiringStore)
    capacity: int = CAPACITY
    # A heap by completion time (then start order): every vehicle request settles, and
    # settling with nothing due looks at the earliest only.
    _pending: list[tuple[datetime, int, Execution]] = field(default_factory=list, repr=False)
    _started: itertools.count[int] = field(default_factory=itertools.count, repr=False)
    # Vehicles long-running commands acted on, until a reader takes them (take_settled).
    settled_vehicles: set[str] = field(default_factory=set, repr=False)

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
        if self.by_id:
            self._trim(now)
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
        self.by_id = ExpiringStore()
        # In the order started: a store's records come back in key order.
        for execution in sorted(executions, key=lambda e: e.executed_at):
            self.by_id[execution.id] = execution
        self._pending = []
        self.settled_vehicles = set()
        for execution in executions:
            if execution.status == PENDING:
                heapq.heappush(self._pending,
                               (execution.completed_at, next(self._started), execution))

    def settle(self, now: datetime) -> None:
        """Runs every pending action whose time has come, oldest first."""
        while self._pending and self._pending[0][0] <= now:
            execution = heapq.heappop(self._pending)[2]
            execution.finish()
            self.settled_vehicles.add(execution.vehicle_id)

    def take_settled(self) -> set[str]:
        """The vehicles long-running commands acted on since the last call: their
        executions may be dropped before a reader of the World's state sees them."""
        settled, self.settled_vehicles = self.settled_vehicles, set()
        return settled

    def _trim(self, now: datetime) -> None:
        """Before a new execution is stored: drop from the front the settled executions
        expired at `now`, then the oldest settled ones while the store is full. Each look
        at the front costs the same whatever the store holds; a pending execution met
        there goes to the back, kept."""
        store = self.by_id
        excess = len(store) + 1 - len(self._pending) - self.capacity
        moves = len(self._pending)
        while store:
            key = next(iter(store))
            execution = store[key]
            if excess <= 0 and now < execution.expires_at:
                break
            if execution.status != PENDING:
                del store[key]
                excess -= 1
            elif moves > 0:
                store.move_to_end(key)
                moves -= 1
            else:
                break

    def get(self, vehicle_id: str, execution_id: str,
            now: datetime | None = None) -> Execution | None:
        """The execution of this vehicle, unless it is no longer kept at `now`."""
        found = self.by_id.get(execution_id)
        if found is None or found.vehicle_id != vehicle_id:
            return None
        return found if now is None or now < found.expires_at else None


def policy_from(long_running: Mapping[str, list[str] | str], seconds: float) -> CommandPolicy:
    """A policy from a scenario's `commands` section (`{MAKE: [types] | "*"}`)."""
    table = {make.upper() if make != ALL else ALL:
             frozenset([types] if isinstance(types, str) else types)
             for make, types in long_running.items()}
    return CommandPolicy(table, seconds)

"""When a World lets a read take the fast path: nothing in it could change the answer
or be changed by the request."""

from __future__ import annotations

from mockcar.domain.world.world import World


def quiet(world: World) -> bool:
    """No fault rule (a rule may answer instead, and counts what it fired), no rate
    limit (each request takes a token) and no long-running command pending (a read
    settles those due first: the vehicle changes). A World with any of them saves its
    state after every request, reads included (mockcar.web.persistence)."""
    return (not len(world.faults) and not world.rate_limits.settings.enabled
            and not world.executions.pending)

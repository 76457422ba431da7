"""When a World lets a read take the fast path: nothing in it could change the answer
or be changed by the request."""

from __future__ import annotations

from mockcar.domain.world.world import World


def quiet(world: World) -> bool:
    """No fault rule that can still fire (one may answer instead, and counts what it
    fired; used-up ones are as none), no rate limit (each request takes a token) and no
    long-running command pending (a read settles those due first: the vehicle changes).
    A World with any of them saves its state after every request, reads included
    (mockcar.web.persistence)."""
    faults = world.faults
    return ((not len(faults) or not faults.armed()) and not world.rate_limits.settings.enabled
            and not world.executions.pending)

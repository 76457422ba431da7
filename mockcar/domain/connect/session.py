"""A Connect flow in progress, and the World's store of them.

A `ConnectSession` is kept server-side in `World.connect_sessions` under an unguessable
id, so a scenario reset, which rebuilds the World, forgets it along with everything
else. It carries its own CSRF token (every form posted in it must echo it, which binds
the form to this authorization request) and expires `SESSION_LIFETIME` after it began,
by the World's clock. The step it has reached follows from what it holds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from mockcar.domain.connect.authorization import AuthorizationRequest
from mockcar.domain.connect.brands import Brand
from mockcar.domain.world.stores.expiring import ExpiringStore

SESSION_LIFETIME = timedelta(minutes=30)
# Bounds memory if something hammers /oauth/authorize: the oldest sessions go first.
MAX_SESSIONS = 10_000

# Steps, in order; a session is at the first one whose input it lacks.
BRAND, SIGN_IN, PERMISSIONS = "brands", "sign-in", "permissions"
STEPS = (BRAND, SIGN_IN, PERMISSIONS)


@dataclass
class ConnectSession:
    id: str
    csrf_token: str
    request: AuthorizationRequest
    created_at: datetime
    expires_at: datetime
    make: Brand | None = None
    owner_email: str | None = None  # key into World.owners once signed in
    # The vehicles to connect; None while the account's several are still to be chosen.
    vehicle_ids: tuple[str, ...] | None = None
    # A problem found mid-flow that the user can only leave by (configuration_error).
    blocked: str | None = None

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def csrf_ok(self, token: str | None) -> bool:
        return token is not None and secrets.compare_digest(
            self.csrf_token.encode(), token.encode()
        )

    @property
    def step(self) -> str:
        if self.make is None:
            return BRAND
        if self.owner_email is None:
            return SIGN_IN
        return PERMISSIONS

    def reached(self, step: str) -> bool:
        return STEPS.index(step) <= STEPS.index(self.step)


class ConnectSessions(ExpiringStore[ConnectSession]):
    """The sessions of one World, by id, oldest first. Sessions share one lifetime, so
    they expire oldest first: starting one drops the expired ones from the front
    (mockcar.domain.world.stores.expiring) and costs the same at 10,000 sessions as at 10."""

    def __init__(self, capacity: int | None = MAX_SESSIONS) -> None:
        super().__init__(capacity)

    def start(self, request: AuthorizationRequest, now: datetime) -> ConnectSession:
        """A new session at the request's first step; expired sessions are dropped,
        and the oldest ones while the store is full."""
        session = ConnectSession(
            id=secrets.token_urlsafe(24),
            csrf_token=secrets.token_urlsafe(32),
            request=request,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            make=request.make,
        )
        return self.add(session.id, session, now)

    def find(self, session_id: str, now: datetime) -> ConnectSession | None:
        """The live session `session_id`; an expired one is forgotten and not found."""
        return self.live(session_id, now)

    def end(self, session: ConnectSession) -> None:
        self.pop(session.id, None)

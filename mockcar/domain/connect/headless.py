"""Headless Connect: an owner's consent completed without the pages, for test fixtures,
scripts and newman (the control API's `connect`, the pytest plugin's `connect`).

It walks the same step machine the Connect pages drive (mockcar.domain.connect.flow):
the owner signs in (test mode takes any email; simulated and live need a scenario
owner's password), vehicles are chosen, then Allow or Deny. The test-mode error
accounts end the same way they do on the pages.

Defaults a test wants rather than Connect's: the first owner the scenario declares (with
vehicles) when no email is given, and every vehicle of the account.
"""

from __future__ import annotations

from mockcar.domain.connect import flow
from mockcar.domain.connect.authorization import AuthorizationRequest
from mockcar.domain.connect.flow import AppRedirect, StepError
from mockcar.domain.connect.session import ConnectSession
from mockcar.domain.world.world import World
from mockcar.errors import Kind

# Signs in when no email is given and the scenario declares no owner with a vehicle: a
# test-mode account, whose vehicles are generated from the World's seed.
DEFAULT_EMAIL = "owner@mockcar.test"


class SignInRefused(StepError):
    """The account's credentials are refused (the sign-in page would say `message`)."""

    kind = Kind.UNAUTHORIZED


def default_account(world: World, password: str | None) -> tuple[str, str | None]:
    """The first owner of the scenario's own (not a test-mode login) with a vehicle,
    with their password unless one was given; else the test-mode `DEFAULT_EMAIL`. The
    scan stops at the first fit: a fleet's owners are made one by one as it reads."""
    for owner in world.owners.values():
        if not owner.generated and owner.vehicle_ids:
            return owner.email, password if password is not None else owner.password
    return DEFAULT_EMAIL, password


def complete(
    world: World, request: AuthorizationRequest, email: str, password: str,
    vehicles: list[str] | None = None, *, deny: bool = False,
) -> AppRedirect:
    """Walk Connect for `request` as `email` and end it: Allow with every permission
    requested, or Deny. `vehicles` (ids or VINs, None: all the account's) are the ones
    to connect. Raises `SignInRefused`, or `StepError` for a choice Connect refuses;
    the session never outlives the call."""
    session = flow.start_session(world, request)
    try:
        return _walk(world, session, email, password, vehicles, deny)
    finally:
        flow.end_session(world, session)


def _walk(world: World, session: ConnectSession, email: str, password: str,
          wanted: list[str] | None, deny: bool) -> AppRedirect:
    try:
        ended = flow.sign_in(world, session, email, password)
    except StepError as refused:
        raise SignInRefused(refused.message) from None
    if ended is not None:
        return ended
    if session.blocked:
        raise StepError(session.blocked)
    candidates = flow.candidates(world, session)
    if wanted is None:
        chosen = [v.id for v in candidates]
    else:
        by_key = {**{v.id: v.id for v in candidates}, **{v.vin.upper(): v.id for v in candidates}}
        unknown = [w for w in wanted if w not in by_key and w.upper() not in by_key]
        if unknown:
            listed = ", ".join(f"{v.id} ({v.vin})" for v in candidates)
            raise StepError(f"{email} has no vehicle {', '.join(unknown)}; theirs: {listed}.")
        chosen = [by_key.get(w) or by_key[w.upper()] for w in wanted]
    if deny:
        return flow.deny(world, session)
    flow.choose_vehicles(world, session, chosen)
    return flow.approve(world, session, session.request.scope.permissions)

"""The Connect step machine: preamble → brand → sign-in → permissions (with the vehicle
choice on the same page when the account has several) → redirect
(https://smartcar.com/docs/connect/redirect-to-connect,
https://smartcar.com/docs/connect/handle-the-response). The redirect carries a `code`, or for an
application configured for API v3 (`connect_redirect: user_id`) the owner's `user_id`;
re-authentication (mockcar.web.connect.reauthentication) ends at sign-in with `vehicle_id`.

A flow in progress is a `ConnectSession`, kept server-side in `World.connect_sessions`
under an unguessable id, so a scenario reset forgets it along with everything else. Each
session carries its own CSRF token: every POST must echo it, which binds the form to this
authorization request. Sessions live `SESSION_LIFETIME` by the World's clock.

Outcomes that leave Connect are `AppRedirect`s (the URL to send the browser to);
everything else is state the handlers render.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.world import LoginError, Mode, Owner, World
from mockcar.web.connect.authorize_request import AuthorizationRequest, Brand, redirect_url

SESSION_LIFETIME = timedelta(minutes=30)
USER_ID_REDIRECT = "user_id"  # Application.connect_redirect of an API v3 app
# Bounds memory if something hammers /oauth/authorize: the oldest sessions go first.
MAX_SESSIONS = 10_000

# Steps, in order; a session is at the first one whose input it lacks.
BRAND, SIGN_IN, PERMISSIONS = "brands", "sign-in", "permissions"

# Smartcar's Connect test accounts that end in an error
# (https://smartcar.com/docs/errors/testing-errors).
INVALID_SUBSCRIPTION_EMAIL = "smartcar@invalid-subscription.com"
VEHICLE_INCOMPATIBLE_EMAIL = "smartcar@vehicle-incompatible.com"
INCOMPATIBLE_VEHICLE = (
    ("vin", "0SCAUDI012FE3B132"), ("make", "AUDI"), ("model", "A4"), ("year", "2019"),
)

ACCESS_DENIED = ("access_denied", "User denied access to application.")
INVALID_SUBSCRIPTION = (
    "invalid_subscription", "User does not have an active connected vehicle subscription",
)
VEHICLE_INCOMPATIBLE = ("vehicle_incompatible", "The user’s vehicle is not compatible.")
NO_VEHICLES = (
    "no_vehicles", "No vehicles found. Please add vehicles to your account and try again.",
)
CONFIGURATION_ERROR = (
    "configuration_error",
    "There has been an error in the configuration of your application.",
)


@dataclass(frozen=True)
class AppRedirect:
    """Leave Connect: send the browser back to the application at `url`."""

    url: str


class StepError(Exception):
    """The user's input for a step is refused; the step is shown again with `message`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ConnectSession:
    id: str
    csrf_token: str
    request: AuthorizationRequest
    created_at: datetime
    make: Brand | None = None
    owner_email: str | None = None  # key into World.owners once signed in
    vehicle_ids: tuple[str, ...] | None = None
    # A problem found mid-flow that the user can only leave by (configuration_error).
    blocked: str | None = None

    def expired(self, now: datetime) -> bool:
        return now >= self.created_at + SESSION_LIFETIME

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
        order = (BRAND, SIGN_IN, PERMISSIONS)
        return order.index(step) <= order.index(self.step)

    # -- leaving Connect ----------------------------------------------------------

    def back_to_app(self, *params: tuple[str, str | None]) -> AppRedirect:
        """The redirect with `params` then `state` (echoed verbatim, §1.2)."""
        return AppRedirect(
            redirect_url(self.request.redirect_uri, [*params, ("state", self.request.state)])
        )

    def error(self, error: tuple[str, str], *extra: tuple[str, str | None]) -> AppRedirect:
        return self.back_to_app(("error", error[0]), ("error_description", error[1]), *extra)


# -- the session store ------------------------------------------------------------------


def start_session(world: World, request: AuthorizationRequest) -> ConnectSession:
    now = world.now()
    sessions = world.connect_sessions
    stale = [
        sid for sid, s in sessions.items()
        if not isinstance(s, ConnectSession) or s.expired(now)
    ]
    for sid in stale:
        del sessions[sid]
    while len(sessions) >= MAX_SESSIONS:
        del sessions[next(iter(sessions))]
    session = ConnectSession(
        id=secrets.token_urlsafe(24),
        csrf_token=secrets.token_urlsafe(32),
        request=request,
        created_at=now,
        make=request.make,
    )
    sessions[session.id] = session
    return session


def find_session(world: World, session_id: str) -> ConnectSession | None:
    session = world.connect_sessions.get(session_id)
    if not isinstance(session, ConnectSession):
        return None
    if session.expired(world.now()):
        del world.connect_sessions[session_id]
        return None
    return session


def end_session(world: World, session: ConnectSession) -> None:
    world.connect_sessions.pop(session.id, None)


# -- steps ------------------------------------------------------------------------------


def choose_brand(session: ConnectSession, brand: Brand) -> None:
    """Picking (or re-picking) a brand forgets any sign-in made for another brand."""
    session.make = brand
    session.owner_email = None
    session.vehicle_ids = None


def owner(world: World, session: ConnectSession) -> Owner | None:
    return world.owners.get(session.owner_email or "")


def candidates(world: World, session: ConnectSession) -> list[Vehicle]:
    """The vehicles the user may choose from: with `single_select_vin`, only that one."""
    signed_in = owner(world, session)
    if signed_in is None:
        return []
    vehicles = world.owner_vehicles(signed_in, _brand(session))
    vin = session.request.single_select_vin
    if vin is not None:
        vehicles = [v for v in vehicles if v.vin.upper() == vin.upper()]
    return vehicles


def sign_in(
    world: World, session: ConnectSession, email: str, password: str
) -> AppRedirect | None:
    """Sign in at the brand. Returns a redirect when Connect ends here (test-mode error
    accounts, an account without vehicles); raises `StepError` for bad credentials."""
    mode = session.request.mode
    folded = email.strip().lower()
    if mode in (Mode.TEST, Mode.SIMULATED):
        if folded == INVALID_SUBSCRIPTION_EMAIL:
            return session.error(INVALID_SUBSCRIPTION)
        if folded == VEHICLE_INCOMPATIBLE_EMAIL:
            return session.error(VEHICLE_INCOMPATIBLE, *INCOMPATIBLE_VEHICLE)
    try:
        account = world.sign_in(email, password, mode, _brand(session))
    except LoginError as refused:
        raise StepError(str(refused)) from None
    if session.request.reauthenticate_vehicle is not None:
        return reauthenticated(world, session, account)
    if not world.owner_vehicles(account, _brand(session)):
        return session.error(NO_VEHICLES)
    session.owner_email = account.email.lower()
    session.vehicle_ids = None
    session.blocked = None
    vin = session.request.single_select_vin
    found = candidates(world, session)
    if vin is not None and not found:
        session.blocked = (
            f"None of the vehicles in this account has the VIN {vin} that the "
            "application asked for (single_select_vin)."
        )
    elif len(world.owner_vehicles(account, _brand(session))) == 1:
        # One car: nothing to choose. With several, the permissions page offers them
        # (only the requested VIN, preselected, under single_select_vin).
        session.vehicle_ids = (found[0].id,)
    return None


def _brand(session: ConnectSession) -> str | None:
    """The make id signed in at: the account's vehicles Connect lists are that brand's
    (the control API's headless Connect may leave it out: every vehicle)."""
    return session.make.key if session.make is not None else None


def choose_vehicles(world: World, session: ConnectSession, chosen: Iterable[str]) -> None:
    """The vehicles to connect, when the account has several (`vehicle_ids` is None until
    then): at least one, exactly one under `single_select`."""
    allowed = {v.id for v in candidates(world, session)}
    picked = tuple(dict.fromkeys(v for v in chosen if v in allowed))
    if not picked:
        raise StepError("Select a vehicle to continue.")
    if session.request.single_select and len(picked) > 1:
        raise StepError("This application can connect to one vehicle only; select one.")
    session.vehicle_ids = picked


def approve(world: World, session: ConnectSession, chosen: Iterable[str]) -> AppRedirect:
    """Allow: connect the chosen vehicles with the kept permissions (required ones
    always), issue a code bound to the client and the redirect URI, and go back."""
    signed_in = owner(world, session)
    if signed_in is None or not session.vehicle_ids:
        raise StepError("Sign in and choose a vehicle first.")
    request = session.request
    granted = request.scope.grantable(frozenset(chosen))
    if not granted:
        raise StepError("Allow at least one permission, or choose Deny.")
    connection = world.connect(
        request.client_id, signed_in, session.vehicle_ids, granted, request.mode
    )
    end_session(world, session)
    if request.application.connect_redirect == USER_ID_REDIRECT:
        # API v3 apps get the owner's user id, no code
        # (https://smartcar.com/docs/connect/handle-the-response).
        return session.back_to_app(("user_id", connection.user_id))
    code = world.issue_code(
        connection, request.redirect_uri if request.redirect_uri_given else None
    )
    return session.back_to_app(("code", code.code))


def reauthenticated(world: World, session: ConnectSession, account: Owner) -> AppRedirect:
    """Re-authentication ends at sign-in: the vehicle's owner is back
    (https://smartcar.com/docs/connect/re-auth/redirect-to-connect)."""
    vehicle_id = session.request.reauthenticate_vehicle
    if vehicle_id not in account.vehicle_ids:
        raise StepError(
            "This account does not have the vehicle being re-authenticated; sign in with "
            "the account it was connected with.")
    end_session(world, session)
    return session.back_to_app(("vehicle_id", vehicle_id))


def deny(world: World, session: ConnectSession) -> AppRedirect:
    end_session(world, session)
    return session.error(ACCESS_DENIED)


def exit_flow(world: World, session: ConnectSession, reason: str) -> AppRedirect | None:
    """Leave Connect from a dead end: "I don't see my brand" (vehicle_incompatible) or
    a configuration problem the user cannot fix (configuration_error, §1.3)."""
    if reason == "no_brand" and session.request.make is None:
        end_session(world, session)
        return session.error(VEHICLE_INCOMPATIBLE)
    if reason == "configuration" and session.blocked is not None:
        end_session(world, session)
        return session.error(
            CONFIGURATION_ERROR, ("status_code", "400"), ("error_message", session.blocked)
        )
    return None

"""The Connect step machine: preamble → brand → sign-in → permissions (with the vehicle
choice on the same page when the account has several) → back to the application
(https://smartcar.com/docs/connect/connect-parameters). The redirect carries a `code`, or
for an application configured for API v3 (`connect_redirect: user_id`) the owner's
`user_id`; re-authentication ends at sign-in with `vehicle_id`.

Functions of the World and a `ConnectSession` (mockcar.domain.connect.session), shared
by the Connect pages (mockcar.web.connect.pages) and headless Connect
(mockcar.domain.connect.headless). Outcomes that leave Connect are `AppRedirect`s;
input a step refuses raises `StepError`; everything else is session state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mockcar.domain.connect.authorization import AuthorizationRequest, redirect_url
from mockcar.domain.connect.brands import (
    Brand,
    find_listed_brand,
    listed_brands,
    search_listed_brands,
)
from mockcar.domain.connect.session import BRAND, PERMISSIONS, SIGN_IN, ConnectSession
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.world.world import (
    AuthorizationCode,
    Connection,
    LoginError,
    Mode,
    Owner,
    World,
)
from mockcar.errors import DomainError

__all__ = [
    "BRAND", "PERMISSIONS", "SIGN_IN", "USER_ID_REDIRECT", "AppRedirect", "StepError",
    "approve", "brands", "candidates", "choose_brand", "choose_vehicles", "deny",
    "end_session", "exit_flow", "find_brand", "find_session", "owner", "search_brands",
    "sign_in", "start_session",
]

USER_ID_REDIRECT = "user_id"  # Application.connect_redirect of an API v3 app

# Smartcar's Connect test accounts that end in an error
# (https://smartcar.com/docs/getting-started/test-your-integration).
INVALID_SUBSCRIPTION_EMAIL = "smartcar@invalid-subscription.com"
VEHICLE_INCOMPATIBLE_EMAIL = "smartcar@vehicle-incompatible.com"
INCOMPATIBLE_VEHICLE = (
    ("vin", "0SCAUDI012FE3B132"), ("make", "AUDI"), ("model", "A4"), ("year", "2019"),
)

# The errors Connect ends with, as (error, error_description).
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
    """Leave Connect: send the browser back to the application at `url`, which carries
    `params` (`state` last, echoed verbatim). An approval also says what it made: the
    `connection`, and the `code` when the application gets one."""

    url: str
    params: dict[str, str]
    connection: Connection | None = field(default=None, compare=False)
    code: AuthorizationCode | None = field(default=None, compare=False)

    @property
    def error(self) -> str | None:
        return self.params.get("error")


class StepError(DomainError):
    """The user's input for a step is refused; the step is shown again with `message`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- brands -----------------------------------------------------------------------------


def brands(world: World) -> list[Brand]:
    """Smartcar's brands plus every make in the World, sorted by name, one per key."""
    return listed_brands(world.vehicles.makes())


def find_brand(world: World, make: str) -> Brand | None:
    return find_listed_brand(world.vehicles.makes(), make)


def search_brands(world: World, query: str) -> list[Brand]:
    return search_listed_brands(world.vehicles.makes(), query)


# -- the session store ------------------------------------------------------------------


def start_session(world: World, request: AuthorizationRequest) -> ConnectSession:
    return world.connect_sessions.start(request, world.now())


def find_session(world: World, session_id: str) -> ConnectSession | None:
    return world.connect_sessions.find(session_id, world.now())


def end_session(world: World, session: ConnectSession) -> None:
    world.connect_sessions.end(session)


# -- leaving Connect --------------------------------------------------------------------


def back_to_app(
    session: ConnectSession, *params: tuple[str, str | None],
    connection: Connection | None = None, code: AuthorizationCode | None = None,
) -> AppRedirect:
    """The redirect with `params` then `state`; params whose value is None are left out."""
    sent = [(k, v) for k, v in (*params, ("state", session.request.state)) if v is not None]
    return AppRedirect(
        redirect_url(session.request.redirect_uri, sent), dict(sent), connection, code
    )


def _error(
    session: ConnectSession, error: tuple[str, str], *extra: tuple[str, str | None]
) -> AppRedirect:
    return back_to_app(session, ("error", error[0]), ("error_description", error[1]), *extra)


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
    accounts, an account without vehicles, re-authentication); raises `StepError` for
    bad credentials."""
    mode = session.request.mode
    folded = email.strip().lower()
    if mode in (Mode.TEST, Mode.SIMULATED):
        if folded == INVALID_SUBSCRIPTION_EMAIL:
            return _error(session, INVALID_SUBSCRIPTION)
        if folded == VEHICLE_INCOMPATIBLE_EMAIL:
            return _error(session, VEHICLE_INCOMPATIBLE, *INCOMPATIBLE_VEHICLE)
    try:
        account = world.sign_in(email, password, mode, _brand(session))
    except LoginError as refused:
        raise StepError(str(refused)) from None
    if session.request.reauthenticate_vehicle is not None:
        return reauthenticated(world, session, account)
    if not world.owner_vehicles(account, _brand(session)):
        return _error(session, NO_VEHICLES)
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
    (headless Connect may leave it out: every vehicle)."""
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
    if request.connect_redirect == USER_ID_REDIRECT:
        # API v3 apps get the owner's user id, no code.
        return back_to_app(session, ("user_id", connection.user_id), connection=connection)
    code = world.issue_code(
        connection, request.redirect_uri if request.redirect_uri_given else None
    )
    return back_to_app(session, ("code", code.code), connection=connection, code=code)


def reauthenticated(world: World, session: ConnectSession, account: Owner) -> AppRedirect:
    """Re-authentication ends at sign-in: the vehicle's owner is back."""
    vehicle_id = session.request.reauthenticate_vehicle
    if vehicle_id not in account.vehicle_ids:
        raise StepError(
            "This account does not have the vehicle being re-authenticated; sign in with "
            "the account it was connected with.")
    end_session(world, session)
    return back_to_app(session, ("vehicle_id", vehicle_id))


def deny(world: World, session: ConnectSession) -> AppRedirect:
    end_session(world, session)
    return _error(session, ACCESS_DENIED)


def exit_flow(world: World, session: ConnectSession, reason: str) -> AppRedirect | None:
    """Leave Connect from a dead end: "I don't see my brand" (vehicle_incompatible) or
    a configuration problem the user cannot fix (configuration_error)."""
    if reason == "no_brand" and session.request.make is None:
        end_session(world, session)
        return _error(session, VEHICLE_INCOMPATIBLE)
    if reason == "configuration" and session.blocked is not None:
        end_session(world, session)
        return _error(
            session, CONFIGURATION_ERROR, ("status_code", "400"),
            ("error_message", session.blocked),
        )
    return None

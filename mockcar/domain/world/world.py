"""The World: every piece of mutable state mockcar has, and the rules over it.

Applications, owners and their vehicles come from a scenario; connections (an owner's
consent), authorization codes and tokens are made as clients walk Connect and call the
token endpoint. Every expiry reads `self.clock`. Nothing here knows about HTTP.
"""

from __future__ import annotations

import itertools
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockcar.domain.connect.session import ConnectSessions
from mockcar.domain.connect.test_accounts import vin_account
from mockcar.domain.vehicles.brands import brand_key, of_brand
from mockcar.domain.vehicles.vehicle import Vehicle
from mockcar.domain.webhooks.deliveries import Deliveries
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.executions import CommandPolicy, Executions
from mockcar.domain.world.faults import Faults
from mockcar.domain.world.fleet import Fleet, Owners, Vehicles
from mockcar.domain.world.latency import Latency
from mockcar.domain.world.rate_limits import RateLimits
from mockcar.domain.world.records import (
    Application,
    ApplicationToken,
    AuthorizationCode,
    Connection,
    Mode,
    Owner,
    Token,
)
from mockcar.domain.world.stores.expiring import ExpiringStore
from mockcar.domain.world.stores.tracked import TrackedDict
from mockcar.errors import DomainError, Kind, SmartcarError

# The World and its rules; the records it holds live in mockcar.domain.world.records and
# are exported here too, so `from mockcar.domain.world.world import World, Connection`
# keeps working for the World's users.
__all__ = [
    "MAX_TEST_VEHICLES",
    "Application",
    "ApplicationToken",
    "AuthorizationCode",
    "Connection",
    "LoginError",
    "Mode",
    "Owner",
    "Token",
    "VehicleFactory",
    "World",
    "new_secret",
    "require_permission",
    "test_vehicle_count",
]


class LoginError(DomainError):
    """Sign-in refused; the message is what the Connect page shows."""

    kind = Kind.UNAUTHORIZED


# Authorization codes a World keeps at most, oldest dropped first: each Connect flow makes
# one and a frozen clock expires none. A code unredeemed after this many later flows is
# refused as an expired one is; a replay of a dropped one still revokes the pairs it led
# to (`tokens_by_code`).
CODE_CAPACITY = 10_000

# Makes the vehicles of a test-mode owner: (email, the brand's make id picked in
# Connect or None, how many) -> vehicles, deterministic.
VehicleFactory = Callable[[str, str | None, int], list[Vehicle]]


@dataclass
class World:
    clock: Clock
    seed: int
    applications: dict[str, Application] = field(default_factory=dict)
    # By lower-case email and by vehicle id; a scenario's fleets are made on first use
    # (mockcar.domain.world.fleet), so lookups stay O(1) at 100,000 vehicles.
    owners: Owners = field(default_factory=Owners)
    vehicles: Vehicles = field(default_factory=Vehicles)
    vehicle_factory: VehicleFactory | None = None
    # These three note which keys changed (mockcar.domain.world.stores.tracked), so persisting a
    # request's changes costs what it changed, not what the World holds.
    connections: dict[str, Connection] = field(default_factory=TrackedDict)
    # Codes and pairs oldest first: issuing one drops, from the front, those past use
    # (`_drop_spent`), so neither grows with the server's age nor costs more to add to.
    # Codes also keep at most `code_capacity`: a frozen clock expires none.
    codes: dict[str, AuthorizationCode] = field(default_factory=TrackedDict)
    code_capacity: int = field(default=CODE_CAPACITY, repr=False, compare=False)
    tokens_by_access: dict[str, Token] = field(default_factory=TrackedDict)
    tokens_by_refresh: dict[str, Token] = field(default_factory=dict)
    # Authorization code -> every pair issued from it, rotations included: a replayed
    # code revokes them all (RFC 6749 §4.1.2), for as long as any of them is kept.
    tokens_by_code: dict[str, list[Token]] = field(default_factory=dict)
    # Connect flows in progress, by unguessable session id (mockcar.domain.connect.session);
    # they live here so that a reset, which rebuilds the World, forgets them too.
    connect_sessions: ConnectSessions = field(default_factory=ConnectSessions)
    # Webhook id -> ids of the vehicles subscribed to it (mockcar.domain.webhooks.webhook).
    subscriptions: dict[str, set[str]] = field(default_factory=dict)
    # What each webhook is owed and was sent (mockcar.domain.webhooks.deliveries).
    deliveries: Deliveries = field(default_factory=Deliveries)
    # Injected errors (control API); a reset, which rebuilds the World, clears them.
    faults: Faults = field(default_factory=Faults)
    # How long vehicle requests take, and how asleep vehicles answer (scenario `latency`).
    latency: Latency = field(default_factory=Latency)
    # API v3 command executions, which commands are long-running (scenario `commands`),
    # and the opt-in rate limits (scenario `rate_limits`, control API).
    executions: Executions = field(default_factory=Executions)
    command_policy: CommandPolicy = field(default_factory=CommandPolicy)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    # API v3 application tokens (client credentials), by access token
    # (mockcar.domain.world.application_tokens).
    application_tokens: ExpiringStore[ApplicationToken] = field(default_factory=ExpiringStore)
    # Told of every token issued (Connect pairs and application tokens):
    # mockcar.domain.world.tenants indexes tokens by it, so a request's access token finds its
    # World in one lookup.
    on_token_issued: Callable[[Token | ApplicationToken], None] | None = field(
        default=None, repr=False)
    # What mockcar.state.records read last, so its next read costs what changed since.
    record_cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # Connections by (client id, user id), brought up to date when `connections` gained
    # entries (those alone are read) or lost or replaced one (rebuilt): API v3 finds a
    # user's connections on every request with an application token.
    _by_user: dict[tuple[str, str], list[Connection]] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _by_user_source: object = field(default=None, init=False, repr=False, compare=False)
    _by_user_generation: int = field(default=-1, init=False, repr=False, compare=False)
    _by_user_count: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Fault rules by make or by clock window ask this World (mockcar.domain.world.faults).
        self.faults.bind(self._make_of, self.now)

    def now(self) -> datetime:
        return self.clock.now()

    def _make_of(self, vehicle_id: str) -> str | None:
        vehicle = self.vehicles.get(vehicle_id)
        return vehicle.make if vehicle is not None else None

    # -- setup ------------------------------------------------------------------------

    def add_application(self, app: Application) -> None:
        self.applications[app.client_id] = app

    def add_owner(self, owner: Owner, vehicles: Iterable[Vehicle]) -> None:
        for vehicle in vehicles:
            self.vehicles[vehicle.id] = vehicle
        self.owners[owner.email.lower()] = owner

    def add_fleet(self, fleet: Fleet) -> None:
        """A generated fleet's vehicles and owners, made when first looked up."""
        self.vehicles.add_fleet(fleet)
        self.owners.add_fleet(fleet)

    # -- Connect ----------------------------------------------------------------------

    def application(self, client_id: str | None) -> Application | None:
        return self.applications.get(client_id or "")

    def sign_in(self, email: str, password: str, mode: str, brand: str | None = None) -> Owner:
        """Smartcar's sign-in rules: test mode accepts any credentials (a scenario
        owner's email gets that owner's cars, any other vehicles of `brand`, the make id
        picked in Connect, made on first sign-in there); simulated and live need a
        scenario owner and the right password. Which of the account's vehicles Connect
        lists is `owner_vehicles(owner, brand)`."""
        email = email.strip()
        if not email or "@" not in email:
            raise LoginError("Enter the email address of your connected-services account.")
        owner = self.owners.get(email.lower())
        if mode == Mode.TEST:
            if owner is None or owner.generated:
                owner = self._test_owner(email, owner, brand)
            return owner
        if owner is None or owner.generated or not owner.check_password(password):
            raise LoginError("Incorrect email or password. Please try again.")
        return owner

    def _test_owner(self, email: str, owner: Owner | None, brand: str | None) -> Owner:
        """The test-mode account of `email` with vehicles of `brand`: one account per
        email (one user id), holding each brand's vehicles once they were signed in to.
        A `<VIN>@<level>.smartcar.com` account holds its one vehicle whatever the brand."""
        key = brand_key(brand) if brand else ""
        if owner is not None and (key in owner.brands or vin_account(email) is not None):
            return owner
        if self.vehicle_factory is None:
            raise LoginError("This world has no vehicle generator for test-mode accounts.")
        vehicles = self.vehicle_factory(email, key or None, test_vehicle_count(email))
        if owner is None:
            owner = Owner(
                id=str(uuid.uuid5(uuid.NAMESPACE_URL,
                                  f"mockcar:{self.seed}:owner:{email.lower()}")),
                email=email,
                password="",
                country="US",
                vehicle_ids=[],
                generated=True,
            )
        owner.vehicle_ids.extend(v.id for v in vehicles)
        owner.brands.add(key)
        self.add_owner(owner, vehicles)
        return owner

    def owner_vehicles(self, owner: Owner, brand: str | None = None) -> list[Vehicle]:
        """The account's vehicles; with `brand` (a make or make id), those Connect lists
        after a sign-in at that brand: its vehicles of that make. A VIN test account's
        vehicle is listed at every brand (its make follows the VIN)."""
        vehicles = [self.vehicles[v] for v in owner.vehicle_ids]
        if brand is None or (owner.generated and vin_account(owner.email) is not None):
            return vehicles
        return of_brand(vehicles, brand)

    def connect(
        self,
        client_id: str,
        owner: Owner,
        vehicle_ids: Iterable[str],
        permissions: Iterable[str],
        mode: str,
    ) -> Connection:
        chosen = tuple(v for v in vehicle_ids if v in owner.vehicle_ids)
        if not chosen:
            raise ValueError("a connection needs at least one of the owner's vehicles")
        connection = Connection(
            id=str(uuid.uuid4()),
            client_id=client_id,
            user_id=owner.id,
            vehicle_ids=chosen,
            permissions=tuple(permissions),
            mode=mode,
            connected_at=self.now(),
            error_trigger=owner.error_trigger,
            owner_email=owner.email,
        )
        self.connections[connection.id] = connection
        return connection

    def issue_code(self, connection: Connection, redirect_uri: str | None) -> AuthorizationCode:
        code = AuthorizationCode(
            code=str(uuid.uuid4()),
            client_id=connection.client_id,
            redirect_uri=redirect_uri,
            connection_id=connection.id,
            issued_at=self.now(),
        )
        self._drop_spent_codes(code.issued_at)
        codes = self.codes
        while len(codes) >= self.code_capacity:
            del codes[next(iter(codes))]
        codes[code.code] = code
        return code

    # -- tokens -----------------------------------------------------------------------

    def redeemable_code(self, code: str, client_id: str) -> AuthorizationCode | None:
        """The code if it is this client's, unused and unexpired; else None."""
        found = self.codes.get(code)
        if found is None or found.used or found.client_id != client_id:
            return None
        if found.expired(self.now()):
            return None
        return found

    def spend_code(self, code: AuthorizationCode) -> None:
        code.used = True

    def replay_code(self, code: str, client_id: str) -> int:
        """RFC 6749 §4.1.2: a code used a second time (by the client it was issued to)
        revokes every token issued from it, rotated pairs included. Returns how many
        pairs were revoked; 0 when the code was never redeemed or is not this client's."""
        found = self.codes.get(code)
        family = self.tokens_by_code.get(code, [])
        if found is None:  # expired and dropped: its pairs still say whose it was
            if not family or family[0].client_id != client_id:
                return 0
        elif not found.used or found.client_id != client_id:
            return 0
        for token in family:
            token.revoked = True
        return len(family)

    def issue_token(
        self, connection_id: str, client_id: str, access_token: str, refresh_token: str,
        *, code: str | None = None,
    ) -> Token:
        """A new pair; `code` is the authorization code its chain started from."""
        token = Token(
            access_token=access_token,
            refresh_token=refresh_token,
            client_id=client_id,
            connection_id=connection_id,
            issued_at=self.now(),
            code=code,
        )
        self._drop_dead_tokens(token.issued_at)
        self.tokens_by_access[access_token] = token
        self.tokens_by_refresh[refresh_token] = token
        if code is not None:
            self.tokens_by_code.setdefault(code, []).append(token)
        if self.on_token_issued is not None:
            self.on_token_issued(token)
        return token

    def _drop_spent_codes(self, now: datetime) -> None:
        """Codes past their 10 minutes, from the front (issued in clock order, they
        expire in it): one can no longer be redeemed, and a replay of a redeemed one
        still finds the pairs it led to in `tokens_by_code`."""
        codes = self.codes
        while codes:
            first = next(iter(codes.values()))
            if not first.expired(now):
                break
            del codes[first.code]

    def _drop_dead_tokens(self, now: datetime) -> None:
        """Pairs whose refresh token has reached its 60 days, from the front: neither of
        their tokens can do anything any more (the access token died first), so they are
        answered as unknown tokens are, the same error. A clock moved backwards can
        leave a dead pair behind a live one until the pairs before it go."""
        tokens = self.tokens_by_access
        while tokens:
            first = next(iter(tokens.values()))
            if now < first.refresh_expires_at:
                break
            del tokens[first.access_token]
            if self.tokens_by_refresh.get(first.refresh_token) is first:
                del self.tokens_by_refresh[first.refresh_token]
            family = self.tokens_by_code.get(first.code or "")
            if family is not None:
                family[:] = [t for t in family if t is not first]
                if not family:
                    del self.tokens_by_code[first.code or ""]

    def refreshable_token(self, refresh_token: str, client_id: str) -> Token | None:
        token = self.tokens_by_refresh.get(refresh_token)
        if token is None or token.client_id != client_id:
            return None
        if not token.refresh_valid(self.now()):
            return None
        if token.connection_id not in self.connections:
            return None
        return token

    def spend_refresh_token(self, token: Token, successor: Token | None = None) -> None:
        """Rotation: the old refresh token keeps working for `REFRESH_GRACE` only, and
        answers with `successor`, the pair it was first exchanged for."""
        if token.refreshed_at is None:
            token.refreshed_at = self.now()
            token.successor = successor

    # -- API access -------------------------------------------------------------------

    def authenticate(self, access_token: str | None) -> Connection:
        """The connection an access token speaks for, or AUTHENTICATION."""
        token = self.tokens_by_access.get(access_token or "")
        if token is None or not token.access_valid(self.now()):
            raise SmartcarError(
                "AUTHENTICATION",
                message="The access token is unknown or has expired (access tokens live "
                "2 hours; refresh them with the refresh token).",
            )
        connection = self.connections.get(token.connection_id)
        if connection is None:
            raise SmartcarError(
                "AUTHENTICATION", message="The owner has revoked this access token."
            )
        return connection

    def vehicle_for(self, connection: Connection, vehicle_id: str) -> Vehicle:
        """The vehicle if this connection covers it, else a VALIDATION:PARAMETER error
        listing the vehicles it does cover."""
        if vehicle_id not in connection.vehicle_ids or vehicle_id not in self.vehicles:
            raise SmartcarError(
                "VALIDATION", "PARAMETER",
                message=f"Vehicle {vehicle_id!r} is not connected to this access token; it "
                f"covers: {', '.join(connection.vehicle_ids)}.",
            )
        return self.vehicles[vehicle_id]

    def user_connections(self, client_id: str, user_id: str) -> list[Connection]:
        """The connections `user_id` gave application `client_id`, in the order made, in
        one lookup while no connection was added or removed since the last call."""
        connections = self.connections
        generation = getattr(connections, "generation", None)
        if (generation is None or self._by_user_source is not connections
                or self._by_user_generation != generation):
            added = len(connections) - self._by_user_count
            if (generation is not None and self._by_user_source is connections
                    and 0 < added == generation - self._by_user_generation):
                # Every change since was a new entry, at the end (a removal or a
                # replacement moves the generation further than the count): read those.
                index = self._by_user
                for connection in reversed([*itertools.islice(
                        reversed(connections.values()), added)]):
                    # A new list: one a caller holds from an earlier call stays as it was.
                    key = (connection.client_id, connection.user_id)
                    index[key] = [*index.get(key, ()), connection]
            else:
                index = {}
                for connection in connections.values():
                    index.setdefault((connection.client_id, connection.user_id),
                                     []).append(connection)
            self._by_user = index
            self._by_user_source = connections
            self._by_user_generation = -1 if generation is None else generation
            self._by_user_count = len(connections)
        return self._by_user.get((client_id, user_id), [])

    def owner_by_id(self, user_id: str) -> Owner | None:
        return self.owners.by_id(user_id)

    def owner_of(self, vehicle_id: str) -> Owner | None:
        """The owner whose account holds the vehicle."""
        return self.owners.of_vehicle(vehicle_id)

    def vehicle_by_vin(self, vin: str) -> Vehicle | None:
        """The vehicle with this VIN (upper-case), in one lookup."""
        return self.vehicles.by_vin(vin)


def require_permission(connection: Connection, permission: str) -> None:
    if permission not in connection.permissions:
        granted = ", ".join(connection.permissions) or "none"
        raise SmartcarError(
            "PERMISSION",
            message=f"This endpoint needs the '{permission}' permission; the owner granted: "
            f"{granted}. Add '{permission}' to the Connect scope.",
        )


MAX_TEST_VEHICLES = 999


def test_vehicle_count(email: str) -> int:
    """Smartcar's `<n>-vehicles@smartcar.com` convention; a `<VIN>@<level>.smartcar.com`
    login has its one vehicle; any other email gets 1–3 vehicles, chosen
    deterministically by the email."""
    if vin_account(email) is not None:
        return 1
    local, _, domain = email.lower().partition("@")
    if domain == "smartcar.com" and local.endswith("-vehicles"):
        number = local.removesuffix("-vehicles")
        if number.isdigit() and 1 <= int(number) <= MAX_TEST_VEHICLES:
            return int(number)
    return 1 + int.from_bytes(email.lower().encode(), "big") % 3


def new_secret() -> str:
    return secrets.token_urlsafe(24)

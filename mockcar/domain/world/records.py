"""The World's records: applications, owners, connections, authorization codes and
tokens, each a value the World stores and the rules over it read.

They sit below mockcar.domain.world.world (the World that holds them) and below the
modules that act on a World (connections, application tokens, webhook membership,
fleets), so every one of those imports them without importing each other.
Lifetimes: https://smartcar.com/docs/api-reference/authorization/auth-code-exchange
and https://smartcar.com/docs/api-reference/authorization/refreshing-access-token
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mockcar.domain.connect.test_accounts import ErrorTrigger, error_trigger
from mockcar.domain.webhooks.webhook import Webhook
from mockcar.domain.world.stores.tracked import Watched

# Lifetimes from Smartcar's docs (the pages above): a code lives 10 minutes, an access
# token 2 hours, a refresh token 60 days.
CODE_LIFETIME = timedelta(minutes=10)
ACCESS_TOKEN_LIFETIME = timedelta(hours=2)
REFRESH_TOKEN_LIFETIME = timedelta(days=60)
# Docs give both 1 and 10 minutes for how long a used refresh token keeps working; we
# take the stricter one so apps that depend on the longer grace find out here.
REFRESH_GRACE = timedelta(minutes=1)


class Mode:
    LIVE = "live"
    SIMULATED = "simulated"
    TEST = "test"
    ALL = (LIVE, SIMULATED, TEST)


@dataclass(frozen=True)
class Application:
    client_id: str
    client_secret: str
    name: str
    redirect_uris: tuple[str, ...]
    management_token: str
    webhooks: tuple[Webhook, ...] = ()
    # How Connect ends for this application: `code` (API v2's authorization code) or
    # `user_id` (API v3: the owner's user id, no code;
    # https://smartcar.com/docs/connect/handle-the-response).
    connect_redirect: str = "code"

    def check_secret(self, secret: str) -> bool:
        return secrets.compare_digest(self.client_secret.encode(), secret.encode())


@dataclass
class Owner:
    """A connected-services account: an email and password at a brand, and its cars."""

    id: str
    email: str
    password: str
    country: str
    vehicle_ids: list[str]
    generated: bool = False  # made on the fly for a test-mode login
    # The brands (make ids) a test-mode account's vehicles have been made for: signing
    # in at another brand adds that brand's vehicles to the same account.
    brands: set[str] = field(default_factory=set)

    def check_password(self, password: str) -> bool:
        return secrets.compare_digest(self.password.encode(), password.encode())

    @property
    def error_trigger(self) -> ErrorTrigger | None:
        """The API error a `TYPE.CODE@smartcar.com` login makes every non-static
        request answer (mockcar.domain.connect.test_accounts)."""
        return error_trigger(self.email)


@dataclass
class Connection(Watched):
    """One owner's consent to one application, for chosen vehicles and permissions."""

    id: str
    client_id: str
    user_id: str
    vehicle_ids: tuple[str, ...]
    permissions: tuple[str, ...]
    mode: str
    connected_at: datetime
    error_trigger: ErrorTrigger | None = None  # from the owner's login email
    owner_email: str = ""


@dataclass
class AuthorizationCode(Watched):
    code: str
    client_id: str
    redirect_uri: str | None
    connection_id: str
    issued_at: datetime
    used: bool = False

    def expired(self, now: datetime) -> bool:
        return now >= self.issued_at + CODE_LIFETIME


@dataclass
class Token(Watched):
    """An access/refresh token pair issued for one connection."""

    access_token: str
    refresh_token: str
    client_id: str
    connection_id: str
    issued_at: datetime
    refreshed_at: datetime | None = None  # when this pair's refresh token was used
    revoked: bool = False
    # The authorization code the chain of rotations started from (None: issued directly),
    # and the pair this one's refresh token was exchanged for.
    code: str | None = None
    successor: Token | None = None

    @property
    def access_expires_at(self) -> datetime:
        return self.issued_at + ACCESS_TOKEN_LIFETIME

    @property
    def refresh_expires_at(self) -> datetime:
        return self.issued_at + REFRESH_TOKEN_LIFETIME

    def access_valid(self, now: datetime) -> bool:
        return not self.revoked and now < self.access_expires_at

    def refresh_valid(self, now: datetime) -> bool:
        if self.revoked or now >= self.refresh_expires_at:
            return False
        return self.refreshed_at is None or now < self.refreshed_at + REFRESH_GRACE


APPLICATION_TOKEN_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class ApplicationToken:
    access_token: str
    client_id: str
    issued_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + APPLICATION_TOKEN_LIFETIME

    def valid(self, now: datetime) -> bool:
        return now < self.expires_at

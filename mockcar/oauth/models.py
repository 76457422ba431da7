"""authlib's model mixins (RFC 6749 §2, §4.1.2, §5.1) over the World's records.

The World stores plain domain objects; these thin adapters give authlib the methods it
calls, and answer every time question with the World's clock.
"""

from __future__ import annotations

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin

from mockcar.domain.world.records import ACCESS_TOKEN_LIFETIME
from mockcar.domain.world.scopes import DEFAULT_SCOPE, PERMISSIONS, REQUIRED_PREFIX
from mockcar.domain.world.world import (
    Application,
    AuthorizationCode,
    Connection,
    Token,
    World,
)

# Smartcar's SDKs authenticate at the token endpoint with HTTP Basic only
# (https://smartcar.com/docs/api-reference/authorization/auth-code-exchange).
TOKEN_ENDPOINT_AUTH_METHOD = "client_secret_basic"
GRANT_TYPES = frozenset({"authorization_code", "refresh_token"})
ACCESS_TOKEN_SECONDS = int(ACCESS_TOKEN_LIFETIME.total_seconds())


class OAuthClient(ClientMixin):  # type: ignore[misc]
    """A confidential client (RFC 6749 §2.1): one Application, and the World (tenant)
    that holds it, where its codes and tokens live."""

    def __init__(self, application: Application, world: World) -> None:
        self.application = application
        self.world = world

    @property
    def client_id(self) -> str:
        return self.application.client_id

    def get_client_id(self) -> str:
        return self.application.client_id

    def get_default_redirect_uri(self) -> str | None:
        """Smartcar uses the first registered URI when a Connect URL names none."""
        uris = self.application.redirect_uris
        return uris[0] if uris else None

    def get_allowed_scope(self, scope: str | None) -> str:
        """RFC 6749 §3.3: with no scope requested, the server's default applies (here
        the Dashboard-like DEFAULT_SCOPE); unknown names are dropped, `required:` kept
        as the bare permission."""
        if not scope:
            return " ".join(DEFAULT_SCOPE)
        names = (s.removeprefix(REQUIRED_PREFIX) for s in scope.split())
        return " ".join(n for n in names if n in PERMISSIONS)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exact string match against a registered URI (RFC 6749 §3.1.2.3)."""
        return redirect_uri in self.application.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return self.application.check_secret(client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method == TOKEN_ENDPOINT_AUTH_METHOD

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES


class OAuthCode(AuthorizationCodeMixin):  # type: ignore[misc]
    """An authorization code Connect issued (RFC 6749 §4.1.2) and its connection."""

    def __init__(self, code: AuthorizationCode, connection: Connection) -> None:
        self.code = code
        self.connection = connection

    def get_redirect_uri(self) -> str | None:
        return self.code.redirect_uri

    def get_scope(self) -> str:
        return " ".join(self.connection.permissions)


class OAuthToken(TokenMixin):  # type: ignore[misc]
    """An issued access/refresh pair (RFC 6749 §5.1); expiry asks the World's clock,
    never the wall clock."""

    def __init__(self, token: Token, connection: Connection, world: World) -> None:
        self.token = token
        self.connection = connection
        self._world = world

    def check_client(self, client: OAuthClient) -> bool:
        return self.token.client_id == client.client_id

    def get_scope(self) -> str:
        return " ".join(self.connection.permissions)

    def get_expires_in(self) -> int:
        return ACCESS_TOKEN_SECONDS

    def is_expired(self) -> bool:
        return self._world.now() >= self.token.access_expires_at

    def is_revoked(self) -> bool:
        return self.token.revoked

    def get_user(self) -> Connection:
        return self.connection

    def get_client(self) -> OAuthClient | None:
        application = self._world.application(self.token.client_id)
        return OAuthClient(application, self._world) if application else None

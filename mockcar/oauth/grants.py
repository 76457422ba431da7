"""The two token grants Smartcar's v2 auth host serves.

Both subclass authlib's grants and keep their flow (client authentication, grant-type
check, token generation, save, then spend); what they add is storage in the World and
Smartcar's error texts and tolerances
(https://smartcar.com/docs/api-reference/authorization/auth-code-exchange,
https://smartcar.com/docs/api-reference/authorization/refreshing-access-token).
"""

from __future__ import annotations

from typing import Any, ClassVar

from authlib.oauth2.rfc6749 import (
    InvalidRequestError,
    UnauthorizedClientError,
    grants,
)

from mockcar.domain.world.world import Connection, World
from mockcar.oauth.errors import invalid_code, invalid_refresh_token, unauthorized_redirect_uri
from mockcar.oauth.models import TOKEN_ENDPOINT_AUTH_METHOD, OAuthClient, OAuthCode, OAuthToken

# Node's SDK sends the key whatever happens: `redirect_uri=undefined` when the client has
# none (the SDK builds the form from every key it knows). Empty is treated the same way.
_ABSENT_REDIRECT_URIS = frozenset({"", "undefined"})


class _WorldGrant:
    # authlib sets `server` and `request` on each grant it builds; the grants need only
    # the request (the server that registers them imports this module, not the reverse).
    request: Any

    @property
    def world(self) -> World:
        """The authenticated client's World: codes and tokens are found in the tenant
        that holds the application (authlib authenticates the client first)."""
        client: OAuthClient = self.request.client
        return client.world


class AuthorizationCodeGrant(_WorldGrant, grants.AuthorizationCodeGrant):  # type: ignore[misc]
    """RFC 6749 §4.1.3–4.1.4: a code from Connect for a token pair.

    A code is this client's, unused, and at most 10 minutes old (World clock), else
    `invalid_grant` "Invalid code: <code>.". It is spent only once the pair is saved.
    A code redeemed a second time also revokes every pair issued from it, rotations
    included (RFC 6749 §4.1.2: the code may have been stolen).

    redirect_uri (§4.1.3 makes it REQUIRED when the authorization request had one, and
    identical): a *different* URI is `invalid_grant` "Unauthorized redirect_uri: <uri>";
    an *absent* one (or Node's literal `undefined`) is accepted, because the Python and
    Java SDKs omit it whenever the AuthClient was built without one, and real Smartcar
    redeems those codes. When the code carries no URI, a sent one must be registered.
    """

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [TOKEN_ENDPOINT_AUTH_METHOD]

    def validate_token_request(self) -> None:
        # authlib's version compares redirect_uri with `!=`, so it rejects omission and
        # words the errors its own way; the rest of the flow is the same.
        client: OAuthClient = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError(
                f"The client is not authorized to use 'grant_type={self.GRANT_TYPE}'"
            )
        code = self.request.form.get("code")
        if not code:
            raise InvalidRequestError(
                "Missing 'code': send the code Connect appended to your redirect URI."
            )
        authorization_code = self.query_authorization_code(code, client)
        self._check_redirect_uri(authorization_code, client)
        self.request.client = client
        self.request.authorization_code = authorization_code

    def _check_redirect_uri(self, authorization_code: OAuthCode, client: OAuthClient) -> None:
        sent = self.request.payload.redirect_uri
        if sent is None or sent in _ABSENT_REDIRECT_URIS:
            return
        original = authorization_code.get_redirect_uri()
        if original is not None and sent != original:
            raise unauthorized_redirect_uri(sent)
        if original is None and not client.check_redirect_uri(sent):
            raise unauthorized_redirect_uri(sent)

    def query_authorization_code(self, code: str, client: OAuthClient) -> OAuthCode:
        # Called before the client is stored on the request: use the one passed in.
        found = client.world.redeemable_code(code, client.client_id)
        connection = client.world.connections.get(found.connection_id) if found else None
        if found is None or connection is None:
            client.world.replay_code(code, client.client_id)
            raise invalid_code(code)
        return OAuthCode(found, connection)

    def authenticate_user(self, authorization_code: OAuthCode) -> Connection:
        # The "user" of a Smartcar token is the connection: one owner's consent to this
        # application for chosen vehicles and permissions.
        return authorization_code.connection

    def delete_authorization_code(self, authorization_code: OAuthCode) -> None:
        self.world.spend_code(authorization_code.code)

    def save_authorization_code(self, code: str, request: object) -> None:
        raise NotImplementedError(
            "Connect issues codes itself with World.issue_code; this grant only redeems them."
        )


class RotatingRefreshTokenGrant(_WorldGrant, grants.RefreshTokenGrant):  # type: ignore[misc]
    """RFC 6749 §6 with rotation: every refresh returns a new access *and* refresh token
    for the same connection. The used refresh token keeps working for REFRESH_GRACE
    (1 minute, World clock), answering with the pair it was first exchanged for (a
    client retrying a refresh whose answer it lost gets that pair again, not a second
    live chain), and is then refused; refresh tokens live 60 days; the old access token
    lives out its own 2 hours. Failures are `invalid_grant`
    "Invalid refresh_token: <token>.".
    """

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [TOKEN_ENDPOINT_AUTH_METHOD]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        old: OAuthToken = self.request.refresh_token
        successor = old.token.successor
        if successor is None:
            answer: tuple[int, dict[str, Any], list[tuple[str, str]]] = (
                super().create_token_response())
            return answer
        # expires_in: what is left of the pair's two hours, as RFC 6749 §5.1 defines it.
        left = successor.access_expires_at - self.world.now()
        return 200, {
            "access_token": successor.access_token, "token_type": "Bearer",
            "expires_in": max(0, int(left.total_seconds())),
            "refresh_token": successor.refresh_token,
        }, self.TOKEN_RESPONSE_HEADER

    def authenticate_refresh_token(self, refresh_token: str) -> OAuthToken:
        # authlib authenticates the client first and stores it on the request, so the
        # lookup can be scoped to it: another client's token is as unknown as a typo.
        client: OAuthClient = self.request.client
        token = self.world.refreshable_token(refresh_token, client.client_id)
        connection = self.world.connections.get(token.connection_id) if token else None
        if token is None or connection is None:
            # authlib would raise a bare invalid_grant, without the description the
            # Python SDK needs to build its exception.
            raise invalid_refresh_token(refresh_token)
        return OAuthToken(token, connection, self.world)

    def authenticate_user(self, refresh_token: OAuthToken) -> Connection:
        return refresh_token.get_user()

    def revoke_old_credential(self, refresh_token: OAuthToken) -> None:
        self.world.spend_refresh_token(refresh_token.token, self.request.issued)

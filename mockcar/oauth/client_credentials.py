"""API v3's application tokens: the client-credentials grant at `POST /oauth2/token`
(RFC 6749 §4.4, https://www.rfc-editor.org/rfc/rfc6749#section-4.4;
https://smartcar.com/docs/api-reference/authorization/request-access-token).

A second authorization server beside the v2 one (mockcar.oauth.server), because the two
hosts differ: Smartcar's IAM host takes the client id and secret in the form body (its
docs), and mockcar also accepts HTTP Basic (what every other Smartcar endpoint uses);
it serves only `grant_type=client_credentials`, answers `{access_token, token_type,
expires_in: 3600}` with no refresh token, and fails with 400 `invalid_request` or 401
`invalid_client`. Tokens are stored in the application's tenant World
(mockcar.domain.world.application_tokens).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    InvalidRequestError,
    UnsupportedGrantTypeError,
    grants,
)

from mockcar.domain.world import application_tokens
from mockcar.domain.world.records import APPLICATION_TOKEN_LIFETIME
from mockcar.oauth.client_auth import decode_basic
from mockcar.oauth.errors import ClientAuthenticationError, echo
from mockcar.oauth.models import OAuthClient
from mockcar.oauth.requests import StarletteOAuth2Request
from mockcar.oauth.server import MockcarAuthorizationServer, WorldLookup

# One registered method that takes either form of credentials (authlib tries methods in
# turn and ends with a generic message; this one says what was wrong).
CLIENT_AUTH_METHOD = "client_secret_post_or_basic"
APPLICATION_TOKEN_SECONDS = int(APPLICATION_TOKEN_LIFETIME.total_seconds())
HOW_TO = (
    "send client_id and client_secret in the application/x-www-form-urlencoded body "
    "(or as HTTP Basic credentials)"
)


class ApplicationClient(OAuthClient):
    """An application as a client of the IAM host: client credentials only."""

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method == CLIENT_AUTH_METHOD

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def get_allowed_scope(self, scope: str | None) -> str:
        return ""  # an application token carries no owner's permissions


def authenticate_client(query_client: Any, request: StarletteOAuth2Request) -> OAuthClient:
    """The body's `client_id`/`client_secret`, else HTTP Basic; 401 invalid_client
    saying which part was wrong."""
    form = request.form
    header = request.headers.get("authorization")
    if form.get("client_id") or form.get("client_secret"):
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    elif header:
        client_id, secret = decode_basic(header, HOW_TO)
    else:
        raise ClientAuthenticationError(f"Missing client credentials: {HOW_TO}.")
    if not client_id or not secret:
        missing = "client_id" if not client_id else "client_secret"
        raise ClientAuthenticationError(f"Missing '{missing}': {HOW_TO}.")
    client: OAuthClient | None = query_client(client_id)
    if client is None:
        raise ClientAuthenticationError(
            f"Unknown client id {echo(client_id)}: use the client id of an application in "
            "this mockcar scenario (mockcar serve prints them).")
    if not client.check_client_secret(secret):
        raise ClientAuthenticationError(
            f"Wrong client secret for client id {echo(client_id)}: use the secret the "
            "scenario gives this application.")
    return client


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    """authlib's grant, authenticated by `authenticate_client`; a requested scope is
    ignored (Smartcar's application tokens have none)."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [CLIENT_AUTH_METHOD]

    def validate_requested_scope(self) -> None:
        return None


class ApplicationTokenServer(MockcarAuthorizationServer):
    """The IAM host's token endpoint. Shares the v2 server's request wrapping, response
    rendering and error texts; replaces its clients, grant, token shape and storage."""

    def __init__(self, worlds: WorldLookup, *, insecure_transport: bool) -> None:
        # Not MockcarAuthorizationServer.__init__: that registers the v2 grants.
        AuthorizationServer.__init__(self)
        self.worlds = worlds
        self.insecure_transport = insecure_transport
        self.register_token_generator("default", self.generate_bearer_token)
        self.register_client_auth_method(CLIENT_AUTH_METHOD, authenticate_client)
        self.register_grant(ClientCredentialsGrant)

    def query_client(self, client_id: str) -> ApplicationClient | None:
        world = self.worlds(client_id)
        application = world.application(client_id) if world is not None else None
        return ApplicationClient(application, world) if application and world else None

    def generate_bearer_token(
        self, grant_type: str, client: OAuthClient, user: object = None,
        scope: str | None = None, expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        """One hour, never a refresh token, as Smartcar's application tokens."""
        return {"access_token": str(uuid.uuid4()), "token_type": "Bearer",
                "expires_in": APPLICATION_TOKEN_SECONDS}

    def save_token(self, token: Mapping[str, Any], request: StarletteOAuth2Request) -> None:
        client: OAuthClient = request.client
        application_tokens.issue(client.world, client.client_id, token["access_token"])

    def _validate_form(self, request: StarletteOAuth2Request) -> None:
        for name in ("grant_type", "client_id", "client_secret", "scope"):
            if len(request.payload.datalist.get(name, ())) > 1:
                raise InvalidRequestError(f"Repeated '{name}' parameter: send it once.")
        if not request.payload.grant_type:
            raise InvalidRequestError(
                "Missing 'grant_type': send grant_type=client_credentials with client_id "
                "and client_secret in an application/x-www-form-urlencoded body.")

    def get_token_grant(self, request: StarletteOAuth2Request) -> Any:
        try:
            return AuthorizationServer.get_token_grant(self, request)
        except UnsupportedGrantTypeError as error:
            error.description = (
                f"grant_type={echo(request.payload.grant_type)} is not supported here: "
                "/oauth2/token issues application tokens with grant_type=client_credentials "
                "(authorization codes and refresh tokens go to /oauth/token).")
            raise


def build_application_token_server(
    worlds: WorldLookup, insecure_transport: bool
) -> ApplicationTokenServer:
    """The server `create_app` mounts on `app.state.application_token_server`."""
    return ApplicationTokenServer(worlds, insecure_transport=insecure_transport)

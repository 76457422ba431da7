"""The authorization server: authlib's `AuthorizationServer` over the tenants' Worlds.

It owns token generation (UUID v4 strings, like Smartcar's), storage (the World of the
authenticated client's tenant), the wire shape of every token response (RFC 6749 §5.1,
§5.2) and the transport rule.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    InvalidRequestError,
    OAuth2Error,
    UnsupportedGrantTypeError,
)
from starlette.responses import JSONResponse, Response

from mockcar.domain.world.world import Connection, World
from mockcar.oauth.client_auth import authenticate_client_basic
from mockcar.oauth.errors import MethodNotAllowedError, echo
from mockcar.oauth.grants import AuthorizationCodeGrant, RotatingRefreshTokenGrant
from mockcar.oauth.models import ACCESS_TOKEN_SECONDS, OAuthClient, OAuthCode, OAuthToken
from mockcar.oauth.requests import FormSubmission, StarletteOAuth2Request
from mockcar.settings import Settings

log = logging.getLogger("mockcar.oauth")

# Client id -> the World (tenant) that holds that application, or None if none does.
WorldLookup = Callable[[str], World | None]

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# RFC 6749 §3.2: request parameters MUST NOT be included more than once.
SINGLE_PARAMETERS = ("grant_type", "code", "redirect_uri", "refresh_token", "scope")
# The only keys a Smartcar token response has, in its order
# (https://smartcar.com/docs/api-reference/authorization/auth-code-exchange).
TOKEN_RESPONSE_KEYS = ("access_token", "token_type", "expires_in", "refresh_token")

_DEFAULT_DESCRIPTIONS = {
    "invalid_request": "The token request is malformed.",
    "invalid_client": "Client authentication failed.",
    "invalid_grant": "The grant is invalid, expired or was issued to another client.",
    "unauthorized_client": "The client may not use this grant type.",
    "unsupported_grant_type": "This grant type is not supported.",
    "invalid_scope": "The requested scope exceeds what the owner granted.",
}


class MockcarAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """RFC 6749 token endpoint. `worlds` finds the World of a client id: each client's
    codes and tokens live in its tenant's World. `insecure_transport` accepts plain http
    to any host; without it, authlib's rule applies (https, or http to loopback)."""

    def __init__(self, worlds: WorldLookup, *, insecure_transport: bool) -> None:
        super().__init__()
        self.worlds = worlds
        self.insecure_transport = insecure_transport
        self.register_token_generator("default", self.generate_bearer_token)
        self.register_client_auth_method("client_secret_basic", authenticate_client_basic)
        self.register_grant(AuthorizationCodeGrant)
        self.register_grant(RotatingRefreshTokenGrant)

    # -- storage ----------------------------------------------------------------------

    def query_client(self, client_id: str) -> OAuthClient | None:
        world = self.worlds(client_id)
        application = world.application(client_id) if world is not None else None
        return OAuthClient(application, world) if application and world else None

    def generate_bearer_token(
        self,
        grant_type: str,
        client: OAuthClient,
        user: Connection | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        """RFC 6750 bearer token, Smartcar's shape: no `scope`, a fixed 7200 s lifetime.
        No timestamps here: the World stamps issue time from its clock on save."""
        token: dict[str, Any] = {
            "access_token": str(uuid.uuid4()),
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_SECONDS,
        }
        if include_refresh_token:
            token["refresh_token"] = str(uuid.uuid4())
        return token

    def save_token(self, token: Mapping[str, Any], request: StarletteOAuth2Request) -> None:
        """Store the pair with the code its chain started from: the code's own, or the
        one the refreshed pair carries (mockcar.oauth.grants keeps `request.issued`)."""
        connection: Connection = request.user
        client: OAuthClient = request.client
        if isinstance(request.authorization_code, OAuthCode):
            code: str | None = request.authorization_code.code.code
        elif isinstance(request.refresh_token, OAuthToken):
            code = request.refresh_token.token.code
        else:
            code = None
        request.issued = client.world.issue_token(
            connection.id, client.client_id, token["access_token"], token["refresh_token"],
            code=code,
        )

    def send_signal(self, name: str, *args: object, **kwargs: object) -> None:
        """authlib's hook for framework signals; mockcar has no subscribers, and the
        base class raises NotImplementedError."""

    # -- requests ---------------------------------------------------------------------

    def create_oauth2_request(
        self, request: FormSubmission | StarletteOAuth2Request
    ) -> StarletteOAuth2Request:
        if isinstance(request, StarletteOAuth2Request):
            return request
        return StarletteOAuth2Request(request, allow_insecure=self.insecure_transport)

    def create_token_response(
        self, request: FormSubmission | StarletteOAuth2Request
    ) -> Response:
        """RFC 6749 §3.2. authlib's version only renders errors raised once it holds a
        grant; building the request (transport check) and the form checks happen
        before that, so they are rendered here."""
        try:
            oauth_request = self.create_oauth2_request(request)
            self._validate_form(oauth_request)
        except OAuth2Error as error:
            return self.handle_error_response(None, error)
        response: Response = super().create_token_response(oauth_request)
        return response

    def _validate_form(self, request: StarletteOAuth2Request) -> None:
        for name in SINGLE_PARAMETERS:
            if len(request.payload.datalist.get(name, ())) > 1:
                raise InvalidRequestError(f"Repeated '{name}' parameter: send it once.")
        if request.payload.grant_type:
            return
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type not in FORM_CONTENT_TYPES:
            raise InvalidRequestError(
                "The token endpoint reads an application/x-www-form-urlencoded body "
                f"(RFC 6749 section 4.1.3); got Content-Type {echo(content_type or 'none')!r}."
            )
        raise InvalidRequestError(
            "Missing 'grant_type': send grant_type=authorization_code or "
            "grant_type=refresh_token."
        )

    def get_token_grant(self, request: StarletteOAuth2Request) -> Any:
        try:
            return super().get_token_grant(request)
        except UnsupportedGrantTypeError as error:
            # authlib's error leaves error_description empty; the Python SDK then
            # raises a generic SDK_ERROR instead of the server's message.
            error.description = (
                f"grant_type={echo(request.payload.grant_type)} is not supported here: this "
                "token endpoint accepts authorization_code and refresh_token (application "
                "tokens via client_credentials belong to the v3 endpoint /oauth2/token)."
            )
            raise

    # -- responses --------------------------------------------------------------------

    def handle_response(
        self, status: int, body: object, headers: list[tuple[str, str]]
    ) -> Response:
        """JSON with `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1);
        a success carries exactly Smartcar's four keys."""
        extra = {k: v for k, v in headers if k.lower() != "content-type"}
        if isinstance(body, Mapping):
            if status == 200:
                body = {k: body[k] for k in TOKEN_RESPONSE_KEYS if k in body}
            return JSONResponse(dict(body), status_code=status, headers=extra)
        return Response(str(body), status_code=status, headers=extra)

    def handle_error_response(self, request: object, error: OAuth2Error) -> Response:
        """RFC 6749 §5.2, always with an error_description: the Python SDK turns an
        `error` without one into a generic SDK_ERROR."""
        if not error.description:
            error.description = error.get_error_description() or _DEFAULT_DESCRIPTIONS.get(
                error.error, "The token request failed."
            )
        log.debug("token endpoint: %s: %s", error.error, error.description)
        response: Response = self.handle_response(*error(None))
        return response

    def error_response(self, error: OAuth2Error) -> Response:
        """For failures found before authlib runs (method, unreadable body)."""
        return self.handle_error_response(None, error)

    def method_not_allowed(self, method: str) -> Response:
        return self.error_response(
            MethodNotAllowedError(f"{echo(method)} is not allowed: the token endpoint takes "
                                  "POST (RFC 6749 section 3.2).")
        )


def build_authorization_server(
    worlds: WorldLookup, settings: Settings
) -> MockcarAuthorizationServer:
    """The server `create_app` mounts on `app.state.authorization_server`. Transport
    security is decided here, from `settings.insecure_transport`; no environment variable
    is read or set, so two apps in one process may differ."""
    return MockcarAuthorizationServer(worlds, insecure_transport=settings.insecure_transport)

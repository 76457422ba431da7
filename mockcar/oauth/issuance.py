"""A token pair for an authorization code without an HTTP request, for headless Connect
(the control API's `connect` with `exchange`, and so the pytest plugin).

The code goes through the same authlib grant the token endpoint runs
(mockcar.oauth.grants.AuthorizationCodeGrant): the application authenticates with its
own credentials, the code must be this client's, unused and unexpired, the redirect URI
must match, and the pair is stored and the code spent exactly as after a client's
`POST /oauth/token` (https://smartcar.com/docs/api-reference/authorization/auth-code-exchange).
Only the transport is missing: the grant reads an `OAuth2Request` built here from the
parameters, not from a Starlette request.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload

from mockcar.domain.world.world import Application, Token
from mockcar.oauth.server import MockcarAuthorizationServer

# authlib's OAuth2Request checks its URI's transport; there is none here.
_TOKEN_URI = "https://localhost/oauth/token"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class TokenPair:
    """The token response's four keys (RFC 6749 §5.1, Smartcar's shape)."""

    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str


class ExchangeRefused(Exception):
    """The grant refused the code: RFC 6749 §5.2 `error` and its description."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


class DirectTokenRequest(OAuth2Request):  # type: ignore[misc]
    """A token request given as its parameters and Authorization header, for the grants
    (the attributes mockcar.oauth.requests.StarletteOAuth2Request offers them)."""

    def __init__(self, parameters: dict[str, str], authorization: str) -> None:
        super().__init__(method="POST", uri=_TOKEN_URI,
                         headers={"authorization": authorization})
        self.payload = BasicOAuth2Payload(parameters)
        self.issued: Token | None = None

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        data: dict[str, str] = self.payload.data
        return data

    @property
    def content_type(self) -> str:
        return FORM_CONTENT_TYPE


def exchange_code(
    server: MockcarAuthorizationServer, application: Application, code: str,
    redirect_uri: str | None = None,
) -> TokenPair:
    """Redeem `code` for `application` as its `POST /oauth/token` with
    grant_type=authorization_code would; raises `ExchangeRefused` with the error the
    endpoint would answer."""
    parameters = {"grant_type": "authorization_code", "code": code}
    if redirect_uri is not None:
        parameters["redirect_uri"] = redirect_uri
    credentials = f"{application.client_id}:{application.client_secret}".encode()
    request = DirectTokenRequest(
        parameters, "Basic " + base64.b64encode(credentials).decode())
    try:
        grant = server.get_token_grant(request)
        grant.validate_token_request()
        status, body, _headers = grant.create_token_response()
    except OAuth2Error as error:
        raise ExchangeRefused(
            error.error, error.description or error.get_error_description() or "") from None
    if status != 200:
        raise ExchangeRefused(str(body.get("error")), str(body.get("error_description")))
    return TokenPair(
        access_token=body["access_token"], token_type=body["token_type"],
        expires_in=body["expires_in"], refresh_token=body["refresh_token"],
    )

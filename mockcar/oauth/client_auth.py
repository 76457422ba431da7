"""Client authentication at the token endpoint: HTTP Basic only (RFC 6749 §2.3.1).

Registered on the server under authlib's `client_secret_basic` name so it replaces the
built-in one, which fails quietly (returns None) and ends in a generic "cannot
authenticate" message; this one says what was wrong and how to send credentials. It
raises rather than returns None: Basic is the only method, there is nothing to fall back to.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from mockcar import basic_auth
from mockcar.oauth.errors import BASIC_HOW_TO, ClientAuthenticationError, echo
from mockcar.oauth.models import OAuthClient
from mockcar.oauth.requests import StarletteOAuth2Request

QueryClient = Callable[[str], OAuthClient | None]


def authenticate_client_basic(
    query_client: QueryClient, request: StarletteOAuth2Request
) -> OAuthClient:
    header = request.headers.get("authorization")
    if not header:
        if "client_secret" in request.form:
            raise ClientAuthenticationError(
                "client_secret in the request body is not accepted: " + BASIC_HOW_TO + "."
            )
        raise ClientAuthenticationError("Missing client credentials: " + BASIC_HOW_TO + ".")
    client_id, secret = decode_basic(header, BASIC_HOW_TO)
    client = query_client(client_id) or query_client(unquote(client_id))
    if client is None:
        raise ClientAuthenticationError(
            f"Unknown client id {echo(client_id)}: use the client id of an application in "
            "this mockcar scenario (mockcar serve prints them)."
        )
    # RFC 6749 §2.3.1 form-encodes id and secret before Basic; no Smartcar SDK does, so
    # both the raw and the decoded secret are accepted.
    if not (client.check_client_secret(secret) or client.check_client_secret(unquote(secret))):
        raise ClientAuthenticationError(
            f"Wrong client secret for client id {echo(client_id)}: use the secret the "
            "scenario gives this application."
        )
    return client


def decode_basic(header: str, how_to: str) -> tuple[str, str]:
    """(client_id, secret) from `Basic <base64>` (mockcar.basic_auth), else 401
    invalid_client saying what is wrong with the header and how to send credentials."""
    try:
        credentials = basic_auth.parse(header)
        if credentials is None:
            raise basic_auth.MalformedBasic("it does not start with 'Basic '")
    except basic_auth.MalformedBasic as bad:
        raise ClientAuthenticationError(
            f"The Authorization header is not valid HTTP Basic credentials ({bad}): "
            f"{how_to}.") from None
    return credentials.user, credentials.password

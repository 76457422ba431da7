"""Client authentication at the token endpoint: HTTP Basic only (RFC 6749 §2.3.1).

Registered on the server under authlib's `client_secret_basic` name so it replaces the
built-in one, which fails quietly (returns None) and ends in a generic "cannot
authenticate" message; this one says what was wrong and how to send credentials. It
raises rather than returns None: Basic is the only method, there is nothing to fall back to.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from urllib.parse import unquote

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
    credentials = _decode_basic(header)
    if credentials is None:
        raise ClientAuthenticationError(
            "The Authorization header is not valid HTTP Basic credentials: "
            + BASIC_HOW_TO + "."
        )
    client_id, secret = credentials
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


def _decode_basic(header: str) -> tuple[str, str] | None:
    """(client_id, secret) from `Basic <base64>`, or None when malformed. Decodes
    strictly: authlib's helper lets non-ASCII input and bad UTF-8 raise."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip().encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id:
        return None
    return client_id, secret

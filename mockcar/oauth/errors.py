"""The token endpoint's error texts (RFC 6749 §5.2,
https://www.rfc-editor.org/rfc/rfc6749#section-5.2; Smartcar's own:
https://smartcar.com/docs/api-reference/authorization/auth-code-exchange) and the OAuth
errors authlib lacks.

Descriptions that Smartcar's E2E tests pin ("Invalid code: X.", "Invalid refresh_token:
X.", "Unauthorized redirect_uri: X") are reproduced exactly; the ones nobody has captured
say what to do instead. Every value a client sent is passed through `echo` first: authlib
raises ValueError for a description holding characters outside RFC 6749 §5.2's set, and a
client must not be able to make the server echo kilobytes back.
"""

from __future__ import annotations

from authlib.oauth2.rfc6749 import InvalidClientError, InvalidGrantError, OAuth2Error

ECHO_LIMIT = 80

# RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (no '"' and no '\').
_ALLOWED = frozenset(chr(c) for c in (*range(0x20, 0x22), *range(0x23, 0x5C), *range(0x5D, 0x7F)))

BASIC_HOW_TO = (
    "send the application's client id and secret with HTTP Basic "
    "(Authorization: Basic base64(client_id:client_secret)), as every Smartcar SDK does"
)


def echo(value: str, limit: int = ECHO_LIMIT) -> str:
    """`value` made safe to quote in an error_description: characters RFC 6749 forbids
    there become '?', and anything past `limit` characters becomes '...'."""
    clipped = value[:limit]
    safe = "".join(ch if ch in _ALLOWED else "?" for ch in clipped)
    return safe + "..." if len(value) > limit else safe


def invalid_code(code: str) -> InvalidGrantError:
    return InvalidGrantError(f"Invalid code: {echo(code)}.")


def invalid_refresh_token(refresh_token: str) -> InvalidGrantError:
    return InvalidGrantError(f"Invalid refresh_token: {echo(refresh_token)}.")


def unauthorized_redirect_uri(uri: str) -> InvalidGrantError:
    return InvalidGrantError(f"Unauthorized redirect_uri: {echo(uri, limit=200)}")


class ClientAuthenticationError(InvalidClientError):  # type: ignore[misc]
    """401 invalid_client with a Basic challenge. RFC 6749 §5.2 asks for a
    WWW-Authenticate header matching the scheme; RFC 7617 §2 makes `realm` required in a
    Basic challenge, which authlib's own header leaves out."""

    status_code = 401

    def __init__(self, description: str) -> None:
        super().__init__(description=description, status_code=401)

    def get_headers(self) -> list[tuple[str, str]]:
        headers = [h for h in super().get_headers() if h[0].lower() != "www-authenticate"]
        description = self.get_error_description().replace('"', "'")
        challenge = (
            f'Basic realm="mockcar", error="{self.error}", error_description="{description}"'
        )
        return [*headers, ("WWW-Authenticate", challenge)]


class MethodNotAllowedError(OAuth2Error):  # type: ignore[misc]
    """RFC 6749 §3.2: "The client MUST use the HTTP POST method" at the token endpoint.
    Rendered in the OAuth error shape so SDKs and curl users read the same thing."""

    error = "invalid_request"
    status_code = 405

    def get_headers(self) -> list[tuple[str, str]]:
        return [*super().get_headers(), ("Allow", "POST")]

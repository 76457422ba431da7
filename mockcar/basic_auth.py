"""HTTP Basic credentials (RFC 7617), read the same way by every endpoint that takes them:
the token endpoints (client id and secret), the Management API (`default:<management
token>`), the Compatibility API (client id and secret) and the control API.

    parse(header) -> Basic | None      None: no Authorization header, or another scheme
                  -> raises MalformedBasic, a ValueError whose message says what is wrong

Decoding is strict: the token must be ASCII base64 with its padding, the decoded bytes
UTF-8 (RFC 7617 §2.1's charset, what the SDKs send), and hold a ':' after a non-empty
user name. A caller turns MalformedBasic into its own host's error shape; nothing here
knows HTTP frameworks, so the OAuth glue and the web layer share it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

SCHEME = "basic"


@dataclass(frozen=True, slots=True)
class Basic:
    user: str
    password: str


class MalformedBasic(ValueError):
    """The header names the Basic scheme but carries no usable credentials."""


def parse(header: str | None) -> Basic | None:
    """The user and password of an `Authorization: Basic <base64>` header; None when the
    header is absent or uses another scheme; MalformedBasic when it is Basic but unusable.
    Starlette hands header values over as latin-1 text, so a non-ASCII byte shows up
    here as a non-ASCII character and is refused as such."""
    if not header or not header.strip():
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != SCHEME:
        return None
    value = value.strip()
    if not value:
        raise MalformedBasic("nothing follows 'Basic'")
    if not value.isascii():
        raise MalformedBasic("the credentials hold non-ASCII characters; "
                             "base64-encode the UTF-8 of 'user:password'")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedBasic("the credentials are not base64 (with '=' padding) of "
                             "'user:password'") from None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBasic("the decoded credentials are not UTF-8 text") from None
    user, colon, password = decoded.partition(":")
    if not colon:
        raise MalformedBasic("the decoded credentials have no ':' between the user name "
                             "and the password")
    if not user:
        raise MalformedBasic("the user name before ':' is empty")
    return Basic(user, password)


def encode(user: str, password: str) -> str:
    """The header value a client sends (`Basic <base64 of user:password>`)."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


__all__ = ["Basic", "MalformedBasic", "encode", "parse"]

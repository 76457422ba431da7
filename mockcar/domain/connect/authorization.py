"""A Connect authorization request as the flow needs it, and the redirect that ends it.

The web layer parses and validates the Connect URL (`GET /oauth/authorize`,
https://smartcar.com/docs/connect/connect-parameters) into an `AuthorizationRequest`;
the flow (mockcar.domain.connect.flow) reads only this, and ends by sending the user
back to `redirect_uri` with parameters appended (`redirect_url`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from mockcar.domain.connect.brands import Brand
from mockcar.domain.world.scopes import RequestedScope


@dataclass(frozen=True)
class AuthorizationRequest:
    """A validated Connect URL. `redirect_uri` is the one the user goes back to;
    `redirect_uri_given` says whether the client sent it, which decides whether the
    token endpoint must see it again (RFC 6749 §4.1.3). The application is named by
    `client_id`, with what Connect shows (`application_name`) and how it ends for it
    (`connect_redirect`, `code` or `user_id`)."""

    client_id: str
    application_name: str
    connect_redirect: str
    redirect_uri: str
    redirect_uri_given: bool
    scope: RequestedScope
    mode: str
    state: str | None
    make: Brand | None
    single_select: bool
    single_select_vin: str | None
    approval_prompt: str
    flags: str | None
    country: str
    user: str | None
    # Re-authentication (/oauth/reauthenticate): the vehicle whose owner signs in again;
    # Connect then ends with `vehicle_id` instead of a code.
    reauthenticate_vehicle: str | None = None

    def summary(self) -> list[tuple[str, str]]:
        """The request in the Connect URL's terms (the pages show it as a developer aid)."""
        rows = [
            ("client_id", self.client_id),
            ("redirect_uri", self.redirect_uri),
            ("scope", " ".join(
                ("required:" if p in self.scope.required else "") + p
                for p in self.scope.permissions
            )),
            ("mode", self.mode),
            ("state", self.state),
            ("make", self.make.key if self.make else None),
            ("single_select", "true" if self.single_select else None),
            ("single_select_vin", self.single_select_vin),
            ("flags", self.flags),
            ("user", self.user),
            ("vehicle_id", self.reauthenticate_vehicle),
        ]
        return [(k, v) for k, v in rows if v]


def redirect_url(redirect_uri: str, params: Sequence[tuple[str, str | None]]) -> str:
    """`redirect_uri` with `params` appended to whatever query it already has; params
    whose value is None are left out, and any fragment is dropped (RFC 6749 §3.1.2)."""
    parts = urlsplit(redirect_uri)
    added = urlencode([(k, v) for k, v in params if v is not None])
    query = f"{parts.query}&{added}" if parts.query and added else parts.query or added
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

"""The Connect authorization request: parsing and validating `GET /oauth/authorize`
(https://smartcar.com/docs/connect/redirect-to-connect) and building the redirect back to
the application (https://smartcar.com/docs/connect/handle-the-response).

Everything that can be wrong before we know where to send the user back (client, redirect
URI) is refused with an error page, never a redirect: an unregistered redirect URI must
not turn mockcar into an open redirector. Other mistakes (response type, mode, scope) are
shown as error pages too, so a developer sees what to fix in their Connect URL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from mockcar.domain.vehicles.brands import brand_key
from mockcar.domain.world.scopes import RequestedScope
from mockcar.domain.world.world import Application, Mode, World

DEFAULT_COUNTRY = "US"
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")

# Brands Smartcar Connect lists (display names); the World's own makes are added to
# these so every scenario vehicle's brand can be picked.
SMARTCAR_BRANDS: tuple[str, ...] = (
    "Acura", "Alfa Romeo", "Audi", "BMW", "Buick", "Cadillac", "Chevrolet", "Chrysler",
    "Citroën", "CUPRA", "Dodge", "DS", "Fiat", "Ford", "Genesis", "GMC", "Honda",
    "Hyundai", "Infiniti", "Jaguar", "Jeep", "Kia", "Land Rover", "Lexus", "Lincoln",
    "Lucid", "Mazda", "Mercedes-Benz", "MINI", "Mitsubishi", "Nissan", "Opel", "Peugeot",
    "Polestar", "Porsche", "Ram", "Renault", "Rivian", "Škoda", "Subaru", "Tesla",
    "Toyota", "Vauxhall", "Volkswagen", "Volvo",
)

COUNTRY_NAMES: dict[str, str] = {
    "US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany",
    "FR": "France", "ES": "Spain", "IT": "Italy", "NL": "Netherlands", "BE": "Belgium",
    "AT": "Austria", "CH": "Switzerland", "SE": "Sweden", "NO": "Norway", "DK": "Denmark",
    "FI": "Finland", "IE": "Ireland", "PT": "Portugal", "PL": "Poland", "LU": "Luxembourg",
}


class ConnectRequestError(Exception):
    """The authorization request cannot be served; shown to the user as an error page.
    `details` are extra lines (e.g. the registered redirect URIs) that teach the fix."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)


@dataclass(frozen=True)
class Brand:
    key: str  # TESLA, MERCEDES_BENZ: the `make` value and the button id
    name: str  # what the user reads


def make_key(make: str) -> str:
    """`Mercedes-Benz` → `MERCEDES_BENZ`, `Tesla` → `TESLA` (Smartcar's make ids)."""
    return brand_key(make)


_BRAND_NAMES = {make_key(name): name for name in SMARTCAR_BRANDS}


def make_name(make: str) -> str:
    """What a person reads for a make id: `FORD` → `Ford`, `MERCEDES_BENZ` →
    `Mercedes-Benz`; a make Connect does not list, in title case (`SMART` → `Smart`)."""
    known = _BRAND_NAMES.get(make_key(make))
    if known is not None:
        return known
    return make.replace("_", " ").title() if make.isupper() else make


def brands(world: World) -> list[Brand]:
    """Smartcar's brands plus every make in the World, sorted by name, one per key."""
    found: dict[str, Brand] = {}
    for name in (*SMARTCAR_BRANDS, *sorted(world.vehicles.makes())):
        key = make_key(name)
        if key and key not in found:
            found[key] = Brand(key, make_name(name))
    return sorted(found.values(), key=lambda b: _folded(b.name))


def _folded(text: str) -> str:
    """Without case and accents, so Škoda sorts and matches with the S."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_brand(world: World, make: str) -> Brand | None:
    key = make_key(make)
    return next((b for b in brands(world) if b.key == key), None)


def search_brands(world: World, query: str) -> list[Brand]:
    needle = _folded(query.strip())
    every = brands(world)
    if not needle:
        return every
    return [b for b in every if needle in _folded(b.name) or needle in b.key.casefold()]


@dataclass(frozen=True)
class AuthorizationRequest:
    """A validated `GET /oauth/authorize`. `redirect_uri` is the one the user goes back
    to; `redirect_uri_given` says whether the client sent it, which decides whether the
    token endpoint must see it again (RFC 6749 §4.1.3)."""

    application: Application
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
    # Connect then ends with `vehicle_id` instead of a code
    # (https://smartcar.com/docs/connect/re-auth/redirect-to-connect).
    reauthenticate_vehicle: str | None = None

    @property
    def client_id(self) -> str:
        return self.application.client_id

    def summary(self) -> list[tuple[str, str]]:
        """The request as the pages show it (developer aid), in the Connect URL's terms."""
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


def _param(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name)
    return value if value else None


def application_of(world: World, query: Mapping[str, str]) -> Application:
    """The application `client_id` (or `application_id`) names."""
    client_id = _param(query, "client_id") or _param(query, "application_id")
    if client_id is None:
        raise ConnectRequestError('Missing required parameter: "client_id"')
    application = world.application(client_id)
    if application is None:
        raise ConnectRequestError(
            f'No application with client_id "{client_id}" is registered.',
            ["Use the client id printed when mockcar starts, or the one in your scenario file."],
        )
    return application


def redirect_of(application: Application, query: Mapping[str, str]) -> tuple[str | None, str]:
    """(the redirect_uri sent, the one to use): a registered one, or the default."""
    given_uri = _param(query, "redirect_uri")
    if given_uri is None:
        if not application.redirect_uris:
            raise ConnectRequestError(
                f'The application "{application.name}" has no registered redirect URI.',
                ["Register one in the scenario file, or pass redirect_uri."],
            )
        return None, application.redirect_uris[0]
    if given_uri in application.redirect_uris:
        return given_uri, given_uri
    raise ConnectRequestError(
        f'The redirect_uri "{given_uri}" is not registered for the application '
        f'"{application.name}". It must match one of these exactly:',
        application.redirect_uris,
    )


def mode_of(query: Mapping[str, str], default: str) -> str:
    mode = (_param(query, "mode") or default).lower()
    if mode not in Mode.ALL:
        raise ConnectRequestError(
            f'Invalid mode "{query.get("mode")}".',
            [f"mode must be one of: {', '.join(Mode.ALL)}."],
        )
    return mode


def parse_authorization_request(world: World, query: Mapping[str, str]) -> AuthorizationRequest:
    """Validate the Connect URL's query; raises `ConnectRequestError` naming the problem."""
    response_type = _param(query, "response_type")
    if response_type is None:
        raise ConnectRequestError('Missing required parameter: "response_type"')
    if response_type != "code":
        raise ConnectRequestError(
            f'Unsupported response_type "{response_type}".',
            ['mockcar\'s Connect supports response_type=code (the authorization code flow).'],
        )

    application = application_of(world, query)
    given_uri, redirect_uri = redirect_of(application, query)
    mode = mode_of(query, Mode.LIVE)

    scope = RequestedScope.parse(query.get("scope"))
    if scope.unknown:
        raise ConnectRequestError(
            "Unknown permission(s) in scope: "
            + ", ".join(f'"{name}"' for name in scope.unknown) + ".",
            ["See https://smartcar.com/docs/api-reference/permissions for the catalog."],
        )

    make = None
    raw_make = _param(query, "make")
    if raw_make is not None:
        make = find_brand(world, raw_make)
        if make is None:
            raise ConnectRequestError(
                f'Unknown make "{raw_make}".',
                ["make must be one of: " + ", ".join(b.key for b in brands(world)) + "."],
            )

    single_select_vin = _param(query, "single_select_vin")
    single_select = (query.get("single_select") or "").lower() == "true"
    flags = _param(query, "flags")
    prompt = (query.get("approval_prompt") or "auto").lower()
    return AuthorizationRequest(
        application=application,
        redirect_uri=redirect_uri,
        redirect_uri_given=given_uri is not None,
        scope=scope,
        mode=mode,
        state=_param(query, "state"),
        make=make,
        # A VIN can only ever be a single choice; the SDKs send both anyway.
        single_select=single_select or single_select_vin is not None,
        single_select_vin=single_select_vin,
        approval_prompt=prompt if prompt in ("auto", "force") else "auto",
        flags=flags,
        country=country_flag(flags),
        user=_param(query, "user"),
    )


def parse_flags(flags: str | None) -> dict[str, str]:
    """`country:DE color:00819D` → {"country": "DE", "color": "00819D"}."""
    parsed: dict[str, str] = {}
    for item in (flags or "").split():
        key, sep, value = item.partition(":")
        if key:
            parsed[key] = value if sep else "true"
    return parsed


def country_flag(flags: str | None) -> str:
    country = parse_flags(flags).get("country", "")
    return country.upper() if _COUNTRY.match(country) else DEFAULT_COUNTRY


def redirect_url(redirect_uri: str, params: Sequence[tuple[str, str | None]]) -> str:
    """`redirect_uri` with `params` appended to whatever query it already has; params
    whose value is None are left out, and any fragment is dropped (RFC 6749 §3.1.2)."""
    parts = urlsplit(redirect_uri)
    added = urlencode([(k, v) for k, v in params if v is not None])
    query = f"{parts.query}&{added}" if parts.query and added else parts.query or added
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

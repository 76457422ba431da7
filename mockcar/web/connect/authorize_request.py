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
from collections.abc import Mapping, Sequence

from mockcar.domain.connect.authorization import AuthorizationRequest
from mockcar.domain.connect.flow import brands, find_brand
from mockcar.domain.world.scopes import RequestedScope
from mockcar.domain.world.world import Application, Mode, World

DEFAULT_COUNTRY = "US"
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")

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
        client_id=application.client_id,
        application_name=application.name,
        connect_redirect=application.connect_redirect,
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

"""Who is calling the platform endpoints, and in which World
(https://smartcar.com/docs/api-reference/management-api-intro): the owner's access token
(subscribe, disconnect), the application management token (`Bearer <AMT>` to unsubscribe,
`Basic default:<AMT>` for the Management API), or
the client id and secret (`Basic`, Compatibility API).

Every World lookup of the platform handlers goes through `world()` here, so resolving a
request to its tenant's World stays a change in one place.
"""

from __future__ import annotations

from starlette.requests import Request

from mockcar import basic_auth
from mockcar.domain.world.connections import application_by_management_token
from mockcar.domain.world.world import Application, Connection, World
from mockcar.errors import SmartcarError
from mockcar.web import tenancy
from mockcar.web.v2 import account as handlers

MANAGEMENT_USER = "default"  # the Basic user name Smartcar expects with an AMT


def world(request: Request) -> World:
    """The tenant's World, found by the request's credential (mockcar.web.tenancy)."""
    return tenancy.world(request)


def check_version(request: Request) -> None:
    version = request.path_params.get("version", "")
    if not handlers.VERSION.fullmatch(version):
        raise SmartcarError(
            "RESOURCE_NOT_FOUND", "VERSION",
            message=f"'v{version}' is not an API version; use /v2.0/.",
        )


def user_connection(request: Request) -> Connection:
    """The connection the bearer access token speaks for, checked exactly as for the
    vehicle endpoints."""
    return handlers._connection(request)


def bearer_management_token(request: Request) -> tuple[World, Application]:
    """`Authorization: Bearer <AMT>` (webhook unsubscribe)."""
    check_version(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    found = world(request)
    application = (application_by_management_token(found, token.strip())
                   if scheme.lower() == "bearer" else None)
    if application is None:
        raise SmartcarError(
            "AUTHENTICATION",
            message="Send the application management token as 'Authorization: Bearer "
            "<management token>' (not the owner's access token).",
        )
    return found, application


def basic_management_token(request: Request) -> tuple[World, Application]:
    """`Authorization: Basic base64("default:" + AMT)` (Management API)."""
    check_version(request)
    hint = "Send 'Authorization: Basic base64(\"default:\" + <management token>)'."
    user, token = _basic(request, hint)
    found = world(request)
    application = application_by_management_token(found, token)
    if user != MANAGEMENT_USER or application is None:
        why = (f"the user name must be '{MANAGEMENT_USER}'" if user != MANAGEMENT_USER
               else "that management token names no application")
        raise SmartcarError("AUTHENTICATION", message=f"{hint[:-1]}: {why}.")
    return found, application


def basic_client(request: Request) -> tuple[World, Application]:
    """`Authorization: Basic base64(client_id:client_secret)` (Compatibility API)."""
    check_version(request)
    hint = "Send 'Authorization: Basic base64(<client id>:<client secret>)'."
    client_id, secret = _basic(request, hint)
    found = world(request)
    application = found.application(client_id)
    if application is None or not application.check_secret(secret):
        raise SmartcarError(
            "AUTHENTICATION", message=f"{hint[:-1]}: the client id or secret is wrong.")
    return found, application


def _basic(request: Request, hint: str) -> tuple[str, str]:
    """The Basic user and password (mockcar.basic_auth), else 401 AUTHENTICATION
    saying what is wrong with the header."""
    try:
        credentials = basic_auth.parse(request.headers.get("authorization"))
    except basic_auth.MalformedBasic as bad:
        raise SmartcarError("AUTHENTICATION", message=f"{hint[:-1]}: {bad}.") from None
    if credentials is None:
        raise SmartcarError("AUTHENTICATION", message=hint)
    return credentials.user, credentials.password

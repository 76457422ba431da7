"""How the routes outside the vehicle dispatcher are documented, by (method, path) as
the document writes paths (Starlette's `{rest:path}` becomes `{rest}`). A route of the
app with no row here (and no contributor, `mockcar.web.docs.openapi.document.CONTRIBUTORS`) is listed
under `x-mockcar-undocumented`, which a test requires to be empty.
"""

from __future__ import annotations

from mockcar.web.docs.openapi.model import (
    HTML,
    JSON,
    STRING,
    Operation,
    Param,
    Reply,
    enum,
    obj,
    ref,
)
from mockcar.web.docs.openapi.vehicle_endpoints import ERRORS
from mockcar.wire.v2.request_parsing import MAX_OFFSET

V = "/v{version}"
_ID = ("sc-request-id",)


def _api(summary: str, component: str, security: str, *params: Param, tag: str,
         operation_id: str, description: str = "") -> Operation:
    return Operation(
        summary=summary, description=description,
        replies={200: Reply("Success", ref(component), headers=_ID), **ERRORS},
        security=(security,), params=params, tags=(tag,), operation_id=operation_id,
    )


def _both(path: str, method: str, operation: Operation) -> dict[tuple[str, str], Operation]:
    """A path served with and without the trailing slash the SDKs differ on."""
    slash = Operation(**{**operation.__dict__,
                         "operation_id": f"{operation.operation_id}_slash"})
    return {(method, path): operation, (method, path + "/"): slash}


_PAGE = (Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 50},
               "Page size, default 10."),
         Param("offset", "query", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}))
_FILTERS = (Param("user_id", "query"), Param("vehicle_id", "query"))
_MODE = Param("mode", "query", enum("live", "simulated", "test"))
_SCOPE = Param("scope", "query", STRING, "Space-separated permissions.")

_HTML_PAGE = Reply("An HTML page", media=HTML)
_HTML_ERROR = Reply("An HTML error page naming what was wrong", media=HTML)
_SEE_OTHER = Reply("The next Connect page", headers=("location",), media="")
_BACK_TO_APP = Reply("Back to the application's redirect URI with `code` (or `user_id` for "
                     "an API v3 application, `vehicle_id` after re-authentication) and "
                     "`state`, or `error`", headers=("location",), media="")
_CONNECT_ERRORS: dict[int | str, Reply] = {400: _HTML_ERROR, 404: _HTML_ERROR, 405: _HTML_ERROR, 500: _HTML_ERROR}


def _step(summary: str, operation_id: str, *, post: bool) -> Operation:
    replies: dict[int | str, Reply] = {200: _HTML_PAGE, 303: _SEE_OTHER, **_CONNECT_ERRORS}
    if post:
        replies[302] = _BACK_TO_APP
        replies[401] = Reply("The form again, saying what was wrong (a wrong password)",
                             media=HTML)
    return Operation(
        summary=summary, replies=replies, tags=("Connect",), operation_id=operation_id,
        body={"type": "object", "additionalProperties": STRING} if post else None,
        body_media="application/x-www-form-urlencoded",
    )


_STEPS = "/oauth/authorize/{session}/"

OPERATIONS: dict[tuple[str, str], Operation] = {
    **_both(V + "/vehicles", "GET", _api(
        "The vehicles the access token covers", "Vehicles", "accessToken", *_PAGE,
        tag="User", operation_id="get_vehicles")),
    **_both(V + "/user", "GET", _api(
        "The owner's Smartcar user id", "User", "accessToken", tag="User",
        operation_id="get_user")),
    **_both(V + "/management/connections", "GET", _api(
        "The application's vehicle connections, newest first", "Connections",
        "managementBasic", *_FILTERS, _MODE,
        Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100},
              "Page size, default 10."),
        Param("cursor", "query", STRING, "paging.cursor of the previous page."),
        tag="Management", operation_id="get_connections")),
    **_both(V + "/management/connections", "DELETE", _api(
        "Delete connections by vehicle, user or both", "DeletedConnections",
        "managementBasic", *_FILTERS, tag="Management", operation_id="delete_connections",
        description="Give vehicle_id, user_id or both; with neither the answer is 400 "
        "VALIDATION.")),
    **_both(V + "/compatibility", "GET", _api(
        "Whether a VIN can connect, and which endpoints it supports", "Compatibility",
        "clientBasic",
        Param("vin", "query", {"type": "string", "pattern": "^[A-Za-z0-9]{17}$"},
              required=True),
        Param("scope", "query", {"type": "string", "minLength": 1},
              "Space-separated permissions.", required=True),
        Param("country", "query", STRING, "ISO 3166-1 alpha-2, default US."),
        _MODE, Param("test_mode_compatibility_level", "query",
                     enum("compatible", "phev", "bev", "fuel", "incompatible")),
        Param("flags", "query"),
        tag="Compatibility", operation_id="get_compatibility",
        description="On /v1.0/ the body is just {\"compatible\": bool}.")),
    **_both(V + "/compatibility/matrix", "GET", _api(
        "Makes and models with the endpoints they support", "CompatibilityMatrix",
        "clientBasic", Param("region", "query", enum("US", "CA", "EUROPE"), required=True),
        Param("make", "query", STRING, "Space-separated makes."),
        Param("type", "query", enum("ICE", "BEV", "PHEV", "HEV")), _SCOPE, _MODE,
        tag="Compatibility", operation_id="get_compatibility_matrix")),
    ("POST", "/oauth/token"): Operation(
        summary="Exchange an authorization code or a refresh token",
        replies={200: Reply("A token pair", ref("Token")),
                 400: Reply("OAuth error", ref("OAuthError")),
                 401: Reply("Client authentication failed", ref("OAuthError")),
                 "default": Reply("OAuth error (e.g. 405)", ref("OAuthError"))},
        security=("clientBasic",), tags=("Auth",), operation_id="exchange_token",
        # Each grant type with the field it needs (RFC 6749 sections 4.1.3 and 6).
        body={"oneOf": [
            obj({"redirect_uri": STRING}, grant_type=enum("authorization_code"),
                code={"type": "string", "minLength": 1}),
            obj({"scope": STRING}, grant_type=enum("refresh_token"),
                refresh_token={"type": "string", "minLength": 1}),
        ]},
        body_media="application/x-www-form-urlencoded",
        params=(Param("flags", "query"),),
    ),
    ("GET", "/oauth/authorize"): Operation(
        summary="Smartcar Connect: start the consent flow",
        replies={200: _HTML_PAGE, **_CONNECT_ERRORS},
        params=(
            Param("response_type", "query", enum("code"), required=True),
            Param("client_id", "query", STRING, "Or application_id."),
            Param("application_id", "query"), Param("redirect_uri", "query"),
            _SCOPE, Param("state", "query"), _MODE,
            Param("approval_prompt", "query", enum("auto", "force")),
            Param("make", "query"), Param("single_select", "query", enum("true", "false")),
            Param("single_select_vin", "query"), Param("flags", "query"),
            Param("user", "query"),
        ),
        tags=("Connect",), operation_id="authorize",
    ),
    ("GET", "/oauth/reauthenticate"): Operation(
        summary="Smartcar Connect: re-authenticate a connected vehicle's owner",
        replies={200: _HTML_PAGE, **_CONNECT_ERRORS},
        params=(
            Param("response_type", "query", enum("vehicle_id"), required=True),
            Param("client_id", "query", STRING, "Or application_id."),
            Param("application_id", "query"),
            Param("vehicle_id", "query", STRING, "A vehicle connected to the application.",
                  required=True),
            Param("redirect_uri", "query"), Param("state", "query"), _MODE,
            Param("flags", "query"), Param("user", "query"),
        ),
        tags=("Connect",), operation_id="reauthenticate",
    ),
    ("POST", _STEPS + "continue"): _step("Leave the preamble", "connect_continue", post=True),
    ("GET", _STEPS + "brands"): _step("The brand list", "show_brands", post=False),
    ("POST", _STEPS + "brands"): _step("Choose a brand", "choose_brand", post=True),
    ("GET", _STEPS + "sign-in"): _step("The sign-in page", "show_sign_in", post=False),
    ("POST", _STEPS + "sign-in"): _step("Sign in", "sign_in", post=True),
    ("GET", _STEPS + "permissions"): _step(
        "The permissions page (and the vehicle choice, for an account with several)",
        "show_permissions", post=False),
    ("POST", _STEPS + "permissions"): _step("Choose vehicles, allow or deny", "decide",
                                            post=True),
    ("POST", _STEPS + "exit"): _step("Leave an error page for the app", "exit_flow",
                                     post=True),
    **{(method, "/oauth/authorize/{rest}"): Operation(
        summary="Any other Connect address", replies=_CONNECT_ERRORS, tags=("Connect",),
        operation_id=f"connect_not_found_{method.lower()}") for method in ("GET", "POST")},
    ("GET", "/favicon.svg"): Operation(
        summary="The icon of mockcar's pages", replies={200: Reply("An SVG image",
                                                                   media="image/svg+xml")},
        tags=("mockcar",), operation_id="favicon"),
    ("GET", "/openapi.json"): Operation(
        summary="This document", replies={200: Reply("OpenAPI 3.1", ref("OpenAPI"), media=JSON)},
        tags=("mockcar",), operation_id="openapi"),
}

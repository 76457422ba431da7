"""`POST /oauth2/token`: Smartcar's IAM host, application tokens by the client-credentials
grant (https://smartcar.com/docs/api-reference/authorization/request-access-token). The form is
read as for the
v2 token endpoint (mockcar.web.auth.token.answer); the app's application token server
(mockcar.web.auth.servers, mockcar.oauth.client_credentials) answers, in the
OAuth error shape, never the v3 `errors` envelope."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockcar.web.auth import token
from mockcar.web.auth.servers import application_token_server

__all__ = ["application_token", "openapi", "routes"]

PATH = "/oauth2/token"
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def openapi() -> dict[str, Any]:
    """API v3's OpenAPI paths (this route among them), built when /openapi.json is first
    asked for: a start never needs them."""
    from mockcar.web.v3 import openapi as v3_openapi

    return v3_openapi.openapi()


async def application_token(request: Request) -> Response:
    return await token.answer(request, application_token_server(request.app.state))


routes: list[BaseRoute] = [Route(PATH, application_token, methods=_METHODS,
                                 name="application_token")]

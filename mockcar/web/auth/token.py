"""`POST /oauth/token`: Smartcar's auth host
(https://smartcar.com/docs/api-reference/authorization/auth-code-exchange,
https://smartcar.com/docs/api-reference/authorization/refreshing-access-token).

A thin handler: read the form body (asynchronously, since authlib is synchronous), then
let the authorization server on `app.state` answer. Any `?flags=` query is ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockcar.web import tenancy
from mockcar.web.auth.servers import authorization_server

if TYPE_CHECKING:
    from mockcar.oauth.server import MockcarAuthorizationServer

# Every method reaches the handler so a wrong one gets the OAuth error shape, not the
# Vehicle API's.
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def exchange_token(request: Request) -> Response:
    return await answer(request, authorization_server(request.app.state))


async def answer(request: Request, server: MockcarAuthorizationServer) -> Response:
    """Any token endpoint: `server` answers the form (the v3 IAM endpoint shares this)."""
    from authlib.oauth2.rfc6749 import InvalidRequestError

    from mockcar.oauth.errors import echo
    from mockcar.oauth.requests import FormSubmission

    if request.method != "POST":
        return server.method_not_allowed(request.method)
    try:
        form = await request.form()
    except (HTTPException, MultiPartException) as exc:
        # Starlette turns a broken multipart or urlencoded body into HTTPException(400),
        # which the app-wide handler would render in the Vehicle API's error shape.
        detail = exc.detail if isinstance(exc, HTTPException) else str(exc)
        return server.error_response(
            InvalidRequestError(f"The request body could not be read as a form: {echo(detail)}")
        )
    client_id = form.get("client_id")
    if isinstance(client_id, str) and client_id:
        tenancy.claim_form_client(request.scope, client_id)
    # Called synchronously on the event loop, never in a threadpool: checking a code or
    # refresh token and spending it then happen with no other request in between.
    return server.create_token_response(FormSubmission(request, form))


routes: list[BaseRoute] = [Route("/oauth/token", exchange_token, methods=_METHODS)]

"""Headless Connect over the control API: `POST /_mockcar/connect` (and the pytest
plugin's `connect`, which calls it).

The body is read into a Connect authorization request, validated as a Connect URL would
be, and walked by the domain (mockcar.domain.connect.headless) through the same step
machine the Connect pages drive. With `exchange`, the code is redeemed through the
token endpoint's own authlib grant (mockcar.oauth.issuance), so the pair is what an
app would get.

Defaults a test wants rather than Connect's: mode `test`, the first owner the scenario
declares (with vehicles) when no email is given, every vehicle of the account, and every
permission (Connect's own default without a scope is four read permissions).
"""

from __future__ import annotations

from typing import Any

from mockcar.domain.connect import headless
from mockcar.domain.connect.flow import AppRedirect, StepError
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Mode
from mockcar.web.auth.servers import authorization_server
from mockcar.web.connect.authorize_request import ConnectRequestError, parse_authorization_request
from mockcar.web.control.operations import Context, ControlError, invalid

# Every permission, `read_*` first, as a space-separated Connect scope.
ALL_SCOPES = " ".join(sorted(PERMISSIONS, key=lambda p: (not p.startswith("read_"), p)))


async def connect(ctx: Context) -> dict[str, Any]:
    email = ctx.text("email")
    password = ctx.text("password")
    wanted = ctx.strings("vehicles")
    scopes = ctx.strings("scopes")
    mode = ctx.text("mode") or Mode.TEST
    deny, exchange = ctx.flag("deny"), ctx.flag("exchange")
    query = {
        "response_type": "code", "client_id": ctx.target_application.client_id,
        "scope": " ".join(scopes) if scopes is not None else ALL_SCOPES, "mode": mode,
        "redirect_uri": ctx.text("redirect_uri"), "state": ctx.text("state"),
        "make": ctx.text("make"),
        "single_select": "true" if ctx.flag("single_select") else None,
    }
    ctx.done()
    world = ctx.target_world
    if email is None:
        email, password = headless.default_account(world, password)
    try:
        auth = parse_authorization_request(world, {k: v for k, v in query.items() if v})
    except ConnectRequestError as bad:
        raise invalid(bad.message, list(bad.details)) from None
    if scopes is not None and not auth.scope.permissions:
        raise invalid("scopes names no permission; leave it out for every permission.")

    try:
        outcome = headless.complete(world, auth, email, password or "", wanted, deny=deny)
    except headless.SignInRefused as refused:
        raise ControlError(400, "sign_in_refused", refused.message) from None
    except StepError as refused:
        raise invalid(refused.message) from None
    answer = _answer(outcome)
    if exchange and outcome.code is not None:
        from mockcar.oauth.issuance import ExchangeRefused, exchange_code  # authlib

        server = authorization_server(ctx.request.app.state)
        try:
            pair = exchange_code(server, ctx.target_application, outcome.code.code,
                                 auth.redirect_uri if auth.redirect_uri_given else None)
        except ExchangeRefused as refused:
            raise ControlError(
                500, "exchange_failed",
                f"The token endpoint refused the code: {refused.description}") from None
        answer |= {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
                   "token_type": pair.token_type, "expires_in": pair.expires_in}
    return answer


def _answer(outcome: AppRedirect) -> dict[str, Any]:
    """Where Connect sent the browser and what it carried: the error, or what approval
    made (the connection, and its code)."""
    answer: dict[str, Any] = {"redirect_url": outcome.url, "state": outcome.params.get("state")}
    connection, code = outcome.connection, outcome.code
    if code is None or connection is None:
        return answer | {"error": outcome.params.get("error", "unknown"),
                         "error_description": outcome.params.get("error_description", "")}
    return answer | {"code": code.code, "user_id": connection.user_id,
                     "vehicles": list(connection.vehicle_ids),
                     "permissions": list(connection.permissions)}

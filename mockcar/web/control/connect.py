"""Headless Connect: an owner's consent completed without the HTML pages, for test
fixtures, scripts and newman (issue 5, control API "connect").

It walks the very step machine the Connect pages drive (mockcar.web.connect.flow): the
authorization request is validated as a Connect URL would be, the owner signs in (test
mode takes any email; simulated and live need a scenario owner's password), vehicles are
chosen, then Allow or Deny. The test-mode error accounts end the same way they do on the
pages. With `exchange`, the code is redeemed at the real token endpoint (authlib's grant,
HTTP Basic with the application's own credentials), so the pair is what an app would get.

Defaults a test wants rather than Connect's: mode `test`, the first owner the scenario
declares (with vehicles) when no email is given, every vehicle of the account, and every
permission (Connect's own default without a scope is four read permissions).
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import Application, Mode, World
from mockcar.oauth.requests import FormSubmission
from mockcar.oauth.server import MockcarAuthorizationServer
from mockcar.web.connect import flow
from mockcar.web.connect.authorize_request import ConnectRequestError, parse_authorization_request
from mockcar.web.connect.flow import AppRedirect, ConnectSession, StepError
from mockcar.web.control.operations import Context, ControlError, invalid

# Signs in when no email is given and the scenario declares no owner with a vehicle: a
# test-mode account, whose vehicles are generated from the World's seed.
DEFAULT_EMAIL = "owner@mockcar.test"
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
        email, password = _default_owner(world, password)
    try:
        auth = parse_authorization_request(world, {k: v for k, v in query.items() if v})
    except ConnectRequestError as bad:
        raise invalid(bad.message, list(bad.details)) from None
    if scopes is not None and not auth.scope.permissions:
        raise invalid("scopes names no permission; leave it out for every permission.")

    session = flow.start_session(world, auth)
    try:
        outcome = _walk(world, session, email, password or "", wanted, deny)
    finally:
        flow.end_session(world, session)
    params = {k: v[0] for k, v in parse_qs(urlsplit(outcome.url).query).items()}
    answer: dict[str, Any] = {"redirect_url": outcome.url, "state": params.get("state")}
    if "code" not in params:
        answer |= {"error": params.get("error", "unknown"),
                   "error_description": params.get("error_description", "")}
        return answer
    code = world.codes[params["code"]]
    connection = world.connections[code.connection_id]
    answer |= {"code": code.code, "user_id": connection.user_id,
               "vehicles": list(connection.vehicle_ids),
               "permissions": list(connection.permissions)}
    if exchange:
        answer |= _exchange(ctx.request, ctx.target_application, code.code,
                            auth.redirect_uri if auth.redirect_uri_given else None)
    return answer


def _default_owner(world: World, password: str | None) -> tuple[str, str | None]:
    """The first owner of the scenario's own (not a test-mode login) with a vehicle,
    with their password unless one was given; else the test-mode `DEFAULT_EMAIL`. The
    scan stops at the first fit: a fleet's owners are made one by one as it reads."""
    for owner in world.owners.values():
        if not owner.generated and owner.vehicle_ids:
            return owner.email, password if password is not None else owner.password
    return DEFAULT_EMAIL, password


def _walk(world: World, session: ConnectSession, email: str, password: str,
          wanted: list[str] | None, deny: bool) -> AppRedirect:
    try:
        ended = flow.sign_in(world, session, email, password)
    except StepError as refused:
        raise ControlError(400, "sign_in_refused", refused.message) from None
    if ended is not None:
        return ended
    if session.blocked:
        raise invalid(session.blocked)
    candidates = flow.candidates(world, session)
    if wanted is None:
        chosen = [v.id for v in candidates]
    else:
        by_key = {**{v.id: v.id for v in candidates}, **{v.vin.upper(): v.id for v in candidates}}
        unknown = [w for w in wanted if w not in by_key and w.upper() not in by_key]
        if unknown:
            listed = ", ".join(f"{v.id} ({v.vin})" for v in candidates)
            raise invalid(f"{email} has no vehicle {', '.join(unknown)}; theirs: {listed}.")
        chosen = [by_key.get(w) or by_key[w.upper()] for w in wanted]
    if deny:
        return flow.deny(world, session)
    try:
        flow.choose_vehicles(world, session, chosen)
        requested = session.request.scope.permissions
        return flow.approve(world, session, requested)
    except StepError as refused:
        raise invalid(refused.message) from None


def _exchange(request: Request, application: Application, code: str,
              redirect_uri: str | None) -> dict[str, Any]:
    """Redeem `code` through the authorization server exactly as a client's POST to
    /oauth/token would: same client authentication, grant checks and storage."""
    server: MockcarAuthorizationServer = request.app.state.authorization_server
    basic = base64.b64encode(
        f"{application.client_id}:{application.client_secret}".encode()).decode()
    scope = {
        **request.scope, "method": "POST", "path": "/oauth/token", "raw_path": b"/oauth/token",
        "query_string": b"", "state": {},
        "headers": [(b"authorization", f"Basic {basic}".encode()),
                    (b"content-type", b"application/x-www-form-urlencoded")],
    }
    fields: list[tuple[str, str | UploadFile]] = [
        ("grant_type", "authorization_code"), ("code", code)]
    if redirect_uri is not None:
        fields.append(("redirect_uri", redirect_uri))
    response = server.create_token_response(FormSubmission(Request(scope), FormData(fields)))
    body = json.loads(bytes(response.body))
    if response.status_code != 200:
        raise ControlError(500, "exchange_failed",
                           f"The token endpoint refused the code: {body.get('error_description')}")
    return {k: body[k] for k in ("access_token", "refresh_token", "token_type", "expires_in")}



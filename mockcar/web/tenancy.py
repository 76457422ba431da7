"""Which World serves a request, and whose journal records it (the tenants of
mockcar.domain.world.tenants).

The one place the web layer finds a World. A request is claimed by what it carries, in
this order:

1. `Authorization: Bearer <token>`: an access token (Vehicle API, webhook subscribe), an
   API v3 application token, or an application management token (webhook unsubscribe);
2. `Authorization: Basic …`: `client_id:secret` (token endpoint, Compatibility API) or
   `default:<management token>` (Management API);
3. a Connect step page `/oauth/authorize/<session>/…`: the session's tenant;
4. `client_id` (or `application_id`) in the query: the Connect URL.

A registered tenant that knows the credential claims the request; otherwise it belongs to
the scenario World (`app.state.world`), and to the scenario journal when that World knows
the credential, to the unclaimed journal when nobody does. The answer is computed once
per request and kept in the ASGI scope, where the journal middleware finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import Scope

from mockcar import basic_auth
from mockcar.domain.journal.journal import Journal
from mockcar.domain.world.tenants import Tenant, Tenants
from mockcar.domain.world.world import Connection, World

CLAIM = "mockcar.claim"
CONNECT_STEPS = "/oauth/authorize/"
MANAGEMENT_USER = "default"  # Basic user name that goes with a management token


@dataclass(frozen=True, slots=True)
class Claim:
    world: World
    journal: Journal
    client_id: str | None
    tenant: Tenant | None  # None: the scenario World
    token: str | None = None  # the bearer credential, named in the journal by its hash


def claim(scope: Scope) -> Claim:
    """The request's claim, resolved on first use and kept in the scope."""
    state = scope.setdefault("state", {})
    found: Claim | None = state.get(CLAIM)
    if found is None:
        found = state[CLAIM] = _resolve(scope)
    return found


def bearer_claim(scope: Scope, token: str) -> Claim:
    """`claim(scope)` for a request whose Authorization is `Bearer <token>` (the caller
    has parsed it): the same claim, without reading the headers again."""
    state = scope.setdefault("state", {})
    found: Claim | None = state.get(CLAIM)
    if found is None:
        app_state = scope["app"].state
        found = state[CLAIM] = _by_bearer(app_state.tenants, app_state.world, token)
    return found


def claim_form_client(scope: Scope, client_id: str) -> None:
    """A token request that names its application only in the form body (Smartcar takes
    `client_id` and `client_secret` there as well as in Basic,
    https://smartcar.com/docs/api-reference/authorization/request-access-token): the
    application claims it when its headers and query claimed nothing, so it is in that
    application's journal, not the unclaimed one."""
    if claim(scope).client_id is None:
        scope["state"][CLAIM] = _by_client(_tenants(scope), scope["app"].state.world, client_id)


def world(request: Request) -> World:
    return claim(request.scope).world


def authenticated(request: Request, token: str) -> Connection:
    """The connection an access token speaks for, in its tenant's World; then any fault
    rule of that World that matches the request answers instead (mockcar.domain.world.faults)."""
    found = claim(request.scope).world
    connection = found.authenticate(token)
    if len(found.faults):
        error = found.faults.trip(request.method, endpoint(request),
                                  request.path_params.get("vehicle_id"))
        if error is not None:
            raise error
    return connection


def endpoint(request: Request) -> str:
    """The API path below the version with the vehicle segment taken away: `/odometer`,
    `/` for a vehicle's attributes, `/vehicles`, `/user` (the fault rules' terms)."""
    params = request.path_params
    if "vehicle_id" in params:
        return "/" + str(params.get("sub_path", "")).strip("/")
    path = request.url.path.rstrip("/")
    below = path.find("/", 1)
    return path[below:] if below > 0 else path or "/"


def remember_session(request: Request, session_id: str) -> None:
    """Route the later pages of a Connect flow to the tenant that started it."""
    found = claim(request.scope)
    if found.tenant is not None:
        _tenants(request.scope).remember_session(session_id, found.tenant)


def world_for_client(tenants: Tenants, scenario: World, client_id: str) -> World | None:
    """The World holding the application `client_id`, or None (token endpoint)."""
    tenant = tenants.get(client_id)
    if tenant is not None:
        return tenant.world
    return scenario if scenario.application(client_id) is not None else None


# -- resolution -------------------------------------------------------------------------


def _tenants(scope: Scope) -> Tenants:
    tenants: Tenants = scope["app"].state.tenants
    return tenants


def _resolve(scope: Scope) -> Claim:
    state = scope["app"].state
    tenants: Tenants = state.tenants
    scenario: World = state.world
    authorization = _header(scope, b"authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        value = value.strip()
        scheme = scheme.lower()
        if scheme == "bearer" and value:
            return _by_bearer(tenants, scenario, value)
        if scheme == "basic" and value:
            found = _by_basic(tenants, scenario, authorization)
            if found is not None:
                return found
    path: str = scope.get("path", "")
    if path.startswith(CONNECT_STEPS):
        session_id = path[len(CONNECT_STEPS):].partition("/")[0]
        if session_id:
            return _by_session(tenants, scenario, session_id)
    query = scope.get("query_string", b"")
    if query and (b"client_id=" in query or b"application_id=" in query):
        params = dict(parse_qsl(query.decode("latin-1")))
        client_id = params.get("client_id") or params.get("application_id")
        if client_id:
            return _by_client(tenants, scenario, client_id)
    return Claim(scenario, tenants.unclaimed_journal, None, None)


def _by_bearer(tenants: Tenants, scenario: World, token: str) -> Claim:
    tenant = tenants.by_access_token(token) or tenants.by_management_token(token)
    if tenant is not None:
        return Claim(tenant.world, tenant.journal, tenant.client_id, tenant, token)
    issued = scenario.tokens_by_access.get(token) or scenario.application_tokens.get(token)
    if issued is not None:
        return Claim(scenario, tenants.scenario_journal, issued.client_id, None, token)
    owner = next(
        (a for a in scenario.applications.values() if a.management_token == token), None
    )
    if owner is not None:
        return Claim(scenario, tenants.scenario_journal, owner.client_id, None, token)
    return Claim(scenario, tenants.unclaimed_journal, None, None, token)


def _by_basic(tenants: Tenants, scenario: World, header: str) -> Claim | None:
    """Malformed credentials claim nothing here; the endpoint refuses them in its shape."""
    try:
        credentials = basic_auth.parse(header)
    except basic_auth.MalformedBasic:
        return None
    if credentials is None:
        return None
    if credentials.user == MANAGEMENT_USER:
        return _by_bearer(tenants, scenario, credentials.password)
    return _by_client(tenants, scenario, credentials.user)


def _by_client(tenants: Tenants, scenario: World, client_id: str) -> Claim:
    tenant = tenants.get(client_id)
    if tenant is not None:
        return Claim(tenant.world, tenant.journal, client_id, tenant)
    if scenario.application(client_id) is not None:
        return Claim(scenario, tenants.scenario_journal, client_id, None)
    return Claim(scenario, tenants.unclaimed_journal, None, None)


def _by_session(tenants: Tenants, scenario: World, session_id: str) -> Claim:
    tenant = tenants.by_session(session_id)
    if tenant is not None:
        return Claim(tenant.world, tenant.journal, tenant.client_id, tenant)
    session = scenario.connect_sessions.get(session_id)
    if session is not None:
        return Claim(scenario, tenants.scenario_journal, session.request.client_id, None)
    return Claim(scenario, tenants.unclaimed_journal, None, None)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None

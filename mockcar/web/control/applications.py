"""Control API operations on the server and on applications: health, reset,
registering and deleting applications (tenants), headless Connect, revoking a grant.

Registering an application builds it a World from a copy of a scenario — the server's
own, one bundled with mockcar, or YAML sent inline — with fresh credentials and its own
clock (mockcar.domain.world.tenants). Resetting rebuilds from the same scenario.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool

from mockcar.domain.world import connections
from mockcar.domain.world.tenants import (
    ScenarioChoice,
    ScenarioRejected,
    TenantLimitReached,
    new_application,
)
from mockcar.domain.world.world import World
from mockcar.errors import SmartcarError
from mockcar.web.control import responses as wire
from mockcar.web.control import schemas as s
from mockcar.web.control.connect import connect
from mockcar.web.control.operations import Context, ControlError, Operation, Target, invalid
from mockcar.web.control.world import JOURNAL_QUERY, journal_listing

SERVER, APP = Target.SERVER, Target.APPLICATION


async def _build(ctx: Context, choice: ScenarioChoice) -> World:
    """On a worker thread: reading and building a large scenario takes up to about a
    second, and the server keeps answering other requests meanwhile (the source builds
    one World at a time)."""
    try:
        return await run_in_threadpool(ctx.source.build, choice)
    except ScenarioRejected as bad:
        raise ControlError(422, "invalid_scenario", "The scenario cannot be used; see "
                           "`problems` (one line per mistake).", bad.problems) from None


async def health(ctx: Context) -> dict[str, Any]:
    settings = ctx.request.app.state.settings
    return {"status": "ok", "tenants": len(ctx.tenants), "scenario": settings.scenario.name,
            "scenarios": ctx.source.names()}


async def reset_server(ctx: Context) -> dict[str, Any]:
    """Rebuild the scenario World and drop every registered application: the server as
    it started, with the scenario file read again (an edit needs no restart)."""
    ctx.source.forget()
    world = await _build(ctx, ScenarioChoice())
    removed = len(ctx.tenants)
    ctx.tenants.clear()
    ctx.request.app.state.world = world
    return {"status": "reset", "applications_removed": removed}


async def register_application(ctx: Context) -> dict[str, Any]:
    name, yaml = ctx.text("scenario"), ctx.text("scenario_yaml")
    seed = ctx.number("seed", integer=True, low=0)
    app_name = ctx.text("name")
    redirect_uris = ctx.strings("redirect_uris")
    ctx.done()
    if redirect_uris is not None:
        _check_redirect_uris(redirect_uris)
    if ctx.tenants.full:  # before building a World that could not be kept
        raise _too_many(ctx.tenants.limit)
    choice = ScenarioChoice(name=name, yaml=yaml, seed=int(seed) if seed is not None else None)
    world = await _build(ctx, choice)
    application = new_application(world, app_name, tuple(redirect_uris or ()) or None)
    try:
        tenant = ctx.tenants.register(world, choice, application)
    except TenantLimitReached as full:
        raise _too_many(full.limit) from None
    return {**wire.application(tenant.application, secrets=True),
            "scenario": wire.scenario(choice)}


def _too_many(limit: int) -> ControlError:
    """429: registering never drops another run's application to make room."""
    return ControlError(
        429, "too_many_applications",
        f"This server holds {limit} registered applications, its limit "
        "(MOCKCAR_MAX_APPLICATIONS); none was dropped to make room. Delete applications "
        "you are done with (POST /_mockcar/applications/{client_id}/delete), reset the "
        "server (POST /_mockcar/reset), or raise the limit.")


def _check_redirect_uris(uris: list[str]) -> None:
    bad = [u for u in uris if not urlsplit(u).scheme or not urlsplit(u).netloc
           or urlsplit(u).fragment or any(c.isspace() for c in u)]
    if bad or not uris:
        raise invalid("redirect_uris must be absolute URLs without a #fragment.",
                      [f"redirect_uris: {u!r} is not usable" for u in bad])


async def get_application(ctx: Context) -> dict[str, Any]:
    application = ctx.target_application
    body = wire.application(application, secrets=True)
    body["scenario"] = wire.scenario(ctx.tenant.choice if ctx.tenant else ScenarioChoice())
    return body


async def delete_application(ctx: Context) -> dict[str, Any]:
    if ctx.tenant is None:
        raise ControlError(409, "conflict", "The scenario's own applications cannot be "
                           "deleted; only applications registered through the control API.")
    ctx.tenants.remove(ctx.tenant.client_id)
    return {"deleted": ctx.tenant.client_id}


async def reset_application(ctx: Context) -> dict[str, Any]:
    """A registered application's World rebuilt from its scenario (same credentials, an
    empty journal); for a scenario application, the scenario World."""
    if ctx.tenant is None:
        ctx.request.app.state.world = await _build(ctx, ScenarioChoice())
        ctx.tenants.scenario_journal.clear()
    else:
        ctx.tenants.reset(ctx.tenant, await _build(ctx, ctx.tenant.choice))
    return {"status": "reset"}


async def revoke(ctx: Context) -> dict[str, Any]:
    """The owner withdraws this application's access: to every vehicle of theirs, or to
    one vehicle (`vehicle_id`); the tokens stop reaching those vehicles."""
    user_id, email, vehicle_id = ctx.text("user_id"), ctx.text("email"), ctx.text("vehicle_id")
    ctx.done()
    world = ctx.target_world
    if email is not None:
        owner = world.owners.get(email.strip().lower())
        if owner is None:
            raise invalid(f"No owner {email!r} in this world.")
        user_id = owner.id
    try:
        ended = connections.delete(world, ctx.target_application.client_id, user_id=user_id,
                                   vehicle_id=vehicle_id)
    except SmartcarError:
        raise invalid("Say whose grant to revoke: user_id or email, and/or vehicle_id.") from None
    return {"revoked": [{"vehicle_id": e.vehicle_id, "user_id": e.user_id} for e in ended]}


async def unclaimed_journal(ctx: Context) -> dict[str, Any]:
    return journal_listing(ctx.tenants.unclaimed_journal, ctx.request.query_params)


OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/health", health, "Whether mockcar is up", SERVER, s.HEALTH),
    Operation("POST", "/reset", reset_server,
              "Rebuild the scenario World and drop every registered application", SERVER,
              s.RESET, s.EMPTY),
    Operation("POST", "/applications", register_application,
              "Register an application with its own World, from a copy of a scenario",
              SERVER, s.REGISTERED, s.REGISTER, status=201),
    Operation("GET", "/journal/unclaimed", unclaimed_journal,
              "Requests no application claimed (unknown tokens and clients)", SERVER,
              s.JOURNAL, query=(*JOURNAL_QUERY,
                                ("limit", s.COUNT_NUMBER, "only the newest `limit` entries"))),
    Operation("GET", "", get_application, "The application and its credentials", APP,
              s.REGISTERED),
    Operation("POST", "/delete", delete_application, "Delete a registered application", APP,
              s.DELETED, s.EMPTY),
    Operation("POST", "/reset", reset_application, "Rebuild the application's World", APP,
              s.RESET, s.EMPTY),
    Operation("POST", "/connect", connect,
              "Complete Connect headlessly: a code, or with `exchange` the token pair", APP,
              s.CONNECTED, s.CONNECT),
    Operation("POST", "/connections/revoke", revoke,
              "Revoke the application's access as the owner would", APP, s.REVOKED, s.REVOKE),
)

"""Control API operations that take and restore snapshots: the whole server's mutable
state (`/_mockcar/snapshot`) and one application's (`/_mockcar/applications/{id}/snapshot`),
as the versioned JSON document mockcar.state.snapshot describes.

A restore replaces the current state: Worlds are built afresh from their scenarios on a
worker thread, the document applied to them, and only then swapped in, so a document
that cannot be restored (not a snapshot, a newer version, another scenario, a record that
does not fit) is answered 400 with the reason in one line and changes nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool

from mockcar.domain.world.tenants import ScenarioChoice, ScenarioRejected
from mockcar.state import snapshot
from mockcar.web.control.operations import Context, ControlError, Operation, Target, invalid
from mockcar.web.control.schemas import ANY, INTEGER, STRING, Schema, obj, props

SERVER, APP = Target.SERVER, Target.APPLICATION

_RECORDS: Schema = {"type": "object", "description": "section -> key -> record",
            "additionalProperties": {"type": "object"}}
_SCENARIO = obj(("file", "sha256", "seed"), file=STRING, sha256={"type": ["string", "null"]},
                seed={"type": ["integer", "null"]})
_COMMON: dict[str, Schema] = {
    "format": {"const": snapshot.FORMAT},
    "version": {"type": "integer", "minimum": 1},
    "scope": {"enum": ["server", "application"]},
    "scenario": _SCENARIO,
    "world": _RECORDS,
}
SERVER_SNAPSHOT = props(
    {**_COMMON, "tenants": {"type": "object", "additionalProperties": _RECORDS}},
    ("format", "version", "scope", "scenario", "world", "tenants"))
APPLICATION_SNAPSHOT = props(
    {**_COMMON, "application": obj(("client_id", "registration"), client_id=STRING,
                                   registration=ANY)},
    ("format", "version", "scope", "scenario", "world", "application"))
# What a POST may carry: any snapshot's keys, their values checked by the restore itself
# (a bad document is refused with its reason in one line).
SNAPSHOT_BODY = props({name: ANY for name in (*_COMMON, "tenants", "application")})
RESTORED = obj(("status",), status={"const": "restored"}, applications=INTEGER)


def scenario_of(ctx: Context) -> dict[str, Any]:
    settings = ctx.request.app.state.settings
    return snapshot.fingerprint(settings.scenario, settings.seed)


def _refused(error: snapshot.SnapshotError) -> ControlError:
    return invalid(f"The snapshot cannot be restored: {error}.")


async def take_snapshot(ctx: Context) -> dict[str, Any]:
    """Every World of the server: the scenario's and each registered application's."""
    return snapshot.server_document(ctx.request.app.state.world, ctx.tenants, scenario_of(ctx))


async def restore_snapshot(ctx: Context) -> dict[str, Any]:
    """Replace the server's state by a server snapshot's."""
    scenario = scenario_of(ctx)
    source = ctx.source

    def rebuild() -> tuple[Any, list[snapshot.Rebuilt]]:
        snapshot.check(ctx.body, "server", scenario)  # before building anything
        try:
            fresh = source.build(ScenarioChoice())
        except ScenarioRejected as bad:
            raise snapshot.SnapshotError(f"the scenario cannot be built ({bad.problems[0]})"
                                         ) from None
        return snapshot.server_restore(ctx.body, scenario, fresh, source)

    try:
        world, rebuilt = await run_in_threadpool(rebuild)
    except snapshot.SnapshotError as error:
        raise _refused(error) from None
    if len(rebuilt) > ctx.tenants.limit:
        raise invalid(f"The snapshot holds {len(rebuilt)} applications; this server holds at "
                      f"most {ctx.tenants.limit} (MOCKCAR_MAX_APPLICATIONS).")
    ctx.request.app.state.world = world
    snapshot.swap_in(ctx.tenants, rebuilt)
    return {"status": "restored", "applications": len(rebuilt)}


async def take_application_snapshot(ctx: Context) -> dict[str, Any]:
    """The application's World (a scenario application's is the scenario World)."""
    return snapshot.application_document(ctx.target_world, ctx.tenant,
                                         ctx.target_application.client_id, scenario_of(ctx))


async def restore_application_snapshot(ctx: Context) -> dict[str, Any]:
    """Replace the application's World by a snapshot's: its own, or (a registered
    application) another registered application's, re-keyed to its credentials."""
    application, tenant, scenario = ctx.target_application, ctx.tenant, scenario_of(ctx)
    try:
        world, choice = await run_in_threadpool(snapshot.application_restore, ctx.body,
                                                scenario, tenant, application, ctx.source)
    except snapshot.SnapshotError as error:
        raise _refused(error) from None
    if tenant is None:
        ctx.request.app.state.world = world
    else:
        applications = dict(world.applications)
        ctx.tenants.reset(tenant, world)  # its index forgets the old World's tokens
        world.applications = applications  # the records' (webhooks added at run time)
        tenant.choice = choice  # a reset rebuilds from the snapshot's scenario
        snapshot.index_tokens(world)
    return {"status": "restored"}


OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/snapshot", take_snapshot,
              "A snapshot of the whole server's mutable state (every World)", SERVER,
              SERVER_SNAPSHOT),
    Operation("POST", "/snapshot", restore_snapshot,
              "Restore a server snapshot, replacing the current state", SERVER,
              RESTORED, SNAPSHOT_BODY),
    Operation("GET", "/snapshot", take_application_snapshot,
              "A snapshot of the application's World", APP, APPLICATION_SNAPSHOT),
    Operation("POST", "/snapshot", restore_application_snapshot,
              "Restore the application's World from its snapshot", APP, RESTORED,
              SNAPSHOT_BODY),
)

"""Snapshots: a whole server's mutable state, or one application's, as one JSON document.

The document (`version` 1):

    {"format": "mockcar.snapshot", "version": 1,
     "scope": "server" | "application",
     "scenario": {"file": "default.yaml", "sha256": "…", "seed": null},
     "world": {section: {key: record}},           # the scenario World's, or the application's
     "tenants": {client_id: {section: {key: record}}},              # scope "server" only
     "application": {"client_id": "…", "registration": {…} | null}}  # scope "application" only

A World's records (mockcar.state.records) say what changed from the World its scenario
builds; a registered application's records carry a `tenant` section whose `registration`
is the scenario choice (`name`, `yaml`, `seed`) its World is rebuilt from. Restoring builds
every World afresh from its scenario, applies the records and only then swaps them in, so a
document that cannot be applied leaves the server as it was. The scenario fingerprint
(the file's SHA-256 and the seed) must match the server's: records say what changed from a
base, and on another base they would be wrong without a word.

Not in a snapshot: the request journal and the webhook delivery log (logs, not state),
Connect flows in progress (a browser mid-flow starts again), an event a webhook sender had
taken but not yet sent, and the action of a long-running API v3 command still pending
(it is restored pending and, when due, fails as UPSTREAM:NO_RESPONSE: send it again). Webhook events waiting in the
outbox and retries of failed attempts are in it, and go out from the restored server.
The documents are deterministic: taken, restored into a fresh server and taken again, they
are equal (the clock is kept as its line, not as the time it was taken).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockcar.domain.world.records import Application
from mockcar.domain.world.tenants import (
    ScenarioChoice,
    ScenarioRejected,
    Tenant,
    Tenants,
    WorldSource,
)
from mockcar.domain.world.world import World
from mockcar.state.codec import RecordError, decode_dataclass
from mockcar.state.records import Records, apply_records, world_records

FORMAT = "mockcar.snapshot"
VERSION = 1
SCENARIO_KEY = ""  # the scenario World's key among a server's records
TENANT = "tenant"  # the section holding a registered application's registration

Document = dict[str, Any]
ServerRecords = dict[str, Records]


class SnapshotError(ValueError):
    """A document that cannot be restored here; the message is one line saying why."""


# -- a server's records, by tenant --------------------------------------------------------


def registration(choice: ScenarioChoice) -> dict[str, Any]:
    return {"name": choice.name, "yaml": choice.yaml, "seed": choice.seed}


def tenant_records(tenant: Tenant) -> Records:
    """A registered application's records, with the registration its World is rebuilt from."""
    records = world_records(tenant.world)
    records[TENANT] = {"registration": registration(tenant.choice)}
    return records


def server_records(world: World, tenants: Iterable[Tenant]) -> ServerRecords:
    """The scenario World's records under `SCENARIO_KEY`, each registered application's
    under its client id."""
    found: ServerRecords = {SCENARIO_KEY: world_records(world)}
    for tenant in tenants:
        found[tenant.client_id] = tenant_records(tenant)
    return found


def choice_of(records: Records, where: str) -> ScenarioChoice:
    section = records.get(TENANT)
    data = section.get("registration") if isinstance(section, dict) else None
    if not isinstance(data, dict):
        raise SnapshotError(f"{where}: no tenant registration (the scenario its World copies)")
    name, yaml, seed = data.get("name"), data.get("yaml"), data.get("seed")
    if not (name is None or isinstance(name, str)) or not (yaml is None or isinstance(yaml, str)) \
            or not (seed is None or (isinstance(seed, int) and not isinstance(seed, bool))):
        raise SnapshotError(f"{where}: the registration's name, yaml and seed are malformed")
    return ScenarioChoice(name=name, yaml=yaml, seed=seed)


@dataclass
class Rebuilt:
    """A tenant's World built and restored, not yet registered."""

    client_id: str
    choice: ScenarioChoice
    world: World
    application: Application


def rebuild_tenant(source: WorldSource, client_id: str, records: Records) -> Rebuilt:
    """A registered application's World: built from its registration, records applied.
    SnapshotError (one line) when it cannot be."""
    where = f"application {client_id}"
    choice = choice_of(records, where)
    try:
        world = source.build(choice)
    except ScenarioRejected as bad:
        raise SnapshotError(f"{where}: its scenario cannot be built ({bad.problems[0]})") from None
    rest = {k: v for k, v in records.items() if k != TENANT}
    apply_onto(world, rest, where)
    application = world.applications.get(client_id)
    if application is None:
        raw = records.get("applications", {}).get(client_id)
        if raw is None:
            raise SnapshotError(f"{where}: its records hold no application {client_id}")
        try:
            application = decode_dataclass(Application, raw, f"applications/{client_id}")
        except RecordError as bad:
            raise SnapshotError(f"{where}: {bad}") from None
    return Rebuilt(client_id, choice, world, application)


def apply_onto(world: World, records: Records, where: str) -> None:
    try:
        apply_records(world, records)
    except RecordError as bad:
        raise SnapshotError(f"{where}: {bad}") from None


def index_tokens(world: World) -> None:
    """Tell the World's token index (its tenant's) of every token it holds."""
    if world.on_token_issued is None:
        return
    for token in world.tokens_by_access.values():
        world.on_token_issued(token)
    for application_token in world.application_tokens.values():
        world.on_token_issued(application_token)


def register(tenants: Tenants, rebuilt: Rebuilt) -> Tenant:
    tenant = tenants.register(rebuilt.world, rebuilt.choice, rebuilt.application)
    index_tokens(rebuilt.world)
    return tenant


def apply_server_records(world: World, tenants: Tenants, source: WorldSource,
                         records: ServerRecords) -> None:
    """Onto `world`, fresh from the scenario, and `tenants`, empty: the scenario World's
    records, and each registered application rebuilt and registered. SnapshotError."""
    apply_onto(world, records.get(SCENARIO_KEY, {}), "the scenario World")
    for client_id, tenant in records.items():
        if client_id != SCENARIO_KEY:
            register(tenants, rebuild_tenant(source, client_id, tenant))


# -- documents -------------------------------------------------------------------------------


def fingerprint(scenario: Path, seed: int | None) -> dict[str, Any]:
    """What a snapshot's records are changes to: the scenario file and the seed."""
    try:
        digest = hashlib.sha256(scenario.read_bytes()).hexdigest()
    except OSError:
        digest = None
    return {"file": scenario.name, "sha256": digest, "seed": seed}


def server_document(world: World, tenants: Iterable[Tenant],
                    scenario: dict[str, Any]) -> Document:
    records = server_records(world, tenants)
    return {"format": FORMAT, "version": VERSION, "scope": "server", "scenario": scenario,
            "world": records.pop(SCENARIO_KEY), "tenants": records}


def application_document(world: World, tenant: Tenant | None, client_id: str,
                         scenario: dict[str, Any]) -> Document:
    """One application's World: a registered one's, or (`tenant` None) the scenario World
    that serves a scenario application."""
    records = world_records(world)
    return {"format": FORMAT, "version": VERSION, "scope": "application",
            "scenario": scenario, "world": records,
            "application": {"client_id": client_id,
                            "registration": registration(tenant.choice) if tenant else None}}


def check(document: Any, scope: str, scenario: dict[str, Any]) -> Document:
    """The document if it is a snapshot of `scope` this mockcar can restore on a server
    running `scenario`; SnapshotError saying why not."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f'not a mockcar snapshot: expected "format": "{FORMAT}"')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SnapshotError("the snapshot's version is missing or not a whole number")
    if version > VERSION:
        raise SnapshotError(f"the snapshot is version {version}, newer than this mockcar "
                            f"reads ({VERSION}); upgrade mockcar")
    if document.get("scope") != scope:
        raise SnapshotError(f"this is a snapshot of {document.get('scope')!r}, not of "
                            f"{'the whole server' if scope == 'server' else 'one application'}"
                            f" (scope {scope!r})")
    if not isinstance(document.get("world"), dict):
        raise SnapshotError('the snapshot has no "world" object of records')
    return document


def check_scenario(document: Document, scenario: dict[str, Any]) -> None:
    taken = document.get("scenario")
    if not isinstance(taken, dict):
        raise SnapshotError('the snapshot has no "scenario" fingerprint')
    if (taken.get("sha256"), taken.get("seed")) != (scenario["sha256"], scenario["seed"]):
        raise SnapshotError(
            f"the snapshot was taken on scenario {taken.get('file')} (seed {taken.get('seed')}, "
            f"sha256 {str(taken.get('sha256'))[:12]}…); this server runs {scenario['file']} "
            f"(seed {scenario['seed']}, sha256 {str(scenario['sha256'])[:12]}…)")


def server_restore(document: Any, scenario: dict[str, Any], fresh: World,
                   source: WorldSource) -> tuple[World, list[Rebuilt]]:
    """The scenario World (`fresh`, just built) and every registered application's,
    restored from a server snapshot, ready to be swapped in; SnapshotError."""
    document = check(document, "server", scenario)
    check_scenario(document, scenario)
    tenants = document.get("tenants", {})
    if not isinstance(tenants, dict) or not all(isinstance(r, dict) for r in tenants.values()):
        raise SnapshotError('the snapshot\'s "tenants" is not an object of records')
    apply_onto(fresh, document["world"], "the scenario World")
    rebuilt = [rebuild_tenant(source, client_id, records)
               for client_id, records in tenants.items()]
    return fresh, rebuilt


def swap_in(tenants: Tenants, rebuilt: list[Rebuilt]) -> None:
    """Replace every registered application by the restored ones."""
    tenants.clear()
    for tenant in rebuilt:
        register(tenants, tenant)


def rebase(records: Records, taken_from: str, application: Application) -> Records:
    """`records` of application `taken_from`'s World made `application`'s: its client id
    wherever they name one, its credentials (secret, management token). Registered
    applications' client ids are UUIDs, so no other text can hold one."""
    moved: Records = json.loads(json.dumps(records).replace(taken_from, application.client_id))
    own = moved.get("applications", {}).get(application.client_id)
    if own is not None:
        own["client_secret"] = application.client_secret
        own["management_token"] = application.management_token
    return moved


def application_restore(document: Any, scenario: dict[str, Any], tenant: Tenant | None,
                        application: Application,
                        source: WorldSource) -> tuple[World, ScenarioChoice]:
    """The application's World restored from an application snapshot, ready to be
    swapped in, and the scenario choice it was built from. A registered application
    takes any registered application's snapshot (a test suite builds a state once and
    starts each test's application from it): the records are re-keyed to its client id
    and credentials. The scenario World's applications take only their own."""
    document = check(document, "application", scenario)
    about = document.get("application")
    if not isinstance(about, dict) or not isinstance(about.get("client_id"), str):
        raise SnapshotError('the snapshot\'s "application" names no client_id')
    taken_from: str = about["client_id"]
    registered = about.get("registration")
    records: Records = document["world"]
    client_id = application.client_id
    if tenant is None:
        if taken_from != client_id or registered is not None:
            raise SnapshotError(f"the snapshot is of application {taken_from}; the scenario "
                                f"World's application {client_id} restores only its own")
        check_scenario(document, scenario)
        try:
            world = source.build(ScenarioChoice())
        except ScenarioRejected as bad:
            raise SnapshotError(f"the scenario cannot be built ({bad.problems[0]})") from None
        apply_onto(world, records, f"application {client_id}")
        return world, ScenarioChoice()
    if registered is None:
        raise SnapshotError(f"the snapshot is of the scenario World (application {taken_from}); "
                            "a registered application takes a registered application's")
    if taken_from != client_id:
        records = rebase(records, taken_from, application)
    registration_section: dict[str, Any] = {"registration": registered}
    rebuilt = rebuild_tenant(source, client_id, {**records, TENANT: registration_section})
    return rebuilt.world, rebuilt.choice

"""The tenant registry: one World per registered application, found in one lookup by
client id, access token, management token or Connect session."""

from __future__ import annotations

import uuid

import pytest

from mockcar.domain.world.tenants import (
    ScenarioChoice,
    Tenant,
    TenantLimitReached,
    Tenants,
    new_application,
)
from mockcar.domain.world.world import World
from mockcar.scenario import load_world
from mockcar.settings import default_scenario


def _world() -> World:
    return load_world(default_scenario())


def _register(tenants: Tenants) -> Tenant:
    world = _world()
    return tenants.register(world, ScenarioChoice(), new_application(world))


def _issue(tenant: Tenant) -> str:
    world = tenant.world
    owner = next(iter(world.owners.values()))
    connection = world.connect(tenant.client_id, owner, owner.vehicle_ids, ["read_vin"], "test")
    token = world.issue_token(connection.id, tenant.client_id, str(uuid.uuid4()),
                              str(uuid.uuid4()))
    return token.access_token


def test_a_registered_application_is_alone_in_a_copy_of_the_scenario() -> None:
    scenario = _world()
    tenants = Tenants()
    tenant = _register(tenants)
    template = next(iter(scenario.applications.values()))
    assert list(tenant.world.applications) == [tenant.client_id]
    assert tenant.client_id not in scenario.applications
    assert tenant.application.redirect_uris == template.redirect_uris
    assert tenant.application.client_secret != template.client_secret
    assert tenant.application.management_token != template.management_token
    assert set(tenant.world.vehicles) == set(scenario.vehicles)
    assert tenant.world.clock is not scenario.clock
    assert tenants.get(tenant.client_id) is tenant
    assert tenants.by_management_token(tenant.application.management_token) is tenant


def test_tokens_issued_in_a_tenant_world_route_to_it_and_no_other() -> None:
    tenants = Tenants()
    first, second = _register(tenants), _register(tenants)
    token = _issue(first)
    assert tenants.by_access_token(token) is first
    assert token not in second.world.tokens_by_access
    assert tenants.by_access_token(_issue(second)) is second


def test_reset_forgets_tokens_and_sessions_and_keeps_the_credentials() -> None:
    tenants = Tenants()
    tenant = _register(tenants)
    token = _issue(tenant)
    old_world = tenant.world
    tenants.remember_session("session-1", tenant)
    tenants.reset(tenant, _world())
    assert tenants.by_access_token(token) is None
    assert tenants.by_session("session-1") is None
    assert tenant.world is not old_world
    assert list(tenant.world.applications) == [tenant.client_id]
    # The dropped World no longer indexes tokens a late request might still issue.
    owner = next(iter(old_world.owners.values()))
    connection = old_world.connect(tenant.client_id, owner, owner.vehicle_ids, [], "test")
    late = old_world.issue_token(connection.id, tenant.client_id, "late", "late-r")
    assert tenants.by_access_token(late.access_token) is None
    assert tenants.by_access_token(_issue(tenant)) is tenant


def test_removal_drops_every_key() -> None:
    tenants = Tenants()
    tenant = _register(tenants)
    token = _issue(tenant)
    tenants.remember_session("s", tenant)
    assert tenants.remove(tenant.client_id) is tenant
    assert tenants.remove(tenant.client_id) is None
    assert len(tenants) == 0
    assert tenants.get(tenant.client_id) is None
    assert tenants.by_access_token(token) is None
    assert tenants.by_management_token(tenant.application.management_token) is None
    assert tenants.by_session("s") is None
    tenants.remember_session("t", tenant)  # a removed tenant gets no new keys
    assert tenants.by_session("t") is None


def test_a_full_registry_refuses_a_tenant_and_keeps_every_other() -> None:
    tenants = Tenants(limit=2)
    first, second = _register(tenants), _register(tenants)
    assert tenants.full
    with pytest.raises(TenantLimitReached, match="2 applications are registered"):
        _register(tenants)
    assert [t.client_id for t in tenants] == [first.client_id, second.client_id]
    tenants.remove(first.client_id)
    third = _register(tenants)
    assert [t.client_id for t in tenants] == [second.client_id, third.client_id]


def test_clear_empties_registry_and_journals() -> None:
    tenants = Tenants()
    _register(tenants)
    tenants.scenario_journal.record(0.0, "GET", "/", b"", (), b"", False, 200, 1.0, None, None,
                                    None)
    tenants.clear()
    assert len(tenants) == 0 and len(tenants.scenario_journal) == 0

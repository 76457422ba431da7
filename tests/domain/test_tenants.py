"""The tenant registry: one World per registered application, found in one lookup by
client id, access token, management token or Connect session."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from mockcar.domain.connect.session import SESSION_LIFETIME
from mockcar.domain.world import application_tokens
from mockcar.domain.world.records import APPLICATION_TOKEN_LIFETIME, REFRESH_TOKEN_LIFETIME
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
from tests.domain.test_connect_flow import request as connect_request


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


# -- what the indexes hold as the server ages -------------------------------------------


def test_pairs_the_tenant_world_has_dropped_leave_the_token_index() -> None:
    tenants = Tenants()
    tenant = _register(tenants)
    old = [_issue(tenant) for _ in range(50)]
    tenant.world.clock.advance(REFRESH_TOKEN_LIFETIME)
    fresh = _issue(tenant)
    assert [t for t in old if tenants.by_access_token(t) is not None] == []
    assert list(tenant.world.tokens_by_access) == [fresh]
    assert list(tenant.tokens) == [fresh]
    assert tenants.by_access_token(fresh) is tenant


def test_a_pair_whose_refresh_token_still_works_stays_indexed() -> None:
    tenants = Tenants()
    tenant = _register(tenants)
    token = _issue(tenant)
    tenant.world.clock.advance(REFRESH_TOKEN_LIFETIME - timedelta(seconds=1))
    _issue(tenant)
    assert tenants.by_access_token(token) is tenant
    assert token in tenant.world.tokens_by_access


def test_application_tokens_leave_the_index_with_their_hour_and_pairs_stay() -> None:
    tenants = Tenants()
    tenant = _register(tenants)
    pair = _issue(tenant)
    old = [application_tokens.issue(tenant.world, tenant.client_id, f"app-{i}").access_token
           for i in range(20)]
    tenant.world.clock.advance(APPLICATION_TOKEN_LIFETIME)
    fresh = application_tokens.issue(tenant.world, tenant.client_id, "app-fresh").access_token
    assert [t for t in old if tenants.by_access_token(t) is not None] == []
    assert list(tenant.world.application_tokens) == [fresh]
    assert sorted(tenant.tokens) == sorted([pair, fresh])
    assert tenants.by_access_token(pair) is tenant


def test_connect_sessions_the_tenant_world_has_dropped_leave_the_session_index() -> None:
    tenants = Tenants()
    tenant = _register(tenants)
    world = tenant.world

    def start() -> str:
        session = world.connect_sessions.start(connect_request(), world.now())
        tenants.remember_session(session.id, tenant)
        tenants.remember_session(session.id, tenant)  # every step of a flow says it again
        return session.id

    old = [start() for _ in range(30)]
    world.clock.advance(SESSION_LIFETIME)
    fresh = start()
    assert [s for s in old if tenants.by_session(s) is not None] == []
    assert list(world.connect_sessions) == [fresh]
    assert list(tenant.sessions) == [fresh]
    assert tenants.by_session(fresh) is tenant


def test_a_token_another_tenant_holds_now_stays_theirs_when_the_first_drops_it() -> None:
    tenants = Tenants()
    first, second = _register(tenants), _register(tenants)
    token = _issue(first)
    # The same token issued again in another tenant's World (a snapshot restored there).
    owner = next(iter(second.world.owners.values()))
    connection = second.world.connect(second.client_id, owner, owner.vehicle_ids, [], "test")
    second.world.issue_token(connection.id, second.client_id, token, "other-refresh")
    first.world.clock.advance(REFRESH_TOKEN_LIFETIME)
    _issue(first)
    assert tenants.by_access_token(token) is second

"""A fault rule that is used up (`times`) no longer slows the server: reads go back to the
fast read path, as on a World that never had a rule, while a rule that can still fire
keeps them on the full stack, which answers it. Through HTTP: the control API adds the
rules, API v2 reads trip them."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario
from mockcar.web.fast_reads import FastReads
from tests.web.test_fast_reads import Counting
from tests.web.v2.conftest import owner_of

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CONTROL = {"Host": "localhost"}


def test_used_up_fault_rules_leave_reads_on_the_fast_path() -> None:
    world = load_world(default_scenario(), clock=Clock(frozen_at=START))
    app = create_app(Settings(fast_reads=True), world)
    with TestClient(app, base_url="http://localhost") as client:
        stack = app.middleware_stack
        assert isinstance(stack, FastReads)
        behind = stack.app = Counting(stack.app)
        client_id = next(iter(world.applications))
        vehicle = next(iter(world.vehicles.values()))
        connection = world.connect(client_id, owner_of(world, vehicle), [vehicle.id],
                                   sorted(PERMISSIONS), "test")
        token = world.issue_token(connection.id, client_id, "access-1", "refresh-1")
        owner = {"Authorization": f"Bearer {token.access_token}"}
        path = f"/v2.0/vehicles/{vehicle.id}/odometer"

        def read() -> tuple[int, bool]:
            before = behind.calls
            answer = client.get(path, headers=owner)
            return answer.status_code, behind.calls == before

        assert read() == (200, True)
        for times in (1, 2):
            added = client.post("/_mockcar/faults", headers=CONTROL, json={
                "type": "VEHICLE_STATE", "code": "ASLEEP", "times": times})
            assert added.status_code == 201, added.text
            for _ in range(times):
                assert read() == (409, False)  # the full stack answers the rule
            assert read() == (200, True)  # used up: as if there were none
        assert len(client.get("/_mockcar/faults", headers=CONTROL).json()["faults"]) == 2
        # A rule without a limit keeps every read on the full stack.
        forever = client.post("/_mockcar/faults", headers=CONTROL, json={
            "type": "VEHICLE_STATE", "code": "ASLEEP", "endpoint": "/nowhere"})
        assert forever.status_code == 201, forever.text
        assert read() == (200, False)

"""Tenant isolation on one live server under concurrent clients: each run registers its
own application and never sees another's vehicles, tokens, faults or journal."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from mockcar.testing.handle import Mockcar

RUNS = 8
CALLS = 12


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        yield running


def _run(url: str, index: int) -> tuple[Mockcar, str, str]:
    """One test run: its own application, owner state changes, a fault, API calls."""
    mockcar = Mockcar.register(url)
    result = mockcar.connect("alice@example.com", scopes=["read_odometer", "read_security",
                                                           "control_security"])
    vehicle = result.vehicles[index % len(result.vehicles)]
    mockcar.vehicle(vehicle).set(odometer_km=1000.0 + index)
    mockcar.faults.add("VEHICLE_STATE.ASLEEP", endpoint="/security", vehicle=vehicle)
    with httpx.Client(base_url=url, headers=result.authorization, timeout=10) as http:
        for _ in range(CALLS):
            odometer = http.get(f"/v2.0/vehicles/{vehicle}/odometer")
            assert odometer.json() == {"distance": 1000.0 + index}
        unlock = http.post(f"/v2.0/vehicles/{vehicle}/security", json={"action": "UNLOCK"})
        assert (unlock.status_code, unlock.json()["code"]) == (409, "ASLEEP")
    return mockcar, vehicle, str(result.access_token)


def test_concurrent_runs_never_meet(server: MockcarServer) -> None:
    with ThreadPoolExecutor(max_workers=RUNS) as pool:
        runs = list(pool.map(lambda i: _run(server.url, i), range(RUNS)))

    assert len({token for _, _, token in runs}) == RUNS
    for mockcar, _, token in runs:
        assert mockcar.journal.count() == CALLS + 1
        mockcar.journal.assert_called("/v2.0/vehicles/{id}/odometer", times=CALLS,
                                      token=token)
        [entry] = mockcar.journal.requests(method="POST")
        assert entry["token_id"] is not None and entry["client_id"] == mockcar.client_id
        state = mockcar.state()
        assert [t["token_id"] for t in state["tokens"]] == [entry["token_id"]]
        assert len(state["faults"]) == 1 and state["faults"][0]["hits"] == 1
    # The scenario World was never touched: no token, no changed odometer.
    assert not server.world.tokens_by_access
    assert all(not 1000 <= v.state.odometer_km < 1000 + RUNS
               for v in server.world.vehicles.values())
    for mockcar, _, _ in runs:
        mockcar.delete()
    assert len(server.app.state.tenants) == 0

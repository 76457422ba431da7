"""`mockcar.snapshot()` / `mockcar.restore(snap)` as a user's suite uses them, run by
pytest in a subprocess (pytester): a state built once in a session fixture, every test's
own application started from it."""

from __future__ import annotations

import pytest

CONFTEST = '''
import pytest

from mockcar.testing import Mockcar


@pytest.fixture(scope="session")
def prepared(mockcar_server):
    """Built once: alice connected, her first car unlocked, a fault rule, a frozen clock."""
    with Mockcar.register(mockcar_server.url) as builder:
        result = builder.connect("alice@example.com",
                                 scopes=["read_odometer", "read_security",
                                         "control_security"])
        builder.vehicle(result.vehicles[0]).set(locked=False)
        builder.faults.add("SERVER.INTERNAL", endpoint="/odometer", times=1)
        builder.clock.freeze()
        return result, builder.snapshot()
'''

TESTS = '''
import httpx


def security(mockcar, result):
    return httpx.get(f"{mockcar.url}/v2.0/vehicles/{result.vehicles[0]}/security",
                     headers=result.authorization)


def test_the_prepared_state_is_this_test_s(mockcar, prepared):
    result, snap = prepared
    mockcar.restore(snap)
    answer = security(mockcar, result)
    assert answer.status_code == 200 and answer.json()["isLocked"] is False
    odometer = f"{mockcar.url}/v2.0/vehicles/{result.vehicles[0]}/odometer"
    assert httpx.get(odometer, headers=result.authorization).status_code == 500
    assert httpx.get(odometer, headers=result.authorization).status_code == 200
    assert mockcar.clock.now() == mockcar.clock.now()  # frozen, as it was built


def test_a_change_is_undone_by_restoring_again(mockcar, prepared):
    result, snap = prepared
    mockcar.restore(snap)
    mockcar.vehicle(result.vehicles[0]).set(locked=True)
    assert security(mockcar, result).json()["isLocked"] is True
    mockcar.restore(snap)
    assert security(mockcar, result).json()["isLocked"] is False


def test_the_refresh_token_works_with_this_application_s_credentials(mockcar, prepared):
    result, snap = prepared
    mockcar.restore(snap)
    answer = httpx.post(f"{mockcar.url}/oauth/token", headers=mockcar.basic_auth,
                        data={"grant_type": "refresh_token",
                              "refresh_token": result.refresh_token})
    assert answer.status_code == 200, answer.text
    taken = mockcar.snapshot()
    assert taken["application"]["client_id"] == mockcar.client_id
    assert mockcar.client_id in taken["world"]["applications"]


def test_a_snapshot_of_another_kind_is_refused(mockcar, prepared):
    from mockcar.testing import MockcarError
    import pytest

    with pytest.raises(MockcarError, match="newer than this mockcar reads"):
        mockcar.restore({**prepared[1], "version": 99})
'''


def test_a_suite_builds_a_state_once_and_starts_every_test_from_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MOCKCAR_URL", raising=False)
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_prepared=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=4)

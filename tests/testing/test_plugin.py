"""The pytest plugin as a user meets it: a project of their own, run by pytest in a
subprocess (pytester), with the fixtures from the `pytest11` entry point — alone, under
pytest-xdist with two workers, and against a server given by MOCKCAR_URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockcar.settings import Settings
from mockcar.testing import MockcarServer
from tests.testing import project


@pytest.fixture
def user_project(pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The project's files; yields the directory each test records its server URL in."""
    record = tmp_path_factory.mktemp("servers")
    monkeypatch.setenv("RECORD_DIR", str(record))
    monkeypatch.delenv("MOCKCAR_URL", raising=False)
    # The strictest settings a project may have: any warning fails the run.
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    pytester.makeconftest(project.CONFTEST)
    pytester.makepyfile(test_usage=project.USAGE)
    pytester.makefile(".yaml", small=project.SMALL)
    sub = pytester.mkpydir("sub")
    (sub / "conftest.py").write_text(project.SUB_CONFTEST)
    (sub / "test_sub.py").write_text(project.SUB_TEST)
    yield record


def servers(record: Path) -> list[str]:
    return [p.read_text() for p in sorted(record.iterdir())]


def test_the_fixtures_in_a_user_project(pytester: pytest.Pytester, user_project: Path) -> None:
    pytester.makepyfile(test_failing=project.FAILING)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=project.PASSING, failed=1, errors=1)
    output = result.stdout.str()
    # A failed journal assertion says what matched and what was sent.
    assert "mockcar journal: 0 request(s) matched" in output
    assert "GET /v2.0/user -> 200" in output
    # A broken scenario names its mistakes.
    assert "invalid_scenario" in output or "cannot be used" in output
    assert "owners[0].email" in output
    # One server for the whole session (the failing and the broken test used it too).
    assert len(servers(user_project)) == project.ON_THE_SERVER + 2
    assert len(set(servers(user_project))) == 1


def test_each_xdist_worker_has_its_own_server(
    pytester: pytest.Pytester, user_project: Path
) -> None:
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=project.PASSING)
    urls = servers(user_project)
    assert len(urls) == project.ON_THE_SERVER
    assert len(set(urls)) == 2


def test_mockcar_url_points_the_fixtures_at_a_running_server(
    pytester: pytest.Pytester, user_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The remote server runs the default settings, not the project's seed 99: the tests
    # that do not check the seed run there unchanged, under two workers sharing it.
    with MockcarServer(Settings()) as server:
        monkeypatch.setenv("MOCKCAR_URL", server.url)
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "-n", "2", "-k", "not fresh_world and not in_process")
        result.assert_outcomes(passed=project.PASSING - 2)
        assert set(servers(user_project)) == {server.url}
        assert len(server.app.state.tenants) == 0  # every test deleted its application
        assert len(server.world.tokens_by_access) == 0


def test_an_unreachable_mockcar_url_fails_clearly(
    pytester: pytest.Pytester, user_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKCAR_URL", "http://127.0.0.1:9")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "deny")
    result.assert_outcomes(errors=1)
    assert "MOCKCAR_URL=http://127.0.0.1:9: mockcar is not answering" in result.stdout.str()


def test_a_scenario_file_that_is_not_utf8_fails_the_test_in_one_line(
    pytester: pytest.Pytester, user_project: Path
) -> None:
    (pytester.path / "wide.yaml").write_bytes("version: 1\n".encode("utf-16"))
    pytester.makepyfile(test_wide='''
import pytest

@pytest.mark.mockcar_scenario("wide.yaml")
def test_wide(mockcar):
    pass
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_wide.py")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "wide.yaml: not UTF-8 text (byte 0: invalid start byte); save the scenario as " \
        "UTF-8" in output
    assert "Traceback" not in output and "UnicodeDecodeError" not in output

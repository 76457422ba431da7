"""`mockcar serve --import FILE` and `--export-on-exit FILE`, through the CLI as a
subprocess: a server's state written on SIGTERM, a new server started from it where
the tokens, the command's effect and the fault rule still hold, and taken again equal;
an unusable file is one line and exit 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockcar.testing import smartcar_sdk_pointed_at
from tests.test_cli import Served, mockcar


def post(base: str, path: str, body: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(base + path, json=body if body is not None else {}, headers=headers,
                      timeout=30)


def test_export_on_sigterm_then_import_into_a_new_server(tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    with Served("--port", "0", "--quiet", "--export-on-exit", str(first)) as served:
        base = f"http://127.0.0.1:{served.ready().port}"
        app = post(base, "/_mockcar/applications").json()
        management = {"Authorization": f"Bearer {app['management_token']}"}
        scoped = f"/_mockcar/applications/{app['client_id']}"
        tokens = post(base, scoped + "/connect", {"email": "alice@example.com",
                                                  "exchange": True}, management).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        car = tokens["vehicles"][0]
        unlock = post(base, f"/v2.0/vehicles/{car}/security", {"action": "UNLOCK"}, bearer)
        assert unlock.status_code == 200, unlock.text
        fault = post(base, scoped + "/faults", {"type": "SERVER", "code": "INTERNAL",
                                                "endpoint": "/odometer", "times": 1},
                     management)
        assert fault.status_code == 201, fault.text
        taken = httpx.get(base + "/_mockcar/snapshot", timeout=30).json()
        stderr = served.stop()
    assert f"snapshot written to {first}" in stderr
    exported = json.loads(first.read_text())
    assert exported == taken
    assert (first.stat().st_mode & 0o777) == 0o600  # it holds tokens and client secrets

    with Served("--port", "0", "--quiet", "--import", str(first),
                "--export-on-exit", str(second)) as served:
        base = f"http://127.0.0.1:{served.ready().port}"
        # Restored into a fresh server and taken again: the same document.
        assert httpx.get(base + "/_mockcar/snapshot", timeout=30).json() == exported
        security = httpx.get(f"{base}/v2.0/vehicles/{car}/security", headers=bearer)
        assert security.status_code == 200 and security.json()["isLocked"] is False
        assert httpx.get(f"{base}/v2.0/vehicles/{car}/odometer",
                         headers=bearer).status_code == 500
        assert httpx.get(f"{base}/v2.0/vehicles/{car}/odometer",
                         headers=bearer).status_code == 200
        # The official SDK, with the tokens and credentials of the first server.
        with smartcar_sdk_pointed_at(base):
            import smartcar

            assert smartcar.Vehicle(car, tokens["access_token"]).attributes().id == car
            client = smartcar.AuthClient(app["client_id"], app["client_secret"],
                                         app["redirect_uris"][0], mode="test")
            assert client.exchange_refresh_token(tokens["refresh_token"]).access_token
        served.stop()
    again = json.loads(second.read_text())
    # The odometer reads spent the fault rule and the refresh made a pair; everything
    # else is as it was exported.
    theirs, before = again["tenants"][app["client_id"]], exported["tenants"][app["client_id"]]
    assert [rule["hits"] for rule in theirs["faults"]["rules"]["rules"].values()] == [1]
    for rule in before["faults"]["rules"]["rules"].values():
        rule["hits"] = 1
    assert len(theirs.pop("tokens")) == len(before.pop("tokens")) + 1
    assert again == exported


@pytest.mark.parametrize(("content", "says"), [
    (None, "cannot read"),
    (b"{not json", "is not a JSON snapshot"),
    (b'{"format": "mockcar.snapshot", "version": 7}', "newer than this mockcar reads"),
    (b'{"format": "other"}', "not a mockcar snapshot"),
])
def test_an_unusable_import_is_one_line_and_exit_1(tmp_path: Path, content: bytes | None,
                                                   says: str) -> None:
    path = tmp_path / "snapshot.json"
    if content is not None:
        path.write_bytes(content)
    result = mockcar("serve", "--port", "0", "--import", path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"mockcar: --import {path}: ")
    assert says in result.stderr and result.stderr.count("\n") == 1
    assert "mockcar serving" not in result.stdout


def test_an_export_path_that_cannot_be_written_is_refused_at_start(tmp_path: Path) -> None:
    result = mockcar("serve", "--port", "0", "--export-on-exit", tmp_path / "gone" / "x.json")
    assert result.returncode == 1
    assert result.stderr == (f"mockcar: cannot export to {tmp_path / 'gone' / 'x.json'}: "
                             f"no directory {tmp_path / 'gone'}\n")


def test_import_and_a_state_file_are_exclusive(tmp_path: Path) -> None:
    result = mockcar("serve", "--port", "0", "--import", tmp_path / "snap.json",
                     "--state", tmp_path / "state.db")
    assert result.returncode == 2
    assert result.stderr == ("mockcar: --import starts from a snapshot, --state from a state "
                             "file: give one\n")
    assert not (tmp_path / "state.db").exists()

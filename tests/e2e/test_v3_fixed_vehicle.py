"""Smartcar's fixed v3 test vehicle (`tst2e255-…` with `Bearer test-data-token`) through
the official SDKs, unchanged, as their own end-to-end tests call it: Python's
`Vehicle.get_signals`, `Vehicle.get_signal` and `smartcar.smartcar.get_vehicle`; Node's
`getSignals`, `getSignal` and `getVehicle` in a node subprocess (npm `smartcar` from
.node-sdk/, `make node-sdk`). Each environment comes from `mockcar.settings.sdk_environment`,
the variables the banner prints, so a wrong name there fails here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import smartcar
import smartcar.smartcar
from smartcar.exception import SmartcarException

from mockcar.domain.signals import reading as catalogue
from mockcar.domain.vehicles import fixed_vehicle
from mockcar.settings import sdk_environment
from mockcar.testing import MockcarServer
from mockcar.testing.sdk import smartcar_sdk_pointed_at

ROOT = Path(__file__).resolve().parents[2]
NODE_SDK = ROOT / ".node-sdk" / "node_modules"
ID, TOKEN = fixed_vehicle.VEHICLE_ID, fixed_vehicle.ACCESS_TOKEN


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer() as running, smartcar_sdk_pointed_at(running.url):
        yield running


def test_python_sdk_get_signals(server: MockcarServer) -> None:
    body = smartcar.Vehicle(ID, TOKEN).get_signals()["body"]
    assert [s["id"] for s in body["data"]] == list(catalogue.codes())
    assert body["data"][0]["attributes"]["status"]["value"] == "SUCCESS"
    assert body["included"]["vehicle"]["id"] == ID


def test_python_sdk_get_signal(server: MockcarServer) -> None:
    body = smartcar.Vehicle(ID, TOKEN).get_signal("odometer-traveleddistance")["body"]
    assert body["attributes"]["status"] == {"value": "SUCCESS"}
    assert body["attributes"]["body"]["unit"] == "kilometers"
    assert body["attributes"]["body"]["value"] > 0


def test_python_sdk_get_vehicle(server: MockcarServer) -> None:
    body = smartcar.smartcar.get_vehicle(TOKEN, ID)["body"]
    assert body["id"] == ID and body["type"] == "vehicle"
    assert body["attributes"]["powertrainType"] == "BEV"


def test_the_token_reaches_no_other_vehicle(server: MockcarServer) -> None:
    with pytest.raises(SmartcarException) as refused:
        smartcar.Vehicle("0" * 8 + ID[8:], TOKEN).get_signals()
    assert refused.value.status_code == 403


NODE_PROGRAM = """
const smartcar = require('smartcar');
const [id, token] = process.argv.slice(-2);
(async () => {
  const vehicle = new smartcar.Vehicle(id, token);
  const signals = await vehicle.getSignals();
  const odometer = await vehicle.getSignal('odometer-traveleddistance');
  const info = await smartcar.getVehicle(token, id);
  console.log(JSON.stringify({signals: signals.body, odometer: odometer.body, info: info.body}));
})().catch((error) => { console.error(error); process.exit(1); });
"""


@pytest.fixture(scope="module")
def node_sdk() -> Path:
    if not (NODE_SDK / "smartcar").is_dir() or shutil.which("node") is None:
        pytest.fail("the Node SDK is missing: run `make node-sdk` (npm installs the pinned "
                    "smartcar into .node-sdk/; needs Node.js 18+)")
    return NODE_SDK


def node(node_sdk: Path, url: str) -> Any:
    environment = {**os.environ, **sdk_environment(url), "NODE_PATH": str(node_sdk)}
    result = subprocess.run(["node", "-e", NODE_PROGRAM, "--", ID, TOKEN], capture_output=True,
                            text=True, timeout=60, check=False, env=environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_node_sdk_get_signals_get_signal_get_vehicle(
    server: MockcarServer, node_sdk: Path,
) -> None:
    answer = node(node_sdk, server.url)
    assert answer["signals"]["data"][0]["attributes"]["status"]["value"] == "SUCCESS"
    assert len(answer["signals"]["data"]) == len(catalogue.codes())
    assert answer["odometer"]["attributes"]["status"]["value"] == "SUCCESS"
    assert answer["odometer"]["id"] == "odometer-traveleddistance"
    assert answer["info"]["id"] == ID
    assert answer["info"]["attributes"]["make"] == "TESLA"

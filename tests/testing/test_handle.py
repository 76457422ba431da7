"""The `Mockcar` handle and its control client, against a live server: every operation
a test can reach through them."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from mockcar.settings import Settings
from mockcar.testing import ControlClient, Mockcar, MockcarError, MockcarServer

ALICE = "alice@example.com"
INLINE = """
version: 1
owners:
  - email: erin@example.com
    password: erin-pw
    vehicles: [{make: VOLVO, model: XC40, powertrain: BEV, vin: YV1XZ000000000001}]
"""


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        yield running


@pytest.fixture
def mockcar(server: MockcarServer) -> Iterator[Mockcar]:
    with Mockcar.register(server.url) as handle:
        yield handle


def test_registration_details_and_sdk_environment(mockcar: Mockcar, server: MockcarServer) -> None:
    assert mockcar.url == server.url
    assert mockcar.sdk_env["SMARTCAR_AUTH_ORIGIN"] == f"{server.url}/oauth/token"
    assert mockcar.redirect_uri == mockcar.redirect_uris[0]
    assert mockcar.basic_auth["Authorization"].startswith("Basic ")
    assert server.app.state.tenants.get(mockcar.client_id) is not None


def test_the_clock(mockcar: Mockcar) -> None:
    at = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    assert mockcar.clock.freeze(at) == at
    assert mockcar.clock.advance(hours=2, minutes=30) == at + timedelta(hours=2, minutes=30)
    assert mockcar.clock.set(at) == at == mockcar.clock.now()
    mockcar.clock.speed(60)
    assert mockcar.clock.now() == at  # frozen still
    assert mockcar.clock.unfreeze() >= at


def test_faults(mockcar: Mockcar) -> None:
    result = mockcar.connect(ALICE, scopes=["read_vin"])
    rule = mockcar.faults.add("CONNECTED_SERVICES_ACCOUNT:SUBSCRIPTION", endpoint="/vin")
    assert (rule["type"], rule["code"]) == ("CONNECTED_SERVICES_ACCOUNT", "SUBSCRIPTION")
    mockcar.faults.add("SERVER", "INTERNAL", vehicle=result.vehicles[0], times=1)
    with httpx.Client(base_url=mockcar.url, headers=result.authorization) as http:
        assert http.get(f"/v2.0/vehicles/{result.vehicles[0]}/vin").status_code == 400
    assert [f["hits"] for f in mockcar.faults.list()] == [1, 0]
    mockcar.faults.remove(rule["id"])
    assert [f["code"] for f in mockcar.faults.list()] == ["INTERNAL"]
    assert mockcar.faults.clear() == 1
    with pytest.raises(MockcarError) as refused:
        mockcar.faults.add("NOT_A_TYPE")
    assert refused.value.status == 400 and "NOT_A_TYPE" in str(refused.value)


def test_journal(mockcar: Mockcar) -> None:
    result = mockcar.connect(ALICE, scopes=["read_odometer"])
    vehicle = result.vehicles[0]
    with httpx.Client(base_url=mockcar.url, headers=result.authorization) as http:
        http.get(f"/v2.0/vehicles/{vehicle}/odometer")
        mark = mockcar.journal.mark()
        http.get(f"/v2.0/vehicles/{vehicle}/odometer")
        http.get(f"/v2.0/vehicles/{vehicle}/location")
    assert mockcar.journal.count("*/odometer") == 2
    assert mockcar.journal.count(since=mark) == 2
    assert [e["status"] for e in mockcar.journal.requests(vehicle_id=vehicle)] == [200, 200, 403]
    last = mockcar.journal.last()
    assert last is not None and last["path"].endswith("/location")
    assert mockcar.journal.verify("*/odometer", at_most=1)["verified"] is False
    mockcar.journal.assert_called("*/odometer", times=2, token=result.access_token)
    mockcar.journal.assert_not_called("*/battery")
    with pytest.raises(AssertionError, match=r"expected exactly 5\.\nlatest requests:\n  #1 GET"):
        mockcar.journal.assert_called("*/odometer", times=5)
    assert mockcar.journal.clear() == 3
    assert mockcar.journal.last() is None and mockcar.journal.mark() == 0


def test_vehicles_connect_and_revoke(mockcar: Mockcar) -> None:
    made = mockcar.add_vehicle("new@example.com", password="pw", make="KIA", powertrain="BEV")
    assert made.get()["make"] == "KIA"
    assert made.set(battery_level=0.3)["state"]["battery_level"] == 0.3
    assert made.state["battery_level"] == 0.3
    assert made.id in {v["id"] for v in mockcar.vehicles()}
    code_only = mockcar.connect("new@example.com", mode="simulated", password="pw",
                                exchange=False)
    assert code_only.code and code_only.access_token is None
    with pytest.raises(ValueError, match="no access token"):
        _ = code_only.authorization
    result = mockcar.connect(ALICE)
    revoked = mockcar.revoke(email=ALICE, vehicle_id=result.vehicles[0])
    assert revoked == [{"vehicle_id": result.vehicles[0], "user_id": result.user_id}]
    with httpx.Client(base_url=mockcar.url, headers=result.authorization) as http:
        assert http.get(f"/v2.0/vehicles/{result.vehicles[0]}/vin").status_code == 400
        assert http.get(f"/v2.0/vehicles/{result.vehicles[1]}/vin").status_code == 200
        assert len(mockcar.revoke(user_id=result.user_id)) == len(result.vehicles) - 1
        assert http.get("/v2.0/vehicles").status_code == 401
    with pytest.raises(MockcarError, match="user_id or email"):
        mockcar.revoke()


def test_state_and_reset(mockcar: Mockcar) -> None:
    mockcar.connect(ALICE)
    assert len(mockcar.state()["connections"]) == 1
    mockcar.reset()
    assert mockcar.state()["connections"] == []


def test_a_scenario_of_its_own_and_deletion(server: MockcarServer) -> None:
    handle = Mockcar.register(server.url, scenario_yaml=INLINE, name="Erin's app",
                              redirect_uris=["https://erin.example/cb"])
    assert handle.name == "Erin's app" and handle.redirect_uri == "https://erin.example/cb"
    assert [v["vin"] for v in handle.vehicles()] == ["YV1XZ000000000001"]
    handle.delete()
    handle.delete()  # already gone: nothing to do
    assert server.app.state.tenants.get(handle.client_id) is None
    with pytest.raises(MockcarError) as bad:
        Mockcar.register(server.url, scenario_yaml="version: 2\n")
    assert bad.value.status == 422 and "version" in str(bad.value)


class _OneRequestPerConnection(http.server.BaseHTTPRequestHandler):
    """Answers, then closes the connection: what a keep-alive timeout looks like to a
    client that sends its next request on the old connection."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_the_client_reopens_a_connection_the_server_closed() -> None:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OneRequestPerConnection)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    client = ControlClient(f"http://127.0.0.1:{httpd.server_address[1]}")
    try:
        assert client.get("/one") == {"status": "ok"}
        assert client.get("/two") == {"status": "ok"}  # the old connection is gone
    finally:
        client.close()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
    with pytest.raises(ValueError, match="not an http"):
        ControlClient("ftp://example.com")

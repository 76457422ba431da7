"""A failure no handler expected answers a 500 in its host's shape (mockcar.web.error_shapes),
inside the middleware: it carries the request id, and the test client sees no exception."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.settings import Settings
from mockcar.web import tenancy

MESSAGE = "mockcar hit an unexpected error; its log has the details."
BEARER = {"Authorization": "Bearer some-token"}


@pytest.fixture
def broken() -> TestClient:
    return TestClient(create_app(Settings()), base_url="http://localhost")


@pytest.fixture(autouse=True)
def _no_world_to_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(tenancy, "world", fails)
    monkeypatch.setattr(tenancy, "authenticated", fails)


def test_api_v2_answers_its_envelope_with_the_request_id(broken: TestClient) -> None:
    failed = broken.get("/v2.0/vehicles", headers=BEARER)
    assert failed.status_code == 500
    body = failed.json()
    assert (body["type"], body["code"], body["statusCode"]) == ("SERVER", "INTERNAL", 500)
    assert body["requestId"] and body["requestId"] == failed.headers["sc-request-id"]


def test_api_v3_answers_its_errors_list(broken: TestClient) -> None:
    failed = broken.get("/v3/connections", headers=BEARER)
    assert failed.status_code == 500
    (error,) = failed.json()["errors"]
    assert (error["status"], error["type"], error["code"]) == ("500", "SERVER", "INTERNAL")


def test_management_v3_answers_its_errors_list(broken: TestClient) -> None:
    failed = broken.get("/v3/subscriptions", headers=BEARER)
    assert failed.status_code == 500
    assert failed.json() == {"errors": [{"status": "500", "code": "internal_error",
                                         "title": "Internal Error", "detail": MESSAGE}]}


def test_connect_answers_an_html_page(broken: TestClient) -> None:
    failed = broken.get("/oauth/authorize", params={"client_id": "x", "response_type": "code"})
    assert failed.status_code == 500
    assert failed.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in failed.text and MESSAGE in failed.text
    assert failed.headers["x-frame-options"] == "DENY"

"""HTTP Basic credentials on every endpoint that takes them: one reader
(mockcar.basic_auth), and each endpoint refuses a malformed, non-ASCII, colon-less or
empty credential with a 401 in its own documented error shape, never a 500.

    token endpoints (/oauth/token, /oauth2/token)  OAuth: {error: invalid_client, ...}
    Management and Compatibility API (v2.0)        Smartcar: {type: AUTHENTICATION, ...}
    control API under /_mockcar/applications/{id}  mockcar: {error: unauthorized, ...}
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world.world import Application, World
from mockcar.scenario import load_world
from mockcar.settings import Settings, default_scenario


def _b64(raw: bytes) -> bytes:
    return b"Basic " + base64.b64encode(raw)


# Header values as bytes, so a test can send what no well-behaved client library would.
BAD: dict[str, bytes] = {
    "empty": b"Basic ",
    "scheme alone": b"Basic",
    "empty user and password": _b64(b":"),
    "empty user": _b64(b":secret"),
    "missing colon": _b64(b"client-without-colon"),
    "not base64": b"Basic !!not*base64!!",
    "base64 without padding": b"Basic " + base64.b64encode(b"ab:c").rstrip(b"="),
    "two tokens": b"Basic YTpi YTpi",
    "non-ASCII header bytes": "Basic é€✓".encode(),
    "latin-1 header byte": b"Basic \xe9",
    "decoded bytes not UTF-8": _b64(b"\xff\xfe:\xc3"),
    "control characters": _b64(b"a\x00b:\r\n"),
    "non-ASCII UTF-8 credentials": _b64("clïent:sécret✓".encode()),
    "very long": _b64(b"x" * 6000 + b":" + b"y" * 6000),
}


@pytest.fixture
def world() -> World:
    return load_world(default_scenario())


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), world), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def application(world: World) -> Application:
    return next(iter(world.applications.values()))


def _oauth(response: Response) -> None:
    body = response.json()
    assert body["error"] == "invalid_client", body
    assert "HTTP Basic" in body["error_description"] or "client" in body["error_description"]
    assert response.headers["www-authenticate"].startswith('Basic realm="mockcar"')


def _smartcar(response: Response) -> None:
    body = response.json()
    assert (body["type"], body["statusCode"]) == ("AUTHENTICATION", 401), body
    assert "requestId" in body
    assert "Basic" in _smartcar_text(response), body


def _smartcar_text(response: Response) -> str:
    """mockcar's explanation of a Smartcar-shaped error: the mockcar-hint header, which
    keeps Smartcar's own description untouched."""
    text: str = response.headers.get("mockcar-hint") or response.json()["description"]
    return text


def _control(response: Response) -> None:
    body = response.json()
    assert (body["error"], body["status"]) == ("unauthorized", 401), body


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    shape: Callable[[Response], None]
    good: Callable[[Application], str]  # the credentials that work, as 'user:password'
    kwargs: dict[str, Any]


def _client(app: Application) -> str:
    return f"{app.client_id}:{app.client_secret}"


def _management(app: Application) -> str:
    return f"default:{app.management_token}"


ENDPOINTS = [
    Endpoint("POST", "/oauth/token", _oauth, _client,
             {"data": {"grant_type": "refresh_token", "refresh_token": "none"}}),
    Endpoint("POST", "/oauth2/token", _oauth, _client,
             {"data": {"grant_type": "client_credentials"}}),
    Endpoint("GET", "/v2.0/management/connections", _smartcar, _management, {}),
    Endpoint("GET", "/v2.0/management/connections/", _smartcar, _management, {}),
    Endpoint("DELETE", "/v2.0/management/connections", _smartcar, _management,
             {"params": {"user_id": "00000000-0000-4000-8000-000000000000"}}),
    Endpoint("GET", "/v2.0/compatibility", _smartcar, _client,
             {"params": {"vin": "5YJ3E1EA7KF317000", "scope": "read_odometer"}}),
    Endpoint("GET", "/v2.0/compatibility/matrix", _smartcar, _client,
             {"params": {"region": "US"}}),
    Endpoint("GET", "/v2.0/compatibility/matrix/", _smartcar, _client,
             {"params": {"region": "US"}}),
    Endpoint("GET", "/_mockcar/applications/{client_id}/clock", _control, _client, {}),
    Endpoint("POST", "/_mockcar/applications/{client_id}/clock/unfreeze", _control, _client,
             {"json": {}}),
]


def _call(client: TestClient, endpoint: Endpoint, app: Application,
          authorization: bytes) -> Response:
    path = endpoint.path.replace("{client_id}", app.client_id)
    return client.request(endpoint.method, path, headers={b"Authorization": authorization},
                          **endpoint.kwargs)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_every_malformed_credential_is_a_401_in_the_endpoint_shape(
    client: TestClient, application: Application, endpoint: Endpoint
) -> None:
    for name, header in BAD.items():
        response = _call(client, endpoint, application, header)
        assert response.status_code == 401, (name, response.status_code, response.text)
        endpoint.shape(response)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_the_right_credentials_pass_and_a_wrong_password_does_not(
    client: TestClient, application: Application, endpoint: Endpoint
) -> None:
    good = endpoint.good(application)
    response = _call(client, endpoint, application, _b64(good.encode()))
    # Past authentication: the refresh token is unknown (400), everything else answers.
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["error"] == "invalid_grant"
    user = good.partition(":")[0]
    wrong = _call(client, endpoint, application, _b64(f"{user}:wrong".encode()))
    assert wrong.status_code == 401, wrong.text
    endpoint.shape(wrong)


def test_the_reason_is_named(client: TestClient, application: Application) -> None:
    """Each endpoint says what is wrong with the header, in its own words."""
    reasons = {
        "missing colon": "no ':' between the user name and the password",
        "non-ASCII header bytes": "non-ASCII characters",
        "not base64": "not base64",
        "decoded bytes not UTF-8": "not UTF-8",
        "empty user": "user name before ':' is empty",
        "empty": "nothing follows 'Basic'",
    }
    token, management = ENDPOINTS[0], ENDPOINTS[2]
    for name, reason in reasons.items():
        oauth = _call(client, token, application, BAD[name]).json()["error_description"]
        assert reason in oauth, (name, oauth)
        smartcar = _smartcar_text(_call(client, management, application, BAD[name]))
        assert reason in smartcar, (name, smartcar)


def test_a_malformed_credential_on_an_api_endpoint_is_not_a_500(client: TestClient) -> None:
    """Endpoints that take a bearer token read a Basic header only to find the tenant."""
    for name, header in BAD.items():
        for path in ("/v2.0/vehicles", "/v3/vehicles/x", "/_mockcar/state", "/"):
            response = client.get(path, headers={b"Authorization": header})
            assert response.status_code in (200, 401), (name, path, response.text)

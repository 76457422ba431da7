"""grant_type=client_credentials at POST /oauth2/token (RFC 6749 §4.4;
https://smartcar.com/docs/api-reference/authorization/request-access-token): application tokens of
one hour, no refresh token, 400 invalid_request and 401 invalid_client."""

from __future__ import annotations

from datetime import timedelta

import httpx2
import pytest
from starlette.testclient import TestClient

from mockcar.app import create_app
from mockcar.domain.world import application_tokens
from mockcar.domain.world.tenants import ScenarioChoice
from mockcar.domain.world.world import World
from mockcar.errors import SmartcarError
from mockcar.settings import Settings
from tests.oauth.helpers import APP, OTHER_APP, TokenClient, assert_oauth_error, basic, is_uuid4

PATH = "/oauth2/token"
FORM = {"grant_type": "client_credentials", "client_id": APP.client_id,
        "client_secret": APP.client_secret}


def post(client: TokenClient, data: dict[str, str] | None, **kwargs: object) -> httpx2.Response:
    return client.request("POST", PATH, data=data, **kwargs)


def test_credentials_in_the_body_get_a_one_hour_token_without_refresh_token(
    client: TokenClient, world: World
) -> None:
    response = post(client, FORM)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert list(body) == ["access_token", "token_type", "expires_in"]
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    assert is_uuid4(body["access_token"])
    stored = world.application_tokens[body["access_token"]]
    assert (stored.client_id, stored.issued_at) == (APP.client_id, world.now())
    assert application_tokens.authenticate(world, body["access_token"]) == APP


def test_http_basic_credentials_work_too_and_each_call_gets_a_new_token(
    client: TokenClient, world: World
) -> None:
    first = post(client, {"grant_type": "client_credentials"},
                 headers=basic(OTHER_APP.client_id, OTHER_APP.client_secret))
    second = post(client, {"grant_type": "client_credentials"},
                  headers=basic(OTHER_APP.client_id, OTHER_APP.client_secret))
    assert first.status_code == second.status_code == 200
    assert first.json()["access_token"] != second.json()["access_token"]
    assert world.application_tokens[first.json()["access_token"]].client_id == \
        OTHER_APP.client_id


def test_the_token_expires_after_an_hour_of_world_clock(
    client: TokenClient, world: World
) -> None:
    token = post(client, FORM).json()["access_token"]
    world.clock.advance(timedelta(minutes=59, seconds=59))
    assert application_tokens.authenticate(world, token) == APP
    world.clock.advance(timedelta(seconds=1))
    with pytest.raises(SmartcarError) as refused:
        application_tokens.authenticate(world, token)
    assert refused.value.type == "AUTHENTICATION"


def test_an_application_token_is_no_vehicle_access_token(
    client: TokenClient, world: World
) -> None:
    token = post(client, FORM).json()["access_token"]
    with TestClient(client.app, base_url="http://localhost") as http:
        response = http.get("/v2.0/vehicles", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["type"] == "AUTHENTICATION"


@pytest.mark.parametrize(("form", "headers", "status", "error", "says"), [
    ({"client_id": APP.client_id, "client_secret": APP.client_secret}, {}, 400,
     "invalid_request", "grant_type"),
    ({**FORM, "client_secret": "wrong"}, {}, 401, "invalid_client", "Wrong client secret"),
    ({**FORM, "client_id": "nobody"}, {}, 401, "invalid_client", "Unknown client id"),
    ({"grant_type": "client_credentials", "client_id": APP.client_id}, {}, 401,
     "invalid_client", "client_secret"),
    ({"grant_type": "client_credentials"}, {}, 401, "invalid_client", "Missing client"),
    ({"grant_type": "client_credentials"}, {"Authorization": "Basic !!"}, 401,
     "invalid_client", "HTTP Basic"),
    ({**FORM, "grant_type": "authorization_code"}, {}, 400, "unsupported_grant_type",
     "/oauth/token"),
])
def test_the_reference_errors(
    client: TokenClient, form: dict[str, str], headers: dict[str, str], status: int,
    error: str, says: str,
) -> None:
    body = assert_oauth_error(post(client, form, headers=headers), status, error)
    assert says in body["error_description"]


def test_invalid_client_carries_a_basic_challenge(client: TokenClient) -> None:
    response = post(client, {**FORM, "client_secret": "wrong"})
    assert response.headers["www-authenticate"].startswith('Basic realm="mockcar"')


def test_repeated_parameters_and_other_methods_are_refused(client: TokenClient) -> None:
    repeated = client.request("POST", PATH, content=(
        f"grant_type=client_credentials&grant_type=client_credentials&client_id="
        f"{APP.client_id}&client_secret={APP.client_secret}"),
        headers={"content-type": "application/x-www-form-urlencoded"})
    assert_oauth_error(repeated, 400, "invalid_request", "Repeated 'grant_type' parameter: "
                       "send it once.")
    wrong = client.request("GET", PATH)
    assert_oauth_error(wrong, 405, "invalid_request")
    assert wrong.headers["allow"] == "POST"


def test_the_v2_token_endpoint_still_refuses_client_credentials(client: TokenClient) -> None:
    body = assert_oauth_error(client.post({"grant_type": "client_credentials"}), 400,
                              "unsupported_grant_type")
    assert "/oauth2/token" in body["error_description"]


def test_a_registered_tenant_gets_tokens_in_its_own_world() -> None:
    app = create_app(Settings())
    with TestClient(app, base_url="http://localhost") as http:
        created = http.post("/_mockcar/applications", json={"name": "v3 tenant"})
        assert created.status_code == 201, created.text
        credentials = created.json()
        response = http.post(PATH, data={
            "grant_type": "client_credentials", "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"]})
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        tenant = app.state.tenants.get(credentials["client_id"])
        assert token in tenant.world.application_tokens
        assert token not in app.state.world.application_tokens
        assert app.state.tenants.by_access_token(token) is tenant
        listed = http.get("/v3/connections", headers={"Authorization": f"Bearer {token}"})
        assert listed.status_code == 200 and listed.json()["data"] == []
    assert isinstance(tenant.choice, ScenarioChoice)

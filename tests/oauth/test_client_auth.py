"""Client authentication (RFC 6749 §2.3.1, HTTP Basic only) and the token endpoint's
request errors (RFC 6749 §5.2)."""

from __future__ import annotations

import base64

import pytest

from mockcar.app import create_app
from mockcar.domain.world.world import World
from mockcar.settings import Settings
from tests.oauth.helpers import (
    APP,
    APP_AUTH,
    EXCHANGE,
    IssueCode,
    TokenClient,
    assert_oauth_error,
    basic,
)

CODE_FORM = {"grant_type": "authorization_code", "code": "whatever"}


def assert_basic_challenge(response_headers: dict[str, str]) -> None:
    assert response_headers["www-authenticate"].startswith('Basic realm="mockcar"')


def test_wrong_secret(client: TokenClient) -> None:
    response = client.post(CODE_FORM, auth=basic(APP.client_id, "wrong"))

    body = assert_oauth_error(response, 401, "invalid_client")
    assert_basic_challenge(dict(response.headers))
    assert "Wrong client secret" in body["error_description"]


def test_unknown_client_id(client: TokenClient) -> None:
    response = client.post(CODE_FORM, auth=basic("nobody", "x"))

    body = assert_oauth_error(response, 401, "invalid_client")
    assert "Unknown client id nobody" in body["error_description"]


def test_no_authorization_header(client: TokenClient) -> None:
    response = client.post(CODE_FORM, auth={})

    body = assert_oauth_error(response, 401, "invalid_client")
    assert_basic_challenge(dict(response.headers))
    assert "Authorization: Basic base64(client_id:client_secret)" in body["error_description"]


def test_secret_in_the_body_only_is_refused(
    client: TokenClient, issue_code: IssueCode
) -> None:
    form = {"grant_type": "authorization_code", "code": issue_code().code,
            "client_id": APP.client_id, "client_secret": APP.client_secret}

    body = assert_oauth_error(client.post(form, auth={}), 401, "invalid_client")

    assert "client_secret in the request body is not accepted" in body["error_description"]


@pytest.mark.parametrize("header", [
    "Bearer some-token",
    "Basic !!!not-base64!!!",
    "Basic " + base64.b64encode(b"no-colon-here").decode(),
    "Basic " + base64.b64encode(b"\xff\xfe:bad-utf8").decode(),
    "Basic",
])
def test_malformed_authorization_header(client: TokenClient, header: str) -> None:
    body = assert_oauth_error(client.post(CODE_FORM, auth={"Authorization": header}), 401,
                              "invalid_client")

    assert "not valid HTTP Basic credentials" in body["error_description"]


def test_authorization_scheme_is_case_insensitive(
    client: TokenClient, issue_code: IssueCode
) -> None:
    raw = base64.b64encode(f"{APP.client_id}:{APP.client_secret}".encode()).decode()
    form = {"grant_type": "authorization_code", "code": issue_code().code}

    assert client.post(form, auth={"authorization": f"basic {raw}"}).status_code == 200


@pytest.mark.parametrize("grant_type", ["client_credentials", "password", "implicit"])
def test_unsupported_grant_type(client: TokenClient, grant_type: str) -> None:
    body = assert_oauth_error(client.post({"grant_type": grant_type}), 400,
                              "unsupported_grant_type")

    assert body["error_description"].startswith(f"grant_type={grant_type} is not supported")


def test_missing_grant_type(client: TokenClient) -> None:
    assert_oauth_error(client.post({"code": "x"}), 400, "invalid_request")


def test_parameters_in_the_query_string_are_not_read(client: TokenClient) -> None:
    response = client.post(None, params={"grant_type": "authorization_code", "code": "x"})

    assert_oauth_error(response, 400, "invalid_request")


def test_json_body_is_an_invalid_request(client: TokenClient) -> None:
    response = client.post(json={"grant_type": "authorization_code", "code": "x"})

    body = assert_oauth_error(response, 400, "invalid_request")
    assert "application/x-www-form-urlencoded" in body["error_description"]


@pytest.mark.parametrize("content_type", [
    "multipart/form-data; boundary=xyz", "multipart/form-data", "text/plain",
])
def test_unreadable_body_is_an_invalid_request(client: TokenClient, content_type: str) -> None:
    response = client.post(content=b"\x00\xffgarbage--", headers={"content-type": content_type})

    assert_oauth_error(response, 400, "invalid_request")


def test_multipart_form_is_read(client: TokenClient, issue_code: IssueCode) -> None:
    form = {"grant_type": "authorization_code", "code": issue_code().code}

    response = client.post(files={k: (None, v) for k, v in form.items()})

    assert response.status_code == 200, response.text


def test_repeated_parameter_is_an_invalid_request(client: TokenClient) -> None:
    response = client.post(content=b"grant_type=authorization_code&code=a&code=b",
                           headers={"content-type": "application/x-www-form-urlencoded"})

    body = assert_oauth_error(response, 400, "invalid_request")
    assert "'code'" in body["error_description"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_only_post_is_allowed(client: TokenClient, method: str) -> None:
    response = client.request(method)

    assert_oauth_error(response, 405, "invalid_request")
    assert response.headers["allow"] == "POST"


def test_error_responses_carry_a_request_id(client: TokenClient) -> None:
    assert len(client.post(CODE_FORM, auth={}).headers["sc-request-id"]) == 36


@pytest.mark.parametrize(("base_url", "allowed"), [
    ("http://testserver", False),  # a docker service name looks the same
    ("https://testserver", True),
    ("http://localhost:8765", True),
    ("http://127.0.0.1:8765", True),
])
def test_transport_rule_when_insecure_transport_is_off(
    world: World, issue_code: IssueCode, base_url: str, allowed: bool
) -> None:
    app = create_app(Settings(insecure_transport=False), world=world)
    client = TokenClient(app, base_url=base_url)

    response = client.exchange(issue_code().code, redirect_uri=EXCHANGE)

    if allowed:
        assert response.status_code == 200, response.text
    else:
        body = assert_oauth_error(response, 400, "insecure_transport")
        assert "MOCKCAR_INSECURE_TRANSPORT" in body["error_description"]


def test_insecure_transport_on_serves_plain_http_to_any_host(
    world: World, issue_code: IssueCode
) -> None:
    app = create_app(Settings(insecure_transport=True), world=world)

    response = TokenClient(app, base_url="http://mockcar:8765").exchange(issue_code().code)

    assert response.status_code == 200, response.text


def test_valid_credentials_pass(client: TokenClient, issue_code: IssueCode) -> None:
    form = {"grant_type": "authorization_code", "code": issue_code().code}

    assert client.post(form, auth=APP_AUTH).status_code == 200

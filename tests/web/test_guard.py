"""The guard in front of every route (mockcar.web.guard) through HTTP: which Host and
Origin reach the control API and the home page, the control token, JSON-only control
bodies, body and header size limits in each host's error shape, security headers, and
paths no route pattern matches (an encoded newline) answered in their host's shape.
Over a live server, where connections matter: test_guard_live.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockcar import basic_auth
from mockcar.app import create_app
from mockcar.settings import Settings
from mockcar.web.control import routes as control

LOCAL = "http://localhost:8765"
DEEP = b"[" * 1000 + b"]" * 1000
JSON = {"content-type": "application/json"}


def client_for(settings: Settings | None = None, base_url: str = LOCAL) -> TestClient:
    return TestClient(create_app(settings or Settings()), base_url=base_url)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with client_for() as http:
        yield http


def registered(http: TestClient, **headers: str) -> dict[str, Any]:
    answer = http.post("/_mockcar/applications", json={}, headers=headers)
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def signed_in(http: TestClient) -> tuple[dict[str, Any], dict[str, str], str]:
    """A fresh application, alice's access token for it, and her first vehicle."""
    application = registered(http)
    answer = http.post(f"/_mockcar/applications/{application['client_id']}/connect",
                       headers=management(application),
                       json={"email": "alice@example.com", "exchange": True})
    assert answer.status_code == 200, answer.text
    token = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    vehicle = http.get("/v2.0/vehicles", headers=token).json()["vehicles"][0]
    return application, token, vehicle


def management(application: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {application['management_token']}"}


def control_shape(answer: Any, status: int) -> str:
    body = answer.json()
    assert answer.status_code == status and body["status"] == status, answer.text
    assert set(body) <= {"error", "message", "status", "problems"}
    message: str = body["message"]
    return message


def v2_shape(answer: Any, status: int) -> None:
    body = answer.json()
    assert answer.status_code == status and body["statusCode"] == status, answer.text
    assert body["requestId"] == answer.headers["sc-request-id"]
    assert {"type", "code", "description", "docURL", "resolution"} <= set(body)


def v3_shape(answer: Any, status: int) -> dict[str, Any]:
    body = answer.json()
    assert answer.status_code == status and set(body) == {"errors"}, answer.text
    [error] = body["errors"]
    assert error["status"] == str(status)
    return dict(error)


# -- Host --------------------------------------------------------------------------------


@pytest.mark.parametrize("base_url", [
    "http://localhost:8765", "http://127.0.0.1:8765", "http://[::1]:8765",
    "http://127.0.0.2", "http://app.localhost:8765", "http://LOCALHOST.",
])
def test_loopback_hosts_reach_the_control_api_and_the_home_page(base_url: str) -> None:
    with client_for(base_url=base_url) as http:
        assert http.get("/_mockcar/health").status_code == 200
        assert http.get("/").status_code == 200
        assert http.post("/_mockcar/clock/advance", json={"hours": 1}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "testserver", "127.0.0.1.nip.io",
                                  "10.0.0.7", "mockcar"])
def test_a_foreign_host_is_refused_with_the_setting_named(host: str) -> None:
    with client_for(base_url=f"http://{host}:8765") as http:
        world = http.app.state.world  # type: ignore[attr-defined]
        before = world.now()
        refused = http.post("/_mockcar/clock/advance", json={"hours": 5})
        assert "MOCKCAR_ALLOWED_HOSTS" in control_shape(refused, 421)
        assert world.now() - before < _hours(1)
        for path in ("/_mockcar/state", "/postman/environment.json"):
            assert http.get(path).status_code == 421
        page = http.get("/")
        assert page.status_code == 421 and page.headers["content-type"].startswith("text/html")
        assert "MOCKCAR_ALLOWED_HOSTS" in page.text and world.applications  # no secret
        assert not any(a.client_secret in page.text for a in world.applications.values())
        # The Smartcar hosts answer whatever name mockcar is reached by (docker networks).
        assert http.get("/v2.0/vehicles").status_code == 401
        assert http.get("/openapi.json").status_code == 200


def _hours(n: int) -> Any:
    from datetime import timedelta

    return timedelta(hours=n)


def test_allowed_hosts_the_public_url_and_the_bound_address_are_served() -> None:
    settings = Settings(public_url="http://mock.test:9000", allowed_hosts=("mockcar",),
                        host="192.168.5.9")
    for host in ("mock.test", "mockcar:8765", "192.168.5.9:8765", "localhost"):
        with client_for(settings, f"http://{host}") as http:
            assert http.get("/_mockcar/health").status_code == 200, host
    with client_for(settings, "http://10.0.0.7:8765") as http:
        assert http.get("/_mockcar/health").status_code == 421


def test_bound_to_every_interface_any_address_is_served_but_no_other_name() -> None:
    settings = Settings(host="0.0.0.0")
    for host, status in (("10.0.0.7:8765", 200), ("[fd00::7]:8765", 200),
                         ("evil.example", 421)):
        with client_for(settings, f"http://{host}") as http:
            assert http.get("/_mockcar/health").status_code == status, host


def test_a_star_serves_any_host() -> None:
    with client_for(Settings(allowed_hosts=("*",)), "http://anything.example") as http:
        assert http.get("/_mockcar/health").status_code == 200
        assert http.get("/").status_code == 200


def test_the_settings_come_from_the_environment() -> None:
    settings = Settings.from_env({
        "MOCKCAR_ALLOWED_HOSTS": " mockcar, Proxy.Example ,,", "MOCKCAR_CONTROL_TOKEN": "s3",
        "MOCKCAR_MAX_BODY_BYTES": "1000", "MOCKCAR_MAX_SCENARIO_BYTES": "5000"})
    assert settings.allowed_hosts == ("mockcar", "proxy.example")
    assert (settings.control_token, settings.max_body_bytes,
            settings.max_scenario_bytes) == ("s3", 1000, 5000)
    for raw in ("lots", "0", "-1"):
        with pytest.raises(ValueError, match="MOCKCAR_MAX_BODY_BYTES"):
            Settings.from_env({"MOCKCAR_MAX_BODY_BYTES": raw})


# -- Origin and content type of state-changing control requests -------------------------


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost.evil.example",
                                    "http://127.0.0.1.nip.io:8765"])
def test_a_web_page_of_another_origin_cannot_reset_or_move_the_clock(
        client: TestClient, origin: str) -> None:
    application = registered(client)
    world = client.app.state.world  # type: ignore[attr-defined]
    before = world.now()
    refused = client.post("/_mockcar/clock/advance", json={"hours": 5},
                          headers={"origin": origin})
    assert "MOCKCAR_ALLOWED_HOSTS" in control_shape(refused, 403)
    assert world.now() - before < _hours(1)
    assert client.post("/_mockcar/reset", headers={"origin": origin}).status_code == 403
    # The application registered before is still there: nothing was reset.
    assert client.get(f"/_mockcar/applications/{application['client_id']}/state",
                      headers=management(application)).status_code == 200
    # Reading is not refused: without CORS headers a page cannot read the answer.
    assert client.get("/_mockcar/clock", headers={"origin": origin}).status_code == 200


def test_a_cross_site_fetch_without_origin_is_refused_too(client: TestClient) -> None:
    refused = client.post("/_mockcar/reset", headers={"sec-fetch-site": "cross-site"})
    control_shape(refused, 403)
    assert client.post("/_mockcar/reset", headers={"sec-fetch-site": "same-origin"}
                       ).status_code == 200


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:8765",
                                    "http://[::1]:5173"])
def test_pages_on_loopback_may_drive_the_control_api(client: TestClient, origin: str) -> None:
    assert client.post("/_mockcar/clock/advance", json={"hours": 1},
                       headers={"origin": origin}).status_code == 200


@pytest.mark.parametrize(("content_type", "body"), [
    ("text/plain", b'{"hours": 1}'),
    ("application/x-www-form-urlencoded", b'{"hours": 1}'),
    ("multipart/form-data; boundary=x", b"--x--"),
    (None, b'{"hours": 1}'),
])
def test_control_bodies_must_be_json(client: TestClient, content_type: str | None,
                                     body: bytes) -> None:
    headers = {"content-type": content_type} if content_type else {}
    refused = client.post("/_mockcar/clock/advance", content=body, headers=headers)
    assert "Content-Type: application/json" in control_shape(refused, 415)


def test_json_with_a_charset_or_a_json_suffix_and_an_empty_post_pass(
        client: TestClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.test+json"):
        assert client.post("/_mockcar/clock/advance", content=b'{"hours": 1}',
                           headers={"content-type": content_type}).status_code == 200
    assert client.post("/_mockcar/reset").status_code == 200  # no body, no type: curl -X POST


# -- The control token ---------------------------------------------------------------------


def test_a_control_token_guards_every_control_route_and_the_dashboard() -> None:
    with client_for(Settings(control_token="s3cret")) as http:
        for method, path in (("GET", "/_mockcar/health"), ("GET", "/_mockcar/state"),
                             ("POST", "/_mockcar/reset"), ("GET", "/_mockcar/nowhere")):
            refused = http.request(method, path)
            assert "MOCKCAR_CONTROL_TOKEN" in control_shape(refused, 401), path
            assert refused.headers["www-authenticate"].startswith("Bearer")
            wrong = http.request(method, path, headers={"Authorization": "Bearer s3cre"})
            assert wrong.status_code == 401
        token = {"Authorization": "Bearer s3cret"}
        assert http.get("/_mockcar/health", headers=token).status_code == 200
        application = registered(http, **token)
        scoped = f"/_mockcar/applications/{application['client_id']}/state"
        # The control token stands for the application's own credentials ...
        assert http.get(scoped, headers=token).status_code == 200
        # ... which open that application's own World and nothing else.
        assert http.get(scoped, headers=management(application)).status_code == 200
        assert http.get("/_mockcar/state", headers=management(application)).status_code == 401
        assert http.get(scoped).status_code == 401
        # The Smartcar hosts do not ask for it; the dashboard asks a browser for it.
        assert http.get("/v2.0/vehicles").json()["type"] == "AUTHENTICATION"
        page = http.get("/")
        assert page.status_code == 401 and "MOCKCAR_CONTROL_TOKEN" in page.text
        assert page.headers["www-authenticate"].startswith("Basic ")
        browser = {"Authorization": basic_auth.encode("anyone", "s3cret")}
        assert http.get("/", headers=browser).status_code == 200
        # What the browser then sends with the page's control calls opens them too.
        assert http.get("/_mockcar/health", headers=browser).status_code == 200
        mistyped = {"Authorization": basic_auth.encode("anyone", "s3cre")}
        assert http.get("/", headers=mistyped).status_code == 401
        assert http.get("/_mockcar/health", headers=mistyped).status_code == 401


def test_on_a_shared_server_only_a_run_time_application_opens_its_world_itself() -> None:
    with client_for(Settings(control_token="s3cret")) as http:
        token = {"Authorization": "Bearer s3cret"}
        # Registering is the server's: the token only.
        assert http.post("/_mockcar/applications", json={}).status_code == 401
        first, second = registered(http, **token), registered(http, **token)
        own = f"/_mockcar/applications/{first['client_id']}"
        basic = {"Authorization": basic_auth.encode(first["client_id"], first["client_secret"])}
        for headers in (management(first), basic):
            assert http.post(own + "/clock/advance", json={"seconds": 60},
                             headers=headers).status_code == 200
        assert http.get(own + "/clock", headers=management(second)).status_code == 401
        assert http.get(own + "/clock", headers=basic_auth_wrong(first)).status_code == 401
        # The guard's other checks still hold for the application's own routes.
        crossed = http.post(own + "/clock/advance", json={"seconds": 60},
                            headers={**management(first), "Origin": "https://evil.example"})
        assert crossed.status_code == 403
        # A scenario application shares the scenario's World, which is the token's.
        demo = http.get("/_mockcar/state", headers=token).json()["applications"][0]
        scenario_app = http.app.state.world.application(demo["client_id"])  # type: ignore[attr-defined]
        shared = f"/_mockcar/applications/{scenario_app.client_id}/clock"
        refused = http.get(shared, headers={
            "Authorization": f"Bearer {scenario_app.management_token}"})
        assert "MOCKCAR_CONTROL_TOKEN" in control_shape(refused, 401)
        assert http.get(shared, headers=token).status_code == 200
        # An unknown application is not told apart from a refused one without the token.
        assert http.get("/_mockcar/applications/nobody/clock").status_code == 401


def basic_auth_wrong(application: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": basic_auth.encode(application["client_id"], "wrong")}


# -- sizes ----------------------------------------------------------------------------------


SMALL = Settings(max_body_bytes=1000, max_scenario_bytes=6000)


def test_a_declared_body_over_the_limit_is_refused_in_each_host_shape() -> None:
    big = b"x" * 1001
    with client_for(SMALL) as http:
        answer = http.post("/_mockcar/clock/advance", content=big, headers=JSON)
        assert "MOCKCAR_MAX_BODY_BYTES" in control_shape(answer, 413)
        assert answer.headers["connection"] == "close"
        v2_shape(http.post("/v2.0/vehicles/x/security", content=big, headers=JSON), 413)
        v3_shape(http.post("/v3/vehicles/x/commands/security/lock", content=big,
                           headers=JSON), 413)
        management_error = v3_shape(http.post("/v3/subscriptions", content=big,
                                              headers=JSON), 413)
        assert management_error["code"] == "too_large"
        token = http.post("/oauth/token", content=big,
                          headers={"content-type": "application/x-www-form-urlencoded"})
        assert (token.status_code, token.json()["error"]) == (413, "invalid_request")
        page = http.post("/oauth/authorize/x/sign-in", content=big,
                         headers={"content-type": "application/x-www-form-urlencoded"})
        assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
        assert page.headers["x-frame-options"] == "DENY"


def test_a_chunked_body_is_capped_while_read_and_passes_whole_under_the_cap() -> None:
    def chunks(total: int) -> Iterator[bytes]:
        text = b'{"hours": 1' + b" " * (total - 12) + b"}"
        yield from (text[i:i + 100] for i in range(0, len(text), 100))

    with client_for(SMALL) as http:
        refused = http.post("/_mockcar/clock/advance", content=chunks(1500), headers=JSON)
        assert refused.request.headers["transfer-encoding"] == "chunked"
        control_shape(refused, 413)
        v3_shape(http.post("/v3/vehicles/x/commands/security/lock",
                           content=chunks(1500), headers=JSON), 413)
        passed = http.post("/_mockcar/clock/advance", content=chunks(900), headers=JSON)
        assert passed.status_code == 200, passed.text


def test_registering_an_application_takes_a_larger_scenario() -> None:
    yaml = "version: 1\n# " + "x" * 3000 + "\nowners: []\n"
    with client_for(SMALL) as http:
        assert http.post("/_mockcar/applications", json={"scenario_yaml": yaml}
                         ).status_code == 201
        assert http.post("/_mockcar/clock/set", json={"at": "2030-01-01T00:00:00Z",
                                                       "pad": "x" * 3000}).status_code == 413
        too_big = http.post("/_mockcar/applications",
                            json={"scenario_yaml": yaml + "#" + "x" * 3000})
        assert "MOCKCAR_MAX_SCENARIO_BYTES" in control_shape(too_big, 413)


def test_headers_over_64_kib_are_refused_with_431(client: TestClient) -> None:
    padding = {f"x-pad-{i}": "p" * 8000 for i in range(9)}
    control_shape(client.get("/_mockcar/health", headers=padding), 431)
    v2_shape(client.get("/v2.0/vehicles", headers=padding), 431)
    v3_shape(client.get("/v3/vehicles/x", headers=padding), 431)
    some = {f"x-pad-{i}": "p" * 8000 for i in range(7)}
    assert client.get("/_mockcar/health", headers=some).status_code == 200


# -- deeply nested JSON -----------------------------------------------------------------------


def test_deep_json_is_a_400_in_every_endpoints_shape(client: TestClient) -> None:
    application, token, vehicle = signed_in(client)
    for path in ("security", "charge", "charge/limit", "navigation/destination", "batch"):
        v2_shape(client.post(f"/v2.0/vehicles/{vehicle}/{path}", content=DEEP,
                             headers={**token, **JSON}), 400)
    # v3 commands take an application token with the owner's sc-user-id.
    issued = client.post("/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": application["client_id"],
        "client_secret": application["client_secret"]}).json()
    app_token = {"Authorization": f"Bearer {issued['access_token']}"}
    connections = client.get("/v3/connections", params={"filter[vehicleId]": vehicle},
                             headers=app_token).json()["data"]
    user = {"sc-user-id": connections[0]["relationships"]["user"]["data"]["id"]}
    for path in ("security/lock", "charge/start", "charge/set-limit",
                 "navigation/set-destination"):
        v3_shape(client.post(f"/v3/vehicles/{vehicle}/commands/{path}", content=DEEP,
                             headers={**app_token, **user, **JSON}), 400)
    answer = client.post("/v3/subscriptions", content=DEEP,
                         headers={**management(application), **JSON})
    assert v3_shape(answer, 400)["code"] == "bad_request"
    posts = [path for path, methods in control.served().items() if "POST" in methods]
    assert len(posts) > 30
    for path in posts:
        concrete = path.format(client_id=application["client_id"], vehicle_id=vehicle,
                               fault_id="f", webhook_id="w")
        answer = client.post(concrete, content=DEEP, headers={**management(application),
                                                              **JSON})
        assert "nested deeper than 64" in control_shape(answer, 400), path
    # The journal shows such a body without choking on it.
    journal = client.get(f"/_mockcar/applications/{application['client_id']}/journal",
                         headers=management(application))
    assert journal.status_code == 200
    assert "not valid JSON" in journal.text


def test_nesting_up_to_the_limit_is_still_json(client: TestClient) -> None:
    nested = "[" * 62 + "{}" + "]" * 62  # 64 deep, the outer object included
    answer = client.post("/_mockcar/clock/advance", content=f'{{"hours": {nested}}}',
                         headers=JSON)
    assert control_shape(answer, 400) == "The request body has problems; see `problems`."
    deeper = "[" + nested + "]"
    answer = client.post("/_mockcar/clock/advance", content=f'{{"hours": {deeper}}}',
                         headers=JSON)
    assert "nested deeper than 64" in control_shape(answer, 400)
    # Width costs nothing: a long flat list is no deeper than a short one.
    flat = "[" + ",".join(["[1]"] * 50_000) + "]"
    answer = client.post("/_mockcar/clock/advance", content=f'{{"hours": {flat}}}',
                         headers=JSON)
    assert control_shape(answer, 400) == "The request body has problems; see `problems`."


# -- paths no route pattern matches -------------------------------------------------------------


def test_an_encoded_newline_is_answered_in_its_hosts_shape(client: TestClient) -> None:
    error = v3_shape(client.get("/v3/a%0Ab"), 404)
    assert (error["type"], error["code"]) == ("RESOURCE_NOT_FOUND", "PATH")
    page = client.get("/oauth/authorize/x%0Ay")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert page.headers["x-frame-options"] == "DENY"
    v2_shape(client.get("/v2.0/x%0Ay"), 404)
    control_shape(client.get("/_mockcar/x%0A"), 404)
    control_shape(client.post("/_mockcar/a%0Ab/c", json={}), 404)
    v3_shape(client.delete("/v3/x%0A/y"), 404)


# -- security headers --------------------------------------------------------------------------


def test_every_response_says_nosniff_and_every_page_has_a_policy(client: TestClient) -> None:
    answers = [client.get(p) for p in ("/v2.0/vehicles", "/v3/vehicles/x", "/_mockcar/health",
                                       "/openapi.json", "/nowhere", "/oauth/authorize", "/")]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.url
    for page in answers[-2:]:
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["x-frame-options"] == "DENY"
        policy = page.headers.get_list("content-security-policy")
        assert len(policy) == 1 and "frame-ancestors 'none'" in policy[0]
        assert "default-src 'none'" in policy[0]


def test_an_unexpected_failure_says_nosniff_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockcar.web.dashboard import start

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    # The Start here page's handler fails; the app-wide handler answers, outside the guard.
    monkeypatch.setattr(start, "sdk_environment", broken)
    with TestClient(create_app(Settings()), base_url=LOCAL,
                    raise_server_exceptions=False) as http:
        failed = http.get("/")
    assert failed.status_code == 500 and failed.json()["type"] == "SERVER"
    assert failed.headers["x-content-type-options"] == "nosniff"

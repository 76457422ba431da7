"""The generated Postman collection and environment, read as JSON: complete against the
route tables (a new vehicle endpoint or control route without a request fails here),
Smartcar's folders, collection-level OAuth 2.0, a test script on every request, and every
variable defined before a request uses it."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest

from mockcar.domain.vehicles import capabilities
from mockcar.domain.world.clock import Clock
from mockcar.domain.world.scopes import PERMISSIONS
from mockcar.domain.world.world import World
from mockcar.web import v2
from mockcar.web.control.routes import served
from mockcar.web.docs.openapi import operations as openapi_operations
from mockcar.web.docs.openapi.vehicle_endpoints import REQUESTS
from mockcar.web.docs.postman import collection as postman
from mockcar.web.docs.postman import control_tour as postman_control
from mockcar.web.docs.postman import setup_folder as postman_setup
from mockcar.web.docs.postman import v2_folders as postman_smartcar
from mockcar.web.docs.postman import v3_folders as postman_v3
from mockcar.web.docs.postman.model import SCHEMA_URL
from mockcar.web.docs.postman.v2_folders import FOLDERS
from tests.postman.conftest import BASE_URL, requests, script

Route = tuple[str, str]
VARIABLE = re.compile(r"\{\{([^{}$]+)\}\}")
STORED = re.compile(r'pm\.environment\.set\("(\w+)"')


def shape(path: str) -> str:
    """A path with every parameter blanked and the API version generic, so a route
    template and a request URL with variables compare."""
    path = re.sub(r"\{\{[^{}]+\}\}|\{\w+(:\w+)?\}", "{}", path)
    return re.sub(r"^/v(\d+\.\d+|\{\})(?=/)", "/v{}", path)


def sent(collection: dict[str, Any]) -> set[Route]:
    """(method, path shape) of every request of the collection."""
    found = set()
    for _, item in requests(collection["item"]):
        url = item["request"]["url"]
        found.add((item["request"]["method"], shape("/" + "/".join(url["path"]))))
    return found


def test_every_vehicle_endpoint_has_a_request(collection: dict[str, Any]) -> None:
    wanted = {(method, shape(v2.VEHICLE + path)) for method, path in v2.VEHICLE_ENDPOINTS}
    assert len(wanted) == len(v2.VEHICLE_ENDPOINTS) > 60
    assert wanted - sent(collection) == set()


def test_every_control_route_has_a_request(collection: dict[str, Any]) -> None:
    wanted = {(method, shape(path)) for path, methods in served().items() for method in methods}
    assert len(wanted) > 40
    assert wanted - sent(collection) == set()
    # ...and a step of the tour describes each: no generic placeholder request.
    assert postman_control.undescribed() == [], (
        "describe these control routes with a Step in mockcar/web/docs/postman/control_tour.py "
        "(body, what to store), so newman can run them in order")
    assert postman_control.UNDESCRIBED not in json.dumps(collection)


def test_every_platform_route_has_a_request(collection: dict[str, Any]) -> None:
    wanted = {(method, shape(path)) for method, path in openapi_operations.OPERATIONS
              if path.startswith("/v{version}/") and not path.endswith("/")}
    wanted |= {("POST", "/oauth/token"), ("GET", "/oauth/authorize")}
    assert {("GET", "/v{}/compatibility/matrix"), ("DELETE", "/v{}/management/connections")} \
        <= wanted
    assert wanted - sent(collection) == set()


def test_general_endpoints_each_have_a_smartcar_folder() -> None:
    general = {key for key in v2.VEHICLE_ENDPOINTS
               if not (found := capabilities.endpoint(*key)) or not found.make_specific}
    assert general - set(FOLDERS) == set()


def test_folders_mirror_smartcars_collection(collection: dict[str, Any]) -> None:
    names = [item["name"] for item in collection["item"]]
    assert names[0] == "Setup (headless)"
    assert names[-1] == "mockcar control API"
    for folder in ("All Vehicles", "Vehicle Info", "EV Battery Level", "Lock/Unlock",
                   "Control Charge", "Charge Limit", "Batch", "Make specific", "Management",
                   "Compatibility"):
        assert folder in names
    make_specific = next(i for i in collection["item"] if i["name"] == "Make specific")
    assert sorted(i["name"].lower() for i in make_specific["item"]) == sorted(
        capabilities.BRAND_SEGMENTS)


def test_collection_auth_is_oauth2_authorization_code_for_the_demo_application(
    collection: dict[str, Any], world: World,
) -> None:
    assert collection["info"]["schema"] == SCHEMA_URL
    auth = collection["auth"]
    assert auth["type"] == "oauth2"
    settings = {entry["key"]: entry["value"] for entry in auth["oauth2"]}
    demo = next(iter(world.applications.values()))
    assert settings["grant_type"] == "authorization_code"
    assert settings["authUrl"].startswith("{{baseUrl}}/oauth/authorize")
    assert settings["accessTokenUrl"] == "{{baseUrl}}/oauth/token"
    assert (settings["clientId"], settings["clientSecret"]) == (demo.client_id,
                                                                demo.client_secret)
    assert settings["redirect_uri"] == "https://oauth.pstmn.io/v1/browser-callback"
    assert settings["redirect_uri"] in demo.redirect_uris
    assert settings["client_authentication"] == "header"  # "Send as Basic Auth header"
    assert settings["accessToken"] == "{{access_token}}"
    # The scope covers every permission an endpoint needs.
    needed = {e.permission for e in capabilities.ENDPOINTS if e.permission}
    assert needed <= set(settings["scope"].split()) == PERMISSIONS


def test_every_request_has_a_test_script_on_its_status_and_answer(
    collection: dict[str, Any],
) -> None:
    items = list(requests(collection["item"]))
    assert len(items) == len(postman.calls())
    for trail, item in items:
        text = script(item)
        where = " / ".join((*trail, item["name"]))
        assert re.search(r"pm\.response\.to\.have\.status\(\d{3}\);", text), where
        assert re.search(r"to\.have\.property\(|to\.be\.an\(\"array\"\)|\.text\(\)\)\.to\."
                         r"include\(", text) or (
            "pm.response.to.have.status(204);" in text
            and 'pm.expect(pm.response.text()).to.equal("");' in text), where


def test_all_vehicles_stores_the_vehicle_id(collection: dict[str, Any]) -> None:
    folder = next(i for i in collection["item"] if i["name"] == "All Vehicles")
    first = folder["item"][0]
    assert first["request"]["url"]["raw"] == "{{baseUrl}}/v2.0/vehicles"
    assert 'pm.environment.set("vehicle_id", value)' in script(first)
    assert "body.vehicles[0]" in script(first)


def test_setup_gets_a_token_through_headless_connect(collection: dict[str, Any]) -> None:
    setup = collection["item"][0]["item"]
    last = setup[-1]
    assert last["request"]["method"] == "POST"
    assert last["request"]["url"]["raw"] == (
        "{{baseUrl}}/_mockcar/applications/{{client_id}}/connect")
    assert json.loads(last["request"]["body"]["raw"])["exchange"] is True
    assert last["request"]["auth"]["type"] == "basic"
    assert 'pm.environment.set("access_token"' in script(last)
    # The cars come first, one per role, to a fresh owner chosen before the first.
    assert len(setup) == len(postman_setup.vehicles()) + 1
    assert 'pm.environment.set("owner_email"' in script(setup[0], "prerequest")


def test_variables_are_defined_before_a_request_uses_them(
    collection: dict[str, Any], environment: dict[str, Any],
) -> None:
    defined = {v["key"] for v in environment["values"] if v["value"]}
    defined |= {v["key"] for v in collection["variable"]}
    inherited = json.dumps(collection["auth"])
    for trail, item in requests(collection["item"]):
        defined |= set(STORED.findall(script(item, "prerequest")))
        request = item["request"]
        used = set(VARIABLE.findall(json.dumps(request)))
        if "auth" not in request:
            used |= set(VARIABLE.findall(inherited))
        assert used - defined == set(), " / ".join((*trail, item["name"]))
        defined |= set(STORED.findall(script(item)))


def test_the_environment_holds_credentials_and_every_stored_variable(
    collection: dict[str, Any], environment: dict[str, Any], world: World,
) -> None:
    values = {v["key"]: v for v in environment["values"]}
    demo = next(iter(world.applications.values()))
    assert values["baseUrl"]["value"] == BASE_URL
    assert values["client_id"]["value"] == demo.client_id
    assert values["management_token"]["value"] == demo.management_token
    assert values["webhook_id"]["value"] == demo.webhooks[0].id
    for secret in ("client_secret", "management_token", "access_token", "refresh_token"):
        assert values[secret]["type"] == "secret"
    stored = {name for _, item in requests(collection["item"])
              for name in STORED.findall(script(item) + script(item, "prerequest"))}
    assert stored <= set(values)
    assert environment["_postman_variable_scope"] == "environment"


def test_example_bodies_match_the_documented_request_schemas(
    collection: dict[str, Any],
) -> None:
    control = {(method, shape(path)): operation.request
               for path, methods in served().items()
               for method, (operation, _) in methods.items()}
    vehicle = {(method, shape(v2.VEHICLE + path)): schema
               for (method, path), schema in REQUESTS.items()}
    vehicle |= {(method, shape(path)): schema for method, path in postman_v3.routes()
                if (schema := postman_v3.request_schema((method, path))) is not None}
    checked = 0
    for trail, item in requests(collection["item"]):
        request = item["request"]
        if request.get("body", {}).get("mode") != "raw":
            continue
        key = (request["method"], shape("/" + "/".join(request["url"]["path"])))
        schema = vehicle.get(key) or control.get(key)
        assert schema is not None, f"{key} has a body but no documented request schema"
        body = json.loads(request["body"]["raw"])
        jsonschema.validate(body, schema)
        checked += 1
    assert checked > 40


def test_each_vehicle_request_targets_a_setup_car_that_can_answer_it(
    collection: dict[str, Any],
) -> None:
    cars = {car.variable: car for car in postman_setup.vehicles()}
    for trail, item in requests(collection["item"]):
        path = item["request"]["url"]["path"]
        if path[:2] != ["v2.0", "vehicles"] or len(path) < 3:
            continue
        car = cars[path[2].strip("{}")]
        sub_path = "/" + "/".join(path[3:]) if len(path) > 3 else ""
        target = capabilities.endpoint(item["request"]["method"], sub_path)
        if target is not None:
            assert capabilities.reason(car, target) is None, (car.label, sub_path)


def test_a_world_without_applications_still_makes_a_collection() -> None:
    documents = postman.documents(World(Clock(), seed=0), BASE_URL)
    settings = {e["key"]: e["value"]
                for e in documents[postman.COLLECTION_FILE]["auth"]["oauth2"]}
    assert settings["clientId"] == ""
    keys = {v["key"] for v in documents[postman.ENVIRONMENT_FILE]["values"]}
    assert "baseUrl" in keys and "client_secret" not in keys


@pytest.mark.parametrize("base_url", [BASE_URL, "http://mockcar:8765"])
def test_generation_is_deterministic(world: World, base_url: str) -> None:
    assert postman.documents(world, base_url) == postman.documents(world, base_url)
    assert postman.documents(world, base_url)[postman.ENVIRONMENT_FILE]["values"][0] == {
        "key": "baseUrl", "value": base_url, "type": "default", "enabled": True}


def folder_named(collection: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in collection["item"] if item["name"] == name)


def test_every_api_v3_route_has_a_request(collection: dict[str, Any]) -> None:
    routes = postman_v3.routes()
    assert {("POST", "/oauth2/token"), ("GET", "/v3/vehicles/{vehicle_id}/signals"),
            ("POST", "/v3/subscriptions"), ("DELETE", "/v3/users/{user_id}"),
            ("POST", "/v3/vehicles/{vehicle_id}/commands/security/lock")} <= routes
    assert len(routes) >= 17
    assert routes - postman_v3.called() == set(), (
        "call these API v3 routes with a Step in mockcar/web/docs/postman/v3_folders.py")
    v3 = folder_named(collection, postman_v3.FOLDER)
    found = {(item["request"]["method"], shape("/" + "/".join(item["request"]["url"]["path"])))
             for _, item in requests(v3["item"])}
    assert {(method, shape(path)) for method, path in routes} <= found


def test_api_v3_comes_after_v2_and_keeps_it(collection: dict[str, Any]) -> None:
    names = [item["name"] for item in collection["item"]]
    assert names.index(postman_v3.FOLDER) == len(names) - 2  # before the control API
    v2_requests = [item for trail, item in requests(collection["item"])
                   if trail[0] not in (postman_v3.FOLDER, "mockcar control API",
                                       "Setup (headless)")]
    v2_calls = [call for _, calls in postman_smartcar.folders() for call in calls]
    assert len(v2_calls) > 70
    assert [item["name"] for item in v2_requests] == [call.name for call in v2_calls]
    assert not [item for item in v2_requests if "/v3/" in item["request"]["url"]["raw"]
                or "oauth2" in item["request"]["url"]["raw"]]


def test_api_v3_signs_with_an_application_token_and_the_connections_user(
    collection: dict[str, Any],
) -> None:
    v3 = folder_named(collection, postman_v3.FOLDER)
    items = list(requests(v3["item"]))
    # First: the application token by client credentials, in the form body.
    _, first = items[0]
    request = first["request"]
    assert (request["method"], request["url"]["raw"]) == ("POST", "{{baseUrl}}/oauth2/token")
    assert request["auth"] == {"type": "noauth"}
    form = {p["key"]: p["value"] for p in request["body"]["urlencoded"]}
    assert form == {"grant_type": "client_credentials", "client_id": "{{client_id}}",
                    "client_secret": "{{client_secret}}"}
    assert 'pm.environment.set("application_token", value)' in script(first)
    # The folder fetches one by itself when none is stored or it is about to expire.
    folder_script = "\n".join(v3["event"][0]["script"]["exec"])
    assert v3["event"][0]["listen"] == "prerequest"
    assert "pm.sendRequest(" in folder_script and "/oauth2/token" in folder_script
    assert 'pm.environment.get("application_token_expires_at")' in folder_script
    # Connections give the user id every vehicle request sends.
    connections = next(item for _, item in items
                       if item["request"]["url"]["path"] == ["v3", "connections"])
    assert 'pm.environment.set("v3_user_id", value)' in script(connections)
    vehicle_requests = [item for _, item in items
                        if item["request"]["url"]["path"][:2] == ["v3", "vehicles"]]
    # the vehicle, two signal reads, six commands, an execution, four charge schedule calls
    assert len(vehicle_requests) == 14
    for item in vehicle_requests:
        headers = {h["key"]: h["value"] for h in item["request"]["header"]}
        assert headers["sc-user-id"] == "{{v3_user_id}}", item["name"]
        assert item["request"]["auth"] == {"type": "bearer", "bearer": [
            {"key": "token", "value": "{{application_token}}", "type": "string"}]}
    assert sum(1 for item in vehicle_requests
               if item["request"]["method"] == "POST" and "/commands/" in item["request"]["url"]["raw"]) == 6


def test_the_server_reset_is_skipped_unless_allow_reset_is_true(
    collection: dict[str, Any], environment: dict[str, Any],
) -> None:
    resets = [item for _, item in requests(collection["item"])
              if item["request"]["url"]["raw"] == "{{baseUrl}}/_mockcar/reset"]
    assert len(resets) == 1
    guard = script(resets[0], "prerequest")
    assert 'pm.variables.get("allowReset") !== "true"' in guard
    assert "pm.execution.skipRequest();" in guard
    values = {v["key"]: v["value"] for v in environment["values"]}
    assert values["allowReset"] == "false"


def test_control_requests_carry_the_control_token_when_the_environment_has_one(
    collection: dict[str, Any], environment: dict[str, Any],
) -> None:
    [event] = collection["event"]
    assert event["listen"] == "prerequest"
    text = "\n".join(event["script"]["exec"])
    assert 'pm.variables.get("controlToken")' in text
    assert 'startsWith("/_mockcar/")' in text
    assert 'authorizeUsing("bearer", {token: controlToken})' in text
    values = {v["key"]: v for v in environment["values"]}
    assert values["controlToken"]["value"] == ""
    assert values["controlToken"]["type"] == "secret"

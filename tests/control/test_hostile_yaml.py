"""Hostile `scenario_yaml` sent to `POST /_mockcar/applications` over HTTP: alias bombs,
control characters, lone surrogates, deep nesting. Each is a 422 naming the line (and
column), the server keeps answering, and a good scenario still registers after them."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockcar.settings import Settings
from mockcar.testing import MockcarServer

HOSTILE = Path(__file__).resolve().parents[1] / "scenario" / "bad" / "hostile"
INLINE = "<inline scenario>"


@pytest.fixture(scope="module")
def server() -> Iterator[MockcarServer]:
    with MockcarServer(Settings()) as running:
        yield running


@pytest.fixture
def http(server: MockcarServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def register(http: httpx.Client, text: str) -> httpx.Response:
    # json.dumps escapes a lone surrogate as \ud800, as a JSON client would send it
    body = json.dumps({"scenario_yaml": text})
    return http.post("/_mockcar/applications", content=body,
                     headers={"content-type": "application/json"})


def refused(http: httpx.Client, text: str) -> list[str]:
    answer = register(http, text)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert (body["error"], body["status"]) == ("invalid_scenario", 422)
    problems: list[str] = body["problems"]
    return problems


@pytest.mark.parametrize(("name", "first"), [
    ("alias_bomb_lists.yaml", f"{INLINE}:6: x-l4[3]: the alias *l3 repeats 11,111 values"),
    ("alias_bomb_merge.yaml", f"{INLINE}:6: x-m4.<<[2]: the alias *m3 repeats 12,666 values"),
    ("alias_bomb_vehicles.yaml", f"{INLINE}:9: owners[0].vehicles[1]: the alias *v3 repeats"),
    ("alias_fanout.yaml", f"{INLINE}:102: x-many[98]: the alias *w repeats 501 values"),
    ("recursive_alias.yaml", f"{INLINE}:2: owners[0].vehicles: an alias refers to"),
    ("deep_maps.yaml", f"{INLINE}:2: x-deep.a.a.a...a.a: nested more than 64 levels deep"),
    ("deep_lists.yaml", f"{INLINE}:2: not valid YAML: nested too deep"),
    ("control_character.yaml", f"{INLINE}:4: column 19: U+0008 (backspace) is not allowed"),
    ("missing_version_and_more.yaml", f"{INLINE}:1: version: required key is missing"),
])
def test_hostile_files_sent_inline_are_located(http: httpx.Client, name: str,
                                               first: str) -> None:
    problems = refused(http, (HOSTILE / name).read_text(encoding="utf-8"))
    assert problems[0].startswith(first), problems


@pytest.mark.parametrize(("text", "problem"), [
    ("version: 1\nseed: a\bb\n", f"{INLINE}:2: column 8: U+0008 (backspace) is not allowed"),
    ("version: 1\nseed: \0\n", f"{INLINE}:2: column 7: U+0000 (NUL) is not allowed"),
    ("version: 1\nseed: \ud800\n", (f"{INLINE}:2: column 7: U+D800 is half of a UTF-16 "
     "surrogate pair")),
    ("\ud83d", f"{INLINE}:1: column 1: U+D83D is half"),
])
def test_characters_yaml_refuses_are_a_422_with_the_position(
    http: httpx.Client, text: str, problem: str
) -> None:
    (found,) = refused(http, text)
    assert found.startswith(problem), found


def test_a_flood_of_values_is_refused(http: httpx.Client) -> None:
    (problem,) = refused(http, "version: 1\nx-flood: [" + "0," * 150_000 + "0]\n")
    assert problem.startswith(f"{INLINE}:2: x-flood[49995]: the document has more than 50,000 "
                              "values")


def test_the_server_still_answers_and_registers_after_the_bombs(http: httpx.Client) -> None:
    for name in ("alias_bomb_lists.yaml", "alias_bomb_merge.yaml", "alias_bomb_vehicles.yaml"):
        refused(http, (HOSTILE / name).read_text(encoding="utf-8"))
    assert http.get("/_mockcar/health").status_code == 200
    merged = """\
version: 1
x-car: &car {make: TESLA, model: Model 3, powertrain: BEV}
owners:
  - email: ana@example.com
    password: secret
    vehicles: [{<<: *car, vin: 5YJ3E1EA0NF000001}, {<<: *car, vin: 5YJ3E1EA0NF000002}]
"""
    answer = register(http, merged)
    assert answer.status_code == 201, answer.text
    assert answer.json()["scenario"]["source"] == "inline"


def test_other_requests_are_answered_while_a_large_scenario_builds(
    http: httpx.Client, server: MockcarServer
) -> None:
    # 12 values an owner: just under the budget of 50,000, about a second to read and build
    owners = "".join(f"  - email: o{i}@example.com\n    password: pw\n    vehicles:\n"
                     "      - {make: TESLA, model: Model 3}\n" for i in range(4000))
    body = json.dumps({"scenario_yaml": f"version: 1\nowners:\n{owners}"}).encode()
    head = (f"POST /_mockcar/applications HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    port = server.settings.port
    with socket.create_connection(("127.0.0.1", port), timeout=120) as registration:
        registration.sendall(head + body)
        # The whole request is sent: from here the server reads and builds it. Health
        # asked meanwhile, one after another, is answered unless the build blocks.
        healthy_meanwhile = 0
        while not select.select([registration], [], [], 0)[0]:
            if http.get("/_mockcar/health").status_code == 200:
                healthy_meanwhile += 1
        answer = b""
        while chunk := registration.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]
    # A build on the event loop lets at most the one health request in flight through.
    assert healthy_meanwhile >= 5

"""Malformed scenarios: every mistake is reported as `FILE:LINE: key.path: message`,
pointing at the line a user has to edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockcar.scenario import Problem, ScenarioError, load_scenario

BAD = Path(__file__).parent / "bad"

# (fixture, line, key path, text the message must contain)
CASES = [
    ("syntax_error.yaml", 5, "", "not valid YAML: expected ',' or ']'"),
    ("not_a_mapping.yaml", 2, "", "the top level must be a mapping"),
    ("empty.yaml", 1, "", "the file is empty"),
    ("missing_key.yaml", 3, "applications[0].client_secret", "required key is missing"),
    ("wrong_type.yaml", 8, "owners[0].vehicles[0].year", "must be an integer, got string '2021'"),
    ("bad_enum.yaml", 9, "owners[0].vehicles[1].powertrain",
     "must be one of BEV, PHEV, HEV, ICE, got 'EV'"),
    ("out_of_range.yaml", 9, "owners[0].vehicles[0].battery.level",
     "must be at most 1, got number 1.5"),
    ("unknown_key.yaml", 9, "owners[0].vehicles[0].location.lattitude",
     "unknown key; did you mean 'latitude'?"),
    ("duplicate_vehicle_id.yaml", 10, "owners[1].vehicles[0].id",
     "already used at owners[0].vehicles[0].id"),
    ("duplicate_vin.yaml", 8, "owners[0].vehicles[2].vin",
     "duplicate '5YJ3E1EA0NF123456', already used at owners[0].vehicles[0].vin"),
    ("duplicate_email.yaml", 5, "owners[1].email", "already used at owners[0].email"),
    ("duplicate_client_id.yaml", 8, "applications[1].client_id",
     "already used at applications[0].client_id"),
    ("relative_redirect_uri.yaml", 8, "applications[0].redirect_uris[1]",
     "must be an absolute URL"),
    ("no_redirect_uris.yaml", 6, "applications[0].redirect_uris", "at least 1 item"),
    ("battery_on_ice.yaml", 10, "owners[0].vehicles[0].battery",
     "ICE vehicles have no plug-in battery"),
    ("fuel_on_bev.yaml", 9, "owners[0].vehicles[0].fuel", "BEV vehicles have no fuel tank"),
    ("duplicate_yaml_key.yaml", 8, "owners[0].vehicles[0].make",
     "duplicate key (first given on line 6)"),
    ("unsupported_version.yaml", 2, "version", "unsupported version 2"),
    ("missing_version.yaml", 1, "version", "required key is missing"),
    ("bad_vin.yaml", 6, "owners[0].vehicles[0].vin", "must be 17 characters, not 16"),
    ("unquoted_norway.yaml", 5, "owners[0].country", "got boolean false"),
    ("charging_unplugged.yaml", 8, "owners[0].vehicles[0].charging",
     "cannot be true while plugged_in is false"),
    ("unknown_make.yaml", 6, "owners[0].vehicles[0].make", "DELOREAN is not in mockcar's catalog"),
    ("bad_seed.yaml", 2, "seed", "must be an integer, got string 'forty-two'"),
]


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.problems


@pytest.mark.parametrize(("name", "line", "key_path", "text"), CASES, ids=[c[0] for c in CASES])
def test_bad_fixture_is_located(name: str, line: int, key_path: str, text: str) -> None:
    path = BAD / name
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    first = caught.value.problems[0]
    assert (first.file, first.line, first.path) == (str(path), line, key_path)
    assert text in first.message
    prefix = f"{path}:{line}: {key_path}: " if key_path else f"{path}:{line}: "
    assert str(caught.value).splitlines()[0] == prefix + first.message


def test_every_fixture_is_covered() -> None:
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(
        [c[0] for c in CASES] + ["several_problems.yaml"]
    )


def test_all_problems_of_a_file_reported_at_once_in_line_order() -> None:
    path = BAD / "several_problems.yaml"
    assert [(p.line, p.path) for p in problems_of(path)] == [
        (3, "owners[0].email"),
        (6, "owners[0].vehicles[0].year"),
        (7, "owners[0].vehicles[0].odometer"),
    ]


def test_missing_file_is_one_line_without_a_line_number(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}: no such file"


def test_directory(tmp_path: Path) -> None:
    assert problems_of(tmp_path)[0].message == "is a directory, not a scenario file"


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    (problem,) = problems_of(path)
    assert (problem.line, problem.message) == (
        1, "looks like a binary file, not YAML text (a NUL byte at column 1)")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("version: 1\nowners:\n  - email: j\xf6rg@example.de\n".encode("latin-1"))
    (problem,) = problems_of(path)
    assert (problem.line, problem.message) == (
        3, "not UTF-8 text (byte 0xF6 at column 13); save the file as UTF-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


def test_several_documents(tmp_path: Path) -> None:
    (problem,) = problems_of(write(tmp_path, "version: 1\n---\nversion: 1\n"))
    assert problem.line == 2
    assert "expected a single document" in problem.message


def test_tab_indentation(tmp_path: Path) -> None:
    (problem,) = problems_of(write(tmp_path, "version: 1\nowners:\n\t- email: a@b.co\n"))
    assert problem.line == 3
    assert "'\\t'" in problem.message


def test_non_text_keys(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "version: 1\n1: one\nyes: two\n"))
    assert [(p.line, p.path) for p in problems] == [(2, "1"), (3, "yes")]
    assert "reads this one as bool; quote it" in problems[1].message


def test_unsafe_tags_are_refused(tmp_path: Path) -> None:
    (problem,) = problems_of(write(tmp_path, "version: 1\nx: !!python/object:os.system {}\n"))
    assert problem.line == 2
    assert "could not determine a constructor" in problem.message


def test_recursive_alias(tmp_path: Path) -> None:
    text = "version: 1\nowners: &o\n  - email: a@b.co\n    password: x\n    vehicles: *o\n"
    (problem,) = problems_of(write(tmp_path, text))
    assert (problem.line, problem.path) == (2, "owners[0].vehicles")


def test_dates_and_versions_are_described(tmp_path: Path) -> None:
    (problem,) = problems_of(write(tmp_path, "version: 1\nseed: 2024-05-01\n"))
    assert problem.message == "must be an integer, got date 2024-05-01"
    (problem,) = problems_of(write(tmp_path, "version: yes\n"))
    assert problem.message == "must be 1, got boolean true"


def test_battery_field_on_a_hybrid_and_level_zero_range(tmp_path: Path) -> None:
    text = """\
version: 1
owners:
  - email: a@b.co
    password: x
    vehicles:
      - powertrain: HEV
        charge_limit: 0.8
      - powertrain: BEV
        battery: {level: 0, range: 20}
"""
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.path) for p in problems] == [
        (7, "owners[0].vehicles[0].charge_limit"),
        (9, "owners[0].vehicles[1].battery.range"),
    ]


def test_model_outside_catalog_needs_a_make(tmp_path: Path) -> None:
    text = "version: 1\nowners:\n  - email: a@b.co\n    password: x\n    vehicles:\n" \
           "      - model: Roadster\n      - make: TESLA\n        powertrain: ICE\n"
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.path) for p in problems] == [
        (6, "owners[0].vehicles[0].model"),
        (8, "owners[0].vehicles[1].powertrain"),
    ]
    assert "give a make too" in problems[0].message


def test_error_needs_problems() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        ScenarioError([])


def test_application_rules(tmp_path: Path) -> None:
    text = """\
version: 1
applications:
  - name: One
    client_id: c:1
    client_secret: s
    redirect_uris: ["https://app.example/cb#frag", "https://app.example/a b"]
    management_token: shared
  - name: Two
    client_id: c2
    client_secret: s
    redirect_uris: [https://app.example/cb, https://app.example/cb]
    management_token: shared
"""
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.path) for p in problems] == [
        (4, "applications[0].client_id"),
        (6, "applications[0].redirect_uris[0]"),
        (6, "applications[0].redirect_uris[1]"),
    ]
    assert "#fragment" in problems[1].message and "spaces" in problems[2].message
    fixed = text.replace("c:1", "c1").replace("#frag", "").replace("a b", "ab")
    problems = problems_of(write(tmp_path, fixed))
    assert [(p.line, p.path) for p in problems] == [
        (11, "applications[1].redirect_uris[1]"),
        (12, "applications[1].management_token"),
    ]


def test_catalog_model_contradicted_by_a_tank(tmp_path: Path) -> None:
    text = """\
version: 1
owners:
  - email: a@b.co
    password: x
    vehicles:
      - {make: TESLA, model: model 3, fuel: {level: 0.5}}
      - {make: TOYOTA, model: Camry, plugged_in: true}
      - {make: TOYOTA, model: Camry, powertrain: PHEV, plugged_in: true}
"""
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.path) for p in problems] == [
        (6, "owners[0].vehicles[0].fuel"),
        (7, "owners[0].vehicles[1].plugged_in"),
    ]
    assert problems[0].message.startswith("TESLA Model 3 is BEV in mockcar's catalog, without a "
                                          "fuel tank; remove fuel")
    assert problems[1].message.startswith("TOYOTA Camry is HEV or ICE in mockcar's catalog")

"""Hostile scenario files (alias bombs, control characters, binary, other encodings,
deep nesting, huge files): each is refused with a located `FILE:LINE: key.path: message`
before it can cost much. What each costs in CPU and memory is measured by
benchmarks/hostile_scenarios.py, not here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mockcar.scenario import Problem, ScenarioError, load_scenario, yamlsource
from mockcar.scenario.yamlsource import parse

HOSTILE = Path(__file__).parent / "bad" / "hostile"
BOMB = "(an alias counts as all it repeats; an alias bomb?)"
CONTROL = "is not allowed in YAML; remove it, or write it as"
DEEP = "nested more than 64 levels deep; a scenario needs about ten"

# (file, line, key path, text the first problem's message must contain, problems in all)
CASES = [
    ("alias_bomb_lists.yaml", 6, "x-l4[3]", (f"the alias *l3 repeats 11,111 values, which "
     f"takes the document past 50,000 {BOMB}"), 1),
    ("alias_bomb_merge.yaml", 6, "x-m4.<<[2]", "the alias *m3 repeats 12,666 values", 1),
    ("alias_bomb_vehicles.yaml", 9, "owners[0].vehicles[1]", "the alias *v3 repeats 18,257", 1),
    ("alias_fanout.yaml", 102, "x-many[98]", "the alias *w repeats 501 values", 1),
    ("recursive_alias.yaml", 2, "owners[0].vehicles",
     "an alias refers to the mapping or list that contains it", 1),
    ("undefined_alias.yaml", 3, "", "not valid YAML: found undefined alias *people", 1),
    ("duplicate_anchor.yaml", 3, "", "found duplicate anchor; first occurrence started on line 2",
     1),
    ("control_character.yaml", 4, "", f'column 19: U+0008 (backspace) {CONTROL} "\\x08"', 1),
    ("escape_sequence.yaml", 4, "", f"column 11: U+001B (escape) {CONTROL}", 2),
    ("delete_character.yaml", 2, "", f'column 8: U+007F (delete) {CONTROL} "\\x7F"', 1),
    ("nul_in_text.yaml", 4, "", ("looks like a binary file, not YAML text (a NUL byte at column "
     "13)"), 1),
    ("binary.yaml", 3, "", "looks like a binary file, not YAML text (a NUL byte at column 1)", 1),
    ("gzip.yaml", 1, "", "looks like a binary file", 1),
    ("utf16_le.yaml", 1, "", "the file is UTF-16 text; save it as UTF-8", 1),
    ("utf16_be_no_bom.yaml", 1, "", "the file is UTF-16 text; save it as UTF-8", 1),
    ("utf32.yaml", 1, "", "the file is UTF-32 text; save it as UTF-8", 1),
    ("latin1.yaml", 3, "", "not UTF-8 text (byte 0xF6 at column 13); save the file as UTF-8", 1),
    ("surrogate_bytes.yaml", 4, "", "not UTF-8 text (byte 0xED at column 13)", 1),
    ("bom_then_error.yaml", 3, "owners[0].email", "must be an email address", 1),
    ("bom_in_the_middle.yaml", 3, "", ("column 1: U+FEFF, a byte-order mark, inside the text "
     "(files joined together?); remove it"), 1),
    ("deep_lists.yaml", 2, "", ("not valid YAML: nested too deep; a scenario needs about ten "
     "levels"), 1),
    ("deep_maps.yaml", 2, "x-deep.a.a.a...a.a", DEEP, 1),
    ("deep_block.yaml", 34, "owners[0].k[0]...k[0]", DEEP, 1),
    ("tab_indentation.yaml", 3, "", ("found character '\\t' that cannot start any token; "
     "indent with spaces"), 1),
    ("several_documents.yaml", 3, "", ("expected a single document in the stream started on "
     "line 1, but found another document"), 1),
    ("unsafe_tag.yaml", 2, "", ("could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'"), 1),
    ("non_text_keys.yaml", 3, "1", "keys must be text, but YAML reads this one as int", 2),
    ("unclosed_quote.yaml", 6, "", ("found unexpected end of stream (while scanning a quoted "
     "scalar started on line 3)"), 1),
    ("missing_version_and_more.yaml", 1, "version",
     "required key is missing; add 'version: 1' at the top", 3),
    ("duplicate_key_and_more.yaml", 3, "seed", "duplicate key (first given on line 2)", 2),
]


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.problems


@pytest.mark.parametrize(("name", "line", "key_path", "text", "count"), CASES,
                         ids=[c[0] for c in CASES])
def test_hostile_file_is_located(name: str, line: int, key_path: str, text: str,
                                 count: int) -> None:
    path = HOSTILE / name
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problems = caught.value.problems
    first = problems[0]
    assert (first.file, first.line, first.path) == (str(path), line, key_path)
    assert text in first.message
    assert len(problems) == count
    prefix = f"{path}:{line}: {key_path}: " if key_path else f"{path}:{line}: "
    assert str(caught.value).splitlines()[0] == prefix + first.message


def test_every_hostile_file_is_covered() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(c[0] for c in CASES)


def test_the_corpus_has_thirty_files_and_more() -> None:
    bad = [p for p in HOSTILE.parent.rglob("*") if p.is_file()]
    assert len(bad) >= 30


def test_a_missing_version_is_listed_with_every_other_problem() -> None:
    problems = problems_of(HOSTILE / "missing_version_and_more.yaml")
    assert [(p.line, p.path) for p in problems] == [
        (1, "version"),
        (7, "owners[0].vehicles[0].year"),
        (8, "owners[0].vehicles[0].colour"),
    ]


def test_a_duplicate_key_is_listed_with_the_problems_validation_finds() -> None:
    problems = problems_of(HOSTILE / "duplicate_key_and_more.yaml")
    assert [(p.line, p.path) for p in problems] == [(3, "seed"), (5, "owners[0].email")]


def test_another_version_still_stops_the_reading(tmp_path: Path) -> None:
    path = tmp_path / "v2.yaml"
    path.write_text("version: 2\nowners: [{email: bad}]\n")
    (problem,) = problems_of(path)
    assert (problem.line, problem.path) == (1, "version")


def test_twenty_megabytes_are_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as handle:
        handle.write("version: 1\nx-filler:\n")
        line = "  - " + "x" * 60 + "\n"
        handle.write(line * (20 * 2**20 // len(line) + 1))
    assert path.stat().st_size >= 20 * 2**20
    (problem,) = problems_of(path)
    assert (problem.line, problem.path) == (None, "")
    assert problem.message == "larger than 10 MiB; a scenario file is a few kB"
    assert str(ScenarioError([problem])) == f"{path}: larger than 10 MiB; a scenario file is a few kB"


def test_a_flood_of_values_under_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "flood.yaml"
    path.write_text("version: 1\nx-flood:\n" + "  - 0\n" * 1_000_000)
    (problem,) = problems_of(path)
    # the mapping, version, 1, x-flood and the list come first: value 50,001 is item 49,995
    assert (problem.line, problem.path) == (49_998, "x-flood[49995]")
    assert problem.message.startswith("the document has more than 50,000 values")


def test_the_value_budget_counts_each_alias_as_what_it_repeats(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlsource, "MAX_NODES", 20)
    # 1 mapping + 2 key/value pairs + anchored list of 3 (4) + key + alias (4) = 14
    text = "a: &x [1, 2, 3]\nb: *x\n"
    assert parse(text, "f").data == {"a": [1, 2, 3], "b": [1, 2, 3]}
    assert parse(text + "c: *x\n", "f").data["c"] == [1, 2, 3]  # 19
    with pytest.raises(ScenarioError) as caught:
        parse(text + "c: *x\nd: *x\n", "f")  # 24
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (4, "d")
    assert problem.message.startswith("the alias *x repeats 4 values, which takes the document "
                                      "past 20")


def test_merge_keys_within_the_budget_still_work(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text("""\
version: 1
x-car: &car {make: TESLA, model: Model 3, powertrain: BEV}
owners:
  - email: ana@example.com
    password: secret
    vehicles:
      - {<<: *car, vin: 5YJ3E1EA0NF000001}
      - {<<: *car, vin: 5YJ3E1EA0NF000002, year: 2022}
""")
    vehicles = load_scenario(path).owners[0].vehicles
    assert [(v.make, v.vin, v.year) for v in vehicles] == [
        ("TESLA", "5YJ3E1EA0NF000001", None), ("TESLA", "5YJ3E1EA0NF000002", 2022)]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("version: 1\nseed: a\bb\n", 2, "column 8: U+0008 (backspace) is not allowed in YAML"),
    ("version: 1\nseed: \0\n", 2, ('column 7: U+0000 (NUL) is not allowed in YAML; remove it, '
     'or write it as "\\x00" inside a double-quoted string')),
    ("version: 1\n\nseed: \ud800\n", 3, "column 7: U+D800 is half of a UTF-16 surrogate pair"),
    ("v: \ufffe\n", 1, "column 4: U+FFFE (unassigned) is not allowed in YAML"),
    ("v: ok\x9b\n", 1, "column 6: U+009B (control character) is not allowed"),
])
def test_characters_yaml_refuses_are_located(text: str, line: int, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse(text, "<inline scenario>")
    (problem,) = caught.value.problems
    assert (problem.line, problem.message[:len(message)]) == (line, message)


def test_many_bad_characters_are_listed_up_to_ten() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse("version: 1\n" + "x: \0\n" * 25, "f")
    problems = caught.value.problems
    assert [p.line for p in problems] == [*range(2, 12), 11]
    assert problems[-1].message == "15 more such characters after this one"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfversion: 1\nseed: 7\n")
    assert load_scenario(path).seed == 7


@pytest.mark.parametrize(("name", "line", "key_path", "text"), [
    ("alias_bomb_lists.yaml", 6, "x-l4[3]", "the alias *l3 repeats 11,111 values"),
    ("alias_bomb_merge.yaml", 6, "x-m4.<<[2]", "the alias *m3 repeats 12,666 values"),
    ("alias_fanout.yaml", 102, "x-many[98]", "the alias *w repeats 501 values"),
    ("deep_lists.yaml", 2, "x-deep[0][0][0]...[0][0]", DEEP),
    ("tab_indentation.yaml", 3, "", "found character '\\t' that cannot start any token; indent"),
])
def test_without_libyaml_the_same_bounds_hold(monkeypatch: pytest.MonkeyPatch, name: str,
                                              line: int, key_path: str, text: str) -> None:
    """PyYAML's pure-Python parser, where libyaml is not installed."""
    monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    first = problems_of(HOSTILE / name)[0]
    assert (first.line, first.path) == (line, key_path)
    assert text in first.message

"""YAML text -> plain Python data plus the line of every key, so that problems found
later (by pydantic, by cross-checks) can name the line a user has to edit.

PyYAML is used in two steps: compose the node tree (nodes carry marks), walk it to
record lines and refuse duplicate keys (PyYAML silently keeps the last), then construct
the data from the same tree with the safe constructor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from mockcar.scenario.errors import Loc, Problem, ScenarioError, format_path

_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Document:
    """Parsed YAML and the 1-based line of each key path found in it."""

    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, else of its nearest ancestor present in the file (a
        missing key is reported on the line of the mapping that lacks it)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


def parse(text: str, file: str) -> Document:
    """Parse one YAML document; ScenarioError (with the line) on a syntax error, an
    empty document, several documents or a duplicate key."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
            if node is None:
                raise ScenarioError.single(
                    file, 1, "", "the file is empty; a scenario starts with 'version: 1'"
                )
            lines: dict[Loc, int] = {(): node.start_mark.line + 1}
            problems: list[Problem] = []
            _walk(node, (), lines, problems, file, set())
            if problems:
                raise ScenarioError(problems)
            return Document(loader.construct_document(node), lines)
        except yaml.MarkedYAMLError as exc:
            raise _syntax_error(exc, file) from None
        except yaml.YAMLError as exc:  # e.g. ReaderError: a character YAML forbids
            raise ScenarioError.single(file, _reader_line(exc, text), "", f"not valid YAML: {exc}") from None
        except RecursionError:
            raise ScenarioError.single(file, 1, "", "nesting is too deep") from None
    finally:
        loader.dispose()


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem],
          file: str, active: set[int]) -> None:
    if id(node) in active:  # an alias pointing at its own ancestor
        problems.append(Problem(file, node.start_mark.line + 1, format_path(loc),
                                "an alias refers to the mapping or list that contains it"))
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        _walk_mapping(node, loc, lines, problems, file, active)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), lines, problems, file, active)
    active.discard(id(node))


def _walk_mapping(node: yaml.MappingNode, loc: Loc, lines: dict[Loc, int],
                  problems: list[Problem], file: str, active: set[int]) -> None:
    seen: dict[str, int] = {}
    merged: list[yaml.Node] = []
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG:  # `<<: *anchor`; explicit keys override it
            merged.extend(value_node.value if isinstance(value_node, yaml.SequenceNode)
                          else [value_node])
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            continue  # a complex key; construction refuses it as unhashable
        key, line = key_node.value, key_node.start_mark.line + 1
        if key_node.tag != _STR_TAG:  # `1:`, `yes:`, `~:` are an int, a bool, a null
            kind = key_node.tag.rsplit(":", 1)[-1]
            problems.append(Problem(file, line, format_path((*loc, key)),
                                    f"keys must be text, but YAML reads this one as {kind}; "
                                    "quote it"))
            continue
        if key in seen:
            problems.append(Problem(file, line, format_path((*loc, key)),
                                    f"duplicate key (first given on line {seen[key]})"))
            continue
        seen[key] = line
        lines[(*loc, key)] = line
        _walk(value_node, (*loc, key), lines, problems, file, active)
    for source in merged:
        if isinstance(source, yaml.MappingNode):
            for key_node, value_node in source.value:
                key = getattr(key_node, "value", None)
                if isinstance(key, str) and key not in seen:
                    seen[key] = key_node.start_mark.line + 1
                    lines[(*loc, key)] = seen[key]
                    _walk(value_node, (*loc, key), lines, problems, file, active)


def _syntax_error(exc: yaml.MarkedYAMLError, file: str) -> ScenarioError:
    """PyYAML reports where it gave up (problem) and what it was inside (context); the
    line is where it gave up, and the context's start is named, since an unclosed
    bracket is usually fixed there."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    what = exc.problem or exc.context or str(exc)
    if exc.context and exc.problem and exc.context_mark is not None:
        started = exc.context_mark.line + 1
        where = f" started on line {started}" if started != line else ""
        if exc.problem.startswith("but "):  # "expected a single document ..., but found ..."
            what = f"{exc.context}{where}, {exc.problem}"
        else:
            what += f" ({exc.context}{where})"
    return ScenarioError.single(file, line, "", f"not valid YAML: {what}")


def _reader_line(exc: yaml.YAMLError, text: str) -> int:
    position = getattr(exc, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1

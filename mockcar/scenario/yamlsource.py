"""YAML text -> plain Python data plus the line of every key, so that problems found
later (by pydantic, by cross-checks) can name the line a user has to edit.

PyYAML (with libyaml when installed) is used in three steps: a pass over the parse events
that bounds what the document may cost, composing the node tree (nodes carry marks) and
walking it to record lines and find duplicate keys (PyYAML silently keeps the last), then
constructing the data from the same tree with the safe constructor.

The first pass is what makes hostile text cheap to refuse. Composing shares an anchored
node between its aliases, but everything after it (the walk, construction with merge
keys, validation) sees an alias as a copy, so ten lines of nested aliases ("billion
laughs") stand for 10^9 values. The pass counts each alias as the values it repeats and
stops at `MAX_NODES` or at `MAX_DEPTH` levels of nesting, before any tree is built; its
cost is that of scanning the text (libyaml: about 0.1 s a MB).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from mockcar.scenario.errors import Loc, Problem, ScenarioError, format_path

# A scenario is a few hundred values (the default one has 434). A budget 100 times that,
# far above a hand-written file (a `fleet:` generates thousands of vehicles from a few
# lines), and low enough that reading what it admits takes about half a second.
MAX_NODES = 50_000
# owners[].vehicles[].timeline.segments[] is the deepest path of the format (about ten
# levels); refusing early keeps every recursive step after this pass shallow.
MAX_DEPTH = 64
_MAX_CHARACTER_PROBLEMS = 10

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
# What YAML 1.1 allows in a stream (yaml.reader.Reader.NON_PRINTABLE, libyaml's test):
# no C0/C1 controls but tab, newlines and NEL, no DEL, no lone surrogate, no U+FFFE/FFFF.
# A byte-order mark past the start (files joined together) is refused too: libyaml reads
# it as the start of a key and reports "expected key".
_NOT_ALLOWED = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|(?<!^)\ufeff"
)


@dataclass(frozen=True)
class Document:
    """Parsed YAML, the 1-based line of each key path found in it, and the problems of
    its keys (duplicates, keys that are not text) found while reading it; validation
    reports them together with its own."""

    data: Any
    lines: dict[Loc, int]
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, else of its nearest ancestor present in the file (a
        missing key is reported on the line of the mapping that lacks it)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


def parse(text: str, file: str) -> Document:
    """Parse one YAML document; ScenarioError (with the line) on a character YAML does not
    allow, a syntax error, a document past the budgets, an empty document, several
    documents or an alias inside itself. Duplicate and non-text keys are in
    `Document.problems`."""
    _check_characters(text, file)
    try:
        _measure(text, file)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise ScenarioError.single(
                    file, 1, "", "the file is empty; a scenario starts with 'version: 1'"
                )
            lines: dict[Loc, int] = {(): node.start_mark.line + 1}
            problems: list[Problem] = []
            cycles: list[Problem] = []
            _walk(node, (), lines, problems, cycles, file, set())
            if cycles:
                raise ScenarioError(cycles + problems)
            return Document(loader.construct_document(node), lines, problems)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, file) from None
    except yaml.YAMLError as exc:  # a ReaderError the character check did not foresee
        raise ScenarioError.single(file, _reader_line(exc, text), "",
                                   f"not valid YAML: {exc}") from None
    except RecursionError:  # a backstop: MAX_DEPTH keeps every step far from the limit
        raise ScenarioError.single(file, 1, "", "nesting is too deep") from None


def _check_characters(text: str, file: str) -> None:
    """Every character YAML refuses, located: PyYAML and libyaml report one, as an offset
    into the stream, and a lone surrogate (which JSON can carry) crashes libyaml's
    encoder instead."""
    problems: list[Problem] = []
    found = 0
    for match in _NOT_ALLOWED.finditer(text):
        found += 1
        if len(problems) < _MAX_CHARACTER_PROBLEMS:
            start = match.start()
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            problems.append(Problem(file, line, "", f"column {column}: {_describe(match.group())}"))
    if problems:
        if found > len(problems):
            last = problems[-1]
            problems.append(Problem(file, last.line, "", f"{found - len(problems)} more such "
                                    "characters after this one"))
        raise ScenarioError(problems)


_CONTROL_NAMES = {0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab",
                  0x0C: "form feed", 0x1B: "escape", 0x7F: "delete"}


def _describe(char: str) -> str:
    code = ord(char)
    if code == 0xFEFF:
        return ("U+FEFF, a byte-order mark, inside the text (files joined together?); "
                "remove it")
    if 0xD800 <= code <= 0xDFFF:
        return (f"U+{code:04X} is half of a UTF-16 surrogate pair, not a character; YAML "
                "text cannot hold it")
    if code < 0x20 or 0x7F <= code <= 0x9F:
        name = _CONTROL_NAMES.get(code, "control character")
        return (f"U+{code:04X} ({name}) is not allowed in YAML; remove it, or write it as "
                f"\"\\x{code:02X}\" inside a double-quoted string")
    return f"U+{code:04X} ({unicodedata.name(char, 'unassigned').lower()}) is not allowed in YAML"


@dataclass
class _Open:
    """A mapping or sequence being read by `_measure`."""

    mapping: bool
    anchor: str | None
    before: int  # the count of values when it opened
    key: str | None = None  # in a mapping: the key whose value comes next, once read
    index: int = -1  # in a sequence: the item being read
    is_key: bool = False  # it is a mapping's key (a "complex key")


def _measure(text: str, file: str) -> None:
    """Refuse a document of more than MAX_NODES values (each alias counted as the values
    it repeats) or nested deeper than MAX_DEPTH, from the parse events alone."""
    loader = _Loader(text)
    sizes: dict[str, int] = {}  # anchor -> the values it stands for, once closed
    stack: list[_Open] = []
    total = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionEndEvent):
                closed = stack.pop()
                if closed.anchor is not None:
                    sizes[closed.anchor] = total - closed.before
                _advance(stack, "?" if closed.is_key else None)
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            parent = stack[-1] if stack else None
            if parent is not None and parent.mapping and parent.key is None:
                # a key: remembered for the path, counted as a value like any other
                key = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            else:
                key = None
                if parent is not None and not parent.mapping:
                    parent.index += 1
            if isinstance(event, yaml.AliasEvent):
                # An alias to a collection still open (to its own ancestor) has no size
                # yet; it counts one and the walk refuses it.
                added = sizes.get(event.anchor, 1)
            else:
                added = 1
            total += added
            if total > MAX_NODES:
                raise _budget_error(event, added, stack, file)
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise ScenarioError.single(
                        file, event.start_mark.line + 1, _path(stack),
                        f"nested more than {MAX_DEPTH} levels deep; a scenario needs about ten")
                stack.append(_Open(isinstance(event, yaml.MappingStartEvent), event.anchor,
                                   total - 1, is_key=key is not None))
                continue
            if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                sizes[event.anchor] = 1
            _advance(stack, key)
    finally:
        loader.dispose()


def _advance(stack: list[_Open], key: str | None) -> None:
    """A node ended inside the innermost open collection: in a mapping, it was a key
    (remember it) or a value (the next node is a key)."""
    if stack and stack[-1].mapping:
        stack[-1].key = key


def _path(stack: list[_Open]) -> str:
    loc: list[str | int] = []
    for level in stack:
        if level.mapping and level.key is not None:
            loc.append(level.key)
        elif not level.mapping and level.index >= 0:
            loc.append(level.index)
    if len(loc) > 8:  # nesting past the budget: where it starts and where it stopped
        return f"{format_path(loc[:4])}...{format_path(loc[-2:])}"
    return format_path(loc)


def _budget_error(event: yaml.Event, added: int, stack: list[_Open], file: str) -> ScenarioError:
    line = event.start_mark.line + 1
    if isinstance(event, yaml.AliasEvent) and added > 1:
        what = (f"the alias *{event.anchor} repeats {added:,} values, which takes the "
                f"document past {MAX_NODES:,} (an alias counts as all it repeats; an alias "
                "bomb?)")
    else:
        what = (f"the document has more than {MAX_NODES:,} values (keys, items, scalars); "
                "a scenario needs far fewer, and a fleet: section generates many vehicles")
    return ScenarioError.single(file, line, _path(stack), what)


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem],
          cycles: list[Problem], file: str, active: set[int]) -> None:
    if id(node) in active:  # an alias pointing at its own ancestor
        cycles.append(Problem(file, node.start_mark.line + 1, format_path(loc),
                              "an alias refers to the mapping or list that contains it"))
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        _walk_mapping(node, loc, lines, problems, cycles, file, active)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), lines, problems, cycles, file, active)
    active.discard(id(node))


def _walk_mapping(node: yaml.MappingNode, loc: Loc, lines: dict[Loc, int],
                  problems: list[Problem], cycles: list[Problem], file: str,
                  active: set[int]) -> None:
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
        _walk(value_node, (*loc, key), lines, problems, cycles, file, active)
    for source in merged:
        if isinstance(source, yaml.MappingNode):
            for key_node, value_node in source.value:
                key = getattr(key_node, "value", None)
                if isinstance(key, str) and key not in seen:
                    seen[key] = key_node.start_mark.line + 1
                    lines[(*loc, key)] = seen[key]
                    _walk(value_node, (*loc, key), lines, problems, cycles, file, active)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str) -> ScenarioError:
    """PyYAML reports where it gave up (problem) and what it was inside (context); the
    line is where it gave up, and the context's start is named, since an unclosed
    bracket is usually fixed there."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    what = _plain(exc.problem or exc.context or str(exc), exc.problem_mark, text)
    if exc.context and exc.problem and exc.context_mark is not None:
        started = exc.context_mark.line + 1
        where = f" started on line {started}" if started != line else ""
        if what.startswith("but "):  # "expected a single document ..., but found ..."
            what = f"{exc.context}{where}, {what}"
        else:
            what += f" ({exc.context}{where})"
    return ScenarioError.single(file, line, "", f"not valid YAML: {what}")


def _plain(problem: str, mark: yaml.Mark | None, text: str) -> str:
    """libyaml's wording, with what it leaves out: the character it stopped at, the
    alias it could not find."""
    problem = problem.removeprefix("did not find ")
    if problem == "exceeded maximum nesting depth":
        return "nested too deep; a scenario needs about ten levels"
    at = _char_at(mark, text)
    if problem.startswith("found character ") and problem.endswith("cannot start any token") and at:
        hint = "; indent with spaces, YAML does not allow tabs there" if at == "\t" else ""
        return f"found character {at!r} that cannot start any token{hint}"
    if problem == "found undefined alias" and at == "*":
        name = re.match(r"\*([^\s,\[\]{}]+)", text[mark.index:] if mark else "")
        return f"found undefined alias *{name.group(1)}" if name else problem
    return problem


def _char_at(mark: yaml.Mark | None, text: str) -> str:
    if mark is None or not 0 <= mark.index < len(text):
        return ""
    return text[mark.index]


def _reader_line(exc: yaml.YAMLError, text: str) -> int:
    position = getattr(exc, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1

"""No import circles inside mockcar: every module can be read, tested and moved
after the modules it imports, and a package's layers stay layers.

The graph is grimp's (import-linter's own parser), so it sees every import the
interpreter would run: top-level, inside functions and under TYPE_CHECKING alike.
A circle broken by moving an import into a function is still a circle here.
"""

from __future__ import annotations

from collections.abc import Iterable

import grimp
import pytest

PACKAGE = "mockcar"


def strongly_connected(
    modules: Iterable[str], imports: dict[str, set[str]]
) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module, or one
    module importing itself; iterative, so a long chain cannot hit the recursion
    limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(imports.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                child = pending.pop()
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(imports.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in imports.get(node, ()):
                    found.append(sorted(component))
    return found


def describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """The circle's files, and each import that ties two of them, with its line."""
    members = set(component)
    lines = [f"circle of {len(component)} modules:"]
    for module in component:
        lines.append(f"  {module.replace('.', '/')}.py")
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(
                    f"    {importer} -> {imported}"
                    f" (line {detail['line_number']}: {detail['line_contents']})"
                )
    return "\n".join(lines)


def import_circles(package: str) -> list[str]:
    graph = grimp.build_graph(package, cache_dir=None)
    modules = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    imports = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
    return [describe(graph, c) for c in strongly_connected(modules, imports)]


def test_the_package_has_no_import_circles() -> None:
    circles = import_circles(PACKAGE)
    assert not circles, "import circles in mockcar:\n" + "\n".join(circles)


@pytest.mark.parametrize(
    ("imports", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"a"}}, [["a"]]),
        ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [["a", "b"], ["c", "d"]]),
    ],
)
def test_the_circle_finder_finds_every_circle(
    imports: dict[str, set[str]], expected: list[list[str]]
) -> None:
    modules = set(imports) | {m for targets in imports.values() for m in targets}
    assert sorted(strongly_connected(modules, imports)) == expected

"""The arrows run one way: no import cycle between ganlens's subpackages and top-level modules.

Every ``from ganlens.x import ...`` (also inside functions and under TYPE_CHECKING) counts as an
arrow from the importing unit to ``x``; a unit is a subpackage (``train``) or a top-level module
(``lens``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parents[1] / "ganlens"


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def arrows() -> dict[str, set[str]]:
    """unit -> the units it imports."""
    out: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        source = _unit(module.removesuffix(".__init__"))
        if source == "__init__":
            continue  # the flat public API imports everything
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ganlens."):
                target = _unit(node.module)
                if target != source:
                    out[source].add(target)
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_between_units():
    graph = arrows()
    assert {"train", "methods", "lens", "viz", "toy"} <= set(graph)
    assert cycles(graph) == []


def test_the_layers_the_readme_names():
    graph = arrows()
    assert "methods" not in graph["train"] and "track" not in graph["methods"]
    assert "toy" not in graph["viz"] and "experiment" not in graph["viz"]
    assert not graph["lens"] & {"train", "methods", "probes", "track", "experiment"}


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

"""Imports inside heart_sim point down the layer map of the package docstring, never up,
and form no cycle. The map is read from ``heart_sim/__init__.py`` so it cannot drift from
what is checked; every module must be placed on it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "heart_sim"


def layer_map(doc: str) -> dict[str, int]:
    """module -> layer index, from lines '    name:   mod mod ...' of the docstring."""
    layers: dict[str, int] = {}
    index = -1
    for line in doc.splitlines():
        m = re.match(r"^ {4}([a-z_]+):\s+([a-z_ ]+)$", line)
        more = re.match(r"^ {16}([a-z_ ]+)$", line)  # a layer's list carried over a line
        if m:
            index = len({v for v in layers.values()})
            for mod in m.group(2).split():
                layers[mod] = index
        elif more and index >= 0:
            for mod in more.group(1).split():
                layers[mod] = index
    return layers


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """heart_sim modules a file imports, at any depth (function-level imports count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module is None:  # from . import x
                found |= {a.name for a in node.names if a.name in modules} or {"__init__"}
            elif node.level == 1:
                found.add(node.module.split(".")[0])
            elif node.module and node.module.split(".")[0] == "heart_sim":
                parts = node.module.split(".")
                found.add(parts[1] if len(parts) > 1 else "__init__")
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "heart_sim":
                    found.add(parts[1] if len(parts) > 1 else "__init__")
    return found & (modules | {"__init__"})


def upward_imports(graph: dict[str, set[str]], layers: dict[str, int]) -> list[str]:
    return sorted(
        f"{mod} (layer {layers[mod]}) imports {dep} (layer {layers[dep]})"
        for mod, deps in graph.items()
        for dep in deps
        if layers[dep] > layers[mod]
    )


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep) :] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def package_graph() -> tuple[dict[str, set[str]], dict[str, int]]:
    doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text())) or ""
    layers = layer_map(doc)
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    missing = sorted(modules - set(layers))
    assert not missing, f"modules missing from the layer map in heart_sim/__init__.py: {missing}"
    stale = sorted(set(layers) - modules)
    assert not stale, f"the layer map names modules that do not exist: {stale}"
    graph = {m: imports_of(PACKAGE / f"{m}.py", modules) - {m} for m in modules}
    return graph, layers


def test_imports_point_down_the_layer_map() -> None:
    graph, layers = package_graph()
    assert len(set(layers.values())) >= 10
    assert upward_imports(graph, layers) == []


def test_the_import_graph_has_no_cycle() -> None:
    graph, _ = package_graph()
    assert find_cycle(graph) is None


def test_the_checks_catch_what_they_guard() -> None:
    """The checkers themselves fail on an upward import and on a cycle."""
    layers = layer_map("    base: a b\n    top: c\n")
    assert layers == {"a": 0, "b": 0, "c": 1}
    assert layer_map("    base: a\n                b\n    top: c\n") == {"a": 0, "b": 0, "c": 1}
    assert upward_imports({"a": {"c"}, "b": set(), "c": {"a"}}, layers) == [
        "a (layer 0) imports c (layer 1)"
    ]
    assert find_cycle({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from . import study\n", {"study"}),
        ("from . import __version__\n", {"__init__"}),
        ("from .results import Results\n", {"results"}),
        ("def f():\n    from .cluster import dask_outputs\n", {"cluster"}),
        ("import heart_sim.api\n", {"api"}),
        ("from heart_sim.vocab import Program\n", {"vocab"}),
        ("import numpy\nfrom typing import Any\n", set()),
    ],
)
def test_imports_are_found_wherever_they_are(tmp_path, source, expected) -> None:
    f = tmp_path / "m.py"
    f.write_text(source)
    modules = {"study", "results", "cluster", "api", "vocab"}
    assert imports_of(f, modules) == expected

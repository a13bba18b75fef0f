"""The package's shape holds: import-linter's contracts (pyproject.toml: the capabilities
layered core <- scenario <- model <- measure <- study <- {fitting, calibration,
optimization} <- reports <- api <- cli, and fitting, calibration and optimization
independent), no import cycle between modules, and no module reaching into another
subpackage's private modules or names (only its ``__init__`` face)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "heart_sim"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (relative levels resolved)."""
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def package_imports() -> dict[str, list[tuple[str, str]]]:
    """module -> [(imported module, imported name)] for every heart_sim import, at any
    depth (function-level imports count). A plain ``import x`` gives the name ''."""
    out: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        found: list[tuple[str, str]] = []
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                target = resolve(name, path.name == "__init__.py", node)
                found += [(target, a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                found += [(a.name, "") for a in node.names]
        out[name] = [(t, n) for t, n in found if t.split(".")[0] == "heart_sim"]
    return out


def subpackage(module: str) -> str:
    """The capability a module lives in: ``heart_sim.study`` for
    ``heart_sim.study._results``; top-level modules are their own."""
    return ".".join(module.split(".")[:2])


def private_reaches(imports: dict[str, list[tuple[str, str]]]) -> list[str]:
    """Imports from another subpackage that go past its face or take a private name."""
    bad = []
    for mod, found in imports.items():
        for target, name in found:
            if subpackage(target) == subpackage(mod):
                continue
            past_face = any(p.startswith("_") for p in target.split(".")[2:])
            private = name.startswith("_") and not name.startswith("__")
            if past_face or private:
                bad.append(f"{mod} imports {target}{':' + name if name else ''}")
    return sorted(bad)


def module_graph(imports: dict[str, list[tuple[str, str]]]) -> dict[str, set[str]]:
    """module -> modules it imports; ``from pkg import name`` counts as importing
    ``pkg.name`` where that is a module, else ``pkg`` (its ``__init__``)."""
    graph: dict[str, set[str]] = {}
    for mod, found in imports.items():
        deps = set()
        for target, name in found:
            deps.add(f"{target}.{name}" if f"{target}.{name}" in imports else target)
        graph[mod] = {d for d in deps if d in imports and d != mod}
    return graph


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


def test_import_linter_contracts_hold() -> None:
    beside = Path(sys.executable).parent / "lint-imports"
    tool = str(beside) if beside.exists() else shutil.which("lint-imports")
    if tool is None:
        pytest.fail("lint-imports is not installed (pip install -e '.[test]')")
    proc = subprocess.run([tool], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 2 kept, 0 broken." in proc.stdout


def test_the_import_graph_has_no_cycle() -> None:
    graph = module_graph(package_imports())
    assert len(graph) > 80
    assert find_cycle(graph) is None


def test_no_module_reaches_into_another_subpackage() -> None:
    assert private_reaches(package_imports()) == []


def test_every_subpackage_face_exports_what_it_imports() -> None:
    """Each ``__init__`` lists in ``__all__`` exactly the names it imports."""
    for init in PACKAGE.glob("*/__init__.py"):
        tree = ast.parse(init.read_text())
        imported = {  # names; not the command modules cli imports to register them
            a.asname or a.name
            for n in tree.body
            if isinstance(n, ast.ImportFrom) and n.module
            for a in n.names
        } - {"annotations"}
        listed = next(
            (
                ast.literal_eval(n.value)
                for n in tree.body
                if isinstance(n, ast.Assign)
                and any(getattr(t, "id", "") == "__all__" for t in n.targets)
            ),
            None,
        )
        if init.parent.name == "data":
            continue
        assert listed is not None, f"{init}: no __all__"
        assert sorted(listed) == sorted(imported), init


def test_the_checks_catch_what_they_guard() -> None:
    """The checkers themselves fail on a cycle and on a reach past a face."""
    assert find_cycle({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    imports = {
        "heart_sim.study._run": [
            ("heart_sim.model._engine", "simulate_one"),  # past the face
            ("heart_sim.model", "_private"),  # a private name
            ("heart_sim.model", "Model"),  # fine
            ("heart_sim.study._other", "_helper"),  # same subpackage: fine
        ]
    }
    assert private_reaches(imports) == [
        "heart_sim.study._run imports heart_sim.model._engine:simulate_one",
        "heart_sim.study._run imports heart_sim.model:_private",
    ]


@pytest.mark.parametrize("contract", ["layers", "independence"])
def test_the_contracts_are_declared(contract: str) -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert f'type = "{contract}"' in text

"""Every module of heart_sim is imported by some test file under tests/.

A module counts as imported when a test names it (``import heart_sim.study._results``,
``from heart_sim.study import _results``, ``from heart_sim.study._results import x``) or
imports a name of a package face that the face takes from it (``from heart_sim.study import
Comparison`` or ``hs.compare`` after ``import heart_sim as hs``), resolved by reading the
faces' ``from ._module import name`` lines, through faces that re-export other faces."""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "heart_sim"
TESTS = ROOT / "tests"


def _dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _all_modules() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        if path.relative_to(PACKAGE).parts[0] == "data":
            continue
        found.append(_dotted(path))
    return found


MODULES = _all_modules()
PACKAGES = {_dotted(p.parent) for p in PACKAGE.rglob("__init__.py")}


@functools.cache
def _face(package: str) -> dict[str, tuple[str, str]]:
    """The names a package's ``__init__`` imports: bound name -> (source, original name)."""
    init = ROOT.joinpath(*package.split(".")) / "__init__.py"
    names: dict[str, tuple[str, str]] = {}
    for node in ast.parse(init.read_text()).body:
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            source = f"{base}.{node.module}" if node.module else base
        else:
            source = node.module or ""
        for alias in node.names:
            names[alias.asname or alias.name] = (source, alias.name)
    return names


def resolve(package: str, name: str) -> set[str]:
    """The module(s) that ``from <package> import <name>`` stands for."""
    submodule = f"{package}.{name}"
    if submodule in MODULES:
        return {submodule}
    if submodule in PACKAGES or name not in _face(package):
        return set()
    source, original = _face(package)[name]
    if source in PACKAGES:
        return resolve(source, original)
    return {source} if source in MODULES else set()


def _ours(name: str) -> bool:
    return name == "heart_sim" or name.startswith("heart_sim.")


def imported_modules(source: str) -> set[str]:
    """The heart_sim modules one test file's code imports, by the rules above."""
    tree = ast.parse(source)
    found: set[str] = set()
    aliases: dict[str, str] = {}  # local name -> the package face it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _ours(alias.name):
                    continue
                if alias.name in MODULES:
                    found.add(alias.name)
                elif alias.asname and alias.name in PACKAGES:
                    aliases[alias.asname] = alias.name
                elif not alias.asname:
                    aliases["heart_sim"] = "heart_sim"  # import heart_sim[.sub] binds heart_sim
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if not _ours(node.module):
                continue
            if node.module in MODULES:
                found.add(node.module)
            elif node.module in PACKAGES:
                for alias in node.names:
                    found |= resolve(node.module, alias.name)
                    if f"{node.module}.{alias.name}" in PACKAGES:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def package_of(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            outer = package_of(node.value)
            if outer and f"{outer}.{node.attr}" in PACKAGES:
                return f"{outer}.{node.attr}"
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            package = package_of(node.value)
            if package:
                found |= resolve(package, node.attr)
    return found


@functools.cache
def importers_by_module() -> dict[str, list[str]]:
    """Module -> the test files that import it."""
    by_module: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("test_*.py")):
        for module in imported_modules(path.read_text()):
            by_module.setdefault(module, []).append(str(path.relative_to(TESTS)))
    return by_module


def test_the_walk_finds_every_subpackage() -> None:
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} - {"data"}
    assert {m.split(".")[1] for m in MODULES} >= subpackages
    assert "heart_sim.api" in MODULES
    assert not any(m.endswith(("__init__", "__main__")) or ".data." in m for m in MODULES)


def test_face_names_resolve_to_the_module_that_defines_them() -> None:
    """The reading of the faces agrees with Python's own record of where each class and
    function was defined (its ``__module__``), for every face of the package."""
    checked = 0
    for package in sorted(PACKAGES - {"heart_sim.data"}):
        face = importlib.import_module(package)
        for name in _face(package):
            obj = getattr(face, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if not obj.__module__.startswith("heart_sim."):
                continue
            assert resolve(package, name) == {obj.__module__}, f"{package}.{name}"
            checked += 1
    assert checked > 50


def test_the_import_forms_are_recognised() -> None:
    source = (
        "import heart_sim as hs\n"
        "import heart_sim.model._engine\n"
        "from heart_sim.study import _results, Comparison\n"
        "from heart_sim.scenario._travel import SquareRootTravel\n"
        "from heart_sim import core as c\n"
        "hs.simulate\n"
        "hs.measure.metric_catalog\n"
        "c.atomic_write\n"
        "def f():\n"
        "    from heart_sim.reports import _pdf\n"
        "text = 'from heart_sim.fitting import _shares'\n"
    )
    assert imported_modules(source) == {
        "heart_sim.api",
        "heart_sim.model._engine",
        "heart_sim.study._results",
        "heart_sim.scenario._travel",
        "heart_sim.core._fileio",
        "heart_sim.measure._catalog",
        "heart_sim.reports._pdf",
    }


@pytest.mark.parametrize("module", MODULES)
def test_some_test_imports_the_module(module: str) -> None:
    if module not in importers_by_module():
        pytest.fail(
            f"no test under tests/ imports {module}: add one in tests/{module.split('.')[1]}/"
        )

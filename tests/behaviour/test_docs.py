"""The documentation site (docs/, mkdocs.yml): it builds with ``mkdocs build --strict`` (no
broken link, no page left out of the navigation), its generated reference pages are those
the code gives now, every CLI command is used in the hand-written pages and every option
carries the help text its reference row shows (after sqlite-utils' test_docs.py: a new
flag without documentation fails here)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from heart_sim.cli import app

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GROUP: Any = typer.main.get_command(app)  # a click group (typer may vendor its own click)
COMMANDS = sorted(GROUP.commands)
WRITTEN = [  # the pages people write (tutorials, how-to guides, explanation)
    p for part in ("tutorials", "how-to", "explanation") for p in (DOCS / part).glob("*.md")
]


def _script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if p.name != "help"]


def test_the_generated_reference_pages_are_current() -> None:
    for path, text in _script("make_docs").render().items():
        assert path.is_file() and path.read_text() == text, (
            f"{path.relative_to(ROOT)} is stale: python scripts/make_docs.py"
        )


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_used_in_the_written_pages(name: str) -> None:
    text = "\n".join(p.read_text() for p in WRITTEN)
    assert f"heart-sim {name}" in text, f"no tutorial, guide or explanation uses {name}"


@pytest.mark.parametrize(
    "name, option",
    [(n, o.name) for n in COMMANDS for o in _options(GROUP.commands[n])]
    + [("(main)", o.name) for o in _options(GROUP)],
)
def test_option_has_help_in_the_reference(name: str, option: str) -> None:
    command = GROUP if name == "(main)" else GROUP.commands[name]
    param = next(p for p in _options(command) if p.name == option)
    assert (getattr(param, "help", None) or "").strip(), f"{name} {option} has no help text"
    page = (DOCS / "reference" / "cli.md").read_text()
    if param.param_type_name == "option":
        flag = re.compile(rf"`{re.escape(param.opts[0])}`")
        assert flag.search(page), f"reference/cli.md does not show {param.opts[0]} of {name}"


def test_the_site_has_its_four_sections() -> None:
    config = (ROOT / "mkdocs.yml").read_text()
    for section in ("Tutorials:", "How-to guides:", "Reference:", "Explanation:"):
        assert f"  - {section}" in config
    for page in ("reference/cli.md", "reference/scenario.md", "reference/metrics.md"):
        assert page in config


def test_mkdocs_builds_strict(tmp_path: Path) -> None:
    """No broken link, missing page or unreadable docstring (about 10 s)."""
    pytest.importorskip("mkdocs")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    command = [str(mkdocs)] if mkdocs.exists() else [shutil.which("mkdocs") or "mkdocs"]
    proc = subprocess.run(
        [*command, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(Path(sys.executable).parent)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "scenario" / "index.html").is_file()


def test_docs_sources_md_is_current() -> None:
    """docs/sources.md (cited by the baseline scenario) lists what the scenarios say."""
    assert (DOCS / "sources.md").read_text() == _script("sources_doc").render(), (
        "docs/sources.md is stale: python scripts/sources_doc.py"
    )


# --- the README, a front door --------------------------------------------------------------

README = (ROOT / "README.md").read_text()


def test_readme_is_a_front_door() -> None:
    assert len(README.splitlines()) <= 200
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = re.search(r"^TEST_CMD='(.+)'$", ci, re.M)
    assert test_command and test_command[1] in README, ".ci/run greps the README for it"
    assert (
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && heart-sim run" in README
    )
    assert re.search(r"\d[\d,]* tests in\s+\d+ min \d+ s of wall time on 2 cores", README)
    for heading in ("## Quick start", "## Documentation", "## How to cite", "## Licence"):
        assert heading in README


def test_readme_commands_and_links_exist() -> None:
    for name in re.findall(r"(?:^|`)heart-sim ([a-z]+)", README, re.M):
        assert name in COMMANDS, f"README uses heart-sim {name}, which is no command"
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), f"README links to {target}, which is not there"

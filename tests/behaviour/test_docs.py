"""Every CLI command and every option appears in the README (after sqlite-utils'
test_docs.py): a new flag without documentation fails here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from heart_sim.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
GROUP: Any = typer.main.get_command(app)  # a click group (typer may vendor its own click)
COMMANDS = sorted(GROUP.commands)


def _options(command: Any) -> list[str]:
    """The long option names of a command (arguments have no leading dashes)."""
    names = []
    for param in command.params:
        if param.name != "help":
            names += [o for o in param.opts if o.startswith("--")]
    return names


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented(name: str) -> None:
    assert f"heart-sim {name}" in README, f"README does not mention `heart-sim {name}`"


@pytest.mark.parametrize(
    "name, option",
    [(n, o) for n in COMMANDS for o in _options(GROUP.commands[n])]
    + [("(main)", o) for o in _options(GROUP)],
)
def test_option_is_documented(name: str, option: str) -> None:
    token = re.compile(rf"(?<![\w-]){re.escape(option)}(?![\w-])")
    assert token.search(README), f"README does not document {option} of {name}"


def test_the_list_is_not_empty() -> None:
    assert {"run", "compare", "sweep", "metrics", "validate"} <= set(COMMANDS)
    assert "--reps" in _options(GROUP.commands["run"])


def test_docs_sources_md_is_current() -> None:
    """docs/sources.md (cited by the baseline scenario) lists what the scenarios say."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "sources_doc", root / "scripts" / "sources_doc.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (root / "docs" / "sources.md").read_text() == module.render(), (
        "docs/sources.md is stale: python scripts/sources_doc.py"
    )

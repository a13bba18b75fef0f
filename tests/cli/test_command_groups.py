"""The CLI is one module per command group (heart_sim/cli/), all on one typer app: every
command is registered once, by the module named for its group, and the app has exactly
the commands the README's command table lists."""

from __future__ import annotations

import typer.main

from heart_sim.cli import (
    _app,
    _calibrate,
    _fit,
    _folders,
    _optimize,
    _run,
    _scenarios,
    _sensitivity,
    _webapp,
    app,
)

GROUPS = {
    _run: {"run", "compare", "sweep"},
    _calibrate: {"calibrate"},
    _optimize: {"optimize"},
    _sensitivity: {"sensitivity"},
    _folders: {"plot", "report"},
    _scenarios: {"validate", "show", "init", "scenarios", "metrics", "schema"},
    _fit: {"fit"},
    _webapp: {"app"},
}


def test_each_command_is_defined_in_its_group_module() -> None:
    where = {c.name: c.callback.__module__ for c in app.registered_commands}
    assert len(where) == len(app.registered_commands), "a command registered twice"
    for module, names in GROUPS.items():
        assert {n for n, m in where.items() if m == module.__name__} == names
    assert not any(m == _app.__name__ for m in where.values()), "_app holds no command"


def test_the_app_has_every_command_and_no_other() -> None:
    group = typer.main.get_command(app)
    assert set(group.commands) == set().union(*GROUPS.values())

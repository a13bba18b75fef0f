"""heart-sim validate, show, init, scenarios and metrics: scenario files and the metric catalog."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import api
from ..core import HeartSimError
from ..measure import (
    metric_catalog,
)
from ..scenario import (
    builtin_scenarios,
    load_scenario,
    parent_differences,
    resolved_yaml,
    staffing_by_hour,
    write_starter,
)
from ._app import (
    DEFAULT_SCENARIO,
    Format,
    FormatOpt,
    ScenarioArg,
    _data,
    _print_error,
    _say,
    _table,
    _user_errors,
    app,
)

# --- scenarios ---------------------------------------------------------------------------


@app.command("validate")
def validate_cmd(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE...",
            help="Scenario, options or targets YAML files, or the names of shipped ones.",
        ),
    ],
) -> None:
    """Check scenario, options and targets files, each as what its shape says it is, and
    explain what is wrong with each (exit 2 if any is invalid).

    \b
    Example: heart-sim validate scenarios/*.yaml
    Example: heart-sim validate scenarios/options/*.yaml scenarios/targets/*.yaml
    """
    failed = False
    for name in files:
        try:
            _say(api.check(name))
        except HeartSimError as err:
            failed = True
            _print_error(err)
    if failed:
        raise typer.Exit(2)


def _units(x: float) -> str:
    return "." if x == 0 else f"{x:g}"


@app.command("show")
def show_cmd(
    scenario: ScenarioArg,
    diff: Annotated[
        bool, typer.Option("--diff", help="Only the keys that differ from the parent.")
    ] = False,
) -> None:
    """Print a scenario as it will run: the resolved YAML (after extends:, every default
    filled in) and each program's units on duty by day and hour; with --diff, the keys
    this file changes from the scenario it extends.

    \b
    Example: heart-sim show weekend_cor --diff
    """
    with _user_errors():
        sc = load_scenario(scenario)
        changes = parent_differences(scenario) if diff else []
        phases = sc.phase_list()
        staffing = [(start, staffing_by_hour(phase)) for start, phase in phases]
    if diff:
        if not changes:
            _say(f"{scenario}: extends nothing, or changes nothing from its parent")
            return
        _table(
            f"{sc.name}: keys that differ from its parent",
            ["key", "parent", sc.name],
            [list(c) for c in changes],
        )
        return
    _say(f"# {sc.name}" + (f": {sc.title}" if sc.title else "") + " (resolved)")
    sys.stdout.write(resolved_yaml(sc))
    for start, table in staffing:
        rows = [
            [prog, day, *(_units(x) for x in table.loc[(prog, day)])]
            for prog, day in table.index.tolist()
        ]
        when = f"; from {start}" if len(staffing) > 1 else ""
        _table(
            f"units on duty by hour as scheduled (mean over the hour; . = none{when})",
            ["program", "day", *(f"{h:02d}" for h in range(24))],
            rows,
            left=2,
        )


@app.command("init")
def init_cmd(
    new: Annotated[
        Path, typer.Argument(metavar="NEW.yaml", help="The scenario file to write (NAME.yaml).")
    ],
    base: Annotated[
        str, typer.Option("--from", metavar="SCENARIO", help="The scenario it extends.")
    ] = DEFAULT_SCENARIO,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write an editable scenario that extends another, with the keys planners change
    most shown (commented) at the parent's values.

    \b
    Example: heart-sim init more_crt.yaml --from durham_2022
    """
    with _user_errors():
        path = write_starter(new, base, force=force)
    _say(f"{path} written: it extends {base}; edit it, then heart-sim show {path} --diff")


class SchemaKind(str, Enum):
    scenario = "scenario"
    options = "options"
    targets = "targets"


@app.command("schema")
def schema_cmd(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            help="Which files: scenario (YAML scenarios), options (optimize --options) or "
            "targets (calibrate --targets)."
        ),
    ] = SchemaKind.scenario,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Write the schema to FILE (e.g. scenario.schema.json) instead of stdout.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing FILE.")] = False,
) -> None:
    """Print the JSON Schema of scenario, options or targets files, for an editor's YAML
    language server: completion, each key's meaning and unit on hover, errors as you type.

    \b
    Example: heart-sim schema --out scenario.schema.json
    then start a scenario file with
    # yaml-language-server: $schema=scenario.schema.json
    """
    if out is None:
        sys.stdout.write(api.json_schema_text(kind.value))
        return
    with _user_errors():
        path = api.write_json_schema(kind.value, out, force=force)
    _say(f"{path} written: the JSON Schema of {kind.value} files")


@app.command("scenarios")
def scenarios_cmd() -> None:
    """List the built-in scenarios.

    \b
    Example: heart-sim scenarios
    """
    rows = []
    for name, path in builtin_scenarios().items():
        try:
            sc = load_scenario(path)
            desc = sc.title or sc.description.strip().split(". ")[0]
        except HeartSimError as err:
            desc = f"INVALID: {str(err).splitlines()[0]}"
        rows.append([name, desc])
    _table("built-in scenarios", ["name", "description"], rows, left=2)


@app.command("metrics")
def metrics_cmd(fmt: FormatOpt = Format.table) -> None:
    """List every metric heart-sim reports: name, label, unit and what it measures.

    \b
    Example: heart-sim metrics --format csv
    """
    catalog = metric_catalog()
    if fmt is not Format.table:
        _data(catalog.reset_index(), fmt)
        return
    better = {True: "higher", False: "lower", None: ""}
    rows: list[list[Any]] = [
        [str(name), row["label"], row["unit"], better[row["higher_is_better"]], row["description"]]
        for name, row in catalog.iterrows()
    ]
    _table(
        "metrics (summary.csv, replications.csv)",
        ["metric", "label", "unit", "better", "description"],
        rows,
        left=5,
    )

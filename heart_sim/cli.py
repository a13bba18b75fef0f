"""Command line: thin wiring from arguments to the library, errors to exit codes.

The library raises its own exceptions (``HeartSimError``); here they become one-line
messages on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from . import __version__
from .errors import HeartSimError
from .report import headline_rows, write_results
from .runner import RunResult, run
from .scenario import builtin_scenarios, load_scenario

DEFAULT_SCENARIO = "durham_2022"
MAX_REPS = 100_000

app = typer.Typer(
    help="heart-sim: simulate crisis-response capacity (911 behavioral-health calls, "
    "CCD / CRT / CoR / Care Navigation) and report waits, diversion and utilization.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err_console = Console(stderr=True)


def _fail(err: HeartSimError) -> None:
    for line in str(err).splitlines():
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(err.exit_code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"heart-sim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """heart-sim: simulate crisis-response capacity and report waits, diversion, utilization."""


def _run_with_progress(scenario, reps: int, seed: int | None, jobs: int, quiet: bool) -> RunResult:
    if quiet or not err_console.is_terminal:
        return run(scenario, reps=reps, seed=seed, jobs=jobs)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("replications"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(scenario.name, total=reps)
        return run(
            scenario,
            reps=reps,
            seed=seed,
            jobs=jobs,
            progress=lambda done: progress.update(task, completed=done),
        )


def _print_summary(result: RunResult, folder: Path) -> None:
    table = Table(title=f"{result.scenario.name}: {result.reps} replications, seed {result.seed}")
    table.add_column("metric")
    table.add_column("mean [95% CI]", justify="right")
    for metric, value in headline_rows(result.summary):
        table.add_row(metric, value)
    out_console.print(table)
    idx = result.summary.set_index("metric")
    for prog in ("crt", "cor"):
        cells = []
        for q in (50, 90, 95):
            key = f"{prog}_response_time_p{q}"
            if key in idx.index and idx.loc[key, "mean"] == idx.loc[key, "mean"]:
                cells.append(f"p{q} {idx.loc[key, 'mean']:.1f}")
        if cells:
            out_console.print(f"{prog.upper()} response time (min): " + ", ".join(cells))
    out_console.print(f"results written to {folder}")


@app.command("run")
def run_cmd(
    scenario: Annotated[
        str, typer.Argument(help="Scenario YAML file or built-in name.")
    ] = DEFAULT_SCENARIO,
    reps: Annotated[
        int, typer.Option("--reps", "-r", min=1, max=MAX_REPS, help="Replications.")
    ] = 10,
    seed: Annotated[
        int | None, typer.Option("--seed", "-s", min=0, help="Seed (default: the scenario's).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Results folder.")] = Path("results"),
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Replace results from other inputs.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run a scenario and write summary.csv/json, by_hour.csv, replications.csv, report.md.

    Example: heart-sim run scenarios/durham_2022.yaml --reps 20 --seed 1 --out results
    """
    try:
        sc = load_scenario(scenario)
        result = _run_with_progress(sc, reps, seed, jobs, quiet)
        folder = write_results(result, out, force=force)
    except HeartSimError as err:
        _fail(err)
    _print_summary(result, folder)


@app.command("validate")
def validate_cmd(
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file or built-in name.")],
) -> None:
    """Check a scenario file and explain what is wrong with it.

    Example: heart-sim validate scenarios/durham_2022.yaml
    """
    try:
        sc = load_scenario(scenario)
    except HeartSimError as err:
        _fail(err)
    per_week = sc.demand.calls_per_week * sc.demand.multiplier
    out_console.print(
        f"{scenario}: valid scenario '{sc.name}' ({per_week:g}"
        f" calls/week, {len(sc.call_types)} call types, {sc.horizon_weeks} weeks)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command("scenarios")
def scenarios_cmd() -> None:
    """List the built-in scenarios.

    Example: heart-sim scenarios
    """
    table = Table(title="built-in scenarios")
    table.add_column("name")
    table.add_column("description")
    for name, path in builtin_scenarios().items():
        try:
            desc = load_scenario(path).description.strip().split(". ")[0]
        except HeartSimError as err:
            desc = f"INVALID: {str(err).splitlines()[0]}"
        table.add_row(name, desc)
    out_console.print(table)


def entry() -> None:  # pragma: no cover - console script shim
    sys.exit(app())

"""Command line: thin wiring from arguments to the library, errors to exit codes.

The library raises its own exceptions (``HeartSimError``); here they become one-line
messages on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from . import api
from .catalog import metric_catalog, shown_in
from .errors import HeartSimError
from .formatting import COST_INTERVALS, fmt_num, fmt_record, headline_rows
from .htmlreport import write_html_report
from .plots import save, sweep_figures, write_plots
from .results import Comparison, Results
from .scenario import builtin_scenarios, load_scenario
from .study import Progress
from .sweep import parse_vary
from .version import __version__
from .vocab import FIELD_TEAMS

DEFAULT_SCENARIO = "durham_2022"
MAX_REPS = 100_000

# Options shared by run, compare and sweep.
SeedOpt = Annotated[
    int | None, typer.Option("--seed", "-s", min=0, help="Seed (default: the scenario's).")
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Results folder.")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        envvar="HEART_SIM_DASK",
        help="Dask scheduler address (tcp://host:8786), or 'local' for a LocalCluster.",
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace results from other inputs; lift size limits.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
ReportOpt = Annotated[bool, typer.Option("--report", help="Also write plots/ and report.html.")]
ScenarioArg = Annotated[str, typer.Argument(help="Scenario YAML file or built-in name.")]
ResultsDirArg = Annotated[Path, typer.Argument(help="A results folder (run, compare or sweep).")]
PairedRepsOpt = Annotated[
    int, typer.Option("--reps", "-r", min=2, max=MAX_REPS, help="Replications (paired).")
]


app = typer.Typer(
    help="heart-sim: simulate crisis-response capacity (911 behavioral-health calls, "
    "CCD / CRT / CoR / Care Navigation) and report waits, diversion and utilization.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Wide plain output when piped to a file or a log, the terminal's width otherwise.
out_console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def _fail(err: HeartSimError) -> None:
    for line in str(err).splitlines():
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(err.exit_code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the library's errors into one line each on stderr and exit code 2."""
    try:
        yield
    except HeartSimError as err:
        _fail(err)


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


class _Bars:
    """A progress callback drawing one rich bar per label; a no-op when quiet or piped."""

    def __init__(self, progress: RichProgress | None, unit: str):
        self.progress = progress
        self.unit = unit
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        if label not in self.tasks:
            self.tasks[label] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[label], completed=done)


@contextmanager
def _progress(quiet: bool, unit: str = "replications") -> Iterator[Progress]:
    if quiet or not err_console.is_terminal:
        yield _Bars(None, unit)
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeRemainingColumn(),
    )
    with RichProgress(*columns, console=err_console, transient=True) as progress:
        yield _Bars(progress, unit)


def _print_summary(result: Results, folder: Path) -> None:
    table = Table(title=f"{result.scenario.name}: {result.reps} replications, seed {result.seed}")
    table.add_column("metric")
    table.add_column("mean [95% CI]", justify="right")
    for metric, value in headline_rows(result.summary):
        table.add_row(metric, value)
    out_console.print(table)
    idx = result.summary.set_index("metric")
    for prog in FIELD_TEAMS:
        cells = []
        for q in (50, 90, 95):
            key = f"{prog}_response_time_p{q}"
            if key in idx.index and idx.loc[key, "mean"] == idx.loc[key, "mean"]:
                cells.append(f"p{q} {idx.loc[key, 'mean']:.1f}")
        if cells:
            out_console.print(f"{prog.label.upper()} response time (min): " + ", ".join(cells))
    if result.resumed:
        out_console.print(f"{result.resumed} replications resumed from checkpoints")
    out_console.print(f"results written to {folder}")


@app.command("run")
def run_cmd(
    scenario: Annotated[
        str, typer.Argument(help="Scenario YAML file or built-in name.")
    ] = DEFAULT_SCENARIO,
    reps: Annotated[
        int, typer.Option("--reps", "-r", min=1, max=MAX_REPS, help="Replications.")
    ] = 10,
    seed: SeedOpt = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    report: ReportOpt = False,
) -> None:
    """Run a scenario and write summary.csv/json, by_hour.csv, replications.csv, report.md.

    Finished replications are checkpointed: rerun the same command after an interruption and
    it continues where it stopped, with the same results as an uninterrupted run.

    Example: heart-sim run scenarios/durham_2022.yaml --reps 20 --seed 1 --out results
    """
    with _user_errors(), _progress(quiet) as bars:
        result = api.simulate(
            scenario, reps, seed, jobs, progress=bars, dask=dask, out=out, force=force
        )
    assert result.folder is not None
    if report:
        with _user_errors():
            _write_report(result.folder)
    _print_summary(result, result.folder)


@app.command("compare")
def compare_cmd(
    base: Annotated[str, typer.Argument(help="Base scenario (file or built-in name).")],
    alternatives: Annotated[list[str], typer.Argument(help="One or more alternative scenarios.")],
    reps: PairedRepsOpt = 10,
    seed: SeedOpt = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    report: ReportOpt = False,
) -> None:
    """Compare alternatives with a base under common random numbers: paired differences with
    95% CIs, costs, and marginal cost per extra diverted call (csv, md, xlsx).

    Example: heart-sim compare durham_2022 weekend_cor citywide --reps 20
    """
    with _user_errors(), _progress(quiet) as bars:
        comp = api.compare(
            base,
            *alternatives,
            reps=reps,
            seed=seed,
            jobs=jobs,
            dask=dask,
            out=out,
            force=force,
            progress=bars,
        )
    assert comp.folder is not None
    if report:
        with _user_errors():
            _write_report(comp.folder)
    _print_comparison(comp, comp.folder)


def _print_comparison(comp: Comparison, folder: Path) -> None:
    costs = Table(
        title=f"costs per year vs {comp.base.scenario.name} ({comp.base.reps} paired reps)"
    )
    for col in (
        "scenario",
        "annual cost",
        "diverted/yr",
        "$/diverted",
        "extra cost",
        "extra diverted/yr [95% CI]",
        "$ per extra diverted [95% CI]",
        "police h freed/yr",
    ):
        costs.add_column(col, justify="left" if col == "scenario" else "right")
    for r in comp.costs.to_dict("records"):
        costs.add_row(
            str(r["scenario"]),
            fmt_num(r.get("cost_total_annual"), money=True),
            fmt_num(r.get("diverted_per_year")),
            fmt_num(r.get("cost_per_diverted_call"), money=True),
            fmt_num(r.get("extra_cost"), money=True),
            fmt_record(r, *COST_INTERVALS[0]),
            fmt_record(r, *COST_INTERVALS[1], money=True),
            fmt_num(r.get("police_hours_freed")),
        )
    out_console.print(costs)
    for alt, d in comp.differences.groupby("scenario", sort=False):
        diffs = Table(title=f"{alt} - {comp.base.scenario.name}: paired differences, 95% CI")
        for col in ("metric", "base", str(alt), "difference [95% CI]", ""):
            diffs.add_column(col, justify="left" if col in ("metric", "") else "right")
        for r in d.to_dict("records"):
            diffs.add_row(
                r["metric"],
                fmt_num(r["base_mean"]),
                fmt_num(r["alt_mean"]),
                fmt_record(r, "diff_mean", "diff_ci_low", "diff_ci_high"),
                r["significance"],
            )
        out_console.print(diffs)
    out_console.print(f"comparison written to {folder}")


@app.command("sweep")
def sweep_cmd(
    scenario: ScenarioArg,
    vary: Annotated[
        list[str],
        typer.Option("--vary", "-v", help="KEY.PATH=A:B[:STEP] or KEY.PATH=V1,V2 (repeatable)."),
    ],
    reps: PairedRepsOpt = 10,
    seed: SeedOpt = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Run a grid of variants (any numeric key path; crt.units sets every CRT shift), write
    one tidy table and a plot per metric. Rerun with the same arguments to resume.

    Example: heart-sim sweep durham_2022 --vary crt.units=1:6 --vary ccd.units=1,2,3 --reps 10
    """
    with _user_errors(), _progress(quiet, unit="grid points") as bars:
        grid = [parse_vary(v) for v in vary]
        result = api.sweep(
            scenario, grid, out, reps, seed, jobs, dask=dask, force=force, progress=bars
        )
        for stem, fig in sweep_figures(result.table, result.params).items():
            save(fig, result.folder / stem)
    table = Table(title=f"sweep over {', '.join(result.params)} ({reps} reps per point)")
    shown = [m for m in shown_in("sweep_table") if m in result.table]
    for col in [*result.params, *shown]:
        table.add_column(col, justify="right")
    for r in result.table.to_dict("records"):
        table.add_row(
            *[str(r[p]) for p in result.params],
            *[fmt_record(r, m, f"{m}_ci_low", f"{m}_ci_high") for m in shown],
        )
    out_console.print(table)
    resumed = len(result.table) - result.ran
    out_console.print(
        f"{result.ran} grid points run, {resumed} resumed from disk; written to {result.folder}"
    )


def _write_report(folder: Path) -> None:
    write_plots(folder)
    out_console.print(f"report written to {write_html_report(folder)}")


@app.command("plot")
def plot_cmd(
    results_dir: ResultsDirArg,
) -> None:
    """Write the figures of a results folder to RESULTS_DIR/plots/ as PNG and SVG.

    Example: heart-sim plot results/durham_2022
    """
    with _user_errors():
        written = write_plots(results_dir)
    out_console.print(f"{len(written)} files written to {results_dir / 'plots'}")


@app.command("report")
def report_cmd(
    results_dir: ResultsDirArg,
) -> None:
    """Write RESULTS_DIR/report.html: one self-contained page with the scenario, its
    assumptions and sources, headline numbers with CIs, figures and tables.

    Example: heart-sim report results/durham_2022
    """
    with _user_errors():
        target = write_html_report(results_dir)
    out_console.print(f"report written to {target}")


@app.command("validate")
def validate_cmd(
    scenario: ScenarioArg,
) -> None:
    """Check a scenario file and explain what is wrong with it.

    Example: heart-sim validate scenarios/durham_2022.yaml
    """
    with _user_errors():
        sc = load_scenario(scenario)
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


@app.command("metrics")
def metrics_cmd() -> None:
    """List every metric heart-sim reports: name, label, unit and what it measures.

    Example: heart-sim metrics
    """
    table = Table(title="metrics (summary.csv, replications.csv)")
    for col in ("metric", "label", "unit", "better", "description"):
        table.add_column(col)
    better = {True: "higher", False: "lower", None: ""}
    for name, row in metric_catalog().iterrows():
        table.add_row(
            str(name),
            row["label"],
            row["unit"],
            better[row["higher_is_better"]],
            row["description"],
        )
    out_console.print(table)

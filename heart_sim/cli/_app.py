"""Command line: thin wiring from arguments to the library, errors to exit codes.

Each command maps its arguments to one library call and prints what it returns. The
library raises its own exceptions (``HeartSimError``); here they become one-line messages
on stderr and exit code 2 (130 after Ctrl-C, saying what was saved), never a traceback.
Result tables are drawn on a terminal, plain text when piped, and JSON or CSV with
``--format``; progress bars go to stderr and only on a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from .. import api
from ..calibration import COLUMNS as SENSITIVITY_COLUMNS
from ..calibration import HEADINGS, CalibrationResult, SensitivityResult, effect_text
from ..core import FIELD_TEAMS, HeartSimError, Program, __version__
from ..measure import (
    csv_text,
    fmt_interval,
    fmt_record,
    fmt_summary,
    fmt_value,
    header,
    metric,
    metric_catalog,
    parse_reps,
    shown_in,
)
from ..optimization import parse_hours, parse_start
from ..reports import budget_answer, check_rank_by, write_pdf_report
from ..reports import write_plots as write_any_plots
from ..reports import write_report as write_html_report
from ..scenario import (
    builtin_scenarios,
    load_scenario,
    parent_differences,
    resolved_yaml,
    staffing_by_hour,
    write_starter,
)
from ..study import Comparison, Progress, Results, SweepResult, parse_vary

DEFAULT_SCENARIO = "durham_2022"
MAX_REPS = 100_000


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# Options shared by run, compare and sweep.
SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", "-s", min=0, metavar="SEED", help="Seed (default: the scenario's)."),
]
OutOpt = Annotated[
    Path, typer.Option("--out", "-o", metavar="DIR", help="Parent folder of the results.")
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="J", help="Worker processes.")]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        envvar="HEART_SIM_DASK",
        metavar="ADDRESS",
        help="Dask scheduler (tcp://host:8786), or 'local' for a LocalCluster.",
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="Run beyond the size limit; rewrite a folder found holding other inputs."
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
ReportOpt = Annotated[bool, typer.Option("--report", help="Also write plots/ and report.html.")]
PosteriorOpt = Annotated[
    Path | None,
    typer.Option(
        "--posterior",
        metavar="FILE",
        help="Run each replication at a parameter point of this file (a calibration's "
        "posterior.csv), so the intervals include what calibration left unknown.",
    ),
]
RankByOpt = Annotated[
    str,
    typer.Option(
        "--rank-by",
        metavar="MEASURE",
        help="Rank a comparison's options by this cost-table measure (default: "
        "diverted_per_year; see heart-sim metrics).",
    ),
]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="Result tables as a table, JSON or CSV (on stdout)."),
]
ScenarioArg = Annotated[
    str, typer.Argument(metavar="SCENARIO", help="Scenario YAML file or built-in name.")
]
ResultsDirArg = Annotated[
    Path, typer.Argument(metavar="RESULTS_DIR", help="A results folder (run, compare or sweep).")
]
PairedRepsOpt = Annotated[
    int,
    typer.Option("--reps", "-r", min=2, max=MAX_REPS, metavar="N", help="Replications (>= 2)."),
]
AutoRepsOpt = Annotated[
    str,
    typer.Option(
        "--reps",
        "-r",
        metavar="N|auto",
        help="Replications, or auto: add them until every headline 95% interval is within "
        "--precision of its mean (Hoad, Robinson & Davies 2010).",
    ),
]
PrecisionOpt = Annotated[
    float | None,
    typer.Option(
        "--precision",
        metavar="P",
        help="With --reps auto: the target half-width of the intervals as a share of their "
        "mean (default 0.05: within ±5%).",
    ),
]
MaxRepsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-reps", metavar="N", help="With --reps auto: stop at this many (default 200)."
    ),
]


app = typer.Typer(
    help="heart-sim: simulate crisis-response capacity (911 behavioral-health calls, "
    "CCD / CRT / CoR / Care Navigation) and report waits, diversion and utilization.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
TERMINAL = sys.stdout.isatty()
out_console = Console(width=None if TERMINAL else 200, highlight=False)
err_console = Console(stderr=True)


def _print_error(err: HeartSimError) -> None:
    """One line per problem on stderr, each starting 'error: '."""
    for line in str(err).splitlines():
        typer.echo(f"error: {line}", err=True)


def _fail(err: HeartSimError) -> None:
    _print_error(err)
    raise typer.Exit(err.exit_code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the library's errors into one line each on stderr and their exit code."""
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


# --- output ------------------------------------------------------------------------------


class _Bars:
    """A progress callback drawing one rich bar per label; a no-op when quiet or piped."""

    def __init__(self, progress: RichProgress | None):
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        if label not in self.tasks:
            self.tasks[label] = self.progress.add_task(label, total=total)
        # --reps auto raises the total as it goes: done of the current target
        self.progress.update(self.tasks[label], completed=done, total=total)


@contextmanager
def _progress(quiet: bool, unit: str = "replications") -> Iterator[Progress]:
    if quiet or not err_console.is_terminal:
        yield _Bars(None)
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeRemainingColumn(),
    )
    with RichProgress(*columns, console=err_console, transient=True) as progress:
        yield _Bars(progress)


def _say(text: str) -> None:
    """A line for people: stdout for tables, stderr when stdout carries JSON or CSV."""
    out_console.print(text, markup=False, soft_wrap=True)


def _table(title: str, columns: list[str], rows: list[list[str]], left: int = 1) -> None:
    """A titled table: box-drawn on a terminal, plain aligned text when piped."""
    if TERMINAL:
        table = Table(title=title, box=box.HEAVY_HEAD)
    else:
        _say(title)
        table = Table(box=None, pad_edge=False, show_edge=False)
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i < left else "right", overflow="fold")
    for row in rows:
        table.add_row(*row)
    out_console.print(table, markup=False)


def _data(frame: pd.DataFrame, fmt: Format) -> None:
    """A table as JSON records or CSV on stdout."""
    if fmt is Format.csv:
        sys.stdout.write(csv_text(frame))
    else:
        records = json.loads(frame.to_json(orient="records", double_precision=15))
        sys.stdout.write(json.dumps(records, indent=2) + "\n")


def _tell(fmt: Format, text: str) -> None:
    """A message for people: beside the table on stdout, or on stderr when stdout carries
    JSON or CSV."""
    (_say if fmt is Format.table else _err)(text)


def _closing(fmt: Format, resumed: int, notes: list[str], done: str) -> None:
    """What follows every result: replications resumed, notes, where it was written."""
    if resumed:
        _tell(fmt, f"{resumed} replications resumed from checkpoints")
    for note in notes:
        _tell(fmt, f"note: {note}")
    _tell(fmt, done)


def _err(text: str) -> None:
    typer.echo(text, err=True)


# --- running -----------------------------------------------------------------------------


def _print_summary(result: Results, fmt: Format) -> None:
    summary = result.summary
    headline = [m for m in shown_in("headline") if m in set(summary["metric"])]
    if fmt is not Format.table:
        _data(summary.set_index("metric").loc[headline].reset_index(), fmt)
    else:
        idx = summary.set_index("metric")
        title = f"{result.scenario.name}: {result.reps} replications, seed {result.seed}"
        rows = [[header(m), fmt_summary(idx.loc[m], m)] for m in headline]
        _table(title, ["measure", "mean (95% interval)"], rows)
        for prog in FIELD_TEAMS:
            cells = []
            for q in (50, 90, 95):
                key = f"{prog}_response_time_p{q}"
                if key in idx.index and idx.loc[key, "mean"] == idx.loc[key, "mean"]:
                    cells.append(f"p{q} {idx.loc[key, 'mean']:.1f}")
            if cells:
                m = metric(f"{prog}_response_time")
                _say(f"{m.label.removesuffix(' (mean)')} ({m.unit}): " + ", ".join(cells))
    _closing(fmt, result.resumed, result.notes, f"results written to {result.folder}")


@app.command("run")
def run_cmd(
    scenario: Annotated[
        str, typer.Argument(metavar="SCENARIO", help="Scenario YAML file or built-in name.")
    ] = DEFAULT_SCENARIO,
    reps: AutoRepsOpt = "10",
    precision: PrecisionOpt = None,
    max_reps: MaxRepsOpt = None,
    posterior: PosteriorOpt = None,
    seed: SeedOpt = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    report: ReportOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run a scenario and write its results (summary, replications, by hour, report.md).

    Each set of inputs gets its own folder, DIR/<name>-<key>/, and DIR/<name> points to
    the newest, so an edited scenario can be run again without --force. Finished
    replications are checkpointed: after an interruption, run the same command again and
    it continues where it stopped, with the same results as an uninterrupted run.

    With --reps auto, replications are added until every headline interval is within
    --precision of its mean (and stays so over a look-ahead), or --max-reps is reached;
    a note says how many were used and which measure needed the most.

    \b
    Example: heart-sim run scenarios/durham_2022.yaml --reps 20 --seed 1 --out results
    Example: heart-sim run durham_2022 --reps auto --precision 0.02
    """
    with _user_errors(), _progress(quiet) as bars:
        result = api.simulate(
            scenario,
            parse_reps(reps, 1, MAX_REPS),
            seed,
            jobs=jobs,
            progress=bars,
            dask=dask,
            out=out,
            force=force,
            precision=precision,
            max_reps=max_reps,
            posterior=posterior,
        )
        page = _write_report(result.folder, fmt) if report and result.folder else None
    _print_summary(result, fmt)
    _report_written(fmt, page)


@app.command("compare")
def compare_cmd(
    base: Annotated[
        str, typer.Argument(metavar="BASE", help="Base scenario (file or built-in name).")
    ],
    alternatives: Annotated[
        list[str], typer.Argument(metavar="ALT...", help="One or more alternative scenarios.")
    ],
    reps: AutoRepsOpt = "10",
    precision: PrecisionOpt = None,
    max_reps: MaxRepsOpt = None,
    posterior: PosteriorOpt = None,
    seed: SeedOpt = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    report: ReportOpt = False,
    rank_by: RankByOpt = "diverted_per_year",
    fmt: FormatOpt = Format.table,
) -> None:
    """Compare alternatives with a base under common random numbers: paired differences
    with 95% CIs, costs, and the marginal cost per extra diverted call (csv, md, xlsx).

    --reps auto also judges each alternative's extra diverted calls and marginal cost per
    extra diverted call.

    \b
    Example: heart-sim compare durham_2022 weekend_cor citywide --reps 20
    Example: heart-sim compare durham_2022 citywide --reps auto --max-reps 100
    """
    with _user_errors(), _progress(quiet) as bars:
        check_rank_by(rank_by)  # before, not after, the simulation
        comp = api.compare(
            base,
            *alternatives,
            reps=parse_reps(reps, 2, MAX_REPS),
            precision=precision,
            max_reps=max_reps,
            posterior=posterior,
            seed=seed,
            jobs=jobs,
            dask=dask,
            out=out,
            force=force,
            progress=bars,
        )
        page = _write_report(comp.folder, fmt, rank_by) if report and comp.folder else None
    _print_comparison(comp, fmt)
    _report_written(fmt, page)


def _print_comparison(comp: Comparison, fmt: Format) -> None:
    resumed = sum(r.resumed for r in (comp.base, *comp.alts))
    done = f"comparison written to {comp.folder}"
    if fmt is not Format.table:
        _data(comp.costs.merge(comp.differences, on="scenario", how="left"), fmt)
        _closing(fmt, resumed, comp.notes, done)
        return
    base = comp.base.scenario.name
    # One small table per option, so long names are never cut and the table fits a terminal.
    for r in comp.costs.to_dict("records"):
        name = str(r["scenario"])
        names = shown_in("options") if name != base else ("cost_total_annual", "diverted_per_year")
        rows = [[header(m), fmt_record(r, m, signed=m.startswith("extra_"))] for m in names]
        if name != base and r.get("marginal_cost_per_extra_diverted_status") != "ok":
            rows.append(
                [
                    header("marginal_cost_per_extra_response"),
                    fmt_record(r, "marginal_cost_per_extra_response"),
                ]
            )
        title = f"{name}: per year" + ("" if name == base else f", against {base}")
        title += f" ({comp.base.reps} paired replications)" if name == base else ""
        _table(title, ["measure", "mean (95% interval)"], rows)
    for alt, d in comp.differences.groupby("scenario", sort=False):
        rows = [
            [
                header(m := str(r["metric"])),
                fmt_value(m, r["base_mean"]),
                fmt_value(m, r["alt_mean"]),
                fmt_interval(m, r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"], signed=True),
                str(r["significance"]),
            ]
            for r in d.to_dict("records")
        ]
        _table(
            f"{alt} - {comp.base.scenario.name}: paired differences, 95% interval",
            ["measure", "base", str(alt), "difference (95% interval)", ""],
            rows,
        )
    _closing(fmt, resumed, comp.notes, done)


@app.command("sweep")
def sweep_cmd(
    scenario: ScenarioArg,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            "-v",
            metavar="PATH=VALUES",
            help="A key path as in the YAML and its values: START:STOP[:STEP] or V1,V2 "
            "(numbers or words); repeat for a grid.",
        ),
    ],
    reps: PairedRepsOpt = 10,
    seed: SeedOpt = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    report: ReportOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run a grid of variants and write sweep.csv (one row per point, the headline metrics
    with 95% CIs) and a plot per swept metric. Key paths are those of the scenario YAML
    (programs.crt.patience_min, programs.crt.shifts[0].units); crt.units sets the units
    of every CRT shift, and crt.patience_min is short for programs.crt.patience_min.
    Each grid gets its own folder; run the same command again to resume.

    \b
    Example: heart-sim sweep durham_2022 --vary crt.units=1:4 --vary programs.crt.area=pilot,city
    """
    with _user_errors(), _progress(quiet, unit="grid points") as bars:
        grid = [parse_vary(v) for v in vary]
        result = api.sweep(
            scenario, grid, reps, seed, out=out, jobs=jobs, dask=dask, force=force, progress=bars
        )
        page = _write_report(result.folder, fmt) if report and result.folder else None
    _print_sweep(result, reps, fmt)
    _report_written(fmt, page)


def _print_sweep(result: SweepResult, reps: int, fmt: Format) -> None:
    resumed = len(result.table) - result.ran
    done = f"{result.ran} grid points run, {resumed} resumed from disk"
    if result.resumed:
        done += f" ({result.resumed} replications from checkpoints)"
    done += f"; written to {result.folder}"
    if fmt is not Format.table:
        _data(result.table, fmt)
        _closing(fmt, 0, result.notes, done)  # the replications resumed are in ``done``
        return
    shown = [m for m in shown_in("sweep_table") if m in result.table]
    rows = [
        [str(r[p]) for p in result.params] + [fmt_record(r, m) for m in shown]
        for r in result.table.to_dict("records")
    ]
    title = f"sweep over {', '.join(result.params)} ({reps} reps per point)"
    headers = [*result.params, *(header(m, short=True) for m in shown)]
    _table(title, headers, rows, left=len(result.params))
    _closing(fmt, 0, result.notes, done)


@app.command("calibrate")
def calibrate_cmd(
    scenario: ScenarioArg,
    targets: Annotated[
        Path,
        typer.Option(
            "--targets", "-t", metavar="FILE", help="The published figures (targets YAML)."
        ),
    ],
    points: Annotated[
        int, typer.Option("--points", min=4, max=10_000, metavar="N", help="Points per wave.")
    ] = 40,
    reps: Annotated[
        int,
        typer.Option("--reps", "-r", min=2, max=1000, metavar="N", help="Replications per point."),
    ] = 3,
    waves: Annotated[
        int, typer.Option("--waves", min=1, max=20, metavar="N", help="Most waves to run.")
    ] = 4,
    seed: SeedOpt = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    report: ReportOpt = False,
) -> None:
    """History-match the scenario's calibration: unknowns to published figures: wave by
    wave, rule out the values at which the model cannot reproduce the targets, and write
    the values left (posterior.csv, for --posterior), which targets conflict, which
    unknowns they leave open, and calibrated.yaml (the best point, extending the input).

    \b
    Example: heart-sim calibrate durham_2022_unknowns --targets targets/durham_pilot_2022_23.yaml
    """
    with _user_errors(), _progress(quiet, unit="points") as bars:
        result = api.calibrate(
            scenario,
            targets,
            points,
            reps,
            waves,
            seed,
            out=out,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=bars,
        )
        page = _write_report(result.folder, Format.table) if report and result.folder else None
    _print_calibration(result)
    _report_written(Format.table, page)


def _print_calibration(result: CalibrationResult) -> None:
    s = result.summary
    _say(
        f"{s['scenario']} against {s['targets']}: {s['points']} points in {s['waves_run']} "
        f"wave(s), {s['simulations']} replications; {s['nroy_points']} non-implausible"
    )
    _say(f"stopped: {s['stopped']}")
    for m in s["targets_never_met"]:
        _say(f"target never met: {m} (no point reproduces it, even alone)")
    for a, b in s["pairs_never_met_together"]:
        _say(
            f"targets no point of the {s['points']} simulated meets together: {a} and {b} "
            "(each is met alone)"
        )
    rows = [
        [
            str(r["unknown"]),
            f"{r['prior_low']:g} to {r['prior_high']:g}",
            f"{r['nroy_low']:.4g} to {r['nroy_high']:.4g}",
            str(r["verdict"]),
        ]
        for r in result.identifiability.to_dict("records")
    ]
    _table("what the targets pin down", ["unknown", "range", "non-implausible", ""], rows)
    best = ", ".join(f"{k} = {v:.4g}" for k, v in s["best_point"].items())
    _say(f"best point (largest implausibility {s['best_max_I']:.2f}): {best}")
    _closing(Format.table, 0, result.notes, f"calibration written to {result.folder}")


# --- optimize ---------------------------------------------------------------------------

NO_PLAN_EXIT = 3  # optimize: no plan within the caps meets the targets (the closest is written)


def _numbers(text: str | None, what: str) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        _fail(
            api.OptimizeError(f"{what} {text!r}: whole numbers separated by commas, e.g. 8,10,12")
        )
        raise


@app.command("optimize")
def optimize_cmd(
    scenario: ScenarioArg,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            metavar="METRIC<=VALUE",
            help='A service target, e.g. "crt_response_time_p90<=20"; add "each hour" to hold '
            "it in every open hour. Repeat for more.",
        ),
    ] = None,
    program: Annotated[
        list[str] | None,
        typer.Option(
            "--program",
            "-p",
            metavar="P",
            help="Program whose shifts to set (ccd, crt, cor); default: those the targets name.",
        ),
    ] = None,
    hours: Annotated[
        str | None,
        typer.Option(
            "--hours",
            metavar="HH:00-HH:00",
            help="Hours the programs may open, every day (default: the hours they open now).",
        ),
    ] = None,
    around_the_clock: Annotated[
        bool, typer.Option("--24-7", help="The programs may open at any hour.")
    ] = False,
    shift_lengths: Annotated[
        str | None,
        typer.Option(
            "--shift-lengths", metavar="H,H", help="Allowed shift lengths in hours (8,10,12)."
        ),
    ] = None,
    starts: Annotated[
        str | None,
        typer.Option(
            "--starts", metavar="HH:00,...", help="Allowed shift starts (default: every hour)."
        ),
    ] = None,
    max_units: Annotated[
        int | None,
        typer.Option(
            "--max-units",
            min=1,
            max=1000,
            metavar="N",
            help="Most units of a program on duty at once (20).",
        ),
    ] = None,
    same_each_day: Annotated[
        bool, typer.Option("--same-each-day", help="The same shifts every day of the week.")
    ] = False,
    weekend_rotation: Annotated[
        int | None,
        typer.Option(
            "--weekend-rotation",
            min=1,
            max=10,
            metavar="N",
            help="Head count for staff working 1 weekend in N.",
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            min=0,
            metavar="DOLLARS",
            help="Budget mode: the best set of --options whose annual cost fits.",
        ),
    ] = None,
    fte: Annotated[
        float | None,
        typer.Option(
            "--fte",
            min=0,
            metavar="N",
            help="Budget mode in people: the best set of --options adding at most N FTE.",
        ),
    ] = None,
    maximize: Annotated[
        str | None,
        typer.Option(
            "--maximize",
            metavar="MEASURE",
            help="Budget mode: the measure to maximize (diverted_per_year).",
        ),
    ] = None,
    options: Annotated[
        Path | None,
        typer.Option(
            "--options",
            metavar="FILE",
            help="Budget mode: the candidate changes (an options file).",
        ),
    ] = None,
    reps: Annotated[
        int | None,
        typer.Option(
            "--reps",
            "-r",
            min=3,
            max=1000,
            metavar="N",
            help="Budget mode: replications per candidate (10).",
        ),
    ] = None,
    min_reps: Annotated[
        int | None,
        typer.Option(
            "--min-reps", min=3, max=1000, metavar="N", help="Replications a plan gets first (5)."
        ),
    ] = None,
    max_reps: Annotated[
        int | None,
        typer.Option(
            "--max-reps",
            min=3,
            max=10_000,
            metavar="N",
            help="Most replications to decide a plan (40).",
        ),
    ] = None,
    seed: SeedOpt = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    report: ReportOpt = False,
) -> None:
    """The cheapest shifts that meet service targets (iterative staffing on the full model,
    shifts by integer programming, verified with common random numbers), written as
    recommended.yaml; or, with --budget or --fte and --options, the set of changes that
    buys the most within the limit, with the efficient frontier. Exit code 3: no plan
    within --max-units meets the targets (the closest is written, and says so).

    \b
    Example: heart-sim optimize durham_2025 --24-7 --target "crt_response_time_p90<=20"
    Example: heart-sim optimize durham_2025 --fte 17 --options scenarios/options/durham_fy26.yaml
    """
    with _user_errors(), _progress(quiet, unit="replications") as bars:
        result = _optimize_or_budget(
            scenario,
            target or [],
            out,
            program=program or [],
            hours=hours,
            around_the_clock=around_the_clock,
            shift_lengths=shift_lengths,
            starts=starts,
            max_units=max_units,
            same_each_day=same_each_day,
            weekend_rotation=weekend_rotation,
            budget=budget,
            fte=fte,
            maximize=maximize,
            options=options,
            reps=reps,
            min_reps=min_reps,
            max_reps=max_reps,
            seed=seed,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=bars,
        )
        page = _write_report(result.folder, Format.table) if report and result.folder else None
    if isinstance(result, api.OptimizeResult):
        _print_optimization(result)
    else:
        _print_budget(result)
    _report_written(Format.table, page)
    if isinstance(result, api.OptimizeResult) and not result.summary["feasible"]:
        raise typer.Exit(NO_PLAN_EXIT)


def _optimize_or_budget(
    scenario: str,
    targets: list[str],
    out: Path,
    *,
    program: list[str],
    hours: str | None,
    around_the_clock: bool,
    shift_lengths: str | None,
    starts: str | None,
    max_units: int | None,
    same_each_day: bool,
    weekend_rotation: int | None,
    budget: float | None,
    fte: float | None,
    maximize: str | None,
    options: Path | None,
    reps: int | None,
    min_reps: int | None,
    max_reps: int | None,
    **common: Any,
) -> api.OptimizeResult | api.BudgetResult:
    """The two modes of ``heart-sim optimize``: flags of the other mode are errors, named
    by their flag, not ignored."""
    targets_only = {
        "--program": bool(program),
        "--hours": hours is not None,
        "--24-7": around_the_clock,
        "--shift-lengths": shift_lengths is not None,
        "--starts": starts is not None,
        "--max-units": max_units is not None,
        "--same-each-day": same_each_day,
        "--weekend-rotation": weekend_rotation is not None,
        "--min-reps": min_reps is not None,
        "--max-reps": max_reps is not None,
    }
    budget_only = {
        "--options": options is not None,
        "--maximize": maximize is not None,
        "--reps": reps is not None,
    }
    if budget is not None or fte is not None:
        extra = [k for k, given in targets_only.items() if given]
        if extra:
            raise api.OptimizeError(
                f"{', '.join(extra)}: for the targets mode (--target), not --budget/--fte"
            )
        if targets:
            raise api.OptimizeError("give --target or --budget/--fte, not both")
        if budget is not None and fte is not None:
            raise api.OptimizeError("give --budget or --fte, not both")
        if options is None:
            raise api.OptimizeError(
                "--budget and --fte choose among --options FILE (an options file)"
            )
        return api.budget(
            scenario,
            options,
            budget=budget,
            fte=fte,
            maximize=maximize or "diverted_per_year",
            reps=10 if reps is None else reps,
            out=out,
            **common,
        )
    extra = [k for k, given in budget_only.items() if given]
    if extra:
        raise api.OptimizeError(f"{', '.join(extra)}: for --budget or --fte, not the targets mode")
    if hours is not None and around_the_clock:
        raise api.OptimizeError("give --hours or --24-7, not both")
    lengths = _numbers(shift_lengths, "--shift-lengths")
    return api.optimize(
        scenario,
        targets,
        programs=program,
        hours=None if hours is None else [parse_hours(h) for h in hours.split(",")],
        around_the_clock=around_the_clock,
        shift_lengths=(8, 10, 12) if lengths is None else lengths,
        starts=None if starts is None else [parse_start(h) for h in starts.split(",")],
        max_units=api.MAX_UNITS if max_units is None else max_units,
        same_each_day=same_each_day,
        weekend_rotation=weekend_rotation,
        min_reps=api.MIN_REPS if min_reps is None else min_reps,
        max_reps=api.MAX_REPS if max_reps is None else max_reps,
        out=out,
        **common,
    )


def _print_optimization(result: api.OptimizeResult) -> None:
    s = result.summary
    if s["feasible"]:
        _say(
            f"{s['scenario']}: the recommended shifts meet every target with 95% confidence "
            f"({s['reps']} replications)"
        )
    else:
        _say(f"{s['scenario']}: {s['infeasible']}")
    if s["feasible"]:
        again = f"seed {s['confirmation_seed']} ({s['confirmation_reps']} replications)"
        _say(
            f"judged again on {again}: every target met"
            if s["confirmed"]
            else f"judged again on {again}: NOT every target met, so the margin is thin; "
            "rerun with a higher --max-reps, or take the next plan up"
        )
    rows = [
        [
            str(r["plan"]),
            str(r["goal"]),
            fmt_interval(r["metric"], r["mean"], r["low"], r["high"]),
            str(r["status"]),
        ]
        for r in result.verification.to_dict("records")
    ]
    _table("targets", ["plan", "target", "mean (95% interval)", ""], rows)
    rows = [
        [str(r["program"]), str(r["days"]), f"{r['start']}-{r['end']}", str(r["units"])]
        for r in result.shifts.to_dict("records")
    ]
    _table("recommended shifts", ["program", "days", "on duty", "units"], rows)
    cost = s["cost"]
    staff = ", ".join(Program(p).label for p in s["programs"])
    for plan in ("input", "recommended"):
        c = cost[plan]["cost_total_annual"]
        _say(
            f"{plan}: {fmt_interval('cost_total_annual', c['mean'], c['low'], c['high'])} a "
            f"year in all; {staff}: {s['fte'][plan]:.1f} FTE, {s['head_count'][plan]} people"
        )
    _closing(
        Format.table,
        0,
        result.notes,
        f"recommended scenario written to {Path(result.folder or '.') / 'recommended.yaml'}",
    )


def _print_budget(result: Any) -> None:
    s = result.summary
    m = s["maximize"]
    _say(budget_answer(result))
    rows = [
        [
            str(r["step"]),
            str(r["options"]).replace("+", " + "),
            fmt_interval("cost_total_annual", r["cost"], r["cost_low"], r["cost_high"]),
            f"{r['extra_fte']:+.1f}",
            fmt_interval(m, r["measure"], r["measure_low"], r["measure_high"]),
            "chosen" if r["chosen"] else ("" if r["within_limit"] else "over the limit"),
        ]
        for r in result.frontier.to_dict("records")
    ]
    _table(
        "efficient frontier: what each next step buys",
        ["", "options", header("cost_total_annual"), "extra FTE", header(m), ""],
        rows,
    )
    _closing(Format.table, 0, result.notes, f"budget study written to {result.folder}")


def _write_report(folder: Path, fmt: Format, rank_by: str = "diverted_per_year") -> Path:
    write_any_plots(folder)
    return write_html_report(folder, rank_by=rank_by)


def _report_written(fmt: Format, page: Path | None) -> None:
    if page is not None:
        _tell(fmt, f"report written to {page}")


# --- sensitivity ------------------------------------------------------------------------


class Method(str, Enum):
    morris = "morris"
    sobol = "sobol"


@app.command("sensitivity")
def sensitivity_cmd(
    scenario: ScenarioArg,
    method: Annotated[
        Method,
        typer.Option(
            "--method", help="morris: elementary effects (cheap); sobol: variance shares."
        ),
    ] = Method.morris,
    trajectories: Annotated[
        int | None,
        typer.Option(
            "--trajectories",
            min=2,
            metavar="N",
            help="Morris trajectories, N x (unknowns + 1) points (default 10).",
        ),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            min=2,
            metavar="N",
            help="Sobol base samples, a power of 2: N x (unknowns + 2) points (default 64).",
        ),
    ] = None,
    reps: Annotated[
        int,
        typer.Option(
            "--reps", "-r", min=1, max=MAX_REPS, metavar="N", help="Replications per point."
        ),
    ] = 5,
    seed: SeedOpt = None,
    metrics: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            metavar="M",
            help="A measure to rank the unknowns for (repeatable; default: the headline "
            "cards' measures; see heart-sim metrics).",
        ),
    ] = None,
    out: OutOpt = Path("results"),
    jobs: JobsOpt = 1,
    dask: DaskOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    report: ReportOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Rank the scenario's unknowns (its calibration: block) by how much each moves the
    headline measures: Morris elementary effects or Sobol indices (SALib), every design
    point run with the same seed. Writes DIR/sensitivity_<name>-<key>/ (design.csv,
    indices.csv, ranking.md, tornado charts); run the same command again to resume.

    \b
    Example: heart-sim sensitivity scenarios/durham_2022_unknowns.yaml --reps 5 --jobs 4
    Example: heart-sim sensitivity durham_2022_unknowns --method sobol --samples 64
    """
    with _user_errors(), _progress(quiet, unit="design points") as bars:
        result = api.sensitivity(
            scenario,
            method.value,
            trajectories,
            samples,
            reps,
            seed,
            metrics=metrics,
            out=out,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=bars,
        )
        if report and result.folder is not None:
            _write_report(result.folder, fmt)
    _print_sensitivity(result, fmt)


def _print_sensitivity(result: SensitivityResult, fmt: Format) -> None:
    done = (
        f"{len(result.design)} design points ({result.distinct} distinct) x {result.reps} "
        f"replications = {result.simulations:,} simulations, {result.ran} points run now, "
        f"in {result.elapsed:,.1f} s"
    )
    if result.resumed:
        done += f" ({result.resumed} replications from checkpoints)"
    done += f"; written to {result.folder}"
    if fmt is not Format.table:
        _data(result.indices, fmt)
        _closing(fmt, 0, result.notes, done)
        return
    cols = list(SENSITIVITY_COLUMNS[result.method])
    for m in result.metrics:
        rows = [
            [str(r["rank"]), str(r["parameter"])]
            + [effect_text(m, r[c], result.method, unit=False) for c in cols]
            for r in result.ranking(m).to_dict("records")
        ]
        heads = ["rank", "unknown", *(HEADINGS[c] for c in cols)]
        _table(f"{header(m)}: {result.method}", heads, rows, left=2)
        _say(result.finding(m))
    _closing(fmt, 0, result.notes, done)


# --- results folders ---------------------------------------------------------------------


@app.command("plot")
def plot_cmd(results_dir: ResultsDirArg) -> None:
    """Write the figures of a results folder to RESULTS_DIR/plots/ as PNG and SVG.

    \b
    Example: heart-sim plot results/durham_2022
    """
    with _user_errors():
        written = write_any_plots(results_dir)
    _say(f"{len(written)} files written to {results_dir / 'plots'}")


@app.command("report")
def report_cmd(
    results_dir: ResultsDirArg,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print it to report.pdf (needs Chromium).")
    ] = False,
    rank_by: RankByOpt = "diverted_per_year",
) -> None:
    """Write RESULTS_DIR/report.html: one self-contained page with the scenario, its
    assumptions and sources, headline numbers with CIs, figures and tables; with --pdf
    also RESULTS_DIR/report.pdf, printed by headless Chromium.

    \b
    Example: heart-sim report results/durham_2022 --pdf
    """
    with _user_errors():
        targets = (
            write_pdf_report(results_dir, rank_by=rank_by)
            if pdf
            else (write_html_report(results_dir, rank_by=rank_by),)
        )
    _say(f"report written to {' and '.join(str(t) for t in targets)}")


# --- scenarios ---------------------------------------------------------------------------


@app.command("validate")
def validate_cmd(
    scenarios: Annotated[
        list[str],
        typer.Argument(metavar="SCENARIO...", help="Scenario YAML files or built-in names."),
    ],
) -> None:
    """Check scenario files and explain what is wrong with each (exit 2 if any is invalid).

    \b
    Example: heart-sim validate scenarios/*.yaml
    """
    failed = False
    for name in scenarios:
        try:
            sc = load_scenario(name)
        except HeartSimError as err:
            failed = True
            _print_error(err)
            continue
        per_week = sc.demand.calls_per_week * sc.demand.multiplier
        start = f" from {sc.start_date}" if sc.start_date else ""
        phases = f", {len(sc.phases)} phase(s)" if sc.phases else ""
        _say(
            f"{name}: valid scenario '{sc.name}' ({per_week:g} calls/week, "
            f"{len(sc.call_types)} call types, {sc.horizon_weeks} weeks{start}{phases})"
        )
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


# --- fitting inputs from call records -----------------------------------------------------


@app.command("fit")
def fit_cmd(
    calls: Annotated[
        Path | None,
        typer.Argument(
            metavar="CALLS.csv", help="A CAD / dispatch export: CSV (or .csv.gz) or xlsx."
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="OUT.yaml", help="The scenario fragment to write."),
    ] = Path("inputs.yaml"),
    time_column: Annotated[
        str | None, typer.Option("--time-column", metavar="COL", help="Column of call times.")
    ] = None,
    type_column: Annotated[
        str | None, typer.Option("--type-column", metavar="COL", help="Column of CAD natures.")
    ] = None,
    zone_column: Annotated[
        str | None, typer.Option("--zone-column", metavar="COL", help="Column of zones.")
    ] = None,
    duration: Annotated[
        list[str] | None,
        typer.Option(
            "--duration",
            metavar="START:END[:NAME]",
            help="Two timestamp columns and the key path to write the fit to (crt.on_scene_time); "
            "repeatable.",
        ),
    ] = None,
    columns: Annotated[
        Path | None,
        typer.Option("--columns", metavar="MAP.yaml", help="Column names as a YAML mapping."),
    ] = None,
    time_format: Annotated[
        str | None,
        typer.Option("--time-format", metavar="FMT", help="Force one timestamp form (strftime)."),
    ] = None,
    type_map: Annotated[
        Path | None,
        typer.Option("--type-map", metavar="MAP.yaml", help="CAD nature -> heart-sim call type."),
    ] = None,
    zone_map: Annotated[
        Path | None,
        typer.Option("--zone-map", metavar="MAP.yaml", help="Zone value -> heart-sim zone name."),
    ] = None,
    unmapped_as: Annotated[
        str | None,
        typer.Option(
            "--unmapped-as", metavar="TYPE", help="Count natures the map lacks as this call type."
        ),
    ] = None,
    holidays: Annotated[
        str,
        typer.Option("--holidays", metavar="CC[-SUB]|none", help="Holidays to leave out."),
    ] = "US",
    max_hours: Annotated[
        float, typer.Option("--max-hours", metavar="H", help="Drop durations longer than this.")
    ] = 24.0,
    extends: Annotated[
        str | None,
        typer.Option(
            "--extends", metavar="SCENARIO", help="Write extends: SCENARIO and validate on it."
        ),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            metavar="STATS.csv",
            help="Fit lognormal and gamma to published n, mean and percentiles instead.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing OUT.yaml.")] = False,
) -> None:
    """Fit demand, call-type and zone shares and durations to call records, and write a
    scenario fragment (YAML a scenario can extends:) with a fit report beside it.

    \b
    Example: heart-sim fit tests/data/milwaukee_police_dispatch_2018-05.csv.gz
      --time-column time --type-column nature
      --type-map scenarios/fit/milwaukee_types.yaml --out milwaukee_inputs.yaml
    Example: heart-sim fit --summary heart_sim/data/lane_county_crisis_team_times.csv
      --out lane_county_times.yaml
    """
    from ..fitting import FitOptions, write_summary_fits
    from ..reports import fit_calls

    with _user_errors():
        if summary is not None:
            path, rows = write_summary_fits(summary, out, force=force)
            _say(f"{len(rows)} rows fitted; written: {path}")
            return
        if calls is None:
            raise HeartSimError("give CALLS.csv (a dispatch export) or --summary STATS.csv")
        options = FitOptions(
            time_column=time_column,
            type_column=type_column,
            zone_column=zone_column,
            durations=tuple(duration or ()),
            columns=columns,
            time_format=time_format,
            type_map=type_map,
            zone_map=zone_map,
            unmapped_as=unmapped_as,
            holidays=holidays,
            max_hours=max_hours,
            extends=extends,
        )
        outcome = fit_calls(calls, out, options, force=force)
    for line in outcome.lines:
        _say(line)

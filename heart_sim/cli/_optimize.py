"""heart-sim optimize: the targets search or, with --budget/--fte, budget mode."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .. import api
from ..core import Program
from ..measure import (
    fmt_interval,
    header,
)
from ..optimization import parse_hours, parse_start
from ..reports import budget_answer
from ._app import (
    DaskOpt,
    ForceOpt,
    Format,
    JobsOpt,
    OutOpt,
    QuietOpt,
    ReportOpt,
    ScenarioArg,
    SeedOpt,
    _closing,
    _fail,
    _progress,
    _report_written,
    _say,
    _table,
    _user_errors,
    _write_report,
    app,
)

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


# Over 80 lines only in its signature: one typer option per flag (help text included);
# the body maps them to one library call.
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
    min_shift_length: Annotated[
        int | None,
        typer.Option(
            "--min-shift-length",
            metavar="H",
            help="Hours a crew works at least (default: the shortest shift it works now).",
        ),
    ] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance",
            metavar="SHARE",
            help="A target held each hour is met when every hour's mean meets it and its "
            "95% interval is within the target plus this share of it (0.05).",
        ),
    ] = None,
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
            metavar="DOLLARS",
            help="Budget mode: the best set of --options whose annual cost fits.",
        ),
    ] = None,
    fte: Annotated[
        float | None,
        typer.Option(
            "--fte",
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
            help="Budget mode: the candidate changes (an options file, or a shipped one by "
            "name: durham_fy26).",
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
            min_shift_length=min_shift_length,
            tolerance=tolerance,
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
    if isinstance(result, api.OptimizeResult) and not result.facts["feasible"]:
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
    min_shift_length: int | None,
    tolerance: float | None,
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
        "--min-shift-length": min_shift_length is not None,
        "--tolerance": tolerance is not None,
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
        _refuse_targets_flags(targets_only, targets, budget, fte, options)
        assert options is not None
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
        min_shift_length=min_shift_length,
        tolerance=api.TOLERANCE if tolerance is None else tolerance,
        weekend_rotation=weekend_rotation,
        min_reps=api.MIN_REPS if min_reps is None else min_reps,
        max_reps=api.MAX_REPS if max_reps is None else max_reps,
        out=out,
        **common,
    )


def _refuse_targets_flags(
    targets_only: dict[str, bool],
    targets: list[str],
    budget: float | None,
    fte: float | None,
    options: Path | None,
) -> None:
    """Budget mode: no flag of the targets mode, one limit, and an options file."""
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
        raise api.OptimizeError("--budget and --fte choose among --options FILE (an options file)")


def _print_optimization(result: api.OptimizeResult) -> None:
    s = result.facts
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
    s = result.facts
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

"""heart-sim run, compare and sweep: replications of scenarios, their tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..core import FIELD_TEAMS
from ..measure import (
    fmt_interval,
    fmt_record,
    fmt_summary,
    fmt_value,
    header,
    metric,
    parse_reps,
    shown_in,
)
from ..reports import check_rank_by
from ..study import Comparison, Results, SweepResult, parse_vary
from ._app import (
    DEFAULT_SCENARIO,
    MAX_REPS,
    AutoRepsOpt,
    DaskOpt,
    ForceOpt,
    Format,
    FormatOpt,
    JobsOpt,
    MaxRepsOpt,
    OutOpt,
    PairedRepsOpt,
    PosteriorOpt,
    PrecisionOpt,
    QuietOpt,
    RankByOpt,
    ReportOpt,
    ScenarioArg,
    SeedOpt,
    _closing,
    _data,
    _progress,
    _report_written,
    _say,
    _table,
    _user_errors,
    _write_report,
    app,
)

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
    rank_by: RankByOpt = "auto",
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
        # the options view holds both marginal costs: each is printed once
        rows = [[header(m), fmt_record(r, m, signed=m.startswith("extra_"))] for m in names]
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

"""heart-sim calibrate: history matching to published figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..calibration import CalibrationResult
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
    _progress,
    _report_written,
    _say,
    _table,
    _user_errors,
    _write_report,
    app,
)


@app.command("calibrate")
def calibrate_cmd(
    scenario: ScenarioArg,
    targets: Annotated[
        Path,
        typer.Option(
            "--targets",
            "-t",
            metavar="FILE",
            help="The published figures (a targets YAML file, or a shipped one by name: "
            "durham_2024).",
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
    Example: heart-sim calibrate durham_2022_unknowns --targets durham_pilot_2022_23
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
    s = result.facts
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

"""heart-sim sensitivity: what the answer depends on."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import api
from ..calibration import COLUMNS as SENSITIVITY_COLUMNS
from ..calibration import HEADINGS, SensitivityResult, effect_text
from ..measure import (
    header,
)
from ._app import (
    MAX_REPS,
    DaskOpt,
    ForceOpt,
    Format,
    FormatOpt,
    JobsOpt,
    OutOpt,
    QuietOpt,
    ReportOpt,
    ScenarioArg,
    SeedOpt,
    _closing,
    _data,
    _progress,
    _say,
    _table,
    _user_errors,
    _write_report,
    app,
)

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

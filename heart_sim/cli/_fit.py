"""heart-sim fit: inputs fitted from call records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..core import HeartSimError
from ._app import _say, _user_errors, app

# --- fitting inputs from call records -----------------------------------------------------


# Over 80 lines only in its signature: one typer option per flag (help text included);
# the body maps them to one library call.
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

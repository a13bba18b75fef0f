"""What the pages of simulated scenarios share -- a run's page and a comparison's: the
note on what the intervals hold, the run settings (replications and how --reps auto chose
them, seed, measured window, warm-up, holidays, phases), the appendix of every metric and
the parts a program's cost is made of.

Both pages describe scenarios simulated the same way, so they say it in the same words;
kept out of the HTML kit, which knows nothing of scenarios.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from ..core import __version__
from ..measure import CATALOG, PRECISION_FILE, header
from ..model import Calendar
from ..scenario import Scenario
from ..study import POSTERIOR_FILE
from ._html_kit import FIXED_ASSUMPTIONS, INTERVALS, esc, summary_cell, table_html, table_row

# The parts of a program's annual cost, as its <program>_<part>_cost_annual metrics name them.
COST_PARTS = ("staff", "overtime", "fixed", "mileage")


def assumption_note(sources: dict[str, str]) -> str:
    """Whether the intervals hold the unknowns (a posterior run) or hold them fixed."""
    if POSTERIOR_FILE in sources:
        return (
            "Each replication ran at a parameter point drawn from the calibration's "
            "posterior.csv, so the intervals include what the calibration left unknown."
        )
    return FIXED_ASSUMPTIONS


def window_text(s: Scenario) -> str:
    """The measured period: its weeks, and its dates when the scenario has a calendar."""
    if s.start_date is None:
        return f"{s.horizon_weeks} weeks (no calendar dates)"
    last = s.start_date + dt.timedelta(weeks=s.horizon_weeks, days=-1)
    return f"{s.horizon_weeks} weeks, {s.start_date} to {last}"


def _auto_reps(folder: Path | None) -> str:
    """How --reps auto chose the replications (from precision.json), or ''."""
    path = folder / PRECISION_FILE if folder is not None else None
    if path is None or not path.is_file():
        return ""
    p = json.loads(path.read_text())
    target = f"within ±{100 * p['precision']:g}% of its mean"
    if p.get("reached"):
        last = p.get("labels", {}).get(p.get("last"), p.get("last"))
        tail = f"; the last to get there: {last}" if last else ""
        return f"; chosen by --reps auto: every headline interval {target}{tail}"
    return f"; --reps auto stopped at its cap of {p['max_reps']}: not every interval is {target}"


def run_settings(
    s: Scenario, seed: int, reps: int, folder: Path | None = None
) -> list[tuple[str, str]]:
    """The settings a run was simulated with, as (name, value) for ``settings_list``."""
    items = [
        (
            "replications",
            f"{reps} (each a full simulated period with its own random numbers)"
            + _auto_reps(folder),
        ),
        ("seed", str(seed)),
        ("measured", window_text(s)),
        (
            "warm-up",
            f"{s.warmup_weeks} week{'s' if s.warmup_weeks != 1 else ''} simulated first and "
            "discarded, so the measured period does not start with empty queues",
        ),
        ("intervals", INTERVALS),
    ]
    if s.holidays is not None:
        cal = Calendar.of(s)
        days = [str(d) for d, kind in cal.marks() if kind == "holiday"]
        where = s.holidays.country + (
            f"-{s.holidays.subdivision}" if s.holidays.subdivision else ""
        )
        items.append(("holidays", f"{where}: {len(days)} in the measured window"))
    for ph in s.phases:
        items.append(("phase", f"from {ph.start}: {', '.join(sorted(ph.changes))} change"))
    items.append(("heart-sim", __version__))
    return items


def metric_appendix(summary: pd.DataFrame, title: str) -> list[str]:
    """Every metric of a summary: label with unit, identifier, mean with interval."""
    idx = summary.set_index("metric")
    rows = [
        table_row(
            esc(header(m)), [f"<td class='text'><code>{esc(m)}</code></td>", summary_cell(idx, m)]
        )
        for m in idx.index
        if m in CATALOG
    ]
    return [
        f"<details><summary>{esc(title)}</summary>",
        "<p class='note'>The identifiers are the column names of summary.csv, "
        "replications.csv and the JSON output.</p>",
        table_html(["measure", "identifier", "mean (95% interval)"], rows),
        "</details>",
    ]

"""The Markdown reports a results folder carries: report.md (a run), comparison.md.

Plain functions of the tables they show, so any layer that has the tables can render them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..core import PROGRAMS, __version__
from ..measure import (
    PERCENTILES,
    TIME_METRICS,
    cost_table,
    fmt_interval,
    fmt_summary,
    fmt_value,
    header,
    headline_rows,
    metric,
)
from ..model import Calendar
from ..scenario import Scenario


def markdown_report(s: Scenario, seed: int, reps: int, summary: pd.DataFrame) -> str:
    """report.md of a run: headline numbers, times with percentiles, staffing."""
    idx = summary.set_index("metric")
    lines = [
        f"# heart-sim results: {s.name}",
        "",
        s.description.strip(),
        "",
        f"- replications: {reps}, seed: {seed}, heart-sim {__version__}",
        f"- measured: {s.horizon_weeks} weeks{_dates(s)} after a {s.warmup_weeks}-week "
        "warm-up (the warm-up is simulated and discarded)",
        *_calendar_lines(s),
        "- values: mean over replications with its 95% interval in brackets (a t-interval, "
        "kept to the values the quantity can take; ratios: Fieller's interval)",
        "",
        "## Headline",
        "",
        "| measure | mean (95% interval) |",
        "|---|---|",
    ]
    lines += [f"| {m} | {v} |" for m, v in headline_rows(summary)]
    lines += [
        "",
        "## Times (mean over replications of each percentile)",
        "",
        "| time | mean | p50 | p90 | p95 |",
        "|---|---|---|---|---|",
    ]
    for m in TIME_METRICS:
        if m not in idx.index:
            continue
        cells = [fmt_summary(idx.loc[m], m)] + [
            fmt_summary(idx.loc[f"{m}_p{q}"], m) if f"{m}_p{q}" in idx.index else "n/a"
            for q in PERCENTILES
        ]
        name = metric(m).label.removesuffix(" (mean)")
        lines.append(f"| {name} ({metric(m).unit_label}) | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Staffing",
        "",
        "Unit-hours scheduled (the shifts), present (less vacancies and absences) and "
        "available (less breaks and police duty); utilization = busy / available (and, "
        "second, busy / scheduled).",
        "",
        "| program | scheduled (unit-hours) | present (unit-hours) | available (unit-hours) "
        "| overtime (unit-hours) | utilization (% of available) | utilization (% of "
        "scheduled) |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in PROGRAMS:
        keys = [f"{p}_{k}_hours" for k in ("scheduled", "staffed", "available", "overtime")]
        keys += [f"{p}_utilization", f"{p}_utilization_scheduled"]
        cells = [fmt_summary(idx.loc[k], k) for k in keys]
        lines.append(f"| {p.full_name} | " + " | ".join(cells) + " |")
    monthly = ", by_month.csv (one row per calendar month)" if s.start_date else ""
    lines += [
        "",
        f"Files: summary.csv, summary.json, replications.csv, by_hour.csv{monthly}, "
        "scenario.yaml (the resolved scenario), manifest.json.",
        "",
    ]
    return "\n".join(lines)


def _dates(s: Scenario) -> str:
    """' (2022-10-03 to 2023-10-01)' for a dated run, '' otherwise."""
    if s.start_date is None:
        return ""
    last = s.start_date + dt.timedelta(weeks=s.horizon_weeks, days=-1)
    return f" ({s.start_date} to {last})"


def _calendar_lines(s: Scenario) -> list[str]:
    """Holidays and phases, as the run used them."""
    out = []
    if s.holidays is not None:
        where = s.holidays.country + (
            f"-{s.holidays.subdivision}" if s.holidays.subdivision else ""
        )
        rule = ", ".join(f"{p} {s.program(p).on_holidays}" for p in PROGRAMS)
        out.append(f"- holidays: {where} (holidays package); at the start, on holidays: {rule}")
        cal = Calendar.of(s)
        days = [str(d) for d, kind in cal.marks() if kind == "holiday"]
        out.append(f"- the {len(days)} holidays in the measured window: {', '.join(days)}")
    for ph in s.phases:
        changed = ", ".join(sorted(_leaves(ph.changes)))
        out.append(f"- phase from {ph.start}: changes {changed}")
    return out


def _leaves(d: dict, prefix: str = "") -> set[str]:
    """The top two levels of keys a phase changes ('programs.crt', 'demand')."""
    if prefix.count(".") >= 1 or not isinstance(d, dict):
        return {prefix}
    out: set[str] = set()
    for k, v in d.items():
        out |= (
            _leaves(v, f"{prefix}.{k}" if prefix else k)
            if isinstance(v, dict)
            else {f"{prefix}.{k}" if prefix else k}
        )
    return out


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def comparison_markdown(
    base: str, seed: int, reps: int, costs: pd.DataFrame, differences: pd.DataFrame
) -> str:
    """comparison.md: the cost table and each alternative's paired differences."""
    lines = [
        f"# Comparison against {base}",
        "",
        f"{reps} replications each, seed {seed}, common random numbers (replication "
        "r of every scenario sees the same calls). Differences are alternative - base, paired "
        "by replication, with 95% t-intervals (ratios: Fieller's interval); a difference "
        "whose interval spans zero is marked not significant.",
        "",
        "## Costs and diverted calls (per year)",
        "",
    ]
    lines.append(table(*cost_table(costs)))
    lines += ["", "## Paired differences", ""]
    for name, d in differences.groupby("scenario", sort=False):
        lines += [
            f"### {name} - {base}",
            "",
            "| measure | base | alternative | difference (95% interval) | |",
            "|---|---|---|---|---|",
        ]
        for t in d.itertuples(index=False):
            m = str(t.metric)
            diff = fmt_interval(m, t.diff_mean, t.diff_ci_low, t.diff_ci_high, signed=True)
            lines.append(
                f"| {header(m)} | {fmt_value(m, t.base_mean)} | {fmt_value(m, t.alt_mean)} | "
                f"{diff} | {t.significance} |"
            )
        lines.append("")
    return "\n".join(lines)

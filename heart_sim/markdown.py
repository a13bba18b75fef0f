"""The Markdown reports a results folder carries: report.md (a run), comparison.md.

Plain functions of the tables they show, so any layer that has the tables can render them.
"""

from __future__ import annotations

import pandas as pd

from .catalog import PERCENTILES, TIME_METRICS
from .formatting import cost_table, fmt_ci, fmt_interval, fmt_num, headline_rows
from .scenario import Scenario
from .version import __version__
from .vocab import PROGRAMS


def markdown_report(s: Scenario, seed: int, reps: int, summary: pd.DataFrame) -> str:
    """report.md of a run: headline numbers, times with percentiles, staffing."""
    idx = summary.set_index("metric")
    lines = [
        f"# heart-sim results: {s.name}",
        "",
        s.description.strip(),
        "",
        f"- replications: {reps}, seed: {seed}, heart-sim {__version__}",
        f"- measured: {s.horizon_weeks} weeks after a {s.warmup_weeks}-week warm-up "
        "(the warm-up is simulated and discarded)",
        "- values: mean over replications with a 95% t-interval in brackets",
        "",
        "## Headline",
        "",
        "| metric | mean [95% CI] |",
        "|---|---|",
    ]
    lines += [f"| {m} | {v} |" for m, v in headline_rows(summary)]
    lines += [
        "",
        "## Times (mean over replications of each percentile)",
        "",
        "| metric | unit | mean | p50 | p90 | p95 |",
        "|---|---|---|---|---|---|",
    ]
    for m, unit in TIME_METRICS.items():
        if m not in idx.index:
            continue
        cells = [fmt_ci(idx.loc[m])] + [
            fmt_ci(idx.loc[f"{m}_p{q}"]) if f"{m}_p{q}" in idx.index else "n/a" for q in PERCENTILES
        ]
        lines.append(f"| {m} | {unit} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Staffing",
        "",
        "| program | staffed h | overtime h | utilization |",
        "|---|---|---|---|",
    ]
    for p in PROGRAMS:
        lines.append(
            f"| {p} | {fmt_ci(idx.loc[f'{p}_staffed_hours'], 6)} | "
            f"{fmt_ci(idx.loc[f'{p}_overtime_hours'])} | {fmt_ci(idx.loc[f'{p}_utilization'])} |"
        )
    lines += [
        "",
        "Files: summary.csv, summary.json, replications.csv, by_hour.csv, "
        "scenario.yaml (the resolved scenario), manifest.json.",
        "",
    ]
    return "\n".join(lines)


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
        "by replication, with 95% t-intervals; a difference whose interval spans zero is "
        "marked not significant.",
        "",
        "## Costs and diverted calls (per year)",
        "",
    ]
    lines.append(table(*cost_table(costs, long=True)))
    lines += ["", "## Paired differences", ""]
    for name, d in differences.groupby("scenario", sort=False):
        lines += [
            f"### {name} - {base}",
            "",
            "| metric | base | alternative | difference [95% CI] | |",
            "|---|---|---|---|---|",
        ]
        for t in d.itertuples(index=False):
            lines.append(
                f"| {t.metric} | {fmt_num(t.base_mean)} | {fmt_num(t.alt_mean)} | "
                f"{fmt_interval(t.diff_mean, t.diff_ci_low, t.diff_ci_high)} | {t.significance} |"
            )
        lines.append("")
    return "\n".join(lines)

"""The page of a run's results folder (``heart-sim run --report``): a page a budget analyst
can read in two minutes and forward.

It opens with headline cards in plain sentences, then says why calls were missed (by
reason, by hour of week, and by month and zone where the scenario has them), then response
times, staffing and utilization, then costs; then what the numbers rest on: the
assumptions and sources from the scenario files' comments, the run settings, a glossary,
and an appendix of every metric with its identifier. One module per kind of results
folder, so a change to what a run's page says touches this file alone.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..core import FALLBACKS, PROGRAMS, Outcome
from ..measure import (
    REASON_ORDER,
    TIME_METRICS,
    fmt_value,
    header,
    metric,
    missed_by_reason,
    run_cards,
)
from ..study import Results, read_results
from ._html_kit import (
    INTERVALS,
    assumptions_section,
    card_grid,
    esc,
    figure_html,
    glossary_section,
    page_html,
    record_cell,
    settings_list,
    summary_cell,
    table_html,
    table_row,
)
from ._plots import run_figures
from ._run_parts import COST_PARTS, assumption_note, metric_appendix, run_settings, window_text

_REASON = {
    Outcome.FALLBACK_OUT_OF_HOURS: "the program was closed",
    Outcome.FALLBACK_OUT_OF_AREA: "outside the program's area",
    Outcome.FALLBACK_NO_UNIT: "no team free in time",
    Outcome.FALLBACK_REFERRED: "the CCD clinician referred it to police/EMS",
    Outcome.CALLER_HUNG_UP: "the caller hung up while holding for CCD",
    Outcome.FALLBACK_NOT_SENT: "911 did not send it to HEART (routing or CoR triage)",
}
# Why the split of the missed calls matters, and the data that would check it.
CAPACITY_OR_ROUTING = (
    "Two explanations of calls HEART did not reach in its hours imply opposite staffing "
    "answers: too few teams (calls that found no team free; teams busy most of their hours) "
    "or 911 sending only part of the eligible calls to HEART (not sent by 911; teams often "
    "idle). Published totals cannot tell them apart. The data that can: the monthly count "
    "of calls that found no HEART unit free (by month in by_month.csv) and the share of "
    "their hours CRT teams spend busy (CRT utilization), set against the city's own records."
)


def _missed_section(result: Results, figs: dict[str, Figure]) -> list[str]:
    idx = result.summary.set_index("metric")
    share_of_missed = dict(missed_by_reason(result.summary))
    rows = []
    for o in (*FALLBACKS, Outcome.CALLER_HUNG_UP):
        if f"{o.key}_share" not in idx.index:
            continue
        of_missed = share_of_missed.get(o)
        share = fmt_value("diversion_rate", of_missed) if of_missed is not None else ""
        rows.append(
            table_row(
                esc(_REASON[o]), [summary_cell(idx, f"{o.key}_share"), f"<td>{esc(share)}</td>"]
            )
        )
    out = [
        "<h2>Why calls were missed</h2>",
        "<p>Every eligible call HEART did not handle went to police/EMS for one of these "
        "reasons (or its caller hung up).</p>",
        table_html(
            ["reason", "share of eligible calls (%)", "share of the calls HEART missed (%)"],
            rows,
        ),
        f"<p>{esc(CAPACITY_OR_ROUTING)}</p>",
        f"<p class='note'>{esc(REASON_ORDER)}</p>",
    ]
    if "outcomes" in figs:
        out.append(figure_html(figs.pop("outcomes"), "How the calls ended"))
    if "unmet_demand_heatmap" in figs:
        out.append(
            figure_html(
                figs.pop("unmet_demand_heatmap"), "Calls sent to police/EMS by hour of week"
            )
        )
    if "monthly" in figs:
        out.append(figure_html(figs.pop("monthly"), "Month by month (holidays and phases marked)"))
    if result.by_zone is not None:
        out += _zone_table(result.by_zone)
        if "zones" in figs:
            out.append(figure_html(figs.pop("zones"), "By zone"))
    return out


def _zone_table(by_zone: pd.DataFrame) -> list[str]:
    names = ["calls_total", "heart_response_rate", "diversion_rate", "crt_response_time"]
    names = [n for n in names if n in by_zone]
    rows = [
        table_row(esc(r["zone"]), [record_cell(r, n) for n in names])
        for r in by_zone.to_dict("records")
    ]
    return ["<h3>By zone</h3>", table_html(["zone", *(header(n) for n in names)], rows)]


def _times_section(result: Results, figs: dict[str, Figure]) -> list[str]:
    idx = result.summary.set_index("metric")
    rows = []
    for m in TIME_METRICS:
        if m not in idx.index or pd.isna(idx.loc[m, "mean"]):
            continue
        label = metric(m).label.removesuffix(" (mean)") + f" ({metric(m).unit_label})"
        cells = [summary_cell(idx, m)] + [summary_cell(idx, f"{m}_p{q}") for q in (50, 90, 95)]
        rows.append(table_row(esc(label), cells))
    out = [
        "<h2>Response times</h2>",
        "<p>Means over the calls each time applies to, and percentiles: p90 is the time 9 in "
        "10 calls were within.</p>",
        table_html(["time", "mean", "p50 (median)", "p90", "p95"], rows),
    ]
    if "response_cdf" in figs:
        out.append(
            figure_html(figs.pop("response_cdf"), "Response-time distributions (shaded: 95% bands)")
        )
    return out


def _staffing_section(result: Results, figs: dict[str, Figure]) -> list[str]:
    idx = result.summary.set_index("metric")
    keys = (
        "scheduled_hours",
        "staffed_hours",
        "available_hours",
        "overtime_hours",
        "utilization",
        "utilization_scheduled",
    )
    heads = [
        "scheduled unit-hours",
        "present unit-hours",
        "available unit-hours",
        "overtime unit-hours",
        "busy, % of available time",
        "busy, % of scheduled time",
    ]
    rows = [
        table_row(esc(p.full_name), [summary_cell(idx, f"{p}_{k}") for k in keys])
        for p in PROGRAMS
        if idx.loc[f"{p}_scheduled_hours", "mean"] > 0
    ]
    out = [
        "<h2>Staffing and utilization</h2>",
        f"<p>Unit-hours over the measured {result.scenario.horizon_weeks} weeks: scheduled by "
        "the shifts, present (less vacancies and absences), and available (less breaks and "
        "time pulled to other duties).</p>",
        table_html(["program", *heads], rows),
    ]
    for stem, caption in (
        ("staffing_heatmap", "Units on duty by hour of week"),
        ("utilization_heatmap", "Utilization by hour of week"),
        ("demand_heatmap", "Eligible calls by hour of week"),
    ):
        if stem in figs:
            out.append(figure_html(figs.pop(stem), caption))
    return out


def _costs_section(result: Results) -> list[str]:
    idx = result.summary.set_index("metric")
    if "cost_total_annual" not in idx.index or not idx.loc["cost_total_annual", "mean"] > 0:
        return ["<h2>Costs</h2><p>The scenario has no costs: section costs: is not set.</p>"]
    rows = []
    for p in PROGRAMS:
        if not idx.loc[f"{p}_cost_annual", "mean"] > 0:
            continue
        cells = [summary_cell(idx, f"{p}_{part}_cost_annual") for part in COST_PARTS]
        cells.append(summary_cell(idx, f"{p}_cost_annual"))
        avoided = f"{p}_police_cost_avoided_annual"
        cells.append(summary_cell(idx, avoided) if avoided in idx.index else "<td></td>")
        rows.append(table_row(esc(p.full_name), cells))
    rows.append(
        table_row(
            "<b>all programs</b>",
            ["<td></td>"] * 4
            + [
                summary_cell(idx, "cost_total_annual"),
                summary_cell(idx, "police_cost_avoided_annual"),
            ],
        )
    )
    heads = ["staff", "overtime", "fixed (vans, other)", "mileage", "total", "police cost avoided"]
    out = [
        "<h2>Costs (per year)</h2>",
        "<p>Staff cost is present unit-hours times the loaded pay of a unit's people times the "
        "relief factor (paid leave); fixed costs include each unit on duty at once (vans, "
        "phones); police cost avoided prices the officer time the calls HEART handled would "
        "have taken. All in $ per year.</p>",
        table_html(["program", *heads], rows),
    ]
    totals = [
        "cost_per_diverted_call",
        "cost_per_heart_response",
        "net_cost_annual",
        "police_cost_annual",
    ]
    rows = [table_row(esc(header(m)), [summary_cell(idx, m)]) for m in totals if m in idx.index]
    out.append(table_html(["measure", "mean (95% interval)"], rows))
    return out


def run_html(folder: Path) -> str:
    """A run folder's page."""
    result = read_results(folder)
    s = result.scenario
    figs = run_figures(result)
    body = [
        f"<h1>{esc(s.title or s.name)}</h1>",
        f"<p class='lead'>{esc(s.description)}</p>",
        f"<p class='note'>Scenario <code>{esc(s.name)}</code>: {result.reps} replications of "
        f"{window_text(s)}, seed {result.seed}. {INTERVALS} {assumption_note(result.sources)}</p>",
        "<h2>Headlines</h2>",
        card_grid(run_cards(result.summary)),
    ]
    body += _missed_section(result, figs)
    body += _times_section(result, figs)
    body += _staffing_section(result, figs)
    body += _costs_section(result)
    for stem, fig in figs.items():  # any figure not placed above
        body.append(figure_html(fig, stem.replace("_", " ")))
    body += assumptions_section(result.sources)
    body += [
        "<h2>Run settings</h2>",
        settings_list(run_settings(s, result.seed, result.reps, folder)),
    ]
    body += glossary_section()
    body += [
        "<h2 class='screen-only'>Appendix</h2>",
        *metric_appendix(result.summary, "Every metric of this run"),
    ]
    return page_html(f"heart-sim: {s.name}", body)

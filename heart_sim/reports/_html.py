"""One self-contained HTML report per results folder: a page a budget analyst can read in
two minutes and forward, with nothing fetched from the network.

Each page opens with headline cards in plain sentences, then says why calls were missed
(by reason, by hour of week, and by month and zone where the scenario has them), then
response times, staffing and utilization, then costs; for a comparison, the options ranked
by the measure the user picks. Then what the numbers rest on: the assumptions and sources
from the scenario files' comments, the run settings, a glossary, and an appendix of every
metric with its identifier. Every label, unit and number format comes from the metric
catalog (``formatting``, ``headlines``). The page fits a 1,280-px window and prints on
Letter or A4 paper (print CSS); images are embedded as PNG data.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ..calibration import (
    COLUMNS,
    HEADINGS,
    IMPORTANCE,
    SensitivityResult,
    effect_text,
    read_calibration,
    read_sensitivity,
    symbol,
)
from ..core import FALLBACKS, PROGRAMS, Outcome, StudyError, __version__
from ..measure import (
    CARD_CSS,
    CATALOG,
    GLOSSARY,
    NO_INTERVAL,
    PRECISION_FILE,
    TIME_METRICS,
    VIEWS,
    Card,
    breakable,
    fmt_value,
    header,
    metric,
    missed_by_reason,
    option_cards,
    ranked,
    ratio_why,
    run_cards,
    shown_in,
)
from ..model import Calendar
from ..scenario import Scenario
from ..study import (
    POSTERIOR_FILE,
    Comparison,
    Results,
    read_comparison,
    read_results,
    read_sweep,
)
from ._plots import (
    calibration_figures,
    comparison_figures,
    run_figures,
    sensitivity_figures,
    sweep_figures,
)

CSS = (
    CARD_CSS
    + """
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1d;
       max-width: 1180px; margin: 1.5em auto; padding: 0 1.2em; line-height: 1.45;
       font-size: 15px; }
h1 { font-size: 1.6em; border-bottom: 3px solid #1d3557; padding-bottom: 0.2em; }
h2 { font-size: 1.25em; color: #1d3557; margin-top: 1.8em; border-bottom: 1px solid #ccd;
     break-after: avoid; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; break-after: avoid; }
p, li, dd { overflow-wrap: anywhere; }
.lead { font-size: 1.05em; }
.note { color: #555; font-size: 0.88em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.85em; width: 100%;
        break-inside: auto; }
th, td { border-bottom: 1px solid #dde; padding: 4px 6px; text-align: right;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #eef1f7; font-weight: 600; vertical-align: bottom; }
th:first-child, td:first-child { text-align: left; }
tr { break-inside: avoid; }
td .v { display: block; white-space: nowrap; }
td.text { overflow-wrap: break-word; }
table.options td:first-child { min-width: 11em; }
.figs { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 0 1em; }
td .ci { display: block; font-size: 0.8em; color: #666; }
td.text, th.text { text-align: left; }
.rank { font-weight: 700; color: #1d3557; }
code { font-size: 0.85em; overflow-wrap: anywhere; }
figure { margin: 0.8em 0; break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e3e3; }
figcaption { font-size: 0.85em; color: #444; }
dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; }
dl.settings dt { font-weight: 600; }
dl.settings dd { margin: 0; }
dl.glossary dt { font-weight: 600; margin-top: 0.4em; }
dl.glossary dd { margin-left: 1.2em; }
.assumption td { background: #fff8e6; }
details { margin: 0.5em 0; }
pre { background: #f6f6f6; padding: 0.8em; font-size: 0.75em; white-space: pre-wrap;
      overflow-wrap: anywhere; }
@page { margin: 0.5in; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  .cards { grid-template-columns: repeat(3, 1fr); }
  .card-value { font-size: 1.3em; }
  table { font-size: 7.5pt; }
  th, td { padding: 2px 3px; }
  td .v { white-space: normal; }
  h2 { break-before: auto; }
  details, .screen-only { display: none; }
  a { color: inherit; text-decoration: none; }
}
"""
)

MARKERS = re.compile(r"(ASSUMPTION|Source|Derived|Proxy)", re.IGNORECASE)
INTERVALS = (
    "Values are means over replications with 95% intervals: t-intervals for means, kept to "
    "the values a quantity can take (no negative times or costs, no share above 100%), and "
    "Fieller's interval for ratios such as the cost per diverted call. Fewer than 3 "
    "replications give no interval."
)
# What the intervals do not hold: said on every page, next to them.
FIXED_ASSUMPTIONS = (
    "The intervals measure the simulation's own chance variation with every assumption "
    "held at its value (the scenario's assumptions): they are not a forecast range. To "
    "include what is not known, calibrate the unknowns (heart-sim calibrate) and run with "
    "--posterior."
)


# --- building blocks -------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text))


def _name(text: object) -> str:
    """A scenario or metric name, escaped, that may break after its underscores and dots."""
    return breakable(str(text))


def _param(x: object) -> str:
    """A grid point's value as written (3, not 3.0)."""
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _img(fig: Figure, caption: str) -> str:
    """A figure as an embedded PNG with a caption (the figure is released afterwards)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    fig.clf()
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f"<figure><img alt='{_e(caption or 'figure')}' src='data:image/png;base64,{data}'>"
        + (f"<figcaption>{_e(caption)}</figcaption>" if caption else "")
        + "</figure>"
    )


def _cell(
    name: str, mean: Any, lo: Any, hi: Any, why: str = NO_INTERVAL, signed: bool = False
) -> str:
    """A table cell: the value, and below it its interval (or why it has none)."""
    value = fmt_value(name, mean, signed)
    if value == "n/a":
        below = why if why != NO_INTERVAL else ""
    elif pd.isna(lo) or pd.isna(hi):
        below = why
    else:
        below = f"{fmt_value(name, lo, signed)} to {fmt_value(name, hi, signed)}"
    return f"<td><span class='v'>{_e(value)}</span><span class='ci'>{_e(below)}</span></td>"


def _summary_cell(idx: pd.DataFrame, name: str) -> str:
    if name not in idx.index:
        return "<td>n/a</td>"
    r = idx.loc[name]
    return _cell(name, r["mean"], r["ci_low"], r["ci_high"])


def _record_cell(r: dict, name: str, signed: bool = False) -> str:
    """A cell of a row holding ``name``, ``name_ci_low``, ``name_ci_high`` (and a ratio's
    ``name_status``)."""
    status = r.get(f"{name}_status")
    why = ratio_why(r, name)
    if name == "marginal_cost_per_extra_diverted" and status in ("no_change", "unclear"):
        # Co-Response diverts nothing by definition: say what an extra response costs.
        per = r.get("marginal_cost_per_extra_response")
        if not pd.isna(per):
            why += f"; per extra HEART response: {fmt_value(name, per)}"
    return _cell(name, r.get(name), r.get(f"{name}_ci_low"), r.get(f"{name}_ci_high"), why, signed)


def _table(headers: Iterable[str], rows: Iterable[str], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    return (
        f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _row(first: str, cells: Iterable[str], cls: str = "") -> str:
    return f"<tr class='{cls}'><td class='text'>{first}</td>{''.join(cells)}</tr>"


def _cards(cards: list[Card]) -> str:
    return "<div class='cards'>" + "".join(c.html() for c in cards) + "</div>"


def _page(title: str, body: list[str]) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        # Nothing may be fetched: images are data: URLs, styles inline.
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + f"<p class='note'>Written by heart-sim {_e(__version__)} on "
        f"{dt.date.today().isoformat()}.</p></body></html>"
    )


def _assumption_note(sources: dict[str, str]) -> str:
    """Whether the intervals hold the unknowns (a posterior run) or hold them fixed."""
    if POSTERIOR_FILE in sources:
        return (
            "Each replication ran at a parameter point drawn from the calibration's "
            "posterior.csv, so the intervals include what the calibration left unknown."
        )
    return FIXED_ASSUMPTIONS


def assumptions(sources: dict[str, str]) -> list[tuple[str, str, str]]:
    """(file, key or line, comment) for every comment that cites a source or an assumption;
    a comment on its own line is attached to the next key."""
    rows = []
    for name, text in sources.items():
        pending: list[str] = []
        stack: list[tuple[int, str]] = []  # (indent, key) of the enclosing keys
        for line in text.splitlines():
            code, _, comment = line.partition("#")
            comment = comment.strip()
            if not code.strip():
                if comment:
                    pending.append(comment)
                continue
            indent = len(code) - len(code.lstrip(" -"))
            key = code.strip().split(":")[0].strip("- {")
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, key))
            joined = " ".join([*pending, comment] if comment else pending)
            if joined and MARKERS.search(joined):
                rows.append((name, ".".join(k for _, k in stack), joined))
            pending = []
    return rows


def _assumptions_section(sources: dict[str, str]) -> list[str]:
    out = [
        "<h2>Assumptions and sources</h2>",
        "<p>Every number the scenario sets, with the source or assumption its file gives "
        "for it (assumptions highlighted). A result depends on these: read it with them.</p>",
    ]
    # A key the parent set and a child repeats (extends:) is listed once, from the file
    # nearest the scenario run.
    rows, seen = [], set()
    for f, k, c in assumptions(sources):
        if (k, c) not in seen:
            seen.add((k, c))
            rows.append((f, k, c))
    if not rows:
        return out + ["<p>The scenario came without its source file; see scenario.yaml.</p>"]
    body = [
        f"<tr class='{'assumption' if 'ASSUMPTION' in c else ''}'><td class='text'>{_e(f)}</td>"
        f"<td class='text'><code>{_e(k)}</code></td><td class='text'>{_e(c)}</td></tr>"
        for f, k, c in rows
    ]
    out.append(
        "<table><colgroup><col style='width:14%'><col style='width:24%'><col></colgroup>"
        "<thead><tr><th class='text'>file</th><th class='text'>key</th>"
        "<th class='text'>source or assumption</th></tr>"
        f"</thead><tbody>{''.join(body)}</tbody></table>"
    )
    for name, text in sources.items():
        out.append(
            f"<details><summary>{_e(name)} (as written)</summary><pre>{_e(text)}</pre></details>"
        )
    return out


def _settings(items: list[tuple[str, str]]) -> str:
    return (
        "<dl class='settings'>"
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
        + "</dl>"
    )


def _window(s: Scenario) -> str:
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


def _run_settings(
    s: Scenario, seed: int, reps: int, folder: Path | None = None
) -> list[tuple[str, str]]:
    items = [
        (
            "replications",
            f"{reps} (each a full simulated period with its own random numbers)"
            + _auto_reps(folder),
        ),
        ("seed", str(seed)),
        ("measured", _window(s)),
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


def _glossary() -> list[str]:
    """The glossary of the words a report uses."""
    out = ["<h2>Glossary</h2><dl class='glossary'>"]
    out += [f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in GLOSSARY.items()]
    out.append("</dl>")
    return out


def _appendix(summary: pd.DataFrame, title: str) -> list[str]:
    """Every metric of a summary: label with unit, identifier, mean with interval."""
    idx = summary.set_index("metric")
    rows = [
        _row(_e(header(m)), [f"<td class='text'><code>{_e(m)}</code></td>", _summary_cell(idx, m)])
        for m in idx.index
        if m in CATALOG
    ]
    return [
        f"<details><summary>{_e(title)}</summary>",
        "<p class='note'>The identifiers are the column names of summary.csv, "
        "replications.csv and the JSON output.</p>",
        _table(["measure", "identifier", "mean (95% interval)"], rows),
        "</details>",
    ]


# --- a run -------------------------------------------------------------------------------------

_REASON = {
    Outcome.FALLBACK_OUT_OF_HOURS: "the program was closed",
    Outcome.FALLBACK_OUT_OF_AREA: "outside the program's area",
    Outcome.FALLBACK_NO_UNIT: "no team free in time",
    Outcome.FALLBACK_REFERRED: "the CCD clinician referred it to police/EMS",
    Outcome.CALLER_HUNG_UP: "the caller hung up while holding for CCD",
}


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
            _row(_e(_REASON[o]), [_summary_cell(idx, f"{o.key}_share"), f"<td>{_e(share)}</td>"])
        )
    out = [
        "<h2>Why calls were missed</h2>",
        "<p>Every eligible call HEART did not handle went to police/EMS for one of these "
        "reasons (or its caller hung up).</p>",
        _table(
            ["reason", "share of eligible calls (%)", "share of the calls HEART missed (%)"],
            rows,
        ),
    ]
    if "outcomes" in figs:
        out.append(_img(figs.pop("outcomes"), "How the calls ended"))
    if "unmet_demand_heatmap" in figs:
        out.append(
            _img(figs.pop("unmet_demand_heatmap"), "Calls sent to police/EMS by hour of week")
        )
    if "monthly" in figs:
        out.append(_img(figs.pop("monthly"), "Month by month (holidays and phases marked)"))
    if result.by_zone is not None:
        out += _zone_table(result.by_zone)
        if "zones" in figs:
            out.append(_img(figs.pop("zones"), "By zone"))
    return out


def _zone_table(by_zone: pd.DataFrame) -> list[str]:
    names = ["calls_total", "heart_response_rate", "diversion_rate", "crt_response_time"]
    names = [n for n in names if n in by_zone]
    rows = [
        _row(_e(r["zone"]), [_record_cell(r, n) for n in names]) for r in by_zone.to_dict("records")
    ]
    return ["<h3>By zone</h3>", _table(["zone", *(header(n) for n in names)], rows)]


def _times_section(result: Results, figs: dict[str, Figure]) -> list[str]:
    idx = result.summary.set_index("metric")
    rows = []
    for m in TIME_METRICS:
        if m not in idx.index or pd.isna(idx.loc[m, "mean"]):
            continue
        label = metric(m).label.removesuffix(" (mean)") + f" ({metric(m).unit_label})"
        cells = [_summary_cell(idx, m)] + [_summary_cell(idx, f"{m}_p{q}") for q in (50, 90, 95)]
        rows.append(_row(_e(label), cells))
    out = [
        "<h2>Response times</h2>",
        "<p>Means over the calls each time applies to, and percentiles: p90 is the time 9 in "
        "10 calls were within.</p>",
        _table(["time", "mean", "p50 (median)", "p90", "p95"], rows),
    ]
    if "response_cdf" in figs:
        out.append(
            _img(figs.pop("response_cdf"), "Response-time distributions (shaded: 95% bands)")
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
        _row(_e(p.full_name), [_summary_cell(idx, f"{p}_{k}") for k in keys])
        for p in PROGRAMS
        if idx.loc[f"{p}_scheduled_hours", "mean"] > 0
    ]
    out = [
        "<h2>Staffing and utilization</h2>",
        f"<p>Unit-hours over the measured {result.scenario.horizon_weeks} weeks: scheduled by "
        "the shifts, present (less vacancies and absences), and available (less breaks and "
        "time pulled to other duties).</p>",
        _table(["program", *heads], rows),
    ]
    for stem, caption in (
        ("staffing_heatmap", "Units on duty by hour of week"),
        ("utilization_heatmap", "Utilization by hour of week"),
        ("demand_heatmap", "Eligible calls by hour of week"),
    ):
        if stem in figs:
            out.append(_img(figs.pop(stem), caption))
    return out


_PARTS = ("staff", "overtime", "fixed", "mileage")


def _costs_section(result: Results) -> list[str]:
    idx = result.summary.set_index("metric")
    if "cost_total_annual" not in idx.index or not idx.loc["cost_total_annual", "mean"] > 0:
        return ["<h2>Costs</h2><p>The scenario has no costs: section costs: is not set.</p>"]
    rows = []
    for p in PROGRAMS:
        if not idx.loc[f"{p}_cost_annual", "mean"] > 0:
            continue
        cells = [_summary_cell(idx, f"{p}_{part}_cost_annual") for part in _PARTS]
        cells.append(_summary_cell(idx, f"{p}_cost_annual"))
        avoided = f"{p}_police_cost_avoided_annual"
        cells.append(_summary_cell(idx, avoided) if avoided in idx.index else "<td></td>")
        rows.append(_row(_e(p.full_name), cells))
    rows.append(
        _row(
            "<b>all programs</b>",
            ["<td></td>"] * 4
            + [
                _summary_cell(idx, "cost_total_annual"),
                _summary_cell(idx, "police_cost_avoided_annual"),
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
        _table(["program", *heads], rows),
    ]
    totals = [
        "cost_per_diverted_call",
        "cost_per_heart_response",
        "net_cost_annual",
        "police_cost_annual",
    ]
    rows = [_row(_e(header(m)), [_summary_cell(idx, m)]) for m in totals if m in idx.index]
    out.append(_table(["measure", "mean (95% interval)"], rows))
    return out


def run_html(folder: Path) -> str:
    result = read_results(folder)
    s = result.scenario
    figs = run_figures(result)
    body = [
        f"<h1>{_e(s.title or s.name)}</h1>",
        f"<p class='lead'>{_e(s.description)}</p>",
        f"<p class='note'>Scenario <code>{_e(s.name)}</code>: {result.reps} replications of "
        f"{_window(s)}, seed {result.seed}. {INTERVALS} {_assumption_note(result.sources)}</p>",
        "<h2>Headlines</h2>",
        _cards(run_cards(result.summary)),
    ]
    body += _missed_section(result, figs)
    body += _times_section(result, figs)
    body += _staffing_section(result, figs)
    body += _costs_section(result)
    for stem, fig in figs.items():  # any figure not placed above
        body.append(_img(fig, stem.replace("_", " ")))
    body += _assumptions_section(result.sources)
    body += ["<h2>Run settings</h2>", _settings(_run_settings(s, result.seed, result.reps, folder))]
    body += _glossary()
    body += [
        "<h2 class='screen-only'>Appendix</h2>",
        *_appendix(result.summary, "Every metric of this run"),
    ]
    return _page(f"heart-sim: {s.name}", body)


# --- a comparison ------------------------------------------------------------------------------


def _options_table(comp: Comparison, order: list[str]) -> str:
    costs = {str(r["scenario"]): r for r in comp.costs.to_dict("records")}
    base = comp.base.scenario.name
    names = (
        "diverted_per_year",
        "extra_diverted",
        "extra_cost",
        "marginal_cost_per_extra_diverted",
        "police_cost_saved",
        "extra_net_cost",
    )
    signed = {"extra_diverted", "extra_cost", "extra_net_cost", "police_cost_saved"}
    rows = []
    for rank, name in enumerate(order, 1):
        r = costs[name]
        rows.append(
            f"<tr><td class='text'><span class='rank'>{rank}.</span> {_name(name)}</td>"
            + "".join(_record_cell(r, n, n in signed) for n in names)
            + "</tr>"
        )
    b = costs[base]
    rows.append(
        f"<tr><td class='text'>base: {_name(base)}</td>{_record_cell(b, 'diverted_per_year')}"
        + "<td></td>" * (len(names) - 1)
        + "</tr>"
    )
    return _table(["option", *(header(n) for n in names)], rows, cls="options")


def _by_scenario(results: list[Results], names: list[str], first: str) -> str:
    """Rows = measures, columns = scenarios."""
    idxs = [r.summary.set_index("metric") for r in results]
    rows = [
        _row(_e(header(m)), [_summary_cell(i, m) for i in idxs])
        for m in names
        if any(m in i.index and not pd.isna(i.loc[m, "mean"]) for i in idxs)
    ]
    head = "".join(f"<th>{_name(r.scenario.name)}</th>" for r in results)
    return (
        f"<table><thead><tr><th>{_e(first)}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _cost_parts_table(results: list[Results]) -> str:
    names = []
    for p in PROGRAMS:
        names += [f"{p}_{part}_cost_annual" for part in _PARTS] + [f"{p}_cost_annual"]
    names += ["cost_total_annual", "police_cost_avoided_annual", "net_cost_annual"]
    idxs = [r.summary.set_index("metric") for r in results]
    keep = [m for m in names if any(m in i.index and (i.loc[m, "mean"] or 0) != 0 for i in idxs)]
    return _by_scenario(results, keep, "cost ($ per year)")


def _differences_tables(comp: Comparison) -> list[str]:
    out = []
    for alt, d in comp.differences.groupby("scenario", sort=False):
        rows = []
        for r in d.to_dict("records"):
            m = str(r["metric"])
            rows.append(
                _row(
                    _e(header(m)),
                    [
                        f"<td>{_e(fmt_value(m, r['base_mean']))}</td>",
                        f"<td>{_e(fmt_value(m, r['alt_mean']))}</td>",
                        "<td>no change</td>"
                        if r["significance"] == "identical"
                        else _cell(
                            m, r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"], signed=True
                        ),
                        f"<td class='text'>{_e(r['significance'])}</td>",
                    ],
                )
            )
        out += [
            f"<h3>{_name(alt)} minus {_name(comp.base.scenario.name)}</h3>",
            _table(["measure", "base", "alternative", "difference (95% interval)", ""], rows),
        ]
    return out


def _value(comp: Comparison) -> str:
    """A sentence naming the option with the lowest marginal cost per extra diverted call
    (where it is defined), which a ranking by calls diverted does not show."""
    costs = comp.costs[comp.costs["scenario"] != comp.base.scenario.name]
    ok = costs[costs["marginal_cost_per_extra_diverted_status"] == "ok"]
    ok = ok[ok["extra_diverted"] > 0]
    if ok.empty:
        return ""
    best = ok.loc[ok["marginal_cost_per_extra_diverted"].idxmin()]
    each = fmt_value("marginal_cost_per_extra_diverted", best["marginal_cost_per_extra_diverted"])
    return (
        f" Lowest cost per extra call diverted: {_e(best['scenario'])}, {_e(each)} a call "
        "(weigh its other effects below)."
    )


def comparison_html(folder: Path, rank_by: str = "diverted_per_year") -> str:
    comp = read_comparison(folder)
    base = comp.base.scenario.name
    results = [comp.base, *comp.alts]
    order = ranked(comp.costs, base, rank_by)
    figs = comparison_figures(comp)
    higher = "highest" if metric(rank_by).higher_is_better is not False else "lowest"
    n = len(comp.alts)
    body = [
        f"<h1>Options compared with {_e(base)}</h1>",
        f"<p class='lead'>{n} option{'s' if n != 1 else ''} against the base "
        f"<code>{_e(base)}</code>, ranked by {_e(header(rank_by))}, {higher} first "
        f"(<code>heart-sim report DIR --rank-by MEASURE</code> ranks by another).{_value(comp)}"
        "</p>",
        f"<p class='note'>{comp.base.reps} replications each, seed {comp.base.seed}. Every "
        "option is simulated with the same calls (common random numbers), so the difference "
        f"an option makes is measured call for call. {INTERVALS} "
        f"{_assumption_note(comp.base.sources)}</p>",
        "<h2>Headlines</h2>",
        _cards(option_cards(comp.costs, base, rank_by, comp.differences)),
        "<h2>Options ranked</h2>",
        "<p>Per year, each against the base: the extra diverted calls, the extra cost, the "
        "marginal cost of each extra call diverted, the police time saved (priced) and the "
        "net extra cost after it.</p>",
        _options_table(comp, order),
    ]
    if "cost_vs_diverted" in figs:
        body.append(_img(figs.pop("cost_vs_diverted"), "Annual cost against calls diverted"))
    missed = [f"{o.key}_share" for o in (*FALLBACKS, Outcome.CALLER_HUNG_UP)]
    body += [
        "<h2>Why calls were missed</h2>",
        _by_scenario(
            results, ["heart_response_rate", "diversion_rate", *missed], "share of eligible calls"
        ),
    ]
    if "outcomes" in figs:
        body.append(_img(figs.pop("outcomes"), "How the calls ended, by option"))
    times = [m for m in shown_in("headline") if m in TIME_METRICS or m.endswith("_p90")]
    body += ["<h2>Response times</h2>", _by_scenario(results, times, "time")]
    body += [
        "<h2>Staffing and utilization</h2>",
        _by_scenario(
            results,
            [f"{p}_utilization" for p in PROGRAMS] + [f"{p}_staffed_hours" for p in PROGRAMS],
            "measure",
        ),
        "<h2>Costs by program (per year)</h2>",
        _cost_parts_table(results),
        "<h2>Every headline difference</h2>",
        "<p>Alternative minus base, paired by replication; a difference whose interval spans "
        "zero is marked not significant.</p>",
    ]
    body += _differences_tables(comp)
    if "differences_forest" in figs:
        body.append(_img(figs.pop("differences_forest"), "Paired differences with 95% intervals"))
    for stem, fig in figs.items():
        body.append(_img(fig, stem.replace("_", " ")))
    body.append("<h2>The options</h2>")
    for r in results:
        body.append(f"<p><b>{_name(r.scenario.name)}</b>: {_e(r.scenario.description)}</p>")
    sources: dict[str, str] = {}
    for r in results:
        sources |= r.sources
    body += _assumptions_section(sources)
    body += [
        "<h2>Run settings</h2>",
        _settings(_run_settings(comp.base.scenario, comp.base.seed, comp.base.reps, comp.folder)),
    ]
    body += _glossary()
    body.append("<h2 class='screen-only'>Appendix</h2>")
    for r in results:
        body += _appendix(r.summary, f"Every metric of {r.scenario.name}")
    return _page(f"heart-sim comparison: {base}", body)


# --- a sweep -----------------------------------------------------------------------------------


def _sweep_cards(table: pd.DataFrame, params: list[str]) -> list[Card]:
    cards = []
    for m in shown_in("sweep_table"):
        if m not in table or table[m].isna().all():
            continue
        lo_row, hi_row = table.iloc[int(table[m].argmin())], table.iloc[int(table[m].argmax())]

        def point(r: pd.Series) -> str:
            return ", ".join(f"{p} = {_param(r[p])}" for p in params)

        cards.append(
            Card(
                header(m),
                f"{fmt_value(m, lo_row[m])} to {fmt_value(m, hi_row[m])}",
                f"over {len(table)} grid points",
                f"Lowest at {point(lo_row)}; highest at {point(hi_row)}.",
            )
        )
    return cards


def sweep_html(folder: Path) -> str:
    meta, table, params = read_sweep(folder)
    extra = ("cost_total_annual", "diverted_per_year")
    names = [m for m in (*shown_in("sweep_table"), *extra) if m in table]
    rows = [
        "<tr>"
        + "".join(f"<td class='text'>{_e(_param(r[p]))}</td>" for p in params)
        + "".join(_record_cell(r, m) for m in names)
        + "</tr>"
        for r in table.to_dict("records")
    ]
    body = [
        f"<h1>Sweep of {_e(meta['scenario'])} over {_e(', '.join(params))}</h1>",
        f"<p class='note'>{meta['reps']} replications per grid point, seed {meta['seed']}; "
        "every point is simulated with the same calls (common random numbers). "
        f"{INTERVALS} {FIXED_ASSUMPTIONS}</p>",
        "<h2>Headlines</h2>",
        _cards(_sweep_cards(table, params)),
        "<h2>The grid</h2>",
        "<table><thead><tr>"
        + "".join(f"<th>{_name(p)}</th>" for p in params)
        + "".join(f"<th>{_e(header(m))}</th>" for m in names)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>",
    ]
    figs = [_img(fig, "") for fig in sweep_figures(table, params).values()]
    body.append("<div class='figs'>" + "".join(figs) + "</div>")
    values = {p: sorted({_param(v) for v in table[p]}, key=str) for p in params}
    body += [
        "<h2>Run settings</h2>",
        _settings(
            [
                ("scenario", str(meta["scenario"])),
                *((f"varied: {p}", ", ".join(v)) for p, v in values.items()),
                ("grid points", str(len(table))),
                ("replications", f"{meta['reps']} per point"),
                ("seed", str(meta["seed"])),
                ("intervals", INTERVALS),
                ("heart-sim", __version__),
            ]
        ),
    ]
    long = []
    for r in table.to_dict("records"):
        point = ", ".join(f"{p} = {_param(r[p])}" for p in params)
        for m in VIEWS["headline"]:
            if m in table:
                long.append(
                    _row(_e(point), [f"<td class='text'>{_e(header(m))}</td>", _record_cell(r, m)])
                )
    body += [
        "<h2 class='screen-only'>Appendix</h2>",
        "<details><summary>Every headline metric at every grid point</summary>",
        _table(["grid point", "measure", "mean (95% interval)"], long),
        "</details>",
    ]
    body += _glossary()
    return _page(f"heart-sim sweep: {meta['scenario']}", body)


# --- a sensitivity analysis --------------------------------------------------------------

_SENSITIVITY_CSS = "<style>.card-value, .card-ci { overflow-wrap: anywhere; }</style>"
_READING = {
    "morris": [
        (
            "mu* (mu star)",
            "how much the measure changes, on average, when the unknown moves from one end of "
            "its range to the other (the mean absolute elementary effect, in the measure's own "
            "unit; a share's in percentage points). The unknowns are ranked by it.",
        ),
        (
            "mu* ± (95%)",
            "the half-width of a bootstrap 95% interval of mu*: with few trajectories two "
            "unknowns whose intervals overlap may swap places.",
        ),
        (
            "sigma",
            "the spread of the elementary effects: near mu* or above, the effect depends on "
            "the other unknowns' values (interactions) or is not a straight line.",
        ),
        (
            "mu (with sign)",
            "the mean elementary effect with its sign: positive when raising the unknown "
            "raises the measure; far below mu* when the direction changes across the range.",
        ),
    ],
    "sobol": [
        (
            "ST (total index)",
            "the share of the measure's variance over the ranges that the unknown has a part "
            "in, alone or with others; the unknowns are ranked by it. 0: no effect at all.",
        ),
        (
            "S1 (first-order index)",
            "the share of the variance due to the unknown alone; ST well above S1 means "
            "interactions. Small negative values are estimation noise.",
        ),
        ("± (95%)", "the half-width of a bootstrap 95% interval of the index."),
    ],
}
_METHOD_WORDS = {
    "morris": "Morris elementary effects (Campolongo, Cariboni & Saltelli 2007): {n} "
    "trajectories, each moving one unknown at a time by 2/3 of its range on a 4-level grid",
    "sobol": "Sobol indices by Saltelli's scheme: {n} base samples of a scrambled Sobol "
    "sequence, each with one point per unknown",
}


def _range_text(r: dict) -> str:
    lo, hi = _param(r["low"]), _param(r["high"])
    return f"{lo} to {hi}" + (" (whole numbers)" if r["integer"] else "")


def _base_text(text: object) -> str:
    try:
        value = json.loads(str(text))
    except ValueError:
        return str(text)
    return "not set" if value is None else _param(value)


def _sensitivity_cards(res: SensitivityResult) -> list[Card]:
    imp = IMPORTANCE[res.method]
    cards = []
    for m in res.metrics:
        top = res.ranking(m).iloc[0]
        value = top[imp]
        moves = not pd.isna(value) and value > 0
        cards.append(
            Card(
                header(m),
                effect_text(m, float(value), res.method, unit=False) if moves else "no effect",
                f"{symbol(res.method)} of {top['parameter']}, the largest of {len(res.params)}"
                if moves
                else f"none of the {len(res.params)} unknowns changes it",
                res.finding(m, most=2),
            )
        )
    return cards


def _ranked_table(res: SensitivityResult, m: str, ranges: dict[str, str]) -> str:
    cols = COLUMNS[res.method]
    rows = []
    for r in res.ranking(m).to_dict("records"):
        cells = [f"<td class='text'><code>{_name(r['parameter'])}</code></td>"]
        cells.append(f"<td class='text'>{_e(ranges[str(r['parameter'])])}</td>")
        cells += [f"<td>{_e(effect_text(m, r[c], res.method, unit=False))}</td>" for c in cols]
        rows.append(_row(f"<span class='rank'>{r['rank']}.</span>", cells))
    head = "<th>rank</th><th class='text'>unknown</th><th class='text'>range</th>"
    head += "".join(f"<th>{_e(HEADINGS[c])}</th>" for c in cols)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _design_appendix(res: SensitivityResult) -> list[str]:
    names = [m for m in res.metrics if m in res.design]
    rows = [
        _row(
            _e(r["point"]),
            [f"<td>{_e(_param(r[p]))}</td>" for p in res.params]
            + [f"<td>{_e(fmt_value(m, r[m]))}</td>" for m in names],
        )
        for r in res.design.to_dict("records")
    ]
    heads = ["point", *(_name(p) for p in res.params), *(_e(header(m)) for m in names)]
    head = "".join(f"<th>{h}</th>" for h in heads)
    return [
        "<details><summary>Every design point and its measures (mean over replications)</summary>",
        "<p class='note'>design.csv holds these and every other measure.</p>",
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
        "</details>",
    ]


def sensitivity_html(folder: Path) -> str:
    res = read_sensitivity(folder)
    k = len(res.params)
    ranges = {str(r["parameter"]): _range_text(r) for r in res.unknowns.to_dict("records")}
    figs = sensitivity_figures(res.indices, res.method)
    how = _METHOD_WORDS[res.method].format(n=res.n)
    body = [
        _SENSITIVITY_CSS,
        f"<h1>What the answer depends on: {_e(res.title or res.scenario)}</h1>",
        f"<p class='lead'>Which of the {k} unknowns declared in the calibration: block of "
        f"<code>{_e(res.scenario)}</code> move each measure most, over the ranges they may "
        "take (below).</p>",
        f"<p class='note'>{_e(how)}: {len(res.design)} design points ({res.distinct} "
        f"distinct), {res.reps} replications each ({res.simulations:,} simulations), seed "
        f"{res.seed}. Common random numbers: every point sees the same calls, so an unknown "
        "that cannot change a measure gets exactly zero, not noise.</p>",
        "<h2>Headlines</h2>",
        _cards(_sensitivity_cards(res)),
        "<h2>The unknowns ranked, measure by measure</h2>",
    ]
    for m in res.metrics:
        body += [
            f"<h3>{_e(header(m))}</h3>",
            f"<p>{_e(res.finding(m))}</p>",
            _ranked_table(res, m, ranges),
        ]
        if f"tornado_{m}" in figs:
            what = metric(m).label.removesuffix(" (mean)") if m in CATALOG else m
            caption = f"{what}: what it depends on ({symbol(res.method)} per unknown, 95% whiskers)"
            body.append(_img(figs.pop(f"tornado_{m}"), caption))
    rows = [
        _row(
            f"<code>{_name(r['parameter'])}</code>",
            [
                f"<td class='text'>{_e(_range_text(r))}</td>",
                f"<td class='text'>{_e(r['prior'])}</td>",
                f"<td>{_e(_base_text(r['base']))}</td>",
                f"<td class='text'>{_e(r['note'])}</td>",
            ],
            "assumption" if "ASSUMPTION" in str(r["note"]) else "",
        )
        for r in res.unknowns.to_dict("records")
    ]
    body += [
        "<h2>The ranges used</h2>",
        "<p>Each unknown with the range the scenario declares for it, how values were drawn "
        "across it (uniform, or log-uniform: evenly in log space), the scenario's own value "
        "and why the range is what it is (assumptions highlighted).</p>",
        "<table><colgroup><col style='width:22%'><col style='width:13%'>"
        "<col style='width:9%'><col style='width:9%'><col></colgroup><thead><tr>"
        "<th class='text'>unknown</th><th class='text'>range</th><th class='text'>prior</th>"
        "<th>scenario's value</th><th class='text'>why this range</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>",
        "<h2>How to read it</h2>",
        "<dl class='glossary'>",
        *(f"<dt>{_e(t)}</dt><dd>{_e(d)}</dd>" for t, d in _READING[res.method]),
        "</dl>",
        "<p class='note'>Indices by SALib (Herman &amp; Usher 2017; Iwanaga, Usher &amp; "
        "Herman 2022). An integer unknown is drawn over its range and rounded, each whole "
        "number equally likely; its effects are divided by the step actually run. A ranking "
        "holds for these ranges: a wider range for an unknown makes it matter more.</p>",
        "<h2>Settings</h2>",
        _settings(
            [
                ("method", how),
                ("design points", f"{len(res.design)} ({res.distinct} distinct)"),
                ("replications", f"{res.reps} per point, the same seed for every point"),
                ("seed", f"{res.seed} (simulation and design)"),
                (
                    "measured",
                    f"{res.horizon_weeks} weeks after a {res.warmup_weeks}-week warm-up",
                ),
                ("simulations", f"{res.simulations:,}"),
                ("heart-sim", __version__),
            ]
        ),
    ]
    body += _glossary()
    body += ["<h2 class='screen-only'>Appendix</h2>", *_design_appendix(res)]
    return _page(f"heart-sim sensitivity: {res.scenario}", body)


def calibration_html(folder: Path) -> str:
    """A calibration folder's page: what the targets rule out, conflicts, what they leave
    open, the best point, the ranges wave by wave."""
    cal = read_calibration(folder)
    s = cal.summary
    never = s.get("targets_never_met", [])
    pairs = s.get("pairs_never_met_together", [])
    if never or pairs:
        conflict = "; ".join(
            [f"{m} is met by no point, even alone" for m in never]
            + [
                f"{a} and {b} are each met, never together by any of the {s['points']} points"
                for a, b in pairs
            ]
        )
    else:
        conflict = "every target can be met together with the others"
    pinned = [u for u, v in s["identifiability"].items() if v == "pinned down"]
    open_ = [u for u, v in s["identifiability"].items() if v == "not pinned down"]
    cards = [
        Card(
            "Non-implausible points",
            f"{s['nroy_points']} of {s['points']}",
            f"{s['waves_run']} wave(s), {s['simulations']} replications",
            "Points at which the model reproduces every published figure within three "
            "standard deviations (the figure's own, the model discrepancy's and the "
            "simulation's).",
        ),
        Card("Do the targets agree?", "yes" if not (never or pairs) else "no", "", conflict + "."),
        Card(
            "What the figures pin down",
            f"{len(pinned)} of {len(s['identifiability'])}",
            "unknowns narrowed to half their range or less",
            ("Pinned down: " + ", ".join(pinned) + ". " if pinned else "")
            + ("Left where the prior had them: " + ", ".join(open_) + "." if open_ else ""),
        ),
    ]
    rows = [
        _row(
            f"<code>{_e(r['unknown'])}</code>",
            [
                f"<td>{r['prior_low']:g} to {r['prior_high']:g}</td>",
                f"<td>{r['nroy_low']:.4g} to {r['nroy_high']:.4g}</td>",
                f"<td>{r['spread_vs_prior']:.2f}</td>",
                f"<td class='text'>{_e(r['verdict'])}</td>",
            ],
        )
        for r in cal.identifiability.to_dict("records")
    ]
    bands = s.get("target_bands", [])
    target_rows = [
        _row(
            _e(header(t["metric"])),
            [
                f"<td>{_e(fmt_value(t['metric'], t['value']))}</td>",
                f"<td>{int((cal.points[t['metric'] + '_I'] <= s['cutoff']).sum())} of "
                f"{s['points']}</td>",
                f"<td class='text'>{_e(t['source'])}</td>",
            ],
        )
        for t in bands
    ]
    best = ", ".join(f"{k} = {v:.4g}" for k, v in s["best_point"].items())
    body = [
        f"<h1>Calibration of {_e(s['scenario'])} against {_e(s['targets'])}</h1>",
        f"<p class='lead'>History matching stopped because {_e(s['stopped'])}. The least "
        f"implausible point (calibrated.yaml): {_e(best)}.</p>",
        "<h2>Headlines</h2>",
        _cards(cards),
        "<h2>What the targets pin down</h2>",
        _table(["unknown", "range tried", "non-implausible", "spread vs prior", ""], rows),
        "<h2>Targets</h2>",
        _table(["published figure", "value", "points meeting it", "source"], target_rows),
    ]
    body += [_img(fig, stem.replace("_", " ")) for stem, fig in calibration_figures(cal).items()]
    body += [
        "<h2>How to read it</h2>",
        "<p>A point is ruled out when, for some target, |figure - simulated mean| exceeds "
        "three standard deviations of the figure, the model discrepancy and one simulated "
        "year's variation. The non-implausible points are not a posterior density: they "
        "are the values the published figures cannot rule out. Run a scenario over them "
        "with --posterior posterior.csv to carry them into its intervals.</p>",
    ]
    body += _glossary()
    return _page(f"heart-sim calibration: {s['scenario']}", body)


def check_rank_by(rank_by: str) -> None:
    """Refuse a ranking measure that is not a column of a comparison's cost table."""
    if rank_by not in VIEWS["costs"]:
        raise StudyError(
            f"--rank-by {rank_by}: not a measure of the comparison's cost table; use one of "
            + ", ".join(VIEWS["costs"])
        )

"""The page of a comparison's results folder (``heart-sim compare --report``): the options
against the base, ranked by the measure the user picks.

It opens with the options' headline cards and the options ranked by ``rank_by`` (extra
calls diverted, extra cost, the marginal cost of each, police time saved), then the
measures side by side -- why calls were missed, response times, staffing, costs by program
-- and every paired difference with its interval, then each option's description, the
assumptions and sources, the run settings, a glossary and every metric of each option.
``check_rank_by`` refuses a ranking measure the cost table does not have. One module per
kind of results folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..core import FALLBACKS, PROGRAMS, Outcome, StudyError
from ..measure import (
    REASON_ORDER,
    TIME_METRICS,
    VIEWS,
    fmt_value,
    header,
    headline_rank,
    metric,
    option_cards,
    people,
    ranked,
    shown_in,
    what_changes,
)
from ..study import Comparison, Results, read_comparison
from ._html_kit import (
    INTERVALS,
    assumptions_section,
    card_grid,
    esc,
    figure_html,
    glossary_section,
    name_html,
    page_html,
    record_cell,
    settings_list,
    summary_cell,
    table_html,
    table_row,
    value_cell,
)
from ._plots import comparison_figures
from ._run_parts import COST_PARTS, assumption_note, metric_appendix, run_settings

_DIVERTED = ("diverted_per_year", "extra_diverted")
_RESPONSES = ("heart_responses_per_year", "extra_heart_responses")


def _changed(comp: Comparison) -> set[str]:
    """What the options change: 'diverted', 'responses' (see ``what_changes``)."""
    base = comp.base.scenario.name
    kinds = {what_changes(r) for r in comp.costs.to_dict("records") if r["scenario"] != base}
    out = {k for k in kinds if k in ("diverted", "responses")}
    out |= {"diverted", "responses"} if "both" in kinds else set()
    return out or {"diverted"}


def _ranking_columns(comp: Comparison) -> tuple[str, ...]:
    """The ranking table's measures: those of what the options change (calls diverted,
    HEART responses, or both), then the cost and what it saves."""
    changed = _changed(comp)
    names: tuple[str, ...] = ()
    if "diverted" in changed:
        names += _DIVERTED
    if "responses" in changed:
        names += _RESPONSES
    names += ("extra_cost",)
    if "diverted" in changed:
        names += ("marginal_cost_per_extra_diverted",)
    if "responses" in changed:
        names += ("marginal_cost_per_extra_response",)
    return (*names, "police_cost_saved", "extra_net_cost")


AUTO = "auto"  # rank by what the options change (headline_rank)


def _options_table(comp: Comparison, order: list[str]) -> str:
    costs = {str(r["scenario"]): r for r in comp.costs.to_dict("records")}
    base = comp.base.scenario.name
    names = _ranking_columns(comp)
    signed = {
        "extra_diverted",
        "extra_heart_responses",
        "extra_cost",
        "extra_net_cost",
        "police_cost_saved",
    }
    rows = []
    for rank, name in enumerate(order, 1):
        r = costs[name]
        rows.append(
            f"<tr><td class='text'><span class='rank'>{rank}.</span> {name_html(name)}</td>"
            + "".join(record_cell(r, n, n in signed) for n in names)
            + "</tr>"
        )
    b = costs[base]
    rows.append(
        f"<tr><td class='text'>base: {name_html(base)}</td>"
        + "".join(
            record_cell(b, n)
            if n in ("diverted_per_year", "heart_responses_per_year")
            else "<td></td>"
            for n in names
        )
        + "</tr>"
    )
    return table_html(["option", *(header(n) for n in names)], rows, cls="options")


def _by_scenario(results: list[Results], names: list[str], first: str) -> str:
    """Rows = measures, columns = scenarios."""
    idxs = [r.summary.set_index("metric") for r in results]
    rows = [
        table_row(esc(header(m)), [summary_cell(i, m) for i in idxs])
        for m in names
        if any(m in i.index and not pd.isna(i.loc[m, "mean"]) for i in idxs)
    ]
    head = "".join(f"<th>{name_html(r.scenario.name)}</th>" for r in results)
    return (
        f"<table><thead><tr><th>{esc(first)}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _cost_parts_table(results: list[Results]) -> str:
    names = []
    for p in PROGRAMS:
        names += [f"{p}_{part}_cost_annual" for part in COST_PARTS] + [f"{p}_cost_annual"]
    names += ["cost_total_annual", "police_cost_avoided_annual", "net_cost_annual"]
    idxs = [r.summary.set_index("metric") for r in results]
    keep = [m for m in names if any(m in i.index and (i.loc[m, "mean"] or 0) != 0 for i in idxs)]
    return _by_scenario(results, keep, "cost ($ per year)")


def _position(col: str, x: Any) -> str:
    """FTE as the catalog shows it; a head count as whole people (28, not 28.0)."""
    return f"{int(x):,}" if col == "head_count" else fmt_value(col, float(x))


def _positions_table(results: list[Results]) -> str:
    """FTE and head count per program and option, by the workforce arithmetic optimize
    uses (programs with a cost block), and their totals as costs.csv has them."""
    staff = [people(r.scenario).groupby("program")[["fte", "head_count"]].sum() for r in results]
    rows = []
    for p in PROGRAMS:
        if not any(p.value in s.index for s in staff):
            continue
        for col, name in (("fte", "fte"), ("head_count", "head_count")):
            cells = [
                f"<td>{esc(_position(col, s.at[p.value, col]))}</td>"
                if p.value in s.index
                else "<td class='text'>not costed</td>"
                for s in staff
            ]
            rows.append(table_row(esc(f"{p.label}: {header(name)}"), cells))
    for col in ("fte", "head_count"):
        cells = [f"<td>{esc(_position(col, s[col].sum()))}</td>" for s in staff]
        rows.append(table_row(f"<b>All programs: {esc(header(col))}</b>", cells))
    head = "".join(f"<th>{name_html(r.scenario.name)}</th>" for r in results)
    return (
        f"<table><thead><tr><th>positions</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _differences_tables(comp: Comparison) -> list[str]:
    out = []
    for alt, d in comp.differences.groupby("scenario", sort=False):
        rows = []
        for r in d.to_dict("records"):
            m = str(r["metric"])
            rows.append(
                table_row(
                    esc(header(m)),
                    [
                        f"<td>{esc(fmt_value(m, r['base_mean']))}</td>",
                        f"<td>{esc(fmt_value(m, r['alt_mean']))}</td>",
                        "<td>no change</td>"
                        if r["significance"] == "identical"
                        else value_cell(
                            m, r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"], signed=True
                        ),
                        f"<td class='text'>{esc(r['significance'])}</td>",
                    ],
                )
            )
        out += [
            f"<h3>{name_html(alt)} minus {name_html(comp.base.scenario.name)}</h3>",
            table_html(["measure", "base", "alternative", "difference (95% interval)", ""], rows),
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
        f" Lowest cost per extra call diverted: {esc(best['scenario'])}, {esc(each)} a call "
        "(weigh its other effects below)."
    )


def _opening(comp: Comparison, rank_by: str) -> list[str]:
    """The title, what is compared and how it is ranked, how the options were run, and the
    headline cards."""
    base = comp.base.scenario.name
    higher = "highest" if metric(rank_by).higher_is_better is not False else "lowest"
    n = len(comp.alts)
    return [
        f"<h1>Options compared with {esc(base)}</h1>",
        f"<p class='lead'>{n} option{'s' if n != 1 else ''} against the base "
        f"<code>{esc(base)}</code>, ranked by {esc(header(rank_by))}, {higher} first "
        f"(<code>heart-sim report DIR --rank-by MEASURE</code> ranks by another).{_value(comp)}"
        "</p>",
        f"<p class='note'>{comp.base.reps} replications each, seed {comp.base.seed}. Every "
        "option is simulated with the same calls (common random numbers), so the difference "
        f"an option makes is measured call for call. {INTERVALS} "
        f"{assumption_note(comp.base.sources)}</p>",
        "<h2>Headlines</h2>",
        card_grid(option_cards(comp.costs, base, rank_by, comp.differences)),
    ]


def _rests_on(comp: Comparison, results: list[Results]) -> list[str]:
    """What the numbers rest on: each option's description, the assumptions and sources of
    every option's files, the run settings, a glossary and every metric of each option."""
    out = ["<h2>The options</h2>"]
    for r in results:
        out.append(f"<p><b>{name_html(r.scenario.name)}</b>: {esc(r.scenario.description)}</p>")
    sources: dict[str, str] = {}
    for r in results:
        sources |= r.sources
    out += assumptions_section(sources)
    out += [
        "<h2>Run settings</h2>",
        settings_list(
            run_settings(comp.base.scenario, comp.base.seed, comp.base.reps, comp.folder)
        ),
    ]
    out += glossary_section()
    out.append("<h2 class='screen-only'>Appendix</h2>")
    for r in results:
        out += metric_appendix(r.summary, f"Every metric of {r.scenario.name}")
    return out


def comparison_html(folder: Path, rank_by: str = AUTO) -> str:
    """A comparison folder's page, the options ranked by ``rank_by`` (a column of the
    comparison's cost table)."""
    comp = read_comparison(folder)
    base = comp.base.scenario.name
    results = [comp.base, *comp.alts]
    rank_by = headline_rank(comp.costs, base) if rank_by == AUTO else rank_by
    order = ranked(comp.costs, base, rank_by)
    figs = comparison_figures(comp)
    body = _opening(comp, rank_by)
    body += [
        "<h2>Options ranked</h2>",
        f"<p>Per year, each against the base: {_ranking_words(comp)}, the extra cost, the "
        "marginal cost of each, the police time saved (priced) and the net extra cost after "
        "it.</p>",
        _options_table(comp, order),
    ]
    if "cost_vs_diverted" in figs:
        body.append(figure_html(figs.pop("cost_vs_diverted"), "Annual cost against calls diverted"))
    missed = [f"{o.key}_share" for o in (*FALLBACKS, Outcome.CALLER_HUNG_UP)]
    body += [
        "<h2>Why calls were missed</h2>",
        _by_scenario(
            results, ["heart_response_rate", "diversion_rate", *missed], "share of eligible calls"
        ),
        f"<p class='note'>{esc(REASON_ORDER)}</p>",
    ]
    if "outcomes" in figs:
        body.append(figure_html(figs.pop("outcomes"), "How the calls ended, by option"))
    times = [m for m in shown_in("headline") if m in TIME_METRICS or m.endswith("_p90")]
    body += ["<h2>Response times</h2>", _by_scenario(results, times, "time")]
    body += [
        "<h2>Staffing and utilization</h2>",
        _by_scenario(
            results,
            [f"{p}_utilization" for p in PROGRAMS] + [f"{p}_staffed_hours" for p in PROGRAMS],
            "measure",
        ),
        "<h3>Positions the shifts need</h3>",
        "<p>Full-time equivalents and people per program, relief and absences included, by "
        "the same arithmetic as <code>heart-sim optimize</code> (programs with a cost block)."
        "</p>",
        _positions_table(results),
        "<h2>Costs by program (per year)</h2>",
        _cost_parts_table(results),
        "<h2>Every headline difference</h2>",
        "<p>Alternative minus base, paired by replication; a difference whose interval spans "
        "zero is marked not significant.</p>",
    ]
    body += _differences_tables(comp)
    if "differences_forest" in figs:
        body.append(
            figure_html(figs.pop("differences_forest"), "Paired differences with 95% intervals")
        )
    for stem, fig in figs.items():
        body.append(figure_html(fig, stem.replace("_", " ")))
    body += _rests_on(comp, results)
    return page_html(f"heart-sim comparison: {base}", body)


def _ranking_words(comp: Comparison) -> str:
    changed = _changed(comp)
    words = []
    if "diverted" in changed:
        words.append("the extra calls diverted from police")
    if "responses" in changed:
        words.append("the extra HEART responses")
    return " and ".join(words)


def check_rank_by(rank_by: str) -> None:
    """Refuse a ranking measure that is not a column of a comparison's cost table."""
    if rank_by != AUTO and rank_by not in VIEWS["costs"]:
        raise StudyError(
            f"--rank-by {rank_by}: not a measure of the comparison's cost table; use auto "
            "(what the options change) or one of " + ", ".join(VIEWS["costs"])
        )

"""The page of an optimize folder in budget mode (``heart-sim optimize --budget`` /
``--fte``): what a budget buys, one self-contained page a planner can forward.

It opens with the answer in a sentence (the options bought, their cost, FTE and the
measure against the base), then the efficient frontier: each step with what it adds over
the step before and the marginal cost of each unit gained -- what each next dollar buys --
its chart, each option alone, what the result depends on, the settings, chosen.yaml and
every candidate simulated. ``budget_answer`` is the same sentence for the API and the CLI.
One module per kind of results folder; what it shares with the optimize page is in
``_optimize_parts``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core import __version__
from ..measure import NO_INTERVAL, RATIO_WORDS, Card, fmt_interval, fmt_value, header, metric
from ..optimization import BASE, COST, BudgetResult, read_budget
from ..study import read_manifest
from ._html_kit import (
    FIXED_ASSUMPTIONS,
    card_grid,
    esc,
    figure_html,
    glossary_section,
    name_html,
    page_html,
    settings_list,
    table_html,
    table_row,
    value_cell,
)
from ._optimize_parts import (
    HEADER_CSS,
    OPTIMIZE_TERMS,
    depends_section,
    extends_of,
    is_number,
    text_or_empty,
    yaml_block,
)
from ._optimize_plots import frontier_figure


def _iv(name: str, r: dict[str, Any], key: str = "mean", signed: bool = False) -> str:
    """'$1,234 ($1,200 to $1,260)' from a row's ``key``, ``low``/``high`` (or ``key_low``)."""
    lo = r.get(f"{key}_low", r.get("low")) if key != "mean" else r.get("low")
    hi = r.get(f"{key}_high", r.get("high")) if key != "mean" else r.get("high")
    return fmt_interval(name, r.get(key), lo, hi, signed=signed)


def _in_words(x: float, lo: float, hi: float, name: str) -> str:
    """'$1,234 more ($1,200 to $1,260)' or '... less': a difference said in words."""
    word = "more" if x >= 0 else "less"
    a, b = sorted((abs(lo), abs(hi))) if is_number(lo) and is_number(hi) else (math.nan, math.nan)
    inner = f" ({fmt_value(name, a)} to {fmt_value(name, b)})" if is_number(a) else ""
    return f"{fmt_value(name, abs(x))} {word}{inner}"


def _limit_words(s: dict[str, Any]) -> str:
    if s["mode"] == "budget":
        return f"an annual budget of {fmt_value(COST, s['limit'])}"
    return f"{s['limit']:g} more FTE"


def _options_words(combo: str) -> str:
    return "none of the options" if combo == BASE else ", ".join(combo.split("+"))


def _why(status: Any) -> str:
    return RATIO_WORDS.get(str(status), "") if isinstance(status, str) else ""


def _marginal_cell(r: Mapping[Any, Any], key: str = "marginal_cost") -> str:
    mean = r.get(key)
    if is_number(mean):
        return value_cell(COST, mean, r.get(f"{key}_low"), r.get(f"{key}_high"))
    return f"<td class='text'>n/a<span class='ci'>{esc(_why(r.get(f'{key}_status')))}</span></td>"


def _lower(text: str) -> str:
    """'Diverted calls' -> 'diverted calls' mid-sentence; 'CRT response time' kept."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _gain_words(m: str, r: dict[str, Any], better: str) -> str:
    """A row's gain over the base (``gain``: the improvement, in the measure's direction)
    in words: '4,733 (4,678 to 4,788) more'."""
    g, lo, hi = r["gain"], r["gain_low"], r["gain_high"]
    if is_number(g) and g < 0:
        worse = "less" if better == "more" else "more"
        return f"{fmt_interval(m, -g, -hi, -lo)} {worse}"
    return f"{fmt_interval(m, g, lo, hi)} {better}"


def budget_answer(res: BudgetResult) -> str:
    """The answer in a sentence: the options bought, cost, FTE and the measure against the
    base (all from summary.json)."""
    s = res.facts
    m = s["maximize"]
    label = _lower(metric(m).label)
    base, chosen = s["base"], s["chosen_point"]
    base_text = (
        f"The base costs {_iv(COST, base, 'cost')} a year with {base['fte']:,.1f} FTE and "
        f"{label} {_iv(m, base, 'measure')}."
    )
    if chosen is None:
        return f"Nothing simulated fits within {_limit_words(s)}, not even the base. {base_text}"
    word = "more" if s["direction"] == "maximise" else "less"
    extra_cost = chosen["cost"] - base["cost"]
    return (
        f"Within {_limit_words(s)}, buy {_options_words(chosen['options'])}: annual cost "
        f"{_iv(COST, chosen, 'cost')}, {chosen['fte']:,.1f} FTE ({chosen['extra_fte']:+,.1f}), "
        f"{label} {_iv(m, chosen, 'measure')}, that is {_gain_words(m, chosen, word)} than "
        f"the base for {fmt_value(COST, abs(extra_cost))} "
        f"{'more' if extra_cost >= 0 else 'less'} a year. {base_text}"
    )


def budget_cards(res: BudgetResult) -> list[Card]:
    s = res.facts
    m = s["maximize"]
    base, chosen = s["base"], s["chosen_point"]
    if chosen is None:
        return [
            Card(
                "What the limit buys",
                "nothing",
                _limit_words(s),
                "No simulated set of options, not even the base, fits within the limit.",
            )
        ]
    n = len(s["chosen"] or [])

    def interval(name: str, r: dict[str, Any], key: str, signed: bool = False) -> str:
        lo, hi = r.get(f"{key}_low"), r.get(f"{key}_high")
        if not (is_number(lo) and is_number(hi)):
            return NO_INTERVAL
        return f"95% interval: {fmt_value(name, lo, signed)} to {fmt_value(name, hi, signed)}"

    return [
        Card(
            "Options bought",
            f"{n} of {len(res.options)}",
            _limit_words(s),
            f"The set with the best mean {_lower(metric(m).label)} within the limit: "
            f"{_options_words(chosen['options'])} (chosen.yaml).",
        ),
        Card(
            f"{metric(m).label}, chosen set",
            fmt_value(m, chosen["measure"]),
            interval(m, chosen, "measure"),
            f"Against the base's {fmt_value(m, base['measure'])}: "
            f"{_gain_words(m, chosen, 'more' if s['direction'] == 'maximise' else 'less')} "
            "(paired replications, common random numbers).",
        ),
        Card(
            "Annual cost, chosen set",
            fmt_value(COST, chosen["cost"]),
            interval(COST, chosen, "cost"),
            f"The base costs {_iv(COST, base, 'cost')} a year; the chosen set "
            f"{_in_words(chosen['cost'] - base['cost'], math.nan, math.nan, COST)} a year.",
        ),
        Card(
            "People, chosen set",
            f"{chosen['fte']:,.1f} FTE",
            f"{chosen['extra_fte']:+,.1f} FTE over the base",
            f"The base's schedules need {base['fte']:,.1f} FTE (unit-hours x people per unit "
            "x the paid hours per scheduled hour, over one person's paid hours a year).",
        ),
    ]


def _frontier_table(res: BudgetResult) -> str:
    s = res.facts
    m = s["maximize"]
    fte = s["mode"] == "fte"
    rows = []
    for r in res.frontier.to_dict("records"):
        first = BASE if r["options"] == BASE else r["options"].replace("+", " + ")
        mark = " <b>(chosen)</b>" if r["chosen"] else ""
        base = r["options"] == BASE
        cells = [
            f"<td class='text'>{name_html(first)}{mark}</td>",
            value_cell(COST, r["cost"], r["cost_low"], r["cost_high"]),
            f"<td>{r['fte']:,.1f}<span class='ci'>{r['extra_fte']:+,.1f}</span></td>",
            value_cell(m, r["measure"], r["measure_low"], r["measure_high"]),
            "<td></td>"
            if base
            else value_cell(
                COST, r["step_cost"], r["step_cost_low"], r["step_cost_high"], signed=True
            ),
            "<td></td>"
            if base
            else value_cell(
                m, r["step_gain"], r["step_gain_low"], r["step_gain_high"], signed=True
            ),
            "<td></td>" if base else _marginal_cell(r),
        ]
        if fte:
            cells.append(
                "<td></td>"
                if base or not is_number(r.get("gain_per_fte"))
                else value_cell(
                    m, r["gain_per_fte"], r["gain_per_fte_low"], r["gain_per_fte_high"], signed=True
                )
            )
        rows.append(
            table_row(
                f"<span class='rank'>{int(r['step'])}</span>",
                cells,
                "chosen" if r["chosen"] else "",
            )
        )
    unit = metric(m).unit_label
    head = [
        "step",
        "options",
        header(COST),
        "FTE (over the base)",
        header(m),
        "extra cost over the step before ($ per year)",
        f"{'gained' if s['direction'] == 'maximise' else 'reduced'} over the step before ({unit})",
        "marginal cost: $ a year for each unit gained",
    ]
    if fte:
        head.append(f"gained per extra FTE ({unit})")
    return table_html(head, rows, cls="frontier")


def _options_table(res: BudgetResult) -> str:
    m = res.facts["maximize"]
    rows = []
    for r in res.options.to_dict("records"):
        src = text_or_empty(r["source"])
        rows.append(
            table_row(
                f"<code>{name_html(r['option'])}</code>",
                [
                    f"<td class='text'>{esc(text_or_empty(r['description']))}</td>",
                    value_cell(
                        COST,
                        r["extra_cost"],
                        r["extra_cost_low"],
                        r["extra_cost_high"],
                        signed=True,
                    ),
                    f"<td>{r['extra_fte']:+,.1f}</td>",
                    value_cell(m, r["gain"], r["gain_low"], r["gain_high"], signed=True),
                    _marginal_cell(r),
                    f"<td class='text'>{esc(text_or_empty(r['exclusive_with']))}</td>",
                    f"<td class='text'>{esc(src)}</td>",
                ],
                "assumption" if "ASSUMPTION" in src else "",
            )
        )
    word = "gained" if res.facts["direction"] == "maximise" else "reduced"
    return (
        "<table class='optiontable'><colgroup><col style='width:11%'><col style='width:14%'>"
        "<col style='width:11%'><col style='width:6%'><col style='width:9%'>"
        "<col style='width:10%'><col style='width:8%'><col></colgroup><thead><tr>"
        + "".join(
            f"<th>{esc(h)}</th>"
            for h in (
                "option",
                "what it is",
                "extra cost ($ per year)",
                "extra FTE",
                f"{word} ({metric(m).unit_label})",
                "marginal cost per unit gained ($)",
                "not with",
                "source or assumption",
            )
        )
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _candidates_table(res: BudgetResult) -> str:
    m = res.facts["maximize"]
    rows = []
    for r in res.candidates.sort_values(["cost"]).to_dict("records"):
        flags = [
            w
            for w, on in (
                ("chosen", r["chosen"]),
                ("on the frontier", r["on_frontier"]),
                ("within the limit", r["within_limit"]),
            )
            if bool(on)
        ]
        rows.append(
            table_row(
                name_html(str(r["options"]).replace("+", " + ")),
                [
                    value_cell(COST, r["cost"], r["cost_low"], r["cost_high"]),
                    value_cell(
                        COST,
                        r["extra_cost"],
                        r["extra_cost_low"],
                        r["extra_cost_high"],
                        signed=True,
                    ),
                    f"<td>{r['fte']:,.1f}<span class='ci'>{r['extra_fte']:+,.1f}</span></td>",
                    value_cell(m, r["measure"], r["measure_low"], r["measure_high"]),
                    value_cell(m, r["gain"], r["gain_low"], r["gain_high"], signed=True),
                    f"<td class='text'>{esc(', '.join(flags))}</td>",
                ],
            )
        )
    return table_html(
        [
            "options",
            header(COST),
            "extra cost over the base ($ per year)",
            "FTE (over the base)",
            header(m),
            f"over the base ({metric(m).unit_label})",
            "",
        ],
        rows,
    )


_BUDGET_CSS = HEADER_CSS + (
    "<style>tr.chosen td { background: #fff4d6; }"
    " table.frontier td:nth-child(2) { min-width: 9em; }</style>"
)


def _opening(res: BudgetResult) -> list[str]:
    """The title, the answer in a sentence, how the candidates were compared, the headline
    cards and the study's notes."""
    s = res.facts
    m = s["maximize"]
    how = s["how"][:1].upper() + s["how"][1:]
    return [
        _BUDGET_CSS,
        f"<h1>What {esc(_limit_words(s))} buys: {name_html(s['scenario'])}</h1>",
        f"<p class='lead'>{esc(budget_answer(res))}</p>",
        f"<p class='note'>Options from <code>{esc(s['options_file'])}</code>; the measure: "
        f"{esc(header(m))}, {esc(s['direction'])}d. {esc(how)}; each candidate ran "
        f"{s['reps']} replications with seed {s['seed']}, the same calls for every candidate "
        "(common random numbers), so differences are paired replication by replication. "
        f"{esc(FIXED_ASSUMPTIONS)}</p>",
        "<h2>Headlines</h2>",
        card_grid(budget_cards(res)),
        *(f"<p class='note'>{esc(n)}</p>" for n in s.get("notes", []) if n),
    ]


def _marginal_words(m: str) -> str:
    """What the marginal cost of measure ``m`` is, in its unit."""
    unit = metric(m).unit_label
    if unit.endswith("per year"):
        return f"for {_lower(metric(m).label)}: the extra dollars a year for each extra one a year"
    return f"the extra dollars a year per {unit} of {_lower(metric(m).label)} gained"


def _frontier_section(res: BudgetResult) -> list[str]:
    """The efficient frontier: how to read it, its steps and its chart."""
    s = res.facts
    return [
        "<h2>What each next "
        + ("FTE" if s["mode"] == "fte" else "dollar")
        + " buys: the efficient frontier</h2>",
        "<p>The sets of options no other simulated set beats on both "
        + ("FTE" if s["mode"] == "fte" else "cost")
        + " and the measure, "
        + ("fewest FTE first" if s["mode"] == "fte" else "cheapest first")
        + ". Each step gives its extra annual cost and what "
        "it adds over the step before (paired 95% intervals), and the marginal cost: the "
        f"step's extra cost over what it adds ({esc(_marginal_words(s['maximize']))}; "
        "Fieller's interval). The chosen set is highlighted."
        + (
            " A set that fewer FTE keep on the frontier, but that a later step beats on "
            "both dollars and the measure, is dropped from it (listed below), so each step "
            "costs at least as much as the one before."
            if s["mode"] == "fte"
            else ""
        )
        + "</p>",
        *(
            [
                "<p class='note'>Dropped from the frontier: "
                + "; ".join(
                    f"{esc(d['options'])} (beaten by {esc(d['beaten_by'])})"
                    for d in s.get("dropped_from_frontier") or []
                )
                + ".</p>"
            ]
            if s.get("dropped_from_frontier")
            else []
        ),
        _frontier_table(res),
        figure_html(
            frontier_figure(res),
            "The efficient frontier: every set simulated (faint), the frontier's steps with "
            "95% intervals, the chosen set and the limit",
        ),
    ]


def _settings_section(s: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    """The study's settings: scenario, options, limit, measure, candidates, replications."""
    resumed = s.get("resumed_replications")
    return [
        "<h2>Settings</h2>",
        settings_list(
            [
                ("scenario", str(s["scenario"])),
                ("options file", str(s["options_file"])),
                ("limit", _limit_words(s)),
                ("measure", f"{header(s['maximize'])}, {s['direction']}d"),
                ("candidates simulated", f"{s['candidates_simulated']:,}"),
                (
                    "replications",
                    f"{s['reps']} per candidate, {s['simulations']:,} in all"
                    + (f" ({resumed:,} read back from checkpoints)" if resumed else ""),
                ),
                ("seed", str(s["seed"])),
                ("time", f"{s.get('seconds', math.nan):,.0f} seconds"),
                ("heart-sim", str(manifest.get("heart_sim_version", __version__))),
            ]
        ),
    ]


def budget_html(folder: Path) -> str:
    """The page of an optimize --budget / --fte folder."""
    folder = Path(folder)
    res = read_budget(folder)
    manifest = read_manifest(folder) or {}
    s = res.facts
    chosen_yaml = folder / "chosen.yaml"
    body = _opening(res)
    body += _frontier_section(res)
    body += [
        "<h2>Each option alone</h2>",
        "<p>Each option added to the base on its own, against the base (paired 95% "
        "intervals), with its source or assumption (assumptions highlighted).</p>",
        _options_table(res),
    ]
    body += depends_section(extends_of(_read(chosen_yaml)) or s["scenario"], folder, manifest)
    body += _settings_section(s, manifest)
    if chosen_yaml.is_file():
        body += yaml_block(
            "chosen.yaml",
            chosen_yaml.read_text(encoding="utf-8"),
            "The base with the chosen options, as a scenario extending the input; run it "
            "with heart-sim run.",
        )
    body += glossary_section(OPTIMIZE_TERMS)
    body += [
        "<h2 class='screen-only'>Appendix</h2>",
        "<details><summary>Every candidate simulated</summary>",
        _candidates_table(res),
        "</details>",
    ]
    return page_html(f"heart-sim optimize --{s['mode']}: {s['scenario']}", body)


def _read(path: Path) -> str | None:
    """A file's text, or None when there is no such file."""
    return path.read_text(encoding="utf-8") if path.is_file() else None

"""The page of a sensitivity analysis's results folder (``heart-sim sensitivity
--report``): which of the unknowns declared in a scenario's calibration block move each
measure most, over the ranges they may take.

It opens with the unknown that moves each measure most, then the unknowns ranked measure
by measure (Morris or Sobol indices, with tornado charts), the ranges used and why, how to
read the indices, the settings, and every design point. One module per kind of results
folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..calibration import (
    COLUMNS,
    HEADINGS,
    IMPORTANCE,
    SensitivityResult,
    effect_text,
    read_sensitivity,
    symbol,
)
from ..core import __version__
from ..measure import CATALOG, Card, fmt_value, header, metric
from ._html_kit import (
    card_grid,
    esc,
    figure_html,
    glossary_section,
    name_html,
    page_html,
    param_text,
    settings_list,
    table_row,
)
from ._plots import sensitivity_figures

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
    lo, hi = param_text(r["low"]), param_text(r["high"])
    return f"{lo} to {hi}" + (" (whole numbers)" if r["integer"] else "")


def _base_text(text: object) -> str:
    try:
        value = json.loads(str(text))
    except ValueError:
        return str(text)
    return "not set" if value is None else param_text(value)


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
        cells = [f"<td class='text'><code>{name_html(r['parameter'])}</code></td>"]
        cells.append(f"<td class='text'>{esc(ranges[str(r['parameter'])])}</td>")
        cells += [f"<td>{esc(effect_text(m, r[c], res.method, unit=False))}</td>" for c in cols]
        rows.append(table_row(f"<span class='rank'>{r['rank']}.</span>", cells))
    head = "<th>rank</th><th class='text'>unknown</th><th class='text'>range</th>"
    head += "".join(f"<th>{esc(HEADINGS[c])}</th>" for c in cols)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _design_appendix(res: SensitivityResult) -> list[str]:
    names = [m for m in res.metrics if m in res.design]
    rows = [
        table_row(
            esc(r["point"]),
            [f"<td>{esc(param_text(r[p]))}</td>" for p in res.params]
            + [f"<td>{esc(fmt_value(m, r[m]))}</td>" for m in names],
        )
        for r in res.design.to_dict("records")
    ]
    heads = ["point", *(name_html(p) for p in res.params), *(esc(header(m)) for m in names)]
    head = "".join(f"<th>{h}</th>" for h in heads)
    return [
        "<details><summary>Every design point and its measures (mean over replications)</summary>",
        "<p class='note'>design.csv holds these and every other measure.</p>",
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
        "</details>",
    ]


def _rankings(res: SensitivityResult, figs: dict[str, Figure]) -> list[str]:
    """Measure by measure: the finding, the unknowns ranked, and the tornado chart."""
    ranges = {str(r["parameter"]): _range_text(r) for r in res.unknowns.to_dict("records")}
    out = []
    for m in res.metrics:
        out += [
            f"<h3>{esc(header(m))}</h3>",
            f"<p>{esc(res.finding(m))}</p>",
            _ranked_table(res, m, ranges),
        ]
        if f"tornado_{m}" in figs:
            what = metric(m).label.removesuffix(" (mean)") if m in CATALOG else m
            caption = f"{what}: what it depends on ({symbol(res.method)} per unknown, 95% whiskers)"
            out.append(figure_html(figs.pop(f"tornado_{m}"), caption))
    return out


def _ranges_section(res: SensitivityResult) -> list[str]:
    """Each unknown's range, prior, the scenario's own value and why the range is so."""
    rows = [
        table_row(
            f"<code>{name_html(r['parameter'])}</code>",
            [
                f"<td class='text'>{esc(_range_text(r))}</td>",
                f"<td class='text'>{esc(r['prior'])}</td>",
                f"<td>{esc(_base_text(r['base']))}</td>",
                f"<td class='text'>{esc(r['note'])}</td>",
            ],
            "assumption" if "ASSUMPTION" in str(r["note"]) else "",
        )
        for r in res.unknowns.to_dict("records")
    ]
    return [
        "<h2>The ranges used</h2>",
        "<p>Each unknown with the range the scenario declares for it, how values were drawn "
        "across it (uniform, or log-uniform: evenly in log space), the scenario's own value "
        "and why the range is what it is (assumptions highlighted).</p>",
        "<table><colgroup><col style='width:22%'><col style='width:13%'>"
        "<col style='width:9%'><col style='width:9%'><col></colgroup><thead><tr>"
        "<th class='text'>unknown</th><th class='text'>range</th><th class='text'>prior</th>"
        "<th>scenario's value</th><th class='text'>why this range</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>",
    ]


def sensitivity_html(folder: Path) -> str:
    """A sensitivity folder's page: what each measure depends on, the unknowns ranked, the
    ranges used, how to read the indices, the settings and every design point."""
    res = read_sensitivity(folder)
    k = len(res.params)
    figs = sensitivity_figures(res.indices, res.method)
    how = _METHOD_WORDS[res.method].format(n=res.n)
    body = [
        _SENSITIVITY_CSS,
        f"<h1>What the answer depends on: {esc(res.title or res.scenario)}</h1>",
        f"<p class='lead'>Which of the {k} unknowns declared in the calibration: block of "
        f"<code>{esc(res.scenario)}</code> move each measure most, over the ranges they may "
        "take (below).</p>",
        f"<p class='note'>{esc(how)}: {len(res.design)} design points ({res.distinct} "
        f"distinct), {res.reps} replications each ({res.simulations:,} simulations), seed "
        f"{res.seed}. Common random numbers: every point sees the same calls, so an unknown "
        "that cannot change a measure gets exactly zero, not noise.</p>",
        "<h2>Headlines</h2>",
        card_grid(_sensitivity_cards(res)),
        "<h2>The unknowns ranked, measure by measure</h2>",
    ]
    body += _rankings(res, figs)
    body += _ranges_section(res)
    body += [
        "<h2>How to read it</h2>",
        "<dl class='glossary'>",
        *(f"<dt>{esc(t)}</dt><dd>{esc(d)}</dd>" for t, d in _READING[res.method]),
        "</dl>",
        "<p class='note'>Indices by SALib (Herman &amp; Usher 2017; Iwanaga, Usher &amp; "
        "Herman 2022). An integer unknown is drawn over its range and rounded, each whole "
        "number equally likely; its effects are divided by the step actually run. A ranking "
        "holds for these ranges: a wider range for an unknown makes it matter more.</p>",
        "<h2>Settings</h2>",
        settings_list(
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
    body += glossary_section()
    body += ["<h2 class='screen-only'>Appendix</h2>", *_design_appendix(res)]
    return page_html(f"heart-sim sensitivity: {res.scenario}", body)

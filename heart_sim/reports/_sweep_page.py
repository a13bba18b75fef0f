"""The page of a sweep's results folder (``heart-sim sweep --report``): one scenario run over
a grid of parameter values.

It opens with the range each headline measure takes over the grid and where it is lowest
and highest, then the grid as a table with its figures, the settings (what was varied and
over which values) and every headline metric at every grid point. One module per kind of
results folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core import __version__
from ..measure import VIEWS, Card, fmt_value, header, shown_in
from ..study import read_sweep
from ._html_kit import (
    FIXED_ASSUMPTIONS,
    INTERVALS,
    card_grid,
    esc,
    figure_html,
    glossary_section,
    name_html,
    page_html,
    param_text,
    record_cell,
    settings_list,
    table_html,
    table_row,
)
from ._plots import sweep_figures


def _sweep_cards(table: pd.DataFrame, params: list[str]) -> list[Card]:
    cards = []
    for m in shown_in("sweep_table"):
        if m not in table or table[m].isna().all():
            continue
        lo_row, hi_row = table.iloc[int(table[m].argmin())], table.iloc[int(table[m].argmax())]

        def point(r: pd.Series) -> str:
            return ", ".join(f"{p} = {param_text(r[p])}" for p in params)

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
    """A sweep folder's page."""
    meta, table, params = read_sweep(folder)
    extra = ("cost_total_annual", "diverted_per_year")
    names = [m for m in (*shown_in("sweep_table"), *extra) if m in table]
    rows = [
        "<tr>"
        + "".join(f"<td class='text'>{esc(param_text(r[p]))}</td>" for p in params)
        + "".join(record_cell(r, m) for m in names)
        + "</tr>"
        for r in table.to_dict("records")
    ]
    body = [
        f"<h1>Sweep of {esc(meta['scenario'])} over {esc(', '.join(params))}</h1>",
        f"<p class='note'>{meta['reps']} replications per grid point, seed {meta['seed']}; "
        "every point is simulated with the same calls (common random numbers). "
        f"{INTERVALS} {FIXED_ASSUMPTIONS}</p>",
        "<h2>Headlines</h2>",
        card_grid(_sweep_cards(table, params)),
        "<h2>The grid</h2>",
        "<table><thead><tr>"
        + "".join(f"<th>{name_html(p)}</th>" for p in params)
        + "".join(f"<th>{esc(header(m))}</th>" for m in names)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>",
    ]
    figs = [figure_html(fig, "") for fig in sweep_figures(table, params).values()]
    body.append("<div class='figs'>" + "".join(figs) + "</div>")
    values = {p: sorted({param_text(v) for v in table[p]}, key=str) for p in params}
    body += [
        "<h2>Run settings</h2>",
        settings_list(
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
        point = ", ".join(f"{p} = {param_text(r[p])}" for p in params)
        for m in VIEWS["headline"]:
            if m in table:
                long.append(
                    table_row(
                        esc(point), [f"<td class='text'>{esc(header(m))}</td>", record_cell(r, m)]
                    )
                )
    body += [
        "<h2 class='screen-only'>Appendix</h2>",
        "<details><summary>Every headline metric at every grid point</summary>",
        table_html(["grid point", "measure", "mean (95% interval)"], long),
        "</details>",
    ]
    body += glossary_section()
    return page_html(f"heart-sim sweep: {meta['scenario']}", body)

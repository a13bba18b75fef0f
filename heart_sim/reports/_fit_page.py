"""The page of a fit (``heart-sim report <stem>_fit_report/``): what ``heart-sim fit``
found in a city's call records, for a reader without the YAML.

It opens with the lines the fit printed, then each fitted quantity with its 95% interval
(``fit.csv``), the figures the fit drew (from the call records, so they are embedded as
drawn, not redrawn), and the scenario fragment as written, comments and sources included.
The statistics behind each choice are in ``<stem>_fit_report.md``. One module per kind of
results folder.
"""

from __future__ import annotations

import base64
import numbers
from pathlib import Path

import pandas as pd

from ._fit_report import read_fit
from ._html_kit import esc, page_html, table_html, table_row

FIGURES = {
    "hour_of_week": "Calls by hour of the week: the counts and the fitted profile",
    "daily_counts": "Eligible calls per day, the days used and those left out",
    "duration": "A duration's values and the families fitted to them",
}


def _number(x: object) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return ""
    if isinstance(x, numbers.Integral):  # counts as the lines above them: 4,529
        return f"{int(x):,}"
    if isinstance(x, float):
        return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"
    return esc(x)


def _figure(png: Path) -> str:
    caption = FIGURES.get(png.stem.rsplit("_", 1)[0] if png.stem[-1].isdigit() else png.stem, "")
    data = base64.b64encode(png.read_bytes()).decode("ascii")
    return (
        f"<figure><img alt='{esc(caption or png.stem)}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{esc(caption or png.stem)}</figcaption></figure>"
    )


def fit_html(folder: Path) -> str:
    """A fit folder's page."""
    fit = read_fit(folder)
    rows = [
        table_row(
            f"<code>{esc(r.quantity)}</code>",
            [
                f"<td>{_number(r.value)}</td>",
                f"<td>{_number(r.low)} to {_number(r.high)}</td>",
                f"<td>{_number(r.n)}</td>",
                f"<td class='text'>{esc(r.note)}</td>",
            ],
        )
        for r in fit.table.itertuples(index=False)
    ]
    fragment = fit.out.read_text() if fit.out.is_file() else "(the fragment is not beside it)"
    body = [
        f"<h1>Fitted from call records: {esc(fit.out.name)}</h1>",
        "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in fit.lines) + "</ul>",
        "<h2>What was fitted</h2>",
        "<p>Each quantity with its 95% interval and the calls or durations behind it. The "
        f"tests and every candidate family are in <code>{esc(fit.report.name)}</code>.</p>",
        table_html(["Quantity", "Value", "95% interval", "n", "How"], rows),
        "<h2>Figures</h2>",
        *[_figure(png) for png in fit.figures],
        f"<h2>The scenario fragment: {esc(fit.out.name)}</h2>",
        f"<pre class='yaml'>{esc(fragment)}</pre>",
    ]
    return page_html(f"heart-sim fit: {fit.out.name}", body)

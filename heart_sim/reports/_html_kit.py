"""The HTML kit every report page is built from: the page skeleton with its CSS, headline
cards, tables, rows and cells with their intervals, embedded figures, escaping, settings
lists, the glossary and the assumptions-and-sources section.

Kept apart from the pages so that each page module holds only what its kind of results
folder says, and every page looks, prints and escapes alike: one stylesheet (it fits a
1,280-px window and prints on Letter or A4 paper), one way to show a value with its 95%
interval or the reason it has none, nothing fetched from the network (images are embedded
as PNG data, styles inline). Labels, units and number formats come from the metric catalog
(``measure``).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ..core import __version__
from ..measure import CARD_CSS, GLOSSARY, NO_INTERVAL, Card, breakable, fmt_value, ratio_why

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
.figs { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(480px, 100%), 1fr));
        gap: 0 1em; }
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
/* A phone (390 px): the page never scrolls sideways. A table wider than the screen scrolls
   inside its own box, its headers keep their words whole, and grids take one column. */
@media screen and (max-width: 700px) {
  body { padding: 0 0.6em; }
  table { display: block; overflow-x: auto; width: auto; max-width: 100%; }
  table th, table th code { overflow-wrap: normal; word-break: normal; hyphens: manual; }
  table.options td:first-child { min-width: 8em; }
  dl.settings { grid-template-columns: minmax(0, 1fr); }
  dl.settings dd { margin-left: 1em; }
  .cards { grid-template-columns: minmax(0, 1fr); }
  pre, .figs, figure { max-width: 100%; overflow-x: auto; }
}
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


def esc(text: object) -> str:
    """Text made safe to place in HTML."""
    return html.escape(str(text))


def name_html(text: object) -> str:
    """A scenario or metric name, escaped, that may break after its underscores and dots."""
    return breakable(str(text))


def param_text(x: object) -> str:
    """A grid point's value as written (3, not 3.0)."""
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def figure_html(fig: Figure, caption: str) -> str:
    """A figure as an embedded PNG with a caption (the figure is released afterwards)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    fig.clf()
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f"<figure><img alt='{esc(caption or 'figure')}' src='data:image/png;base64,{data}'>"
        + (f"<figcaption>{esc(caption)}</figcaption>" if caption else "")
        + "</figure>"
    )


def value_cell(
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
    return f"<td><span class='v'>{esc(value)}</span><span class='ci'>{esc(below)}</span></td>"


def summary_cell(idx: pd.DataFrame, name: str) -> str:
    """The cell of metric ``name`` of a summary indexed by metric ('n/a' when absent)."""
    if name not in idx.index:
        return "<td>n/a</td>"
    r = idx.loc[name]
    return value_cell(name, r["mean"], r["ci_low"], r["ci_high"])


def record_cell(r: dict, name: str, signed: bool = False) -> str:
    """A cell of a row holding ``name``, ``name_ci_low``, ``name_ci_high`` (and a ratio's
    ``name_status``)."""
    status = r.get(f"{name}_status")
    why = ratio_why(r, name)
    if name == "marginal_cost_per_extra_diverted" and status in ("no_change", "unclear"):
        # Co-Response diverts nothing by definition: say what an extra response costs.
        per = r.get("marginal_cost_per_extra_response")
        if not pd.isna(per):
            why += f"; per extra HEART response: {fmt_value(name, per)}"
    return value_cell(
        name, r.get(name), r.get(f"{name}_ci_low"), r.get(f"{name}_ci_high"), why, signed
    )


def table_html(headers: Iterable[str], rows: Iterable[str], cls: str = "") -> str:
    """A table: the headers (escaped) over rows already made."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return (
        f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def table_row(first: str, cells: Iterable[str], cls: str = "") -> str:
    """A row: its first cell (HTML, left-aligned text), then the cells already made."""
    return f"<tr class='{cls}'><td class='text'>{first}</td>{''.join(cells)}</tr>"


def card_grid(cards: list[Card]) -> str:
    """The headline cards, side by side."""
    return "<div class='cards'>" + "".join(c.html() for c in cards) + "</div>"


def page_html(title: str, body: list[str]) -> str:
    """The whole page: the skeleton and stylesheet around the body's blocks, and the
    version and date that wrote it."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        # Nothing may be fetched: images are data: URLs, styles inline.
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + f"<p class='note'>Written by heart-sim {esc(__version__)} on "
        f"{dt.date.today().isoformat()}.</p></body></html>"
    )


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


def assumptions_section(sources: dict[str, str]) -> list[str]:
    """The assumptions and sources the scenario files' comments cite, then each file as
    written."""
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
        f"<tr class='{'assumption' if 'ASSUMPTION' in c else ''}'><td class='text'>{esc(f)}</td>"
        f"<td class='text'><code>{esc(k)}</code></td><td class='text'>{esc(c)}</td></tr>"
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
            f"<details><summary>{esc(name)} (as written)</summary><pre>{esc(text)}</pre></details>"
        )
    return out


def settings_list(items: list[tuple[str, str]]) -> str:
    """Settings as a list of name: value."""
    return (
        "<dl class='settings'>"
        + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
        + "</dl>"
    )


def glossary_section(extra: dict[str, str] | None = None) -> list[str]:
    """The glossary of the words a report uses, with a page's own words (``extra``) first."""
    terms = (extra or {}) | GLOSSARY
    out = ["<h2>Glossary</h2><dl class='glossary'>"]
    out += [f"<dt>{esc(term)}</dt><dd>{esc(text)}</dd>" for term, text in terms.items()]
    out.append("</dl>")
    return out

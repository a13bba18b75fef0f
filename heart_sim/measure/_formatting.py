"""Numbers for people, one set of formatters for the CLI, Markdown, HTML and the workbook.

Every number is formatted by what the metric catalog says it is: money with ``$`` and
thousands separators, shares as percentages, counts and hours with separators, minutes to
a tenth; never scientific notation. Units are said once, in the label (``header``); a cell
carries only the ``$`` or ``%`` that belongs to its number. An interval is written
``mean (low to high)``; where there is none, the reason is said instead of a number.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from ._catalog import CATALOG, FORMAT_STYLE, Format, metric, shown_in
from ._paired import RATIO_WORDS

FLOAT_FORMAT = "%.10g"  # CSV files: 10 significant digits (replications.csv keeps all)
NO_INTERVAL = "too few replications for an interval"


def csv_text(df: pd.DataFrame) -> str:
    """A table as the CSV text every results file uses."""
    return df.to_csv(index=False, float_format=FLOAT_FORMAT)


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _sig(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits in plain positional notation."""
    if x == 0:
        return "0"
    decimals = min(6, max(0, digits - 1 - math.floor(math.log10(abs(x)))))
    return f"{x:,.{decimals}f}"


def fmt_format(x: Any, fmt: Format, signed: bool = False) -> str:
    """One number as a person reads it, by its catalog format; ``signed`` puts + on
    positive differences (and says a share's difference in percentage points)."""
    if _missing(x):
        return "n/a"
    x = float(x)
    sign = "+" if signed and x > 0 else ""
    style = FORMAT_STYLE[fmt]
    if style == "dollars":
        body = f"${abs(x):,.0f}" if abs(x) >= 100 or x == 0 else f"${abs(x):,.2f}"
        return ("-" if x < 0 else sign) + body
    if style == "percent":
        pct = 100 * x
        text = f"{pct:,.1f}" if abs(pct) >= 1 or pct == 0 else _sig(pct, 2)
        return sign + text + (" pp" if signed else "%")
    if style == "whole":
        text = f"{x:,.0f}" if abs(x) >= 100 else _sig(x, 3)
    elif style == "tenths":
        text = f"{x:,.1f}" if abs(x) < 1000 else f"{x:,.0f}"
    else:
        text = _sig(x, 3)
    return sign + text


def fmt_value(name: str, x: Any, signed: bool = False) -> str:
    """A value of metric ``name`` (an unknown name: three significant digits)."""
    m = CATALOG.get(name)
    return fmt_format(x, m.format if m else "number", signed)


def fmt_interval(
    name: str, mean: Any, lo: Any, hi: Any, why: str = NO_INTERVAL, signed: bool = False
) -> str:
    """'20.7% (20.5% to 20.8%)'; the mean and ``why`` in brackets when there is no
    interval; 'n/a' when there is no value."""
    if _missing(mean):
        return f"n/a ({why})" if why and why != NO_INTERVAL else "n/a"
    text = fmt_value(name, mean, signed)
    if _missing(lo) or _missing(hi):
        return f"{text} ({why})" if why else text
    return f"{text} ({fmt_value(name, lo, signed)} to {fmt_value(name, hi, signed)})"


def fmt_summary(row: pd.Series | None, name: str | None = None) -> str:
    """A summary row's mean with its 95% interval (or the reason it has none)."""
    if row is None:
        return "n/a"
    key = name if name is not None else str(row.get("metric", ""))
    return fmt_interval(key, row["mean"], row["ci_low"], row["ci_high"])


def header(name: str, short: bool = False) -> str:
    """A column header or row label with the unit said once: 'CRT response time, mean
    (minutes)'; ``short`` uses the catalog's short header where it has one."""
    m = CATALOG.get(name)
    if m is None:
        return name
    text = m.header if short else m.label
    if text.endswith(")") and " (" in text:  # 'X (mean)' -> 'X, mean'
        text = text[: text.rindex(" (")] + ", " + text[text.rindex(" (") + 2 : -1]
    return f"{text} ({m.unit_label})"


def fmt_record(r: dict, key: str, signed: bool = False) -> str:
    """A mean and its interval stored as ``key``, ``key_ci_low``, ``key_ci_high`` in a
    table row (and, for a ratio, the reason for a missing interval in ``key_status``)."""
    return fmt_interval(
        key, r.get(key), r.get(f"{key}_ci_low"), r.get(f"{key}_ci_high"), ratio_why(r, key), signed
    )


def ratio_why(r: dict, key: str) -> str:
    """Why a row's ``key`` has no interval: the words for its ratio status
    (``key_status``), or too few replications."""
    status = r.get(f"{key}_status")
    if isinstance(status, str) and status in RATIO_WORDS and status != "ok":
        return RATIO_WORDS[status]
    return NO_INTERVAL


def breakable(text: str) -> str:
    """HTML-escaped text that may break after its underscores and dots (long names)."""
    return html.escape(text).replace("_", "_<wbr>").replace(".", ".<wbr>")


def cost_table(
    costs: pd.DataFrame, names: list[str] | None = None
) -> tuple[list[str], list[list[str]]]:
    """A comparison's cost table for people: one row per scenario, the columns of the
    catalog's ``costs`` view (or ``names``) with their labels and units, each value with
    its interval or the words for why it has none."""
    names = names or list(shown_in("costs"))
    names = [n for n in names if n in costs]
    headers = ["scenario", *(header(n) for n in names)]
    rows = []
    for r in costs.to_dict("records"):
        row = [str(r["scenario"])]
        for name in names:
            m = metric(name)
            row.append(fmt_record(r, name, signed=m.signed and m.kind == "comparison"))
        rows.append(row)
    return headers, rows


def headline_rows(summary: pd.DataFrame) -> list[tuple[str, str]]:
    """(label with unit, 'mean (low to high)') for the catalog's headline metrics."""
    idx = summary.set_index("metric")
    return [(header(m), fmt_summary(idx.loc[m], m)) for m in shown_in("headline") if m in idx.index]

"""Numbers for people, one set of formatters for the CLI, Markdown and HTML reports."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .catalog import metric, shown_in

FLOAT_FORMAT = "%.10g"  # CSV files: 10 significant digits (replications.csv keeps all)


def csv_text(df: pd.DataFrame) -> str:
    """A table as the CSV text every results file uses."""
    return df.to_csv(index=False, float_format=FLOAT_FORMAT)


# Columns of the comparison's cost table that carry an interval: (mean, low, high).
COST_INTERVALS = (
    ("extra_diverted", "extra_diverted_ci_low", "extra_diverted_ci_high"),
    ("marginal_cost_per_extra_diverted", "marginal_ci_low", "marginal_ci_high"),
    ("police_hours_freed", "police_hours_freed_ci_low", "police_hours_freed_ci_high"),
)


def _missing(x: object) -> bool:
    return x is None or x != x  # None or NaN


def fmt_num(x: Any, digits: int = 3, money: bool = False) -> str:
    """A number for people: thousands separated, else ``digits`` significant digits."""
    if x is None or _missing(x):
        return "n/a"
    if money:
        return f"${x:,.0f}"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.{digits}g}"


def fmt_interval(mean: Any, lo: Any, hi: Any, digits: int = 3, money: bool = False) -> str:
    """'mean [lo, hi]', or just the mean when there is no interval."""
    if _missing(mean) or _missing(lo):
        return fmt_num(mean, digits, money)
    f = [fmt_num(x, digits, money) for x in (mean, lo, hi)]
    return f"{f[0]} [{f[1]}, {f[2]}]"


def fmt_record(r: dict, key: str, lo: str, hi: str, money: bool = False) -> str:
    """A mean and its interval stored under three keys of a table row."""
    return fmt_interval(r.get(key), r.get(lo), r.get(hi), money=money)


def fmt_ci(row: pd.Series | None, digits: int = 3) -> str:
    """A summary row's mean with its 95% CI."""
    if row is None:
        return "n/a"
    return fmt_interval(row["mean"], row["ci_low"], row["ci_high"], digits)


def cost_table(costs: pd.DataFrame, long: bool = False) -> tuple[list[str], list[list[str]]]:
    """A comparison's cost table for people: headers from the catalog (short column
    headers, or ``long`` labels with units) and one formatted row per scenario."""
    intervals = {key: (lo, hi) for key, lo, hi in COST_INTERVALS}
    headers = ["scenario"]
    for name in shown_in("costs"):
        m = metric(name)
        head = f"{m.label} ({m.unit})" if long else m.header
        headers.append(head + (" [95% CI]" if name in intervals else ""))
    rows = []
    for r in costs.to_dict("records"):
        row = [str(r["scenario"])]
        for name in shown_in("costs"):
            money = metric(name).format == "money"
            if name in intervals:
                row.append(fmt_record(r, name, *intervals[name], money=money))
            else:
                row.append(fmt_num(r.get(name), money=money))
        rows.append(row)
    return headers, rows


def headline_rows(summary: pd.DataFrame) -> list[tuple[str, str]]:
    """(metric, 'mean [95% CI]') for the catalog's headline metrics, in its order."""
    idx = summary.set_index("metric")
    return [(m, fmt_ci(idx.loc[m])) for m in shown_in("headline") if m in idx.index]

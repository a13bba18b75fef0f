"""What a fit found, as one table: each fitted quantity with its 95% interval.

This is the fit's ``summary`` (``fit.csv`` beside its figures): the demand (calls per week,
overdispersion, annual growth), each call type's and zone's share, and each duration's
mean under the family chosen. The YAML fragment and the fit report say the same with
their context; this table is for reading back and comparing fits.
"""

from __future__ import annotations

import math

import pandas as pd

from ._demand import Estimate
from ._inputs import Fitted
from ._shares import Share

Z95 = 1.959963984540054  # the normal 97.5% point: intervals of the durations' means

COLUMNS = ["quantity", "value", "low", "high", "n", "note"]


def fit_table(f: Fitted) -> pd.DataFrame:
    """One row per fitted quantity (``COLUMNS``); ``n`` the calls or durations behind it."""
    d = f.demand
    used = f"{d.calls_used} calls on {int(d.used.sum())} days"
    rows = [
        _row("calls_per_week", d.calls_per_week, d.calls_used, used),
        _row("overdispersion", d.overdispersion, d.calls_used, "daily counts' CV beyond Poisson"),
    ]
    if d.growth is not None:
        rows.append(_row("annual_growth", d.growth, d.calls_used, "share a year"))
    rows += _shares("call_types", f.type_shares)
    rows += _shares("zones", f.zone_shares)
    for placed in f.durations:
        fit = placed.fit
        best = next((c for c in fit.candidates if c.family == fit.chosen), None)
        mean = best.mean if best else (float(fit.values.mean()) if fit.n else math.nan)
        half = Z95 * best.se_mean if best else math.nan
        note = f"{fit.chosen or 'too few to fit'}, minutes"
        rows.append([f"{placed.spec.name}.mean", mean, mean - half, mean + half, fit.n, note])
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(name: str, e: Estimate, n: int, note: str) -> list:
    return [name, e.value, e.low, e.high, n, note]


def _shares(section: str, shares: list[Share] | None) -> list[list]:
    return [
        [f"{section}.{s.name}.share", s.share, s.low, s.high, s.count, "Wilson 95% interval"]
        for s in shares or []
    ]

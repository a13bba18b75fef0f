"""Paired comparison of scenarios under common random numbers: pure statistics.

All scenarios of a comparison run with the same seed, so replication r of each sees the
same calls (same arrival stream, same per-call draws). The difference alt - base is taken
replication by replication and summarised with a 95% t-interval: the noise shared by both
runs cancels, which is what makes small differences visible with few replications. The
functions here take per-replication tables and run nothing (``study.compare`` runs).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .metrics import t_interval

BOOTSTRAP_SAMPLES = 4000


def significance(lo: float, hi: float, diffs: np.ndarray) -> str:
    """'identical' (every paired difference is exactly 0), 'significant' or 'not significant'."""
    d = diffs[~np.isnan(diffs)]
    if d.size and np.all(d == 0):
        return "identical"
    if math.isnan(lo) or math.isnan(hi) or lo <= 0 <= hi:
        return "not significant"
    return "significant"


def paired_differences(
    base: pd.DataFrame, alt: pd.DataFrame, metrics: tuple[str, ...]
) -> pd.DataFrame:
    """Per metric: both means, the mean paired difference (alt - base) and its 95% CI."""
    if not base["replication"].equals(alt["replication"]):
        raise ValueError("paired differences need the same replications in both runs")
    rows = []
    for m in metrics:
        if m not in base or m not in alt:
            continue
        diffs = alt[m].to_numpy(float) - base[m].to_numpy(float)
        mean, lo, hi, _ = t_interval(diffs)
        rows.append(
            {
                "metric": m,
                "base_mean": float(np.nanmean(base[m])) if base[m].notna().any() else math.nan,
                "alt_mean": float(np.nanmean(alt[m])) if alt[m].notna().any() else math.nan,
                "diff_mean": mean,
                "diff_ci_low": lo,
                "diff_ci_high": hi,
                "significance": significance(lo, hi, diffs),
            }
        )
    return pd.DataFrame(rows)


def ratio_of_means_ci(
    num: np.ndarray, den: np.ndarray, seed: int = 0
) -> tuple[float, float, float]:
    """mean(num) / mean(den) with a paired bootstrap 95% percentile interval."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    if den.mean() <= 0:
        return math.nan, math.nan, math.nan
    point = float(num.mean() / den.mean())
    if num.size < 2:
        return point, math.nan, math.nan
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, num.size, (BOOTSTRAP_SAMPLES, num.size))
    d = den[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(d > 0, num[idx].mean(axis=1) / d, np.inf)
    lo, hi = np.percentile(ratios, [2.5, 97.5])
    return point, float(lo), float(hi)


def cost_row(name: str, b: pd.DataFrame, a: pd.DataFrame) -> dict[str, float | str]:
    """What budget staff ask of alternative ``name`` (replications ``a``) against the base
    (``b``): cost, diverted calls, and the marginal cost of the change."""
    row: dict[str, float | str] = {"scenario": name}
    for m in ("cost_total_annual", "diverted_per_year", "cost_per_diverted_call"):
        row[m] = float(a[m].mean()) if m in a else math.nan
    if "cost_total_annual" not in a or "cost_total_annual" not in b:
        return row
    extra_cost = a["cost_total_annual"].to_numpy() - b["cost_total_annual"].to_numpy()
    extra_div = a["diverted_per_year"].to_numpy() - b["diverted_per_year"].to_numpy()
    row["extra_cost"] = float(extra_cost.mean())
    mean, lo, hi, _ = t_interval(extra_div)
    row |= {"extra_diverted": mean, "extra_diverted_ci_low": lo, "extra_diverted_ci_high": hi}
    point, lo, hi = ratio_of_means_ci(extra_cost, extra_div)
    row |= {
        "marginal_cost_per_extra_diverted": point,
        "marginal_ci_low": lo,
        "marginal_ci_high": hi,
    }
    freed = b["police_hours_per_year"].to_numpy() - a["police_hours_per_year"].to_numpy()
    mean, lo, hi, _ = t_interval(freed)
    row |= {
        "police_hours_freed": mean,
        "police_hours_freed_ci_low": lo,
        "police_hours_freed_ci_high": hi,
    }
    return row

"""Paired comparison of scenarios under common random numbers: pure statistics.

All scenarios of a comparison run with the same seed, so replication r of each sees the
same calls (same arrival stream, same per-call draws). The difference alt - base is taken
replication by replication and summarised with a 95% t-interval: the noise shared by both
runs cancels, which is what makes small differences visible with few replications.

Ratios (cost per diverted call, marginal cost per extra diverted call) all get Fieller's
interval, from the same paired replications as the t-intervals beside them: the set of
ratios R for which mean(num) - R mean(den) is not significantly different from zero. It is
exact for normal means (which replication means are, near enough) and, unlike the delta
method or a bootstrap of few replications, says plainly when the denominator's own
interval reaches zero: the ratio then has no bounded interval and is reported as not
defined. The functions here take per-replication tables and run nothing.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._metrics import MIN_REPS_FOR_INTERVAL, bounded, fieller_interval, t_interval

# Why a ratio has no interval (or no value): the words a report shows for each code.
RATIO_WORDS: dict[str, str] = {
    "ok": "",
    "too_few_reps": f"too few replications for an interval (fewer than {MIN_REPS_FOR_INTERVAL})",
    "no_change": "not defined: there are no (extra) calls to divide the cost by",
    "unclear": "not defined with 95% confidence: the interval of the (extra) calls includes zero",
    "fewer": "not defined: the option has fewer such calls than the base, not more",
}


def significance(lo: float, hi: float, diffs: np.ndarray) -> str:
    """'identical' (every paired difference is exactly 0), 'too few replications',
    'significant' or 'not significant'."""
    d = diffs[~np.isnan(diffs)]
    if d.size == 0:
        return "not defined"  # the metric has no value in either run (a closed program)
    if np.all(d == 0):
        return "identical"
    if d.size < MIN_REPS_FOR_INTERVAL:
        return "too few replications"
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


def _with_interval(row: dict[str, float | str], name: str, values: np.ndarray) -> None:
    """Mean and 95% t-interval of per-replication values, kept inside the range the
    quantity can take (see ``bounded``)."""
    mean, lo, hi, _ = t_interval(values)
    lo, hi = bounded(name, lo, hi)
    row |= {name: mean, f"{name}_ci_low": lo, f"{name}_ci_high": hi}


def _with_ratio(row: dict[str, float | str], name: str, num: np.ndarray, den: np.ndarray) -> None:
    """A ratio with Fieller's interval; a marginal cost is given only for an option that
    clearly adds calls: one that clearly has fewer gets the status ``fewer`` (a cost per
    call *given up* is not a cost per extra call), one whose extra calls are not clearly
    away from zero ``unclear``; both are reported in words, with no number."""
    point, lo, hi, status = fieller_interval(num, den)
    if status == "ok" and np.nanmean(den) < 0:
        status = "fewer"
    if status in ("fewer", "unclear"):
        point, lo, hi = math.nan, math.nan, math.nan
    lo, hi = bounded(name, lo, hi)
    row |= {name: point, f"{name}_ci_low": lo, f"{name}_ci_high": hi, f"{name}_status": status}


def _col(df: pd.DataFrame, name: str) -> np.ndarray:
    return df[name].to_numpy(float) if name in df else np.full(len(df), math.nan)


def cost_row(name: str, b: pd.DataFrame, a: pd.DataFrame) -> dict[str, float | str]:
    """What budget staff ask of alternative ``name`` (replications ``a``) against the base
    (``b``): its cost, calls diverted, net cost, and what the change costs per extra call
    diverted, each with its 95% interval (the base's own row has zero extras)."""
    row: dict[str, float | str] = {"scenario": name}
    for m in ("cost_total_annual", "diverted_per_year", "heart_responses_per_year"):
        _with_interval(row, m, _col(a, m))
    cost = _col(a, "cost_total_annual")
    _with_ratio(row, "cost_per_diverted_call", cost, _col(a, "diverted_per_year"))
    _with_ratio(row, "cost_per_heart_response", cost, _col(a, "heart_responses_per_year"))
    _with_interval(row, "net_cost_annual", _col(a, "net_cost_annual"))

    def extra(m: str) -> np.ndarray:
        return _col(a, m) - _col(b, m)

    _with_interval(row, "extra_cost", extra("cost_total_annual"))
    _with_interval(row, "extra_diverted", extra("diverted_per_year"))
    _with_ratio(
        row,
        "marginal_cost_per_extra_diverted",
        extra("cost_total_annual"),
        extra("diverted_per_year"),
    )
    _with_interval(row, "extra_heart_responses", extra("heart_responses_per_year"))
    _with_ratio(
        row,
        "marginal_cost_per_extra_response",
        extra("cost_total_annual"),
        extra("heart_responses_per_year"),
    )
    _with_interval(row, "police_hours_freed", -extra("police_hours_per_year"))
    _with_interval(row, "police_cost_saved", extra("police_cost_avoided_annual"))
    _with_interval(row, "extra_net_cost", extra("net_cost_annual"))
    return row

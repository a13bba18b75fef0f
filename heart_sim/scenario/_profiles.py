"""Demand profiles derived from the real 911 dispatch log shipped in ``heart_sim/data``.

``milwaukee_hour_of_week.csv``: behavioral-health calls by hour of week from the Milwaukee
Police dispatch log, 1-21 May 2018 (18 complete days), as published by the repository
eisenivan/mke-calls-for-service (MIT licence, (c) 2018 Ivan Eisenberg). Durham's own profile
is not public; this is the documented proxy used by the built-in scenarios.
``milwaukee_daily_counts.csv``: the same calls per day (the day-to-day variation behind the
scenarios' ``demand.overdispersion``).
"""

from __future__ import annotations

import csv
import math
from importlib import resources

from scipy.stats import chi2

SERIES = "bh_core"  # WELFARE CITIZEN, TRBL W/SUBJ, HOSPITAL TO MCMH, SUBJ DOWN


def milwaukee_weights(series: str = SERIES, digits: int = 1) -> tuple[list[float], list[float]]:
    """(24 hourly, 7 daily) weights: calls per day, summed over weekdays / over hours."""
    text = resources.files("heart_sim.data").joinpath("milwaukee_hour_of_week.csv").read_text()
    hourly = [0.0] * 24
    daily = [0.0] * 7
    for row in csv.DictReader(text.splitlines()):
        rate = float(row[f"per_day_{series}"])
        hourly[int(row["hour"])] += rate
        daily[int(row["dow_index_mon0"])] += rate
    return [round(x, digits) for x in hourly], [round(x, digits) for x in daily]


def milwaukee_overdispersion() -> dict[str, float]:
    """Day-to-day variation of behavioral-health calls in the same log (18 complete days of
    ``milwaukee_daily_counts.csv``): mean and variance of daily counts, their ratio, and the
    coefficient of variation of a gamma day-level rate multiplier that explains the excess
    over Poisson, cv = sqrt(var - mean) / mean, with a 95% range from the chi-square
    interval of the variance."""
    text = resources.files("heart_sim.data").joinpath("milwaukee_daily_counts.csv").read_text()
    counts = [
        float(row["bh_core_calls"])
        for row in csv.DictReader(text.splitlines())
        if row["complete"] == "True"
    ]
    n = len(counts)
    mean = sum(counts) / n
    var = sum((c - mean) ** 2 for c in counts) / (n - 1)
    lo_var = (n - 1) * var / chi2.ppf(0.975, n - 1)
    hi_var = (n - 1) * var / chi2.ppf(0.025, n - 1)

    def cv(v: float) -> float:
        return math.sqrt(max(v - mean, 0.0)) / mean

    return {
        "days": n,
        "mean": mean,
        "variance": var,
        "variance_to_mean": var / mean,
        "cv": cv(var),
        "cv_low": cv(lo_var),
        "cv_high": cv(hi_var),
    }

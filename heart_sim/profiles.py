"""Demand profiles derived from the real 911 dispatch log shipped in ``heart_sim/data``.

``milwaukee_hour_of_week.csv``: behavioral-health calls by hour of week from the Milwaukee
Police dispatch log, 1-21 May 2018 (18 complete days), as published by the repository
eisenivan/mke-calls-for-service (MIT licence, (c) 2018 Ivan Eisenberg). Durham's own profile
is not public; this is the documented proxy used by the built-in scenarios.
"""

from __future__ import annotations

import csv
from importlib import resources

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

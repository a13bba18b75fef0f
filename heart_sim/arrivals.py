"""Non-homogeneous Poisson arrivals from a weekly profile, generated exactly.

The rate is piecewise constant by hour of week. Unit-rate Poisson points are mapped through
the inverse of the cumulative intensity (time-change theorem), which is exact for a
piecewise-constant rate. Scaling demand reuses the same unit-rate stream, so two scenarios
that differ only in volume see the same underlying randomness (common random numbers).
"""

from __future__ import annotations

import math

import numpy as np

from .schedules import HOURS_PER_WEEK, MIN_PER_HOUR


def arrival_times(
    rates_per_hour: np.ndarray, t_end_min: float, rng: np.random.Generator
) -> np.ndarray:
    """Sorted arrival times in [0, t_end_min) minutes for the weekly hourly rate profile."""
    rates = np.asarray(rates_per_hour, dtype=float)
    if rates.shape != (HOURS_PER_WEEK,):
        raise ValueError("need 168 hourly rates")
    n_hours = math.ceil(t_end_min / MIN_PER_HOUR)
    per_hour = np.resize(rates, n_hours)
    cum = np.concatenate(([0.0], np.cumsum(per_hour)))
    # Intensity actually available before t_end (the last hour may be partial).
    last = t_end_min / MIN_PER_HOUR - (n_hours - 1)
    total = cum[n_hours - 1] + per_hour[-1] * last
    if total <= 0:
        return np.empty(0)
    points = _unit_poisson_points(total, rng)
    idx = np.searchsorted(cum, points, side="right") - 1
    return (idx + (points - cum[idx]) / per_hour[idx]) * MIN_PER_HOUR


def _unit_poisson_points(total: float, rng: np.random.Generator) -> np.ndarray:
    """Points of a unit-rate Poisson process on [0, total), drawn in batches."""
    chunks = []
    reached = 0.0
    while True:
        n = int(total - reached + 6 * math.sqrt(total - reached + 1) + 16)
        gaps = rng.exponential(1.0, n)
        pts = reached + np.cumsum(gaps)
        chunks.append(pts)
        reached = pts[-1]
        if reached >= total:
            break
    allpts = np.concatenate(chunks)
    return allpts[allpts < total]

"""Non-homogeneous Poisson arrivals over the run's real days, generated exactly.

The rate in each hour is the weekly profile of the phase in force (piecewise constant by
hour of week) x the month-of-year factor x a random day-level multiplier (gamma, mean 1:
overdispersion) x compound growth, which varies continuously: lambda(t) = r_h e^(b t) in
hour h. Unit-rate Poisson points are mapped through the inverse of the cumulative
intensity (time-change theorem), in closed form within each hour, so the process has
exactly this intensity, with no thinning and no discretisation. Scaling demand reuses the
same unit-rate stream, so two scenarios that differ only in volume see the same underlying
randomness (common random numbers). Given the day multipliers, arrivals are Poisson; over
them, daily counts have variance mean + cv^2 mean^2 (the gamma-Poisson mixture of He, Liu
& Whitt, PEIS 30(4), 2016).
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario import HOURS_PER_WEEK, MIN_PER_DAY, MIN_PER_HOUR, Scenario
from ._dates import Calendar

HOURS_PER_YEAR = 365.25 * 24


def arrival_times(
    rates_per_hour: np.ndarray, t_end_min: float, rng: np.random.Generator
) -> np.ndarray:
    """Sorted arrival times in [0, t_end_min) minutes for a repeating weekly profile."""
    rates = np.asarray(rates_per_hour, dtype=float)
    if rates.shape != (HOURS_PER_WEEK,):
        raise ValueError("need 168 hourly rates")
    n_hours = math.ceil(t_end_min / MIN_PER_HOUR)
    return _invert(np.resize(rates, n_hours), 0, t_end_min, 0.0, 0.0, rng)


def day_multipliers(cv: float, n_days: int, rng: np.random.Generator) -> np.ndarray:
    """Gamma day-level rate multipliers with mean 1 and coefficient of variation cv."""
    if cv <= 0:
        return np.ones(n_days)
    shape = 1 / cv**2
    return rng.gamma(shape, 1 / shape, n_days)


def hourly_rates(scenario: Scenario, cal: Calendar, day_mult: np.ndarray) -> np.ndarray:
    """Base rate (calls per hour, before growth) of each hour from t = 0 to the run's end;
    ``day_mult`` has one multiplier per day from day 0."""
    n_hours = math.ceil(cal.end / MIN_PER_HOUR)
    hours = np.arange(n_hours)
    phases = [sc for _, sc in scenario.phase_list()]
    if len(phases) == 1:
        rates = np.resize(scenario.demand.hour_of_week_rates(), n_hours)
    else:
        which = cal.phase_of(hours * float(MIN_PER_HOUR))
        weekly = np.stack([sc.demand.hour_of_week_rates() for sc in phases])
        rates = weekly[which, hours % HOURS_PER_WEEK]
    if scenario.demand.monthly_weights is not None:
        month = cal.month_index_of_days(0, n_hours // 24)
        rates = rates * scenario.demand.month_factors()[month[hours // 24]]
    if scenario.demand.overdispersion > 0:
        rates = rates * day_mult[hours // 24]
    return rates


def calendar_arrival_times(
    scenario: Scenario, cal: Calendar, rng: np.random.Generator, day_rng: np.random.Generator
) -> np.ndarray:
    """Sorted arrival times in [begin, end) minutes of a scenario's run."""
    n_days = math.ceil(cal.end / MIN_PER_DAY)
    mult = day_multipliers(scenario.demand.overdispersion, n_days, day_rng)
    rates = hourly_rates(scenario, cal, mult)
    b = math.log1p(scenario.demand.annual_growth) / HOURS_PER_YEAR  # per hour
    return _invert(rates, cal.begin, cal.end, b, cal.start / MIN_PER_HOUR, rng)


def expected_counts(scenario: Scenario, cal: Calendar, edges_min: np.ndarray) -> np.ndarray:
    """Expected arrivals between consecutive times in ``edges_min`` (no overdispersion:
    its multipliers have mean 1), for tests and sizing."""
    n_days = math.ceil(cal.end / MIN_PER_DAY)
    rates = hourly_rates(scenario, cal, np.ones(n_days))
    b = math.log1p(scenario.demand.annual_growth) / HOURS_PER_YEAR
    cum = _cumulative(rates, b, cal.start / MIN_PER_HOUR)
    at = np.asarray(edges_min, float) / MIN_PER_HOUR
    return np.diff(_cum_at(at, rates, cum, b, cal.start / MIN_PER_HOUR))


def _cumulative(rates: np.ndarray, b: float, ref_h: float) -> np.ndarray:
    """Cumulative intensity at each hour boundary 0, 1, ..., n."""
    if b == 0:
        return np.concatenate(([0.0], np.cumsum(rates)))
    h = np.arange(rates.size)
    per_hour = rates * np.exp(b * (h - ref_h)) * math.expm1(b) / b
    return np.concatenate(([0.0], np.cumsum(per_hour)))


def _cum_at(at_h: np.ndarray, rates: np.ndarray, cum: np.ndarray, b: float, ref_h: float):
    """Cumulative intensity at times ``at_h`` (hours)."""
    h = np.clip(np.floor(at_h).astype(np.int64), 0, rates.size - 1)
    s = at_h - h
    if b == 0:
        return cum[h] + rates[h] * s
    return cum[h] + rates[h] * np.exp(b * (h - ref_h)) * np.expm1(b * s) / b


def _invert(
    rates: np.ndarray,
    begin_min: float,
    end_min: float,
    b: float,
    ref_h: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Arrival times in [begin, end): unit-rate Poisson points mapped through the inverse
    cumulative intensity of ``rates`` (per hour from t = 0) with growth rate b."""
    cum = _cumulative(rates, b, ref_h)
    lo, hi = _cum_at(
        np.array([begin_min / MIN_PER_HOUR, end_min / MIN_PER_HOUR]), rates, cum, b, ref_h
    )
    total = hi - lo
    if total <= 0:
        return np.empty(0)
    points = lo + _unit_poisson_points(total, rng) if lo else _unit_poisson_points(total, rng)
    idx = np.searchsorted(cum, points, side="right") - 1
    rest = points - cum[idx]
    if b == 0:
        return (idx + rest / rates[idx]) * MIN_PER_HOUR
    scale = rates[idx] * np.exp(b * (idx - ref_h))
    return (idx + np.log1p(b * rest / scale) / b) * MIN_PER_HOUR


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

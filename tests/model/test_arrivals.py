"""Arrivals: counts per hour of week match the profile, so a thinning bug cannot hide."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from heart_sim.model._arrivals import arrival_times
from heart_sim.model._streams import stream
from heart_sim.scenario._schedules import MIN_PER_WEEK
from heart_sim.scenario._schema import Demand

WEEKS = 200


def _counts(times: np.ndarray) -> np.ndarray:
    return np.bincount((times // 60).astype(int) % 168, minlength=168)


def _profile() -> np.ndarray:
    from builders import baseline_dict

    return Demand.model_validate(baseline_dict()["demand"]).hour_of_week_rates()


def test_counts_per_hour_of_week_match_the_profile() -> None:
    rates = _profile()
    times = arrival_times(rates, WEEKS * MIN_PER_WEEK, stream(7, 0, "arrivals"))
    assert np.all(np.diff(times) >= 0) and times[0] >= 0 and times[-1] < WEEKS * MIN_PER_WEEK
    observed = _counts(times)
    expected = rates * WEEKS
    chi2, p = stats.chisquare(observed, expected * observed.sum() / expected.sum())
    assert p > 0.001, (chi2, p)
    # Total volume: Poisson with mean sum(expected); within 4 sd.
    assert abs(observed.sum() - expected.sum()) < 4 * np.sqrt(expected.sum())


def test_the_check_has_power_against_a_rate_read_at_the_wrong_time() -> None:
    """Times shifted by half an hour (the classic thinning bug) must fail the same test."""
    rates = _profile()
    times = arrival_times(rates, WEEKS * MIN_PER_WEEK, stream(7, 0, "arrivals"))
    shifted = (times + 30) % (WEEKS * MIN_PER_WEEK)
    observed = _counts(shifted)
    expected = rates * WEEKS
    _, p = stats.chisquare(observed, expected * observed.sum() / expected.sum())
    assert p < 1e-6


def test_within_hour_times_are_uniform_for_a_constant_rate() -> None:
    rates = np.full(168, 30.0)
    times = arrival_times(rates, 20 * MIN_PER_WEEK, stream(3, 0, "arrivals"))
    minute = times % 60
    _, p = stats.kstest(minute / 60, "uniform")
    assert p > 0.001
    gaps = np.diff(times)
    # Exponential gaps with mean 2 minutes.
    assert gaps.mean() == pytest.approx(2.0, rel=0.02)
    _, p = stats.kstest(gaps, "expon", args=(0, 2.0))
    assert p > 0.001


def test_zero_rate_hours_get_no_calls_and_partial_horizon_is_respected() -> None:
    rates = np.zeros(168)
    rates[10] = 50.0  # Monday 10:00-11:00 only
    t_end = MIN_PER_WEEK * 3 + 10 * 60 + 30  # stops half way through the 4th Monday's hour
    times = arrival_times(rates, t_end, stream(1, 0, "arrivals"))
    hours = (times // 60).astype(int) % 168
    assert set(hours) == {10}
    assert times.max() < t_end
    in_last = (times >= MIN_PER_WEEK * 3).sum()
    assert 0 < in_last < 60  # about 25 expected in the half hour


def test_demand_scaling_reuses_the_same_underlying_stream() -> None:
    """+25% demand maps the same unit-rate points: the first arrivals keep their order."""
    rates = _profile()
    base = arrival_times(rates, MIN_PER_WEEK, stream(2, 0, "arrivals"))
    more = arrival_times(rates * 1.25, MIN_PER_WEEK, stream(2, 0, "arrivals"))
    assert len(more) > len(base)
    assert more[0] < base[0]  # same unit-rate point, reached sooner at a higher rate

"""Intervals: Fieller's ratio interval, the minimum replications, non-negative bounds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from heart_sim.measure._metrics import MIN_REPS_FOR_INTERVAL, bounded, summarise, t_interval
from heart_sim.measure._paired import cost_row, fieller_interval


def test_fieller_interval_covers_the_true_ratio_95_percent_of_the_time() -> None:
    """Numerator and denominator means normal and correlated, as replication means are:
    the interval holds the true ratio mu_num / mu_den in about 95% of 4,000 trials."""
    rng = np.random.default_rng(20261201)
    mu = np.array([2_000_000.0, 6_000.0])  # an annual cost and the calls diverted
    sd = np.array([60_000.0, 900.0])
    corr = 0.6
    cov = np.array([[sd[0] ** 2, corr * sd[0] * sd[1]], [corr * sd[0] * sd[1], sd[1] ** 2]])
    truth = mu[0] / mu[1]
    trials, reps = 4000, 10
    hits = 0
    for _ in range(trials):
        x = rng.multivariate_normal(mu, cov, size=reps)
        _, lo, hi, status = fieller_interval(x[:, 0], x[:, 1])
        assert status == "ok"
        hits += lo <= truth <= hi
    coverage = hits / trials
    # binomial sd of the coverage estimate is 0.0034: +-0.015 is over four of them
    assert 0.935 <= coverage <= 0.965, coverage


def test_fieller_with_a_fixed_denominator_is_the_t_interval_scaled() -> None:
    num = np.array([10.0, 12, 8, 11, 9])
    den = np.full(5, 2.0)
    point, lo, hi, status = fieller_interval(num, den)
    mean, tlo, thi, _ = t_interval(num)
    assert status == "ok" and point == pytest.approx(mean / 2)
    assert (lo, hi) == pytest.approx((tlo / 2, thi / 2))


def test_two_replications_give_no_interval() -> None:
    assert MIN_REPS_FOR_INTERVAL == 3
    point, lo, hi, status = fieller_interval(np.array([10.0, 12]), np.array([1.0, 1.1]))
    assert point == pytest.approx(22 / 2.1) and math.isnan(lo) and math.isnan(hi)
    assert status == "too_few_reps"
    mean, lo, hi, sd = t_interval(np.array([1.0, 2.0]))
    assert mean == 1.5 and math.isnan(lo) and math.isnan(hi) and sd == pytest.approx(0.7071, 1e-3)
    summary = summarise(pd.DataFrame({"replication": [0, 1], "crt_served": [5.0, 7.0]}))
    assert summary.loc[0, ["ci_low", "ci_high"]].isna().all()


def test_a_ratio_whose_denominator_is_zero_or_unclear_is_not_defined() -> None:
    num = np.array([100.0, 120, 90, 110])
    point, lo, hi, status = fieller_interval(num, np.zeros(4))
    assert status == "no_change" and math.isnan(point)
    # extra calls diverted whose interval spans zero: the ratio is not bounded
    point, lo, hi, status = fieller_interval(num, np.array([3.0, -2, 4, -1]))
    assert status == "unclear" and math.isnan(lo) and math.isnan(hi)


def test_intervals_of_non_negative_quantities_stay_non_negative() -> None:
    waits = np.array([0.0, 0.0, 0.0, 1.9, 0.0])  # a rare CoR queue wait
    mean, lo, hi, _ = t_interval(waits)
    assert lo < 0  # the plain t-interval reaches below zero...
    summary = summarise(pd.DataFrame({"replication": range(5), "cor_queue_wait": waits}))
    row = summary.iloc[0]
    assert row["ci_low"] == 0.0 and row["ci_high"] == pytest.approx(hi)  # ...this one not
    # shares stay within [0, 1]; signed quantities (differences, net cost) are untouched
    assert bounded("diversion_rate", -0.1, 1.2) == (0.0, 1.0)
    assert bounded("extra_cost", -5.0, 3.0) == (-5.0, 3.0)
    assert bounded("net_cost_annual", -5.0, 3.0) == (-5.0, 3.0)
    lo_arr, hi_arr = bounded("crt_response_time", np.array([-1.0, 2.0]), np.array([3.0, 4.0]))
    assert lo_arr.tolist() == [0.0, 2.0] and hi_arr.tolist() == [3.0, 4.0]


def test_cost_row_uses_fieller_for_every_ratio_and_t_for_the_rest() -> None:
    rng = np.random.default_rng(3)
    n = 6
    base = pd.DataFrame(
        {
            "replication": range(n),
            "cost_total_annual": 1e6 + rng.normal(0, 1e3, n),
            "diverted_per_year": 3000 + rng.normal(0, 50, n),
            "heart_responses_per_year": 4000 + rng.normal(0, 50, n),
            "police_hours_per_year": 9000 + rng.normal(0, 50, n),
        }
    )
    alt = base.copy()
    alt["cost_total_annual"] += 5e5 + rng.normal(0, 1e3, n)
    alt["diverted_per_year"] += 1000 + rng.normal(0, 40, n)
    alt["heart_responses_per_year"] += 1000 + rng.normal(0, 40, n)
    alt["police_hours_per_year"] -= 500
    row = cost_row("alt", base, alt)
    extra_cost = alt["cost_total_annual"] - base["cost_total_annual"]
    extra_div = alt["diverted_per_year"] - base["diverted_per_year"]
    point, lo, hi, status = fieller_interval(extra_cost.to_numpy(), extra_div.to_numpy())
    assert row["marginal_cost_per_extra_diverted"] == pytest.approx(point)
    assert (
        row["marginal_cost_per_extra_diverted_ci_low"],
        row["marginal_cost_per_extra_diverted_ci_high"],
    ) == pytest.approx((lo, hi))
    t = stats.t.ppf(0.975, n - 1)
    half = t * extra_div.std(ddof=1) / math.sqrt(n)
    assert row["extra_diverted_ci_high"] - row["extra_diverted"] == pytest.approx(half)
    assert row["police_hours_freed"] == pytest.approx(500)
    same = cost_row("base", base, base)
    assert same["marginal_cost_per_extra_diverted_status"] == "no_change"
    # no police price given: net cost and police cost saved are n/a, not zero
    assert math.isnan(row["extra_net_cost"]) and math.isnan(row["police_cost_saved"])

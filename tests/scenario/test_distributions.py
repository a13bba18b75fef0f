"""Every distribution's samples agree with its analytic mean and variance (one helper for all)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter

from heart_sim.scenario._distributions import REGISTRY, Distribution

CASES = [
    {"dist": "exponential", "mean": 12.0},
    {"dist": "lognormal", "mean": 29.2, "sd": 27.5},
    {"dist": "gamma", "mean": 20.0, "sd": 8.0},
    {"dist": "triangular", "low": 5, "mode": 15, "high": 30},
    {"dist": "fixed", "value": 7.0},
    {"dist": "empirical", "values": [1, 2, 2, 10]},
]
N = 200_000


def test_every_registered_distribution_is_tested() -> None:
    assert {c["dist"] for c in CASES} == set(REGISTRY)


@pytest.mark.parametrize("spec", CASES, ids=[c["dist"] for c in CASES])
def test_sample_moments_match_theory(spec: dict) -> None:
    dist = TypeAdapter(Distribution).validate_python(spec)
    x = dist.sample(np.random.default_rng(123), N)
    assert x.shape == (N,) and (x >= 0).all()
    mean, var = dist.analytic_mean(), dist.analytic_variance()
    # The sample mean is within 5 standard errors of the analytic mean.
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / N) + 1e-12
    if var > 0:
        assert x.var() == pytest.approx(var, rel=0.05)
    else:
        assert x.var() == 0


def test_lognormal_fit_reproduces_lane_county_quantiles() -> None:
    """The CRT on-scene fit in the baseline: median ~22 and p90 ~61 minutes (Lane County)."""
    dist = TypeAdapter(Distribution).validate_python(
        {"dist": "lognormal", "mean": 29.2, "sd": 27.5}
    )
    x = dist.sample(np.random.default_rng(1), N)
    assert np.median(x) == pytest.approx(22, abs=1.0)
    assert np.percentile(x, 90) == pytest.approx(61, abs=3.0)

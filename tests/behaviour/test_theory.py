"""The model against queueing theory: Erlang C, Erlang B and Little's law.

Each check runs independent replications at a fixed seed and asks that the exact value
lie inside the simulation's 95% t-interval over replications.
"""

from __future__ import annotations

import numpy as np
import pytest
from builders import mmc
from theory import erlang_b, erlang_c, mmc_mean_wait

from heart_sim.measure._metrics import t_interval
from heart_sim.study._studies import run

SERVICE = 30.0


@pytest.mark.parametrize(("c", "rho"), [(1, 0.5), (2, 0.8), (5, 0.85)])
def test_erlang_c_wait_and_probability_of_waiting(c: int, rho: float) -> None:
    result = run(mmc(c, rho, service_mean=SERVICE, weeks=30), reps=20, seed=11)
    reps = result.replications
    a = rho * c
    mean, lo, hi, _ = t_interval(reps["crt_mean_wait_all"])
    expected_wait = mmc_mean_wait(c, a, SERVICE)
    assert lo <= expected_wait <= hi, (expected_wait, mean, lo, hi)
    mean, lo, hi, _ = t_interval(reps["crt_p_wait"])
    expected_p = erlang_c(c, a)
    assert lo <= expected_p <= hi, (expected_p, mean, lo, hi)
    # Nobody falls back: patience is unlimited and the program never closes.
    assert (reps["fallback_no_unit"] == 0).all()


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (3, 2.0), (6, 5.0)])
def test_erlang_b_with_zero_patience(c: int, a: float) -> None:
    result = run(mmc(c, a / c, service_mean=SERVICE, patience=0.0, weeks=20), reps=20, seed=5)
    _, lo, hi, _ = t_interval(result.replications["fallback_no_unit_share"])
    assert lo <= erlang_b(c, a) <= hi, (erlang_b(c, a), lo, hi)
    # With no waiting room nobody waits.
    assert result.replications["crt_queue_wait"].max() == 0


def test_littles_law_on_the_queue() -> None:
    """Time-average queue length = arrival rate x mean wait, in every replication."""
    sc = mmc(2, 0.85, service_mean=SERVICE, patience=20.0, weeks=30)
    result = run(sc, reps=5, seed=3)
    window_min = sc.horizon_weeks * 7 * 24 * 60
    reps = result.replications
    lam = reps["crt_requests"] / window_min
    little = lam * reps["crt_mean_wait_all"]
    np.testing.assert_allclose(reps["crt_queue_len"], little, rtol=0.01)
    assert (reps["crt_queue_len"] > 0.1).all()  # a queue that is really there


def test_more_load_means_longer_waits_under_common_random_numbers() -> None:
    waits = [
        run(mmc(2, rho, service_mean=SERVICE, weeks=10), reps=5, seed=1)
        .replications["crt_mean_wait_all"]
        .to_numpy()
        for rho in (0.5, 0.7, 0.9)
    ]
    assert (waits[0] < waits[1]).all() and (waits[1] < waits[2]).all()

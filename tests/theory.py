"""Queueing formulas written out independently of heart_sim, for the theory tests."""

from __future__ import annotations

import math


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of M/M/c/c with offered load a = lambda / mu (stable recursion)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability an arrival waits in M/M/c with offered load a < c."""
    b = erlang_b(c, a)
    rho = a / c
    return b / (1 - rho + rho * b)


def mmc_mean_wait(c: int, a: float, service_mean: float) -> float:
    """Mean time in queue of M/M/c: C(c, a) / (c mu - lambda)."""
    mu = 1 / service_mean
    lam = a * mu
    return erlang_c(c, a) / (c * mu - lam)


def _check() -> None:
    # Known values: B(1, 1) = 0.5; C(1, a) = a for M/M/1.
    assert math.isclose(erlang_b(1, 1.0), 0.5)
    assert math.isclose(erlang_c(1, 0.7), 0.7)


_check()

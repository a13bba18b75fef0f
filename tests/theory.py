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


def erlang_a(c: int, lam: float, mu: float, theta: float, cap: int = 2000) -> dict[str, float]:
    """M/M/c+M (Erlang-A): Poisson arrivals lam, c servers of rate mu, exponential patience
    of rate theta, from the birth-death chain truncated at ``cap`` customers (Garnett,
    Mandelbaum & Reiman, MSOM 4(3), 2002). Returns the probability an arrival waits, the
    probability it abandons, and the mean wait of the customers who are served."""
    # Unnormalised stationary probabilities, in logs for large states.
    logp = [0.0]
    for n in range(1, cap + 1):
        death = min(n, c) * mu + max(n - c, 0) * theta
        logp.append(logp[-1] + math.log(lam) - math.log(death))
    top = max(logp)
    p = [math.exp(x - top) for x in logp]
    total = sum(p)
    p = [x / total for x in p]
    p_wait = sum(p[c:])
    queue = sum((n - c) * p[n] for n in range(c, cap + 1))
    p_abandon = theta * queue / lam
    # A tagged arrival finding n >= c in the system is j = n - c + 1 th in line: at each
    # place i the line ahead moves at c mu + (i - 1) theta and it leaves at theta itself.
    served_wait, served = 0.0, sum(p[:c])
    for n in range(c, cap):
        j = n - c + 1
        stay, time = 1.0, 0.0
        for i in range(1, j + 1):
            rate = c * mu + i * theta
            time += 1 / rate
            stay *= (c * mu + (i - 1) * theta) / rate
        served += p[n] * stay
        served_wait += p[n] * stay * time
        if p[n] < 1e-14 and n > c + 50:
            break
    return {"p_wait": p_wait, "p_abandon": p_abandon, "served_wait": served_wait / served}


def _check_erlang_a() -> None:
    # theta = mu: abandonment makes it M/M/infinity in distribution of the number present
    # ... simpler check: theta -> 0 recovers Erlang C.
    a = erlang_a(3, 2.0, 1.0, 1e-9)
    assert math.isclose(a["p_wait"], erlang_c(3, 2.0), rel_tol=1e-4)


_check_erlang_a()

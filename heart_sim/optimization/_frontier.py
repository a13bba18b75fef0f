"""Cost against value: the efficient frontier, the best buy within a limit, and a knapsack.

Pure numpy/scipy on arrays the caller gives (costs and values of candidates, or of
options); nothing is simulated here.

- ``pareto_frontier``: the candidates no other candidate beats on both counts (as cheap or
  cheaper and as good or better, one of them strictly), sorted by cost: what each next
  dollar buys when moving along it.
- ``rising_in``: of a frontier ordered by FTE, the steps whose dollars rise too, and
  those dropped because a later step costs less and gains more.
- ``best_within``: the most valuable candidate whose cost is within a limit (ties: the
  cheaper).
- ``choose``: the 0-1 knapsack with exclusions (which options to buy, each with a cost
  and a value that add up, never two that exclude each other), solved exactly as an
  integer program by HiGHS through ``scipy.optimize.milp``.
- ``additive_frontier``: the whole efficient frontier of that additive model up to a limit,
  one integer program per step (the cheapest set worth more than the step before), which
  tells a budget study which combinations are worth simulating when there are too many to
  simulate them all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

Pairs = Sequence[tuple[int, int]]
Numbers = Sequence[float] | np.ndarray
# The least gain that counts as "worth more", as a share of the largest option's value:
# well above HiGHS's feasibility tolerance (1e-6), on values scaled to at most 1.
GAIN = 1e-4


def _arrays(cost: Numbers, value: Numbers) -> tuple[np.ndarray, np.ndarray]:
    c, v = np.asarray(cost, dtype=float), np.asarray(value, dtype=float)
    if c.shape != v.shape or c.ndim != 1:
        raise ValueError("cost and value must be 1-d arrays of the same length")
    return c, v


def pareto_frontier(cost: Numbers, value: Numbers) -> list[int]:
    """Indices of the non-dominated points (lower cost and higher value are better),
    sorted by cost (so value rises strictly along them). Of points equal on both, the
    first is kept; points with a NaN are never on the frontier."""
    c, v = _arrays(cost, value)
    ok = np.flatnonzero(~(np.isnan(c) | np.isnan(v)))
    order = sorted(ok, key=lambda i: (c[i], -v[i], i))
    out: list[int] = []
    best = -math.inf
    for i in order:
        if v[i] > best:
            out.append(int(i))
            best = v[i]
    return out


def rising_in(
    cost: Numbers, steps: Sequence[int], keep: int | None = None
) -> tuple[list[int], list[tuple[int, int]]]:
    """Of frontier ``steps`` ordered by another resource (FTE), those whose ``cost`` rises
    step by step, and the steps dropped, each with the later step that costs no more and
    gains more (it is dominated in dollars: only its lower use of the other resource kept
    it on the frontier). Walking the steps, each one drops those before it that cost as
    much or more, so no step kept is cheaper than the step before it; but never ``keep``
    (the set chosen within the limit, when the step beating it lies beyond the limit)."""
    c = np.asarray(cost, dtype=float)
    kept: list[int] = []
    dropped: list[tuple[int, int]] = []
    for i in steps:
        while kept and kept[-1] != keep and c[kept[-1]] >= c[i]:
            dropped.append((kept.pop(), int(i)))
        kept.append(int(i))
    return kept, sorted(dropped)


def best_within(cost: Numbers, value: Numbers, limit: float) -> int | None:
    """Index of the highest value with cost <= limit (ties: the cheaper, then the first);
    None when nothing is within the limit."""
    c, v = _arrays(cost, value)
    ok = [i for i in range(len(c)) if c[i] <= limit and not math.isnan(v[i])]
    if not ok:
        return None
    return int(min(ok, key=lambda i: (-v[i], c[i], i)))


def _scaled(costs: Numbers, values: Numbers, limit: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Costs and values divided by their largest magnitude (and the limit with the
    costs), so that the integer program's absolute tolerances are relative ones."""
    c, v = _arrays(costs, values)
    cs = float(np.abs(c).max()) if c.size and np.abs(c).max() > 0 else 1.0
    vs = float(np.abs(v).max()) if v.size and np.abs(v).max() > 0 else 1.0
    return c / cs, v / vs, limit / cs if math.isfinite(limit) else limit


def _solve(
    objective: np.ndarray, rows: list[np.ndarray], lower: list[float], upper: list[float]
) -> np.ndarray | None:
    n = objective.size
    constraints = LinearConstraint(np.array(rows), lower, upper) if rows else ()
    res = milp(
        objective,
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), np.ones(n)),
        constraints=constraints,
    )
    if res.status != 0 or res.x is None:  # infeasible (or HiGHS could not finish)
        return None
    return np.asarray(np.round(res.x), dtype=int)


def _exclusion_rows(n: int, exclusive_pairs: Pairs) -> list[np.ndarray]:
    rows = []
    for a, b in exclusive_pairs:
        row = np.zeros(n)
        row[a] = row[b] = 1
        rows.append(row)
    return rows


def _cheapest_at_least(
    c: np.ndarray, v: np.ndarray, pairs: Pairs, floor: float, limit: float
) -> list[int] | None:
    """(Scaled) the cheapest compatible set with value >= floor and cost <= limit."""
    rows = [*_exclusion_rows(c.size, pairs), c, v]
    lower = [-np.inf] * len(pairs) + [-np.inf, floor]
    upper = [1.0] * len(pairs) + [limit, np.inf]
    x = _solve(c, rows, lower, upper)
    if x is None or float(v @ x) < floor - GAIN / 2:  # HiGHS's own tolerance aside
        return None
    return [int(i) for i in np.flatnonzero(x)]


def _choose(c: np.ndarray, v: np.ndarray, limit: float, pairs: Pairs) -> list[int]:
    """(Scaled) ``choose``."""
    if c.size == 0:
        return []
    rows = [*_exclusion_rows(c.size, pairs), c]
    x = _solve(-v, rows, [-np.inf] * (len(pairs) + 1), [1.0] * len(pairs) + [limit])
    if x is None:
        return []  # nothing fits (only a limit below zero can do that)
    # Second stage: the cheapest set worth as much (an option that adds nothing is left out).
    cheapest = _cheapest_at_least(c, v, pairs, float(v @ x) - GAIN, limit)
    return sorted(cheapest if cheapest is not None else np.flatnonzero(x).tolist())


def choose(costs: Numbers, values: Numbers, limit: float, exclusive_pairs: Pairs = ()) -> list[int]:
    """The set of options (indices, ascending) with the largest total value whose total
    cost is <= limit and that holds no excluded pair; of sets equally valuable (within
    GAIN of the largest option's value), the cheapest. The empty set when nothing fits."""
    c, v, lim = _scaled(costs, values, limit)
    return _choose(c, v, lim, list(exclusive_pairs))


def additive_frontier(
    costs: Numbers,
    values: Numbers,
    limit: float,
    exclusive_pairs: Pairs = (),
    most: int = 50,
) -> list[list[int]]:
    """The efficient frontier of the additive model (a set's cost and value are the sums
    of its options'), from the cheapest set (the empty one unless an option saves money)
    up to total cost ``limit``: each set is the cheapest one worth more than the set
    before it, and of those the most valuable, so every set listed is what ``choose``
    picks for some limit and every limit's choice is listed. At most ``most`` sets (the
    cheapest)."""
    c, v, lim = _scaled(costs, values, limit)
    pairs = list(exclusive_pairs)
    frontier: list[list[int]] = []
    worth = -math.inf
    while len(frontier) < most:
        nxt = _cheapest_at_least(c, v, pairs, worth + GAIN, lim)
        if nxt is None:
            break
        spend = float(c[nxt].sum())
        top = _choose(c, v, spend + 1e-9, pairs)
        step = top if float(v[top].sum()) >= float(v[nxt].sum()) else sorted(nxt)
        frontier.append(step)
        worth = float(v[step].sum())
    return frontier

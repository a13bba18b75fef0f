"""Least-cost shifts covering an hourly requirement, and Erlang-C hourly requirements.

Step 2 of ``heart-sim optimize`` (``optimization._optimize``): pure functions, nothing is
simulated here.

Time is in hours of the week, Monday 00:00 = hour 0, as in ``schedules``; a shift that runs
past midnight carries into the next day, and past Sunday 24:00 into Monday.

**Shift cover.** Given ``r[h]``, the units needed in each hour h of the week, and candidate
shift options s (a start hour, a length and the days it runs, at a cost per unit), ``cover``
solves the integer program

    minimise    sum_s cost_s x_s
    subject to  sum_s A[h, s] x_s >= r[h]            for every hour h
                sum_s A[h, s] x_s <= max_units       for every hour h (if max_units given)
                x_s integer >= 0

where ``A[h, s]`` is 1 when a unit on option s is on duty in hour h and ``x_s`` is the
number of units on it, with ``scipy.optimize.milp`` (HiGHS). ``max_units`` caps the units
on duty in any hour (the ``--max-units`` of the issue: how many vehicles or desks exist),
not the units on one option. An hour that no option covers while its requirement is above
zero, or whose requirement is above ``max_units``, makes the cover infeasible: the result
says which hours (``Cover.uncoverable_hours``, named in ``Cover.status``) and
``feasible`` is False; no exception is raised.

**Erlang C.** ``requirement_erlang_c`` gives, hour by hour, the fewest servers c for which
an M/M/c queue with that hour's arrival rate, taken as stationary, meets the target
(P(wait > t) or the mean wait). This is the per-interval starting point (the stationary
independent period-by-period approximation) that the issue refines by simulation-based
iterative staffing (Feldman, Mandelbaum, Massey & Whitt, Management Science 54(2), 2008):
with jobs lasting about an hour, the load in an hour depends on the arrivals of earlier
hours, which this ignores (``optimization._isa`` starts from the modified offered load
instead). Erlang C is computed from Erlang B by its recursion, which is stable for any
load.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from ..scenario import DAY_NAMES, HOURS_PER_WEEK, MIN_PER_HOUR, ShiftSpec

HOURS_PER_DAY = 24
DAY_SETS: dict[str, tuple[int, ...]] = {
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "weekdays": (0, 1, 2, 3, 4),
    "weekends": (5, 6),
    **{name: (i,) for i, name in enumerate(DAY_NAMES)},
}


def hour_label(hour: int) -> str:
    """'wed 03:00' for hour 51 of the week."""
    day, h = divmod(int(hour) % HOURS_PER_WEEK, HOURS_PER_DAY)
    return f"{DAY_NAMES[day]} {h:02d}:00"


@dataclass(frozen=True)
class ShiftOption:
    """A candidate shift pattern: units on it work ``length_hours`` from ``start_hour`` on
    each of ``days`` (0 = Monday), at ``cost_per_unit`` for one unit on the whole pattern
    (all its days) per week."""

    start_hour: int
    length_hours: int
    days: tuple[int, ...]
    cost_per_unit: float

    def __post_init__(self) -> None:
        if not 0 <= self.start_hour < HOURS_PER_DAY:
            raise ValueError(f"start_hour must be 0-23, not {self.start_hour}")
        if not 1 <= self.length_hours <= HOURS_PER_DAY:
            raise ValueError(f"length_hours must be 1-24, not {self.length_hours}")
        if not self.days or any(not 0 <= d <= 6 for d in self.days):
            raise ValueError(f"days must be a non-empty tuple of 0-6 (0 = Monday): {self.days}")
        if len(set(self.days)) != len(self.days):
            raise ValueError(f"days repeat: {self.days}")
        if not math.isfinite(self.cost_per_unit) or self.cost_per_unit < 0:
            raise ValueError(f"cost_per_unit must be finite and >= 0, not {self.cost_per_unit}")

    def covers(self) -> np.ndarray:
        """168 ints: how many times one unit on this option is on duty in each hour of the
        week (0 or 1), wrapping past Sunday 24:00 to Monday."""
        on = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
        for d in self.days:
            first = d * HOURS_PER_DAY + self.start_hour
            on[np.arange(first, first + self.length_hours) % HOURS_PER_WEEK] = 1
        return on

    @property
    def label(self) -> str:
        end = (self.start_hour + self.length_hours) % HOURS_PER_DAY
        days = ",".join(DAY_NAMES[d] for d in self.days)
        return f"{days} {self.start_hour:02d}:00-{end:02d}:00"

    def shift_spec(self, units: int) -> ShiftSpec:
        """The option with ``units`` on it, as a ``schedules.ShiftSpec``."""
        start = self.start_hour * MIN_PER_HOUR
        end = ((self.start_hour + self.length_hours) % HOURS_PER_DAY) * MIN_PER_HOUR
        return ShiftSpec(days=tuple(sorted(self.days)), start_min=start, end_min=end, units=units)


def _day_tuple(days: str | Iterable[int]) -> tuple[int, ...]:
    if isinstance(days, str):
        try:
            return DAY_SETS[days.lower()]
        except KeyError:
            raise ValueError(f"days must be one of {sorted(DAY_SETS)} or day numbers") from None
    out = tuple(int(d) for d in days)
    if not out or any(not 0 <= d <= 6 for d in out):
        raise ValueError(f"days must be numbers 0-6 (0 = Monday): {out}")
    return out


def candidate_shifts(
    lengths: Iterable[int] = (8, 10, 12),
    starts: Iterable[int] = range(24),
    days: str | Iterable[int] = "daily",
    hourly_cost: float = 1.0,
    fixed_per_unit: float = 0.0,
) -> list[ShiftOption]:
    """One option per (day, length, start): each day of ``days`` is its own column, so
    Monday 09:00 and Tuesday 09:00 are separate options and the cover can staff them
    differently. ``days`` is 'daily', 'weekdays', 'weekends', a day name ('mon'..'sun') or
    day numbers (0 = Monday).

    The cost of one unit on an option is ``length x hourly_cost + fixed_per_unit``:
    ``fixed_per_unit`` is charged once per unit per shift worked (a vehicle's or a crew's
    cost per turn-out that does not scale with the hours), which makes fewer, longer shifts
    cheaper than many short ones of the same hours."""
    day_list = _day_tuple(days)
    lengths = tuple(int(n) for n in lengths)
    starts = tuple(int(s) for s in starts)
    return [
        ShiftOption(s, n, (d,), n * float(hourly_cost) + float(fixed_per_unit))
        for d in day_list
        for n in lengths
        for s in starts
    ]


def coverage_matrix(options: Sequence[ShiftOption]) -> np.ndarray:
    """168 x len(options): entry [h, s] is 1 when a unit on option s is on duty in hour h."""
    if not options:
        return np.zeros((HOURS_PER_WEEK, 0), dtype=np.int64)
    return np.column_stack([o.covers() for o in options])


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields, not Covers
class Cover:
    """The result of ``cover``: ``units[i]`` units on ``options[i]``; per hour of the week
    the units on duty (``coverage``) and those above the requirement (``surplus``).
    When ``feasible`` is False, ``units`` are all 0 and ``uncoverable_hours`` (hours of the
    week) says which hours no plan can cover, if the reason lies in single hours."""

    options: tuple[ShiftOption, ...]
    units: tuple[int, ...]
    total_cost: float
    coverage: np.ndarray
    surplus: np.ndarray
    status: str
    feasible: bool
    optimal: bool = False
    uncoverable_hours: tuple[int, ...] = field(default=())

    def plan(self) -> list[tuple[ShiftOption, int]]:
        """The options used, with their units."""
        return [(o, u) for o, u in zip(self.options, self.units) if u > 0]

    def shift_specs(self) -> list[ShiftSpec]:
        """The plan as ``schedules.ShiftSpec`` (for ``schedules.build_weekly``)."""
        return [o.shift_spec(u) for o, u in self.plan()]


def _as_requirement(requirement: np.ndarray) -> np.ndarray:
    r = np.asarray(requirement)
    if r.shape != (HOURS_PER_WEEK,):
        raise ValueError(f"requirement must have {HOURS_PER_WEEK} hours, not shape {r.shape}")
    if not np.all(np.isfinite(r)) or np.any(r < 0) or np.any(r != np.round(r)):
        raise ValueError("requirement must be whole numbers >= 0")
    return r.astype(np.int64)


def _hours_text(hours: Sequence[int], limit: int = 12) -> str:
    words = [hour_label(h) for h in hours[:limit]]
    more = f" and {len(hours) - limit} more" if len(hours) > limit else ""
    return ", ".join(words) + more


def _infeasible(
    options: tuple[ShiftOption, ...], r: np.ndarray, status: str, hours: Sequence[int] = ()
) -> Cover:
    zero = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    return Cover(
        options=options,
        units=(0,) * len(options),
        total_cost=math.nan,
        coverage=zero,
        surplus=zero - r,
        status=status,
        feasible=False,
        optimal=False,
        uncoverable_hours=tuple(int(h) for h in hours),
    )


def cover(
    requirement: np.ndarray,
    options: Sequence[ShiftOption],
    max_units: int | None = None,
    time_limit: float | None = None,
    peak_cost: float = 0.0,
    shortfall_cost: float | None = None,
    end_cost: np.ndarray | None = None,
    min_length: int = 1,
) -> Cover:
    """The least-cost units per option whose coverage meets ``requirement`` in every hour
    of the week (and stays within ``max_units`` units on duty in every hour, if given),
    by the integer program in the module docstring. ``peak_cost`` is charged per unit of
    the most units on duty at once (a van or a desk each of them needs: the cost model's
    ``fixed_per_unit_annual``), through one more integer variable p >= coverage in every
    hour. ``shortfall_cost``: the requirement may go uncovered in an hour at this cost per
    unit short (one integer variable per hour), for when the caps cannot meet it: the plan
    then covers as much of it as they allow, still at least one unit in every hour that
    needs any, and ``surplus`` is negative where it falls short. ``time_limit`` (seconds)
    stops HiGHS early: the best plan found is returned with ``optimal`` False.

    The options are pieces of continuous crews (``programs.<p>.continuous_crews``): a
    unit hands over, and may run into overtime, only where the units on duty fall.
    ``end_cost[h]`` prices each unit by which coverage falls from hour h-1 to hour h (the
    expected overtime of a crew ending then), through a variable e[h] >= cov[h-1] - cov[h].
    ``min_length``: a crew works at least this many hours, through the units starting in
    each hour, st[h] >= cov[h] - cov[h-1], and cov[h] >= the units started in the last
    ``min_length`` hours (the oldest crews go off first)."""
    r = _as_requirement(requirement)
    opts = tuple(options)
    a = coverage_matrix(opts)
    early = _without_solving(r, opts, a, max_units, shortfall_cost)
    if early is not None:
        return early

    costs = np.array([o.cost_per_unit for o in opts], dtype=float)
    solver_options: dict[str, float] = {}
    if time_limit is not None:
        solver_options["time_limit"] = float(time_limit)
    n = len(opts)
    prog = _program(a, r, costs, max_units, peak_cost, shortfall_cost)
    _add_crews(prog, a, end_cost, int(min_length))
    res = milp(**prog, options=solver_options)
    if res.x is None:
        return _infeasible(opts, r, _why_no_plan(res, max_units))

    x = np.round(res.x[:n]).astype(np.int64)
    coverage = a @ x
    below = bool(np.any(coverage < r)) and shortfall_cost is None
    if below or (max_units is not None and np.any(coverage > max_units)):
        return _infeasible(
            opts, r, f"no valid plan: the solver's rounded plan fails ({res.message})"
        )
    optimal = res.status == 0
    ends = float(end_cost @ crew_ends(coverage)) if end_cost is not None else 0.0
    return Cover(
        options=opts,
        units=tuple(int(v) for v in x),
        total_cost=float(costs @ x) + float(peak_cost) * int(coverage.max(initial=0)) + ends,
        coverage=coverage,
        surplus=coverage - r,
        status=("optimal" if optimal else f"feasible, not proven optimal: {res.message}")
        + (
            f"; short of the requirement in {int((coverage < r).sum())} hour(s)"
            if np.any(coverage < r)
            else ""
        ),
        feasible=True,
        optimal=optimal,
    )


def _without_solving(
    r: np.ndarray,
    opts: tuple[ShiftOption, ...],
    a: np.ndarray,
    max_units: int | None,
    shortfall_cost: float | None,
) -> Cover | None:
    """The cover when no program need be solved: infeasible for hours no option covers or
    above ``max_units`` (unless shortfalls are allowed), empty with no options; else None."""
    on = a.sum(axis=1)
    bare = [int(h) for h in np.flatnonzero((r > 0) & (on == 0))]
    if bare and shortfall_cost is None:
        return _infeasible(
            opts, r, f"infeasible: no allowed shift covers {_hours_text(bare)}", bare
        )
    if max_units is not None and shortfall_cost is None:
        over = [int(h) for h in np.flatnonzero(r > max_units)]
        if over:
            return _infeasible(
                opts,
                r,
                f"infeasible: the requirement is above max_units={max_units} at "
                f"{_hours_text(over)}",
                over,
            )
    if not opts:  # nothing required and nothing to choose
        zero = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
        return Cover(opts, (), 0.0, zero, zero, "optimal: nothing required", True, True)
    return None


def _program(
    a: np.ndarray,
    r: np.ndarray,
    costs: np.ndarray,
    max_units: int | None,
    peak_cost: float,
    shortfall_cost: float | None,
) -> dict:
    """The integer program's objective, constraints, integrality and bounds (``milp``'s
    arguments). Variables: units on each option, the peak p, and (with a shortfall cost)
    the units short in each hour."""
    upper = np.inf if max_units is None else float(max_units)
    n = a.shape[1]
    k = HOURS_PER_WEEK if shortfall_cost is not None else 0
    short = np.eye(HOURS_PER_WEEK)[:, :k]
    none = np.zeros((HOURS_PER_WEEK, k))
    peak = np.zeros((HOURS_PER_WEEK, 1))
    constraints = [
        LinearConstraint(np.hstack([a, peak, short]), r, np.inf),  # covered + short >= r
        # Covered at most up to the cap; and, when short, still at least one unit in
        # every hour that needs any (the program is open then).
        LinearConstraint(np.hstack([a, peak, none]), np.minimum(r, 1) if k else 0, upper),
    ]
    if peak_cost > 0:  # coverage[h] - p <= 0 in every hour
        constraints.append(LinearConstraint(np.hstack([a, peak - 1, none]), -np.inf, 0))
    upper_bounds = np.concatenate(
        [np.full(n, np.inf), [np.inf if peak_cost > 0 else 0], np.full(k, np.inf)]
    )
    return {
        "c": np.concatenate([costs, [float(peak_cost)], np.full(k, float(shortfall_cost or 0))]),
        "constraints": constraints,
        "integrality": np.ones(n + 1 + k),
        "bounds": Bounds(0, upper_bounds),
    }


def crew_ends(coverage: np.ndarray) -> np.ndarray:
    """Per hour of the week, the units by which coverage falls from the hour before (the
    week wraps): where continuous crews end."""
    c = np.asarray(coverage, dtype=np.int64)
    return np.maximum(np.roll(c, 1) - c, 0)


def crew_starts(coverage: np.ndarray) -> np.ndarray:
    """Per hour of the week, the units by which coverage rises from the hour before."""
    c = np.asarray(coverage, dtype=np.int64)
    return np.maximum(c - np.roll(c, 1), 0)


def shortest_crew(coverage: np.ndarray) -> int:
    """The shortest time (hours) a crew is on duty when the oldest crews go off first and
    the week repeats; 0 with nobody on duty, 168 when no crew ever goes off."""
    c = np.asarray(coverage, dtype=np.int64)
    if not c.any():
        return 0
    on: deque[int] = deque()  # start hours of the crews on duty, oldest first
    shortest = HOURS_PER_WEEK
    for t in range(3 * HOURS_PER_WEEK):  # judged on the middle week, once the first settled
        level = int(c[t % HOURS_PER_WEEK])
        while len(on) > level:
            started = on.popleft()
            if HOURS_PER_WEEK <= started < 2 * HOURS_PER_WEEK:
                shortest = min(shortest, t - started)
        while len(on) < level:
            on.append(t)
    return shortest


def _add_crews(prog: dict, a: np.ndarray, end_cost: np.ndarray | None, min_length: int) -> None:
    """Add to ``_program``'s integer program the crew-end variables e[h], priced at
    ``end_cost``, and for ``min_length`` > 1 the crew-start variables st[h] with the
    minimum crew length (see ``cover``)."""
    h = HOURS_PER_WEEK
    blocks = ([np.asarray(end_cost, dtype=float)] if end_cost is not None else []) + (
        [np.zeros(h)] if min_length > 1 else []
    )
    if not blocks:
        return
    n_old, k = len(prog["c"]), len(blocks)
    prev = np.roll(a, 1, axis=0)  # row h: the options on duty in hour h-1
    eye, zero = np.eye(h), np.zeros((h, h))
    pad = np.zeros((h, n_old - a.shape[1]))  # the peak and shortfall variables

    def rows(x_part: np.ndarray, block: int, new: np.ndarray) -> np.ndarray:
        return np.hstack([x_part, pad, *[new if j == block else zero for j in range(k)]])

    added = []
    if end_cost is not None:  # e[h] - cov[h-1] + cov[h] >= 0
        added.append(LinearConstraint(rows(a - prev, 0, eye), 0, np.inf))
    if min_length > 1:  # st[h] >= cov[h] - cov[h-1]; cov[h] >= st over the last min_length
        window = np.sum([np.roll(eye, -i, axis=1) for i in range(min(min_length, h))], axis=0)
        added.append(LinearConstraint(rows(prev - a, k - 1, eye), 0, np.inf))
        added.append(LinearConstraint(rows(a, k - 1, -window), 0, np.inf))
    widened = [
        LinearConstraint(np.hstack([c.A, np.zeros((c.A.shape[0], k * h))]), c.lb, c.ub)
        for c in prog["constraints"]
    ]
    bounds = prog["bounds"]
    prog["constraints"] = widened + added
    prog["c"] = np.concatenate([prog["c"], *blocks])
    prog["integrality"] = np.concatenate([prog["integrality"], np.zeros(k * h)])
    prog["bounds"] = Bounds(
        np.concatenate([np.broadcast_to(bounds.lb, n_old), np.zeros(k * h)]),
        np.concatenate([np.broadcast_to(bounds.ub, n_old), np.full(k * h, np.inf)]),
    )


def _why_no_plan(res: OptimizeResult, max_units: int | None) -> str:
    """Why the solver returned no plan: infeasible (status 2) or stopped early."""
    if res.status == 2:
        if max_units is not None:
            return (
                f"infeasible: no set of the allowed shifts covers the requirement with at "
                f"most {max_units} units on duty in every hour"
            )
        return "infeasible: the allowed shifts cannot cover the requirement"
    return f"no plan found: {res.message}"


def erlang_b(servers: int, offered_load: float) -> float:
    """Erlang B blocking probability for ``servers`` servers and offered load a (erlangs),
    by the recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))."""
    if servers < 0 or offered_load < 0:
        raise ValueError("servers and offered load must be >= 0")
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def _erlang_c_from_b(c: int, a: float, b: float) -> float:
    if a >= c:
        return 1.0
    return c * b / (c - a * (1.0 - b))


def erlang_c(servers: int, offered_load: float) -> float:
    """Erlang C: the probability that an arrival to an M/M/c queue waits (1 when the
    queue is unstable, a >= c)."""
    return _erlang_c_from_b(servers, offered_load, erlang_b(servers, offered_load))


def erlang_c_mean_wait(servers: int, offered_load: float, service_minutes: float) -> float:
    """Mean wait in queue (minutes) of M/M/c: C(c, a) x service / (c - a); inf if a >= c."""
    if offered_load >= servers:
        return math.inf
    return erlang_c(servers, offered_load) * service_minutes / (servers - offered_load)


def _meets(
    c: int,
    a: float,
    b: float,
    service_minutes: float,
    max_wait_prob: float | None,
    wait_threshold_min: float,
    mean_wait_target_min: float | None,
) -> bool:
    if a >= c:
        return False
    pw = _erlang_c_from_b(c, a, b)
    if max_wait_prob is not None:
        tail = pw * math.exp(-(c - a) * wait_threshold_min / service_minutes)
        if tail > max_wait_prob:
            return False
    return mean_wait_target_min is None or pw * service_minutes / (c - a) <= mean_wait_target_min


def requirement_erlang_c(
    arrivals_per_hour: np.ndarray,
    service_minutes: float,
    max_wait_prob: float | None = None,
    mean_wait_target_min: float | None = None,
    wait_threshold_min: float = 0.0,
) -> np.ndarray:
    """Per hour of the week, the fewest servers c of a stationary M/M/c queue (that hour's
    arrival rate, mean service ``service_minutes``) with P(wait > ``wait_threshold_min``)
    <= ``max_wait_prob`` (P(wait > 0), the Erlang-C value, by default) and/or mean wait
    <= ``mean_wait_target_min``; both must hold when both are given. c is always above the
    offered load (a stable queue); an hour with no arrivals needs 0.

    The stationary per-interval starting point only: see the module docstring."""
    lam = np.asarray(arrivals_per_hour, dtype=float)
    if lam.shape != (HOURS_PER_WEEK,):
        raise ValueError(f"arrivals_per_hour must have {HOURS_PER_WEEK} hours, not {lam.shape}")
    if not np.all(np.isfinite(lam)) or np.any(lam < 0):
        raise ValueError("arrivals_per_hour must be finite and >= 0")
    if not service_minutes > 0:
        raise ValueError("service_minutes must be > 0")
    if max_wait_prob is None and mean_wait_target_min is None:
        raise ValueError("give max_wait_prob or mean_wait_target_min (or both)")
    if max_wait_prob is not None and not 0 < max_wait_prob <= 1:
        raise ValueError("max_wait_prob must be in (0, 1]")
    if mean_wait_target_min is not None and not mean_wait_target_min > 0:
        raise ValueError("mean_wait_target_min must be > 0")
    if wait_threshold_min < 0:
        raise ValueError("wait_threshold_min must be >= 0")

    out = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    for h, rate in enumerate(lam):
        a = rate * service_minutes / MIN_PER_HOUR
        if a == 0:
            continue
        b, c = 1.0, 0
        while True:  # Erlang B carried up one server at a time
            c += 1
            b = a * b / (c + a * b)
            if _meets(
                c, a, b, service_minutes, max_wait_prob, wait_threshold_min, mean_wait_target_min
            ):
                break
        out[h] = c
    return out

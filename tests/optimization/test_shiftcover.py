"""Least-cost shift cover and Erlang-C requirements (heart_sim.optimization._shiftcover)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from heart_sim.optimization._shiftcover import (
    ShiftOption,
    candidate_shifts,
    cover,
    coverage_matrix,
    crew_ends,
    crew_starts,
    erlang_b,
    erlang_c,
    erlang_c_mean_wait,
    requirement_erlang_c,
    shortest_crew,
)
from heart_sim.scenario._schedules import HOURS_PER_WEEK, MIN_PER_HOUR, build_weekly


def brute_force_cost(requirement: np.ndarray, options: list[ShiftOption], top: int = 3) -> float:
    """The least cost over every choice of 0..top units per option that covers."""
    a = coverage_matrix(options)
    n = len(options)
    grid = np.indices((top + 1,) * n).reshape(n, -1).T  # every combination of unit counts
    covered = np.all(grid @ a.T >= requirement, axis=1)
    costs = grid @ np.array([o.cost_per_unit for o in options])
    return float(costs[covered].min()) if covered.any() else math.inf


def test_covers_wraps_past_sunday_midnight():
    o = ShiftOption(start_hour=20, length_hours=8, days=(6,), cost_per_unit=1.0)
    on = o.covers()
    assert on.shape == (168,)
    assert set(np.flatnonzero(on)) == {164, 165, 166, 167, 0, 1, 2, 3}
    assert ShiftOption(9, 8, (0, 1), 1.0).covers().sum() == 16


def test_candidate_shifts_one_column_per_day():
    opts = candidate_shifts(
        lengths=(8, 12), starts=(6, 9), days="weekdays", hourly_cost=2.0, fixed_per_unit=5.0
    )
    assert len(opts) == 5 * 2 * 2
    assert all(len(o.days) == 1 for o in opts)
    assert {o.cost_per_unit for o in opts} == {8 * 2.0 + 5.0, 12 * 2.0 + 5.0}
    assert len(candidate_shifts()) == 7 * 3 * 24


@pytest.mark.parametrize("seed", range(6))
def test_milp_equals_brute_force_on_one_day(seed):
    # Monday only; 4- and 8-hour shifts at four starts: 8 options, 4^8 plans brute-forced.
    # With requirements of at most 3, no optimum puts more than 3 units on an option.
    rng = np.random.default_rng(seed)
    opts = candidate_shifts(lengths=(4, 8), starts=(0, 6, 12, 18), days=(0,), fixed_per_unit=1.5)
    if seed % 2:  # uneven costs: a night premium on the 18:00 starts
        opts = [
            ShiftOption(
                o.start_hour,
                o.length_hours,
                o.days,
                o.cost_per_unit * (1.4 if o.start_hour == 18 else 1.0),
            )
            for o in opts
        ]
    r = np.zeros(168, dtype=int)
    r[:24] = rng.integers(0, 4, size=24)
    result = cover(r, opts)
    assert result.feasible and result.optimal
    assert result.total_cost == pytest.approx(brute_force_cost(r, opts))
    assert np.all(result.coverage >= r)
    assert np.array_equal(result.surplus, result.coverage - r)
    assert np.array_equal(result.coverage, coverage_matrix(opts) @ np.array(result.units))


def test_flat_two_units_around_the_clock():
    opts = candidate_shifts(lengths=(8,), starts=range(24), days="daily", hourly_cost=1.0)
    r = np.full(168, 2)
    result = cover(r, opts)
    assert result.feasible
    assert result.total_cost == pytest.approx(2 * 3 * 7 * 8)  # 2 units x 3 shifts a day
    assert sum(result.units) == 2 * 3 * 7
    assert np.all(result.surplus == 0)
    # the plan as a weekly schedule has the same units on duty hour by hour
    schedule = build_weekly(result.shift_specs())
    assert all(schedule.units_at(h * MIN_PER_HOUR + 30) == 2 for h in range(168))


def test_uncoverable_hour_is_reported():
    opts = candidate_shifts(lengths=(8,), starts=(6,), days="daily")  # 06:00-14:00 only
    r = np.zeros(168, dtype=int)
    r[2 * 24 + 3] = 1  # Wednesday 03:00
    r[2 * 24 + 8] = 1  # coverable
    result = cover(r, opts)
    assert not result.feasible
    assert result.uncoverable_hours == (51,)
    assert "wed 03:00" in result.status
    assert math.isnan(result.total_cost)


def test_max_units_caps_units_on_duty():
    opts = candidate_shifts(lengths=(8,), starts=(0, 8, 16), days="daily")
    r = np.full(168, 1)
    r[10] = 3
    over = cover(r, opts, max_units=2)
    assert not over.feasible and over.uncoverable_hours == (10,)
    assert "mon 10:00" in over.status
    ok = cover(r, opts, max_units=3)
    assert ok.feasible and ok.coverage.max() <= 3 and np.all(ok.coverage >= r)
    # 12-hour shifts from 00:00 or 06:00: Monday 00:00 has only the 00:00 shift, Monday
    # 17:00 only the 06:00 one, and the two overlap from 06:00 to 12:00
    twelve = candidate_shifts(lengths=(12,), starts=(0, 6), days="daily")
    r = np.zeros(168, dtype=int)
    r[[0, 17]] = 1
    free = cover(r, twelve)
    assert free.feasible and free.coverage.max() == 2
    capped = cover(r, twelve, max_units=1)
    assert not capped.feasible and capped.uncoverable_hours == ()
    assert "at most 1 units on duty" in capped.status


def test_erlang_known_values():
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)  # c=2, rho=0.5
    for rho in (0.1, 0.5, 0.9):
        assert erlang_c(1, rho) == pytest.approx(rho)
    assert erlang_c(3, 3.0) == 1.0 and erlang_c(2, 5.0) == 1.0
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    # mean wait of M/M/1: rho / (1 - rho) x service
    assert erlang_c_mean_wait(1, 0.5, 60.0) == pytest.approx(60.0)
    # stable for large loads (no overflowing factorials)
    assert 0 < erlang_c(600, 560.0) < 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_wait_prob": 0.2},
        {"mean_wait_target_min": 2.0},
        {"max_wait_prob": 0.1, "wait_threshold_min": 5.0},
        {"max_wait_prob": 0.3, "mean_wait_target_min": 1.0},
    ],
)
def test_requirement_is_the_minimal_c(kwargs):
    rng = np.random.default_rng(7)
    lam = rng.uniform(0, 12, size=168)
    lam[:3] = 0.0
    service = 45.0
    req = requirement_erlang_c(lam, service, **kwargs)
    assert req.shape == (168,) and np.all(req[:3] == 0)

    def meets(c: int, a: float) -> bool:
        if c <= a:
            return False
        pw = erlang_c(c, a)
        if "max_wait_prob" in kwargs:
            t = kwargs.get("wait_threshold_min", 0.0)
            if pw * math.exp(-(c - a) * t / service) > kwargs["max_wait_prob"]:
                return False
        target = kwargs.get("mean_wait_target_min")
        return target is None or erlang_c_mean_wait(c, a, service) <= target

    for h in range(3, 168):
        a = lam[h] * service / 60
        assert meets(int(req[h]), a)
        assert not meets(int(req[h]) - 1, a)


def test_requirement_erlang_c_single_server_case():
    # a = 0.5 on one server waits with probability 0.5: a 0.5 target needs 1, 0.4 needs 2
    lam = np.full(168, 0.5)  # per hour, 60-minute service: a = 0.5
    assert np.all(requirement_erlang_c(lam, 60.0, max_wait_prob=0.5) == 1)
    assert np.all(requirement_erlang_c(lam, 60.0, max_wait_prob=0.4) == 2)
    with pytest.raises(ValueError):
        requirement_erlang_c(lam, 60.0)


def test_a_cap_the_shifts_cannot_meet_is_covered_as_far_as_it_allows() -> None:
    """06:00-16:00 and 14:00-24:00 shifts, 3 needed 06:00-24:00, at most 3 on duty: the
    overlap 14:00-16:00 caps the two shifts at 3 together, so no plan meets the
    requirement; with a shortfall cost the cover keeps one unit in every hour and falls
    short by 8 x 3 = 24 unit-hours a day whichever way the 3 are split (168 a week)."""
    opts = candidate_shifts((10,), (6, 14), "daily")
    r = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    for d in range(7):
        r[d * 24 + 6 : d * 24 + 24] = 3
    assert not cover(r, opts, 3).feasible
    c = cover(r, opts, 3, shortfall_cost=1e6)
    assert c.feasible and "short of the requirement" in c.status
    open_ = r > 0
    assert c.coverage[open_].min() >= 1 and c.coverage.max() <= 3
    assert int(np.clip(r - c.coverage, 0, None).sum()) == 168


def _two_and_a_bump() -> np.ndarray:
    """2 units 08:00-20:00 and a third 12:00-14:00, every day."""
    req = np.zeros(HOURS_PER_WEEK, dtype=int)
    for d in range(7):
        req[d * 24 + 8 : d * 24 + 20] = 2
        req[d * 24 + 12 : d * 24 + 14] = 3
    return req


def test_a_minimum_crew_length_makes_short_bumps_last() -> None:
    """With 1-hour pieces, the bump is a 2-hour crew; at least 8 hours, the crews that come
    on at 08:00 must stay until 16:00 (the oldest goes first), so the third unit stays two
    more hours a day: 182 + 14 unit-hours. Hand-checked: keeping 3 units until 15:00 gives
    the oldest crew 7 hours (allowed with 7: 189), until 16:00 gives it 8."""
    req = _two_and_a_bump()
    opts = candidate_shifts((1,), range(24), "daily", 1.0)
    free = cover(req, opts)
    assert free.total_cost == 182 and shortest_crew(free.coverage) == 6
    for m, cost in ((6, 182), (7, 189), (8, 196)):
        c = cover(req, opts, min_length=m)
        assert c.total_cost == cost and shortest_crew(c.coverage) == m
        assert np.all(c.coverage >= req)


def test_crew_ends_are_priced_where_coverage_falls() -> None:
    """Three crews end a day (one at 14:00, two at 20:00); every crew that starts ends, so
    the price moves ends, it cannot remove them. Priced at 10 at 14:00 and 0.5 elsewhere,
    keeping the third unit one more hour (1 unit-hour at 1) and ending it at 15:00 (0.5)
    beats ending it at 14:00 (10)."""
    req = _two_and_a_bump()
    opts = candidate_shifts((1,), range(24), "daily", 1.0)
    assert crew_ends(req).sum() == 3 * 7 and crew_starts(req).sum() == 3 * 7
    flat = cover(req, opts, end_cost=np.full(HOURS_PER_WEEK, 0.5))
    assert np.array_equal(flat.coverage, req) and flat.total_cost == 182 + 0.5 * 21
    price = np.full(HOURS_PER_WEEK, 0.5)
    price[np.arange(7) * 24 + 14] = 10.0
    dear = cover(req, opts, end_cost=price)
    assert dear.coverage[:24][12:16].tolist() == [3, 3, 3, 2]
    assert crew_ends(dear.coverage).sum() == 3 * 7
    assert dear.total_cost == pytest.approx(182 + 1 * 7 + 0.5 * 21)

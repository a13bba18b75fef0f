"""``heart-sim optimize`` on a time-varying queue from the staffing literature, checked
against an independent reference (tests/mt_queue.py, which does not import heart_sim).

The case (our construction after Jennings, Mandelbaum, Massey & Whitt 1996 and Feldman,
Mandelbaum, Massey & Whitt 2008): calls at lambda(t) = 12 (1 + 0.5 sin(2 pi (t - 9) / 24))
an hour (constant within each hour at the hour's mean), exponential 40-minute jobs, one
program (CRT) that may open around the clock, no travel, no patience; the target is that
at most 20% of calls wait, in every hour: ``crt_p_wait<=0.2 each hour``.

The reference requirement is the iterative staffing algorithm run on the reference
simulation from the modified-offered-load Erlang-C start (alpha = 0.2: the fewest servers
with P(jobs in system >= servers) <= 0.2 in each hour); its least cover under the same
shift rules is found by ``scipy.optimize.milp`` here, and its overtime by the reference
simulation. heart-sim's plan, read from the crews it writes, is worked by the reference
simulation too, so both plans are judged by the same independent model:

- in every hour at most 22% of calls wait (the target plus 10%: the optimizer's own
  tolerance of 5% and the reference's sampling error);
- its cost, unit-hours plus 1.5 x overtime hours, is at most 5% above the reference's.
"""

from __future__ import annotations

import math

import mt_queue
import numpy as np
import pytest
from builders import costed, mmc_dict
from scipy.optimize import Bounds, LinearConstraint, milp

from heart_sim.optimization._goals import parse_goal
from heart_sim.optimization._optimize import optimize

SERVICE = 40.0
TARGET = 0.2
OVERTIME = 1.5  # costs.overtime_multiplier's default
# Up to 80 replications a plan (--max-reps 80, the default is 40): the plans at the least
# cover sit about 3% inside the target in their worst hour (0.193-0.196 against 0.2 in the
# reference simulation), a margin that 40 replications of 4 weeks cannot decide at the
# default tolerance (measured 2026-12-07: the 8-hour plan's confirmation 0.193, interval
# 0.175-0.211, "unclear"; at up to 80 it is confirmed at 73).
MAX_REPS = 80
REFERENCE_DAYS = 4000  # 400 days put that plan's 17:00 at 0.226 (seed 7), 4,000 at 0.196


def _rates() -> np.ndarray:
    """Calls an hour in each hour of the day: lambda(t) averaged over the hour."""
    h = np.arange(24)
    w = 2 * math.pi / 24
    return 12 + 6 / w * (np.cos(w * (h - 9)) - np.cos(w * (h + 1 - 9)))


def _scenario() -> dict:
    d = mmc_dict(10, 0.5, service_mean=SERVICE, weeks=4, warmup=1)
    lam = _rates()
    d["demand"] = {"calls_per_week": float(lam.sum() * 7), "hourly_weights": lam.tolist()}
    return costed(d)


def _least_cover(req: np.ndarray, length: int) -> np.ndarray:
    """Units on duty by hour of the day of the fewest unit-hours of ``length``-hour
    shifts, the same every day, starting at any hour, covering ``req``."""
    a = np.zeros((24, 24))
    for start in range(24):
        a[(start + np.arange(length)) % 24, start] = 1
    res = milp(
        np.full(24, float(length)),
        constraints=LinearConstraint(a, req, np.inf),
        integrality=np.ones(24),
        bounds=Bounds(0, np.inf),
    )
    assert res.status == 0
    return (a @ np.round(res.x)).astype(int)


def _cost(staffing: np.ndarray) -> tuple[float, np.ndarray]:
    """(unit-hours a day + 1.5 x overtime hours a day, share waiting by hour), from the
    reference simulation of ``staffing`` (by hour of the day) as continuous crews."""
    day = mt_queue.simulate(_rates(), staffing, SERVICE, days=REFERENCE_DAYS, seed=7)
    return float(staffing.sum()) + OVERTIME * day.overtime_per_day, day.p_delay


@pytest.fixture(scope="module")
def reference() -> dict:
    req = mt_queue.iterative_staffing(_rates(), SERVICE, TARGET)
    return {"requirement": req, **{n: _cost(_least_cover(req, n)) for n in (1, 8)}}


@pytest.mark.slow
@pytest.mark.parametrize("length", [1, 8])
def test_the_plan_keeps_the_target_every_hour_at_the_least_cover_cost(
    tmp_path, reference: dict, length: int
) -> None:
    r = optimize(
        _scenario(),
        "sinusoid",
        [parse_goal(f"crt_p_wait<={TARGET} each hour")],
        tmp_path,
        hours=None,
        lengths=(length,),
        min_length=length,
        max_units=30,
        same_each_day=True,
        max_reps=MAX_REPS,
    )
    assert r.facts["feasible"] and r.facts["confirmed"]
    req = r.requirement.sort_values("hour_of_week")
    plan = req["scheduled"].to_numpy()
    day = plan[:24]
    assert np.array_equal(plan, np.tile(day, 7))  # the same every day, as asked
    cost, p_delay = _cost(day)
    ref_cost, ref_delay = reference[length]
    print(
        f"{length}-hour options: plan {day.tolist()} cost {cost:.1f} unit-hours a day; "
        f"reference {reference['requirement'].tolist()} least cover {ref_cost:.1f}; "
        f"worst hour waiting {p_delay.max():.3f} (reference {ref_delay.max():.3f})"
    )
    assert p_delay.max() <= TARGET * 1.1
    assert cost <= 1.05 * ref_cost

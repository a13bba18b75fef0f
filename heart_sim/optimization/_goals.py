"""Service targets for ``heart-sim optimize``: ``"crt_response_time_p90<=20"``.

A goal is a catalog metric, ``<=`` or ``>=``, and a number in the metric's own unit (a
share as 0.05, minutes as minutes). Written with ``each hour`` after it
(``"ccd_answer_wait_p90<=2 each hour"``) it must hold in every hour of the week the program
is open, over the calls that reached the program in that hour, rather than over the whole
run. A goal is about one program's service (its waits, response times, shares waited or
unanswered): that program's staffing is what the optimizer moves to meet it.

Held with 95% confidence: a goal is **met** when the whole 95% interval of its mean over
the replications lies on the right side of the target, **missed** when the whole interval
lies on the wrong side, and **unclear** otherwise (more replications may decide it).
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from ..core import HeartSimError
from ..measure import CATALOG, MIN_REPS_FOR_INTERVAL, hourly_metrics, metric_program, t_interval

Status = Literal["met", "missed", "unclear"]
_PARTS = re.compile(r"^\s*([^<>=]*?)\s*(<=|>=|=<|=>|==|<|>|=)\s*(.*?)\s*$")
_VALUE = re.compile(
    r"^([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|nan|inf|infinity))\s*(.*?)\s*(each hour)?$", re.I
)
EXAMPLES = '"crt_response_time_p90<=20", "ccd_unanswered_share<=0.05", "crt_p_wait<=0.2 each hour"'


class GoalError(HeartSimError):
    """A --target that cannot be read or cannot be a staffing target."""


@dataclass(frozen=True)
class Goal:
    metric: str
    op: Literal["<=", ">="]
    value: float
    each_hour: bool = False
    # a target on a share every program's staffing moves (HEART's reach): the one
    # program optimized, whose staffing is raised or cut for it (see ``held_to``)
    held_by: str | None = None

    @property
    def program(self) -> str:
        p = metric_program(self.metric)
        if p is None:
            assert self.held_by is not None, "a system-wide goal is held to a program first"
            return self.held_by
        return p.value

    @property
    def system_wide(self) -> bool:
        return metric_program(self.metric) is None

    @property
    def text(self) -> str:
        hour = " each hour" if self.each_hour else ""
        return f"{self.metric} {self.op} {self.value:g}{hour}"

    def holds(self, x: float) -> bool:
        return x <= self.value if self.op == "<=" else x >= self.value

    def status(self, low: float, high: float) -> Status:
        """Met, missed or unclear from a 95% interval (NaN bounds: unclear)."""
        if math.isnan(low) or math.isnan(high):
            return "unclear"
        good, bad = (high, low) if self.op == "<=" else (low, high)
        if self.holds(good):
            return "met"
        return "missed" if not self.holds(bad) else "unclear"


def _did_you_mean(name: str) -> str:
    """'; did you mean crt_response_time_p90 or crt_queue_wait_p90?' from the catalog: the
    staffing metrics holding every part of the name ('crt_p90': a program and a statistic),
    else the names closest in spelling."""
    staffing = hourly_metrics()
    parts = [p for p in name.split("_") if p]
    close = [m for m in staffing if parts and all(p in m.split("_") for p in parts)][:3]
    close = close or difflib.get_close_matches(name, staffing, n=3, cutoff=0.5)
    close = close or difflib.get_close_matches(name, list(CATALOG), n=3, cutoff=0.5)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def _value(text: str, rest: str, name: str | None) -> tuple[float, bool, str]:
    """The number (in the metric's own unit), whether 'each hour' follows it, and what is
    wrong with what is written after it ('' if nothing); GoalError if there is no number."""
    m = _VALUE.match(rest)
    if not m:
        raise GoalError(f"--target {text!r}: no number after the comparison; e.g. {EXAMPLES}")
    raw, after, hour = m.group(1), m.group(2).strip(), m.group(3)
    try:
        value = float(raw)
    except ValueError:
        raise GoalError(f"--target {text!r}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise GoalError(f"--target {text!r}: the value must be a finite number, not {raw!r}")
    wrong = ""
    if after:
        metric = CATALOG.get(name or "")
        unit = f" ({metric.unit_text})" if metric else ""
        if after == "%":
            wrong = f"'%' after the value: a share is written between 0 and 1 ({value / 100:g})"
        else:
            wrong = f"{after!r} after the value: write the number alone, in the metric's unit{unit}"
    return value, bool(hour), wrong


def parse_goal(text: str) -> Goal:
    """A goal from its text; GoalError naming what exactly is wrong (no comparison, < for
    <=, an unknown metric with the close catalog names, a unit after the value) and the
    accepted forms."""
    m = _PARTS.match(text)
    if not m:
        raise GoalError(
            f"--target {text!r}: no comparison; write METRIC<=VALUE or METRIC>=VALUE "
            f"(optionally followed by 'each hour'), e.g. {EXAMPLES}"
        )
    name, op, rest = m.group(1).strip(), m.group(2), m.group(3)
    if not name:
        raise GoalError(f"--target {text!r}: no metric before {op}; e.g. {EXAMPLES}")
    known = name in CATALOG
    if op not in ("<=", ">="):
        want = "<=" if "<" in op else (">=" if ">" in op else "<= or >=")
        raise GoalError(
            f"--target {text!r}: {op!r} is not a comparison a target uses: write {want} "
            f"(a target holds at or below, or at or above, a value), e.g. {EXAMPLES}"
        )
    value, hour, wrong = _value(text, rest, name if known else None)
    found = [] if known else [f"{name!r} is not a metric{_did_you_mean(name)}"]
    found += [wrong] if wrong else []
    if found:
        raise GoalError(
            f"--target {text!r}: {'; and '.join(found)} (heart-sim metrics lists the "
            f"metrics); e.g. {EXAMPLES}"
        )
    if name not in hourly_metrics():
        raise GoalError(
            f"--target {text!r}: {name} is not a measure of a program's service that its "
            f"staffing moves; staffing targets are one of {', '.join(hourly_metrics())}"
        )
    if CATALOG[name].format == "share" and not 0 <= value <= 1:
        raise GoalError(
            f"--target {text!r}: {name} is a share, written between 0 and 1 (0.05 for 5%)"
        )
    if value < 0:
        raise GoalError(f"--target {text!r}: {name} cannot be negative")
    better = CATALOG[name].higher_is_better
    if better is not None and (op == ">=") != better:
        way = "higher" if better else "lower"
        right = ">=" if better else "<="
        raise GoalError(
            f"--target {text!r}: {way} {name} is better, so a target on it is {name}{right}"
            f"VALUE (more staff moves it that way)"
        )
    return Goal(name, "<=" if op == "<=" else ">=", value, hour)


def judge_whole(goal: Goal, values: np.ndarray) -> tuple[float, float, float, Status]:
    """Mean, 95% interval and status of a whole-run goal from per-replication values."""
    mean, lo, hi, _ = t_interval(values)
    return mean, lo, hi, goal.status(lo, hi)


def within_tolerance(goal: Goal, mean: float, low: float, high: float, tolerance: float) -> bool:
    """An hour met within the tolerance: its mean meets the target and the far end of its
    95% interval lies at most ``tolerance`` x the target beyond it."""
    slack = tolerance * abs(goal.value)
    if goal.op == "<=":
        return mean <= goal.value and high <= goal.value + slack
    return mean >= goal.value and low >= goal.value - slack


def pooled_days(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """The same shape, each hour of the week (along ``axis``, 168 long) holding the mean
    over the seven days of its hour of the day (NaN days left out): for a week whose demand
    and rosters are the same every day, seven times the calls behind each hour's figure."""
    v = np.moveaxis(np.asarray(values, dtype=float), axis, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an hour with no calls on any day
        day = np.nanmean(v.reshape(7, 24, *v.shape[1:]), axis=0)
    return np.moveaxis(np.concatenate([day] * 7), 0, axis)


def judge_hours(
    goal: Goal, values: np.ndarray, tolerance: float = 0.0, family: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Status], Status]:
    """Per hour of the week (``values``: replications x 168, NaN where an hour had no
    calls): mean, interval bounds, each hour's status, and the goal's: missed if any hour
    is missed, met if every hour judged is met, else unclear.

    The rule that confirms a plan over many hours: an hour is **met** when its whole 95%
    interval meets the target, or when its mean meets it and the interval reaches at most
    ``tolerance`` x the target beyond it; **missed** when its whole interval at the
    family-wise level (95% over the ``family`` hours judged apart, by Bonferroni; the
    hours of the week with calls by default) is beyond the target; else unclear (more
    replications decide it). The goal is met when every hour is (an intersection-union
    test: each hour at 95% keeps the whole at 95%). Without the tolerance a plan whose
    worst hours sit just inside the target is almost never confirmed: with 168 hours some
    hour's interval straddles the target for as many replications as allowed; without
    the family-wise level for a miss, one of many hours sitting inside the target is
    soon "missed" by chance. A plan whose hours truly sit 10% inside the target is
    confirmed, one 10% beyond it is not (tests/optimization/test_confirmation.py)."""
    v = np.asarray(values, dtype=float)
    counts = (~np.isnan(v)).sum(axis=0)
    k = family if family is not None else int((counts >= MIN_REPS_FOR_INTERVAL).sum())
    wide = 1 - 0.05 / max(k, 1)  # the family-wise level of one hour's interval
    means, lows, highs, each = [], [], [], []
    for h in range(v.shape[1]):
        mean, lo, hi, _ = t_interval(v[:, h])
        _, lo_fw, hi_fw, _ = t_interval(v[:, h], wide)
        means.append(mean)
        lows.append(lo)
        highs.append(hi)
        # An hour whose calls came in fewer than MIN_REPS_FOR_INTERVAL replications (a
        # closed hour, or one with a call a year) has no interval and is not judged.
        sparse = int((~np.isnan(v[:, h])).sum()) < MIN_REPS_FOR_INTERVAL
        status: Status = "met" if math.isnan(mean) or sparse else goal.status(lo, hi)
        if status != "met" and within_tolerance(goal, mean, lo, hi, tolerance):
            status = "met"
        elif status == "missed" and goal.status(lo_fw, hi_fw) != "missed":
            status = "unclear"
        each.append(status)
    overall: Status = (
        "missed" if "missed" in each else ("met" if all(s == "met" for s in each) else "unclear")
    )
    return np.array(means), np.array(lows), np.array(highs), each, overall


def held_to(goals: list[Goal], programs: list[str]) -> list[Goal]:
    """The goals with each system-wide one (``SYSTEM_SHARES``: HEART's reach, which every
    program's staffing moves) held to the one program optimized; GoalError when none or
    several are, since the search could not say whose staffing to change."""
    if not any(g.system_wide for g in goals):
        return goals
    if len(programs) != 1:
        wide = next(g for g in goals if g.system_wide)
        got = f"{len(programs)} are ({', '.join(programs)})" if programs else "none is"
        raise GoalError(
            f"--target {wide.text!r}: {wide.metric} moves with every program's staffing, so "
            f"it is held to the one program optimized, and {got}; give one --program, e.g. "
            "--program crt"
        )
    return [replace(g, held_by=programs[0]) if g.system_wide else g for g in goals]

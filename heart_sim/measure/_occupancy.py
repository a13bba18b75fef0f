"""Per-hour-of-week measures for staffing: how many jobs each program holds, and a
target metric hour by hour.

``heart-sim optimize`` sets staffing hour by hour, so it needs, for every hour of the week,

- the distribution of the number of jobs in a program's system L(t) (calls waiting for a
  unit plus calls a unit is on), sampled four times an hour in every measured week: the
  iterative staffing algorithm sets s(h) from P(L(h) >= s) (``optimization._isa``). Only live
  calls count: CCD follow-up calls and time away (breaks, police duty) are not jobs that
  must be met at once, and they are left to the verification by simulation;
- a target metric over the calls that reached the program in that hour of the week (the
  request to a field team, or the call reaching CCD): the same per-call measures
  (``_call_measures``) the whole-run metric is computed from, grouped by the hour each
  call is tagged with, so that a target can be held hour by hour.

A call's time in a program's system runs from the request (for CRT and CoR the unit's
start, or the fallback, less the wait for a unit: the engine does not log it again;
``t_ccd_hold`` for CCD) until the unit is done with it, or until it stopped waiting
(gave up, or 911 took it back). Pure functions of one replication's records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import FIELD_TEAMS, Program
from ..model import RepRecords
from ..scenario import HOURS_PER_WEEK, MIN_PER_HOUR
from ._call_measures import PerCall, by_hour, request_times
from ._catalog import CATALOG, PERCENTILES

SAMPLES_PER_HOUR = 4
OCCUPANCY_CAP = 80  # L at or above this is counted in the last bin
QUEUED = (Program.CCD, Program.CRT, Program.COR)  # programs whose staffing can be set

# The per-call quantity behind each metric that can be held hour by hour:
# metric stem -> (program, what is measured).
_TIMES = {
    "ccd_answer_wait": Program.CCD,
    **{f"{p}_response_time": p for p in FIELD_TEAMS},
    **{f"{p}_queue_wait": p for p in FIELD_TEAMS},
}
_SHARES = {
    "ccd_p_wait": Program.CCD,
    "ccd_unanswered_share": Program.CCD,
    "ccd_answered_share": Program.CCD,
    **{f"{p}_p_wait": p for p in FIELD_TEAMS},
    **{f"{p}_response_within_target": p for p in FIELD_TEAMS},
    **{f"{p}_mean_wait_all": p for p in FIELD_TEAMS},
    **{f"{p}_lost_share": p for p in FIELD_TEAMS},
    **{f"{p}_reached_within_target": p for p in FIELD_TEAMS},
}
# Shares of every call that the staffing of all programs moves together: a target on one
# is held to the one program optimized (optimization._goals.held_to).
SYSTEM_SHARES = ("heart_response_rate",)


def _stem(name: str) -> tuple[str, int | None]:
    for q in PERCENTILES:
        if name.endswith(f"_p{q}") and name[: -len(f"_p{q}")] in _TIMES:
            return name[: -len(f"_p{q}")], q
    return name, None


def _hourly(name: str) -> bool:
    return _stem(name)[0] in _TIMES or name in _SHARES or name in SYSTEM_SHARES


def hourly_metrics() -> list[str]:
    """The catalog metrics that can be computed hour by hour (targets 'each hour')."""
    return sorted(n for n in CATALOG if _hourly(n))


def metric_program(name: str) -> Program | None:
    """The program whose staffing a metric measures, or None if it is not one program's
    service measure (volumes, costs, utilization; and ``SYSTEM_SHARES``, which every
    program's staffing moves)."""
    stem, _ = _stem(name)
    return _TIMES.get(stem) or _SHARES.get(name)


def _reached(rec: RepRecords, program: Program) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(index of the calls that reached the program, entry time, exit time; inf = still
    there at the end). A field-team call still waiting for a unit at the end is left out:
    its request time is known only once its wait is over (a few calls in the run's last
    minutes, outside the measured hours' bulk)."""
    c = rec.calls
    if program == Program.CCD:
        idx = np.flatnonzero(~np.isnan(c.t_ccd_hold))
        entry = c.t_ccd_hold[idx]
        exit_ = np.where(c.ccd_answered[idx], c.t_ccd_free[idx], entry + c.ccd_wait[idx])
    else:
        asked = c.dispatched_to == program.dispatch_code
        idx = np.flatnonzero(asked & ~np.isnan(c.dispatch_wait))  # its wait is over
        served = ~np.isnan(c.t_unit_start[idx])
        entry = request_times(rec)[idx]
        exit_ = np.where(served, c.t_unit_free[idx], entry + c.dispatch_wait[idx])
    return idx, entry, np.where(np.isnan(exit_), np.inf, exit_)


def occupancy(rec: RepRecords, program: Program, cap: int = OCCUPANCY_CAP) -> np.ndarray:
    """(168, cap + 1): per hour of the week, the share of sample instants (four an hour,
    every measured week) at which the program held k jobs (k = cap: cap or more)."""
    _, entry, exit_ = _reached(rec, program)
    h0, h1 = int(rec.t0 // MIN_PER_HOUR), int(rec.t1 // MIN_PER_HOUR)
    hours = np.arange(h0, h1)
    offsets = (np.arange(SAMPLES_PER_HOUR) + 0.5) * (MIN_PER_HOUR / SAMPLES_PER_HOUR)
    t = (hours[:, None] * MIN_PER_HOUR + offsets[None, :]).ravel()
    level = np.searchsorted(np.sort(entry), t, side="right") - np.searchsorted(
        np.sort(exit_), t, side="right"
    )
    how = np.repeat(hours % HOURS_PER_WEEK, SAMPLES_PER_HOUR)
    counts = np.zeros((HOURS_PER_WEEK, cap + 1))
    np.add.at(counts, (how, np.minimum(level, cap)), 1.0)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        return np.where(total > 0, counts / np.maximum(total, 1), np.nan)


def hourly_metric(measures: dict[str, PerCall], name: str) -> np.ndarray:
    """168 values: the metric over the calls that reached its program in each hour of the
    week (NaN in an hour with none), from the same per-call measures as the whole-run
    metric (``call_measures``)."""
    stem, q = _stem(name)
    if name not in CATALOG or not _hourly(name):
        raise ValueError(f"{name} cannot be computed hour by hour; one of {hourly_metrics()}")
    if stem not in measures:  # a share within the response target, with no target set
        program = metric_program(name)
        raise ValueError(f"{name} needs programs.{program}.response_target_min")
    return by_hour(measures[stem], q)


@dataclass(frozen=True)
class HourlySpec:
    """What a replication measures hour by hour for the optimizer: the occupancy of each
    of ``programs`` and each metric of ``metrics`` (see ``hourly_metrics``)."""

    programs: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.programs or self.metrics)


NOTHING_HOURLY = HourlySpec()  # a run that measures nothing hour by hour


def hourly_measures(
    rec: RepRecords, measures: dict[str, PerCall], spec: HourlySpec
) -> dict[str, np.ndarray]:
    """``occupancy_<program>`` (168 x 81) and ``<metric>`` (168) arrays of one replication
    (``measures``: its ``call_measures``)."""
    out = {f"occupancy_{p}": occupancy(rec, Program(p)) for p in spec.programs}
    for m in spec.metrics:
        out[m] = hourly_metric(measures, m)
    return out


def offered_load(occ: np.ndarray) -> np.ndarray:
    """Mean jobs in system per hour of the week from an occupancy table (168 x K)."""
    k = np.arange(occ.shape[1])
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(occ @ k, nan=0.0)


def share_at_least(occ: np.ndarray, s: np.ndarray) -> np.ndarray:
    """P(L(h) >= s(h)) per hour of the week from an occupancy table; an s past the last
    bin (L >= cap) gets that bin's share, an upper bound."""
    tail = np.cumsum(np.nan_to_num(occ)[:, ::-1], axis=1)[:, ::-1]  # tail[h, k] = P(L >= k)
    k = np.clip(np.asarray(s, dtype=np.int64), 0, occ.shape[1] - 1)
    return tail[np.arange(HOURS_PER_WEEK), k]

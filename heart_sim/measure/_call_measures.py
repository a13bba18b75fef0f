"""Each call's measures, defined once: a value per call, tagged with its hour of the week.

A measure here is what one call contributes to a metric: its wait for a clinician, its
response time, whether it waited at all, whether a team came within the target. The
whole-run metrics (``_metrics``) are the mean and percentiles of these values over the
measured calls; the hour-by-hour metrics the optimizer holds targets to (``_occupancy``)
are the same statistics within each hour of the week. Both read the values from here, so
"the CRT p90 response time" cannot mean one thing for the run and another by hour.

A call counts when it arrived in the measured window [t0, t1) (CN and CCD follow-ups: when
they were referred or created in it). Its hour is when it reached the program the measure
is about: for CCD when it reached the clinicians' queue, for a field team when 911 asked
for a team (a served call's start, or its fallback, less its wait), for a fallback to
police/EMS when it arrived. A call whose wait was not over at the end of the run has no
wait to count and is left out of the measures of that wait.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cached_property, reduce

import numpy as np

from ..core import FALLBACKS, FIELD_TEAMS, HEART_RESPONSES, Outcome, Program
from ..model import RepRecords
from ..scenario import HOURS_PER_WEEK, MIN_PER_HOUR, Scenario

QUANTILE_GRID = np.linspace(0, 100, 101)  # the percentiles a quantile function is kept at


@dataclass(frozen=True)
class PerCall:
    """One measure of one replication: ``values`` (one per call that counts, in call
    order) and ``hour``, the hour of the week (0 = Monday 00:00) each call is tagged with."""

    values: np.ndarray
    hour: np.ndarray

    @cached_property
    def quantile_function(self) -> np.ndarray:
        """``np.percentile`` of the values at ``QUANTILE_GRID`` (all NaN with no values or
        a NaN among them), once for the KPIs' percentiles and the CDF plots alike: the
        values sorted once, every point read off them (``_percentiles_of_sorted``), not a
        partition with 200 kth."""
        if not self.values.size:
            return np.full(QUANTILE_GRID.size, np.nan)
        return _percentiles_of_sorted(np.sort(self.values), 0, self.values.size, QUANTILE_GRID)


def heart_handled(outcome: np.ndarray) -> np.ndarray:
    """Where a call's outcome is a HEART response: ``np.isin(outcome, HEART_RESPONSES)``
    as one comparison per response, many times faster than isin on three codes."""
    return reduce(operator.or_, (outcome == o for o in HEART_RESPONSES))


def hour_of_week(t: np.ndarray) -> np.ndarray:
    """The hour of the week of simulation times in minutes (t = 0 is a Monday 00:00)."""
    # t // 60 without numpy's float floor division (a libm floor per value, many times
    # slower than a division): t / 60 rounded to a whole number is the hour or the next,
    # the next only if it starts after t, so one comparison makes it the very floor
    hour = np.rint(t / MIN_PER_HOUR)
    hour -= hour * MIN_PER_HOUR > t
    return hour.astype(np.int64) % HOURS_PER_WEEK


def request_times(rec: RepRecords) -> np.ndarray:
    """When 911 asked a field team for each call: a served call's start, or its fallback,
    less its wait for a team (NaN where no team was asked, or the wait is not over)."""
    c = rec.calls
    done_waiting = np.where(np.isnan(c.t_unit_start), c.t_fallback, c.t_unit_start)
    return done_waiting - c.dispatch_wait


def call_measures(rec: RepRecords, scenario: Scenario) -> dict[str, PerCall]:
    """Every per-call measure of one replication, by name: the times of
    ``catalog.TIME_METRICS`` (their units there) and the per-call shares (1.0 or 0.0 per
    call) behind ``ccd_p_wait``, ``ccd_unanswered_share``, ``ccd_answered_share``,
    ``<team>_p_wait``, ``<team>_mean_wait_all`` (a time), ``<team>_lost_share``, and with a
    response target ``<team>_response_within_target`` (served calls) and
    ``<team>_reached_within_target`` (every request, a lost one a miss), and
    ``heart_response_rate`` (every call, tagged by its arrival)."""
    c = rec.calls
    window = (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1)
    out = _ccd(rec, window)
    # HEART's reach: every measured call, 1.0 where a HEART program handled it
    outcome, arrived = c.outcome[window], hour_of_week(c.t_arrive[window])
    out["heart_response_rate"] = PerCall(heart_handled(outcome).astype(float), arrived)
    for p in FIELD_TEAMS:
        out |= _field_team(rec, scenario, window, p)
    ref = (c.cn_referred >= rec.t0) & (c.cn_referred < rec.t1)
    out["cn_followup_delay"] = _hours_after(c.cn_referred[ref], c.cn_start[ref])
    for o in FALLBACKS:
        fell = window & (c.outcome == o)
        out[f"{o.key}_wait"] = PerCall(c.t_fallback[fell] - c.t_arrive[fell], arrived[outcome == o])
    fu = (c.fu_created >= rec.t0) & (c.fu_created < rec.t1)
    out["ccd_followup_delay"] = _hours_after(c.fu_created[fu], c.fu_start[fu])
    return out


def _ccd(rec: RepRecords, window: np.ndarray) -> dict[str, PerCall]:
    """Calls sent to a clinician whose wait is over: answered, or given up / taken back."""
    c = rec.calls
    sent = window & ~np.isnan(c.ccd_wait)
    wait, answered, hour = c.ccd_wait[sent], c.ccd_answered[sent], hour_of_week(c.t_ccd_hold[sent])
    return {
        "ccd_answer_wait": PerCall(wait[answered], hour[answered]),
        "ccd_p_wait": PerCall((wait > 0).astype(float), hour),
        "ccd_unanswered_share": PerCall((~answered).astype(float), hour),
        "ccd_answered_share": PerCall(answered.astype(float), hour),
    }


def _field_team(
    rec: RepRecords, scenario: Scenario, window: np.ndarray, p: Program
) -> dict[str, PerCall]:
    """Requests to one field team whose wait for a team is over, and those it served."""
    c = rec.calls
    asked = window & (c.dispatched_to == p.dispatch_code) & ~np.isnan(c.dispatch_wait)
    started = ~np.isnan(c.t_unit_start)
    served = asked & started
    hour = hour_of_week(request_times(rec)[asked])  # of each request
    at, h = served, hour[started[asked]]
    response = c.response_time[at]
    out = {
        f"{p}_response_time": PerCall(response, h),
        f"{p}_travel_time": PerCall(c.travel_time[at], h),
        f"{p}_call_to_arrival": PerCall(c.t_unit_start[at] + c.travel_time[at] - c.t_arrive[at], h),
        f"{p}_queue_wait": PerCall(c.dispatch_wait[at], h),
        f"{p}_p_wait": PerCall((c.dispatch_wait[asked] > 0).astype(float), hour),
        f"{p}_mean_wait_all": PerCall(c.dispatch_wait[asked], hour),
        f"{p}_lost_share": PerCall(
            (c.outcome[asked] == Outcome.FALLBACK_NO_UNIT).astype(float), hour
        ),
    }
    target = scenario.field_team(p).response_target_min
    if target is not None:
        out[f"{p}_response_within_target"] = PerCall((response <= target).astype(float), h)
        # every request: a call lost to police/EMS (response NaN) counts as a miss
        reached = started[asked] & (c.response_time[asked] <= target)
        out[f"{p}_reached_within_target"] = PerCall(reached.astype(float), hour)
    return out


def _hours_after(created: np.ndarray, started: np.ndarray) -> PerCall:
    """Delays in hours from ``created`` to ``started``, of those started (tagged by the
    hour they were created)."""
    delay = (started - created) / MIN_PER_HOUR
    done = ~np.isnan(delay)
    return PerCall(delay[done], hour_of_week(created[done]))


def mean(m: PerCall) -> float:
    """The whole-run mean of a measure (NaN with no calls)."""
    return float(m.values.mean()) if m.values.size else float("nan")


def by_hour(m: PerCall, q: float | None = None) -> np.ndarray:
    """168 values: the measure's mean (or ``q``-th percentile) over the calls of each hour
    of the week; NaN in an hour with none."""
    order = np.argsort(m.hour, kind="stable")
    hour, values = m.hour[order], m.values[order]
    edges = np.searchsorted(hour, np.arange(HOURS_PER_WEEK + 1))
    if q is not None:
        return percentile_by_group(values, edges, q)
    out = np.full(HOURS_PER_WEEK, np.nan)
    for h in np.flatnonzero(edges[1:] > edges[:-1]):
        out[h] = float(values[edges[h] : edges[h + 1]].mean())
    return out


def percentile_by_group(values: np.ndarray, bounds: np.ndarray, q: float) -> np.ndarray:
    """``np.percentile(values[bounds[j]:bounds[j + 1]], q)`` of each group j (NaN for an
    empty one), every group at once: a call of np.percentile costs more than its work on
    a group of a few hundred values."""
    size = np.diff(bounds)
    ordered = values.copy()
    for a, b in zip(bounds[:-1], bounds[1:]):
        ordered[a:b].sort()
    out = np.full(size.size, np.nan)
    some = size > 0
    out[some] = _percentiles_of_sorted(ordered, bounds[:-1][some], size[some], q)
    return out


def _percentiles_of_sorted(
    ordered: np.ndarray, first: np.ndarray | int, size: np.ndarray | int, q: np.ndarray | float
) -> np.ndarray:
    """``np.percentile(ordered[first:first + size], q)`` of runs already sorted (size > 0;
    runs and q broadcast). np.percentile's linear method step by step: the virtual index
    (size - 1) q / 100, the order statistics either side of it (the last value at or past
    the end, where numpy's gamma counts from index -1) and numpy's lerp between them, so
    the very same floats (a test holds them to np.percentile's); NaN with a NaN."""
    virtual = (size - 1) * np.true_divide(q, 100)
    top = virtual >= size - 1
    lower = np.where(top, -1, np.floor(virtual))
    gamma = virtual - lower
    last = first + size - 1
    i = np.where(top, last, first + lower.astype(np.int64))
    a, b = ordered[i], ordered[np.where(top, last, i + 1)]
    diff = b - a
    lerp = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    return np.where(np.isnan(ordered[last]), np.nan, lerp)  # a NaN sorts last

"""Pure functions: records -> per-replication KPIs -> summary with 95% confidence intervals.

Only calls that arrive inside the measured window [end of warm-up, end of run) count;
time integrals (staffed, busy, queue) are clipped to the same window by the meters.
Times are minutes, except CN follow-up delays (hours) and staffed/overtime (hours).
"""

from __future__ import annotations

import math
import operator
from functools import reduce
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..core import (
    DIVERTED,
    ENDINGS,
    FALLBACKS,
    FIELD_TEAMS,
    HEART_RESPONSES,
    PROGRAMS,
    SERVED_BY,
    Outcome,
)
from ..model import RepRecords
from ..scenario import DAY_NAMES, HOURS_PER_WEEK, MIN_PER_HOUR, MIN_PER_WEEK, Scenario
from ._call_measures import (
    QUANTILE_GRID,
    PerCall,
    call_measures,
    heart_handled,
    hour_of_week,
    mean,
    percentile_by_group,
)
from ._catalog import BY_MONTH, BY_ZONE, CATALOG, PERCENTILES, TIME_METRICS
from ._costs import WEEKS_PER_YEAR, PhaseHours, cost_kpis

_ON_GRID = np.searchsorted(QUANTILE_GRID, PERCENTILES)  # where PERCENTILES stand in the grid
assert (QUANTILE_GRID[_ON_GRID] == PERCENTILES).all()


def _time_stats(out: dict[str, float], name: str, m: PerCall) -> None:
    """Mean and percentiles of one replication's times (NaN where there were none)."""
    values = m.values[~np.isnan(m.values)]
    if values.size:
        out[name] = float(values.mean())
        # np.percentile(values, PERCENTILES): read off the quantile function (the very same
        # numbers) unless a value was NaN
        if values.size == m.values.size:
            at = m.quantile_function[_ON_GRID]
        else:
            at = np.percentile(values, PERCENTILES)
        for q, v in zip(PERCENTILES, at):
            out[f"{name}_p{q}"] = float(v)
    else:
        out[name] = math.nan
        for q in PERCENTILES:
            out[f"{name}_p{q}"] = math.nan


def replication_quantiles(measures: dict[str, PerCall]) -> dict[str, np.ndarray]:
    """The quantile function (0th..100th percentile) of each time of ``TIME_METRICS``: a
    compact, mergeable stand-in for the per-call distribution (for CDF plots)."""
    return {name: m.quantile_function for name, m in measures.items() if name in TIME_METRICS}


def replication_kpis(
    rec: RepRecords, scenario: Scenario, measures: dict[str, PerCall] | None = None
) -> dict[str, float]:
    """Every headline number of one replication, as a flat dict. The keys are written in
    the order of replications.csv's columns: calls, times, CCD, field teams, Care
    Navigation, staffing, costs. ``measures``: the replication's ``call_measures``."""
    c = rec.calls
    window = (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1)
    weeks = (rec.t1 - rec.t0) / MIN_PER_WEEK
    k: dict[str, float] = {"replication": rec.replication}
    counts, heart = _call_kpis(k, c.outcome[window], weeks)
    on_duty = window & (c.ccd_open | c.team_open)
    k["heart_response_rate_in_hours"] = (
        float(heart_handled(c.outcome[on_duty]).mean()) if on_duty.any() else math.nan
    )

    m = call_measures(rec, scenario) if measures is None else measures
    for name in TIME_METRICS:
        _time_stats(k, name, m[name])

    _ccd_kpis(k, rec, scenario, window, counts, heart, m)
    _within_target_kpis(k, m)
    _field_request_kpis(k, rec, scenario, window, weeks, m)
    _cn_kpis(k, rec, scenario, window)
    _staffing_kpis(k, rec)
    if len(rec.calendar.phase_starts) > 1:
        k.update(cost_kpis(k, scenario, _hours_by_phase(rec)))
    else:
        k.update(cost_kpis(k, scenario))
    return k


_FIRST_OUTCOME = min(Outcome)  # an outcome's column in _outcome_counts: o - _FIRST_OUTCOME
# (the codes run without a gap, so each has a column of its own)
assert sorted(Outcome) == list(range(_FIRST_OUTCOME, _FIRST_OUTCOME + len(Outcome)))


def _outcome_counts(outcome: np.ndarray, group: np.ndarray | None = None, n: int = 1) -> np.ndarray:
    """(n, len(Outcome)): the calls of each outcome in each of n groups (``group``: each
    call's; all in one without it), by one bincount rather than a pass per outcome."""
    code = outcome.astype(np.int64) - _FIRST_OUTCOME
    if group is not None:
        code += group * len(Outcome)
    return np.bincount(code, minlength=n * len(Outcome)).reshape(n, len(Outcome))


def _call_kpis(
    k: dict[str, float], outcome: np.ndarray, weeks: float
) -> tuple[dict[str, int], int]:
    """The measured calls: how many, how each ended (counts, then shares), diverted and
    handled by HEART. Returns the count of each ending and of HEART responses."""
    n = int(outcome.size)
    k["calls_total"] = n
    k["calls_per_week"] = n / weeks
    per_outcome = _outcome_counts(outcome)[0]
    counts = {o.key: int(per_outcome[o - _FIRST_OUTCOME]) for o in ENDINGS}
    k["in_system"] = int(per_outcome[Outcome.IN_SYSTEM - _FIRST_OUTCOME])
    for key, v in counts.items():
        k[key] = v
    for key, v in counts.items():
        k[f"{key}_share"] = v / n if n else math.nan
    k["diversion_rate"] = sum(counts[o.key] for o in DIVERTED) / n if n else math.nan
    heart = sum(counts[o.key] for o in HEART_RESPONSES)
    k["heart_responses"] = heart
    k["heart_response_rate"] = heart / n if n else math.nan
    return counts, heart


def _ccd_kpis(
    k: dict[str, float],
    rec: RepRecords,
    scenario: Scenario,
    window: np.ndarray,
    counts: dict[str, int],
    heart: int,
    m: dict[str, PerCall],
) -> None:
    """CCD: calls sent to a clinician, answered or not, and the reach of CCD and CoR."""
    c = rec.calls
    sent = window & ~np.isnan(c.ccd_wait)
    k["ccd_assessed"] = int((window & c.ccd_answered).sum())
    k["ccd_p_wait"] = mean(m["ccd_p_wait"])
    k["ccd_unanswered"] = int((sent & ~c.ccd_answered).sum())
    k["ccd_taken_back"] = k["ccd_unanswered"] - counts["caller_hung_up"]
    k["ccd_unanswered_share"] = mean(m["ccd_unanswered_share"])
    k["ccd_answered_share"] = mean(m["ccd_answered_share"])
    k["ccd_share_of_heart_responses"] = counts["ccd_resolved"] / heart if heart else math.nan
    # Reach as the published figures count it: CCD answers over the calls 911 would send
    # it (each call's type's ccd_transfer, in the call's phase), CoR calls served over the
    # calls of the types 911 sends to CoR.
    transfer, to_cor = _type_tables(scenario)
    phase = np.clip(rec.calendar.phase_of(c.t_arrive[window]), 0, len(transfer) - 1)
    types = c.call_type[window]
    call_transfer, call_to_cor = transfer[phase, types], to_cor[phase, types]  # of each call
    eligible_ccd = float(call_transfer.sum())
    eligible_cor = float(call_to_cor.sum())
    k["ccd_reach"] = k["ccd_assessed"] / eligible_ccd if eligible_ccd else math.nan
    # The same over the calls that arrived while the program was on duty for them.
    ccd_on, cor_on = c.ccd_open[window], c.team_open[window]
    in_hours_ccd = float(call_transfer[ccd_on].sum())
    answered_on = int((c.ccd_answered[window] & ccd_on).sum())
    k["ccd_reach_in_hours"] = answered_on / in_hours_ccd if in_hours_ccd else math.nan
    k["cor_reach"] = counts["cor_served"] / eligible_cor if eligible_cor else math.nan
    is_cor = call_to_cor > 0
    in_hours_cor = int((is_cor & cor_on).sum())
    served_on = int(((c.outcome[window] == Outcome.COR_SERVED) & is_cor & cor_on).sum())
    k["cor_reach_in_hours"] = served_on / in_hours_cor if in_hours_cor else math.nan


def _within_target_kpis(k: dict[str, float], m: dict[str, PerCall]) -> None:
    """Field teams: the share of responses within the target, where one is set."""
    for p in FIELD_TEAMS:
        if f"{p}_response_within_target" in m:
            k[f"{p}_response_within_target"] = mean(m[f"{p}_response_within_target"])


def _field_request_kpis(
    k: dict[str, float],
    rec: RepRecords,
    scenario: Scenario,
    window: np.ndarray,
    weeks: float,
    m: dict[str, PerCall],
) -> None:
    """Field teams: every request, including those that gave up (for Little's law), the
    miles driven and the waits for a team."""
    c = rec.calls
    for p in FIELD_TEAMS:
        asked = window & (c.dispatched_to == p.dispatch_code)
        k[f"{p}_requests"] = int(asked.sum())
        # Miles driven: to each call served and, as an estimate, as far back.
        miles = c.travel_miles[window & (c.dispatched_to == p.dispatch_code)]
        miles = miles[~np.isnan(miles)]
        has_miles = any(sc.has_distances(p) for _, sc in scenario.phase_list())
        per_year = WEEKS_PER_YEAR / weeks
        # math.fsum: correctly rounded, so the figure is the same whatever numpy sums with
        # (of a list: fsum iterating the array would make a numpy scalar of every value).
        k[f"{p}_miles_per_year"] = (
            2 * math.fsum(miles.tolist()) * per_year if has_miles else math.nan
        )
        k[f"{p}_p_wait"] = mean(m[f"{p}_p_wait"])
        k[f"{p}_mean_wait_all"] = mean(m[f"{p}_mean_wait_all"])
        k[f"{p}_lost_share"] = mean(m[f"{p}_lost_share"])
        if f"{p}_reached_within_target" in m:
            k[f"{p}_reached_within_target"] = mean(m[f"{p}_reached_within_target"])
        served = window & (c.outcome == SERVED_BY[p])
        k[f"{p}_transported_share"] = (
            float(c.transported[served].mean()) if served.any() else math.nan
        )


def _cn_kpis(k: dict[str, float], rec: RepRecords, scenario: Scenario, window: np.ndarray) -> None:
    """Care Navigation: referrals, attempts, and the share contacted within target; then
    the CCD follow-up calls."""
    c = rec.calls
    target_min = scenario.programs.cn.target_hours * MIN_PER_HOUR
    ref = (c.cn_referred >= rec.t0) & (c.cn_referred < rec.t1)
    delay = c.cn_start[ref] - c.cn_referred[ref]
    k["cn_referrals"] = int(ref.sum())
    k["cn_referrals_out_of_area"] = int((window & c.cn_out_of_area).sum())
    tried = ref & (c.cn_attempts > 0)
    k["cn_attempts_per_referral"] = float(c.cn_attempts[tried].mean()) if tried.any() else math.nan
    k["cn_reached_share"] = float((~np.isnan(c.cn_start[ref])).mean()) if ref.any() else math.nan
    k["cn_pending_at_end"] = int((np.isnan(delay) & ~c.cn_closed[ref]).sum())
    # A referral still waiting at the end counts as a miss once its target has passed;
    # one younger than the target at the end cannot be judged and is left out.
    judged = ~np.isnan(delay) | (rec.t1 - c.cn_referred[ref] > target_min)
    within = ~np.isnan(delay) & (delay <= target_min)
    k["cn_followup_within_target"] = float(within[judged].mean()) if judged.any() else math.nan
    k["ccd_followups"] = int(((c.fu_created >= rec.t0) & (c.fu_created < rec.t1)).sum())


def _staffing_kpis(k: dict[str, float], rec: RepRecords) -> None:
    """Staffing: scheduled, present (staffed) and available unit-hours; busy on-shift time
    over available time (and, labelled as such, over scheduled time); overtime apart."""
    window_min = rec.t1 - rec.t0
    for p in PROGRAMS:
        m = rec.meters[p]
        staffed = _total(m.staffed)
        available = staffed - _total(m.away)
        scheduled = float(rec.scheduled[p].sum())
        busy = _total(m.busy)
        k[f"{p}_scheduled_hours"] = scheduled / MIN_PER_HOUR
        k[f"{p}_staffed_hours"] = staffed / MIN_PER_HOUR
        k[f"{p}_available_hours"] = available / MIN_PER_HOUR
        k[f"{p}_overtime_hours"] = _total(m.overtime) / MIN_PER_HOUR
        k[f"{p}_utilization"] = busy / available if available > 0 else math.nan
        k[f"{p}_utilization_scheduled"] = busy / scheduled if scheduled > 0 else math.nan
        k[f"{p}_queue_len"] = _total(m.queue) / window_min


def _total(per_hour: np.ndarray) -> float:
    """A meter's hours added one after another from the first (``np.cumsum`` is
    sequential; ``ndarray.sum`` pairs them up, another rounding): the floats Python 3.11's
    ``sum`` gave for the list the meters used to return, which the golden files hold.
    From Python 3.12 ``sum`` compensates its rounding; this gives the same floats on every
    version."""
    return float(np.cumsum(per_hour)[-1]) if per_hour.size else 0.0


def _type_tables(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """[phase, call type]: each type's ccd_transfer, and 1 where 911 sends it to CoR."""
    phases = [sc for _, sc in scenario.phase_list()]
    names = list(scenario.call_types)
    transfer = np.array([[sc.call_types[n].ccd_transfer for n in names] for sc in phases])
    cor = np.array([[float(sc.call_types[n].direct == "cor") for n in names] for sc in phases])
    return transfer, cor


def _hours_by_phase(rec: RepRecords) -> dict[str, list[PhaseHours]]:
    """Each program's staffed and overtime unit-hours in each phase of the measured
    window, with the share of the window each phase covers."""
    cal = rec.calendar
    starts = [min(max(t, rec.t0), rec.t1) for t in cal.phase_starts] + [rec.t1]
    shares = [(b - a) / (rec.t1 - rec.t0) for a, b in zip(starts, starts[1:])]
    out: dict[str, list[PhaseHours]] = {}
    for p in PROGRAMS:
        m = rec.meters[p]
        idx = [int((t - rec.t0) // MIN_PER_HOUR) for t in starts]  # phases start on the hour
        staffed, overtime = _hours_between(m.staffed, idx), _hours_between(m.overtime, idx)
        out[p] = [PhaseHours(*h) for h in zip(staffed.tolist(), overtime.tolist(), shares)]
    return out


def _hours_between(per_hour, edges) -> np.ndarray:
    """Hours in each span between consecutive hour indices of a unit-minutes-per-hour
    series (the meters' and the schedule's, from t0)."""
    cum = np.concatenate(([0.0], np.cumsum(per_hour)))
    return np.diff(cum[np.asarray(edges, dtype=np.int64)]) / MIN_PER_HOUR


def replication_by_hour(rec: RepRecords) -> dict[str, np.ndarray]:
    """Per-hour-of-week means per week (168 values each) for one replication."""
    c = rec.calls
    window = (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1)
    weeks = (rec.t1 - rec.t0) / MIN_PER_WEEK
    hour = hour_of_week(c.t_arrive[window])
    outcome = c.outcome[window]
    out = {"arrivals": np.bincount(hour, minlength=HOURS_PER_WEEK) / weeks}
    per_outcome = _outcome_counts(outcome, hour, HOURS_PER_WEEK)
    for o in FALLBACKS:
        out[o.key] = per_outcome[:, o - _FIRST_OUTCOME] / weeks
    for p in PROGRAMS:
        m = rec.meters[p]
        # t = 0 is a Monday 00:00, so an hour's index from t = 0 modulo 168 is its hour
        # of the week.
        how = (m.h0 + np.arange(len(m.staffed))) % HOURS_PER_WEEK
        per_hour_min = weeks * MIN_PER_HOUR

        def fold(values, how=how, per_hour_min=per_hour_min) -> np.ndarray:
            folded = np.bincount(how, weights=np.asarray(values), minlength=HOURS_PER_WEEK)
            return folded / per_hour_min

        out[f"{p}_staffed_units"] = fold(m.staffed)
        out[f"{p}_busy_units"] = fold(m.busy)
    return out


def _calls_by_group(
    rec: RepRecords, window: np.ndarray, group: np.ndarray, n: int
) -> dict[str, np.ndarray]:
    """Call counts, shares reached and response and travel times of the measured calls in
    each of n groups (months, zones); ``group`` holds the group of each measured call."""
    c = rec.calls
    per_outcome = _outcome_counts(c.outcome[window], group, n).T.astype(float, order="C")
    out: dict[str, np.ndarray] = {"calls_total": per_outcome.sum(axis=0)}
    for o in ENDINGS:
        out[o.key] = per_outcome[o - _FIRST_OUTCOME]
    out["heart_responses"] = reduce(operator.add, (out[o.key] for o in HEART_RESPONSES))
    out["ccd_assessed"] = np.bincount(group[c.ccd_answered[window]], minlength=n).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        calls = np.where(out["calls_total"] > 0, out["calls_total"], np.nan)
        out["diversion_rate"] = reduce(operator.add, (out[o.key] for o in DIVERTED)) / calls
        out["heart_response_rate"] = out["heart_responses"] / calls
    measured = np.flatnonzero(window)
    dispatched, started = c.dispatched_to[window], ~np.isnan(c.t_unit_start[window])
    for p in FIELD_TEAMS:
        served = np.flatnonzero((dispatched == p.dispatch_code) & started)
        # the served calls group by group, each group's in their own order (a stable
        # sort), so each group is one slice: one pass, not a mask per group
        order = served[np.argsort(group[served], kind="stable")]
        bounds = np.searchsorted(group[order], np.arange(n + 1))
        for name, values in (("response_time", c.response_time), ("travel_time", c.travel_time)):
            times = values[measured[order]]
            mean = np.full(n, np.nan)
            for j in np.flatnonzero(bounds[1:] > bounds[:-1]):
                mean[j] = times[bounds[j] : bounds[j + 1]].mean()
            out[f"{p}_{name}"] = mean
            out[f"{p}_{name}_p90"] = percentile_by_group(times, bounds, 90)
    return out


def replication_by_month(rec: RepRecords) -> dict[str, np.ndarray]:
    """Run metrics per calendar month of the measured window (one value per month, the
    names of ``catalog.BY_MONTH``); empty for a run without start_date."""
    cal = rec.calendar
    if not cal.dated:
        return {}
    months = cal.months()
    edges = np.array([m.t_from for m in months] + [months[-1].t_to])
    c = rec.calls
    window = (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1)
    month = np.searchsorted(edges, c.t_arrive[window], side="right") - 1
    out = _calls_by_group(rec, window, month, len(months))
    # Hours: the meters hold unit-minutes per hour from t0; months start on the hour.
    hour_edges = ((edges - rec.t0) // MIN_PER_HOUR).astype(np.int64)
    for p in PROGRAMS:
        m = rec.meters[p]
        series = {
            "scheduled": rec.scheduled[p],
            "staffed": m.staffed,
            "available": m.staffed - m.away,
        }
        for name, per_hour in series.items():
            out[f"{p}_{name}_hours"] = _hours_between(per_hour, hour_edges)
    return {k: out[k] for k in BY_MONTH}


def replication_by_zone(rec: RepRecords, n_zones: int) -> dict[str, np.ndarray]:
    """Run metrics per zone (one value per zone, the names of ``catalog.BY_ZONE``)."""
    c = rec.calls
    window = (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1)
    out = _calls_by_group(rec, window, c.zone[window].astype(np.int64), n_zones)
    return {k: out[k] for k in BY_ZONE}


def _with_intervals(
    df: pd.DataFrame, moments: dict[str, RunningMoments], keys: tuple[str, ...]
) -> pd.DataFrame:
    """Each quantity's mean over replications and its 95% t-interval as columns
    ``<name>``, ``<name>_ci_low``, ``<name>_ci_high``, in the order of ``keys``."""
    for key in keys:
        if key in moments:
            mean, lo, hi = moments[key].interval()
            lo, hi = bounded(key, lo, hi)
            df[key], df[f"{key}_ci_low"], df[f"{key}_ci_high"] = mean, lo, hi
    return df


def summarise_by_zone(
    moments: dict[str, RunningMoments], names: list[str], area: np.ndarray
) -> pd.DataFrame:
    """One row per zone: its area, then each quantity with its 95% interval."""
    return _with_intervals(pd.DataFrame({"zone": names, "area_sq_mi": area}), moments, BY_ZONE)


def summarise_by_month(moments: dict[str, RunningMoments], months: list) -> pd.DataFrame:
    """One row per calendar month: days in the window, then each quantity with its 95%
    interval."""
    df = pd.DataFrame({"month": [m.label for m in months], "days": [m.days for m in months]})
    return _with_intervals(df, moments, BY_MONTH)


# Fewer replications than this give no interval ("too few replications for an interval"):
# with 2, a t-interval rests on one degree of freedom (t = 12.7) and a ratio's on nothing.
MIN_REPS_FOR_INTERVAL = 3


def bounded(name: str, lo: Any, hi: Any) -> tuple[Any, Any]:
    """An interval of metric ``name`` intersected with the values it can take ([0, 1] for
    a share, [0, inf) for any other unsigned metric; see ``catalog.Metric.bounds``). The
    true value lies in that range, so the intersection covers it whenever the t-interval
    does: coverage is unchanged, and no interval of a count, time or cost goes below zero.
    Works on floats and arrays alike; names outside the catalog are left as they are."""
    m = CATALOG.get(name)
    if m is None:
        return lo, hi
    low, high = m.bounds
    with np.errstate(invalid="ignore"):
        if low is not None:
            lo, hi = np.maximum(lo, low), np.maximum(hi, low)
        if high is not None:
            lo, hi = np.minimum(lo, high), np.minimum(hi, high)
    if isinstance(lo, np.floating):
        return float(lo), float(hi)
    return lo, hi


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float, float]:
    """Mean, lower and upper bound of a t-interval (NaN with fewer than
    MIN_REPS_FOR_INTERVAL values), and the standard deviation."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return (math.nan,) * 4
    mean = float(v.mean())
    if v.size == 1:
        return mean, math.nan, math.nan, math.nan
    sd = float(v.std(ddof=1))
    if v.size < MIN_REPS_FOR_INTERVAL:
        return mean, math.nan, math.nan, sd
    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1)) * sd / math.sqrt(v.size)
    return mean, mean - half, mean + half, sd


RatioStatus = Literal["ok", "too_few_reps", "no_change", "unclear", "fewer"]


def fieller_interval(
    num: np.ndarray, den: np.ndarray, level: float = 0.95
) -> tuple[float, float, float, RatioStatus]:
    """mean(num) / mean(den) and Fieller's interval for the ratio of the means of paired
    samples (replication i gives num[i] and den[i]), with a status saying why an interval
    or the ratio is missing."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    ok = ~(np.isnan(num) | np.isnan(den))
    num, den = num[ok], den[ok]
    n = num.size
    if n == 0 or np.all(den == 0):
        return math.nan, math.nan, math.nan, "no_change"
    a, b = float(num.mean()), float(den.mean())
    point = a / b if b != 0 else math.nan
    if n < MIN_REPS_FOR_INTERVAL:
        return point, math.nan, math.nan, "too_few_reps"
    t2 = float(stats.t.ppf(0.5 + level / 2, n - 1)) ** 2
    cov = np.cov(num, den, ddof=1) / n  # variances and covariance of the two means
    v11, v12, v22 = float(cov[0, 0]), float(cov[0, 1]), float(cov[1, 1])
    # (a - R b)^2 <= t^2 (v11 - 2 R v12 + R^2 v22), a quadratic in R: q2 R^2 + q1 R + q0 <= 0
    q2 = b * b - t2 * v22
    if q2 <= 0:  # the denominator is not clear of zero: the set is unbounded
        return point, math.nan, math.nan, "unclear"
    q1 = -2 * (a * b - t2 * v12)
    q0 = a * a - t2 * v11
    disc = max(q1 * q1 - 4 * q2 * q0, 0.0)  # >= 0 whenever q2 > 0 (a Cauchy-Schwarz bound)
    lo = (-q1 - math.sqrt(disc)) / (2 * q2)
    hi = (-q1 + math.sqrt(disc)) / (2 * q2)
    return point, lo, hi, "ok"


def metric_interval(table: pd.DataFrame, name: str) -> tuple[float, float, float, float]:
    """Mean, 95% interval and sd of a metric over the replications (rows) of ``table``: a
    t-interval, or for a ratio the catalog declares (``ratio_of``) the ratio of the means
    with Fieller's interval, as costs.csv reports it (the sd stays that of the rows)."""
    if name not in table:
        return (math.nan,) * 4
    mean, lo, hi, sd = t_interval(table[name].to_numpy(dtype=float))
    ratio = CATALOG[name].ratio_of if name in CATALOG else None
    if ratio and set(ratio) <= set(table.columns):
        num, den = (table[c].to_numpy(dtype=float) for c in ratio)
        mean, lo, hi, _ = fieller_interval(num, den)
    return mean, lo, hi, sd


def summarise(replications: pd.DataFrame) -> pd.DataFrame:
    """One row per metric: mean over replications, 95% t-interval, sd, replications used."""
    rows = []
    for col in replications.columns:
        if col == "replication":
            continue
        values = replications[col].to_numpy(dtype=float)
        mean, lo, hi, sd = metric_interval(replications, col)
        lo, hi = bounded(col, lo, hi)
        rows.append(
            {
                "metric": col,
                "mean": mean,
                "ci_low": lo,
                "ci_high": hi,
                "sd": sd,
                "n_reps": int((~np.isnan(values)).sum()),
            }
        )
    return pd.DataFrame(rows)


def summarise_by_hour(means: dict[str, np.ndarray]) -> pd.DataFrame:
    """168 rows: each by-hour quantity (already averaged over replications)."""
    hours = np.arange(HOURS_PER_WEEK)
    df = pd.DataFrame(
        {
            "hour_of_week": hours,
            "day": [DAY_NAMES[h // 24] for h in hours],
            "hour": hours % 24,
        }
    )
    for key, values in means.items():
        df[key] = values
    for p in PROGRAMS:
        staffed = df[f"{p}_staffed_units"].to_numpy()
        busy = df[f"{p}_busy_units"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            df[f"{p}_utilization"] = np.where(staffed > 0, busy / staffed, np.nan)
    return df


class RunningMoments:
    """Mean and variance of arrays folded in one at a time (Welford), ignoring NaN, so
    summaries over many replications need memory for one array, not one per replication."""

    def __init__(self, shape: tuple[int, ...]):
        self.n = np.zeros(shape)
        self.mean = np.zeros(shape)
        self.m2 = np.zeros(shape)

    def add(self, x: np.ndarray) -> None:
        ok = ~np.isnan(x)
        self.n += ok
        delta = np.where(ok, x - self.mean, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.mean += np.where(ok, delta / np.maximum(self.n, 1), 0.0)
        self.m2 += np.where(ok, delta * (x - self.mean), 0.0)

    def interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean and t-interval bounds (NaN where fewer than MIN_REPS_FOR_INTERVAL values)."""
        n = self.n
        mean = np.where(n > 0, self.mean, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.sqrt(self.m2 / (n - 1))
            half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
        half = np.where(n >= MIN_REPS_FOR_INTERVAL, half, np.nan)
        return mean, mean - half, mean + half


def quantile_table(moments: dict[str, RunningMoments]) -> pd.DataFrame:
    """Long table (metric, q, mean, ci_low, ci_high) of each time's quantile function."""
    frames = []
    for metric, m in moments.items():
        mean, lo, hi = m.interval()
        lo, hi = bounded(metric, lo, hi)  # a time's quantiles are never negative
        frames.append(
            pd.DataFrame(
                {"metric": metric, "q": QUANTILE_GRID, "mean": mean, "ci_low": lo, "ci_high": hi}
            )
        )
    return pd.concat(frames, ignore_index=True)

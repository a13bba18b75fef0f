"""Demand from call times for ``heart-sim fit``: the days to use, the weekly volume, the
hour-of-week profile, seasons, growth and day-to-day variation.

Days that would bias the fit are found and left out, each with its reason: public holidays
(the ``holidays`` package), and gaps in the log -- runs of hours with no record at all
where the records around them make that implausible (probability below 0.01 over all the
hours of the log, allowing for day-to-day variation), including a partial first or last day,
and days with far fewer records than their neighbours. Gaps are judged on every record of
the log (all natures), which has more power than the eligible calls alone.

On the days used: calls per week and each hour of the week's rate; a test of whether hour
and weekday are separable (the likelihood-ratio, or deviance, test of independence of the
7 x 24 table: a day-level rate multiplier shared by a day's hours leaves it valid); a
Poisson regression of daily counts on weekday (and month and time, with a year or more of
data) for seasons, growth and the volume's interval (variances scaled by the Pearson
dispersion: quasi-Poisson); and the coefficient of variation of a gamma day-level rate
multiplier from variance = mean + cv^2 mean^2 of the daily counts about that regression.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import holidays as holidays_lib
import numpy as np
import pandas as pd
from pydantic import ValidationError
from scipy import stats

from ..scenario import Holidays
from ._callfile import FitError

ALPHA = 0.01  # chance of flagging a day in a log without gaps (over the whole log)
SEPARABLE_P = 0.05  # separable unless the test rejects at this level
Z95 = 1.959963984540054
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MIN_DAYS_FOR_SEASONS = 365


def parse_holidays(text: str | None) -> Holidays | None:
    """'US' (federal), 'US-NC' (a subdivision's), or 'none'."""
    if text is None or text.strip().lower() in ("", "none", "off", "no"):
        return None
    country, _, sub = text.strip().partition("-")
    try:
        return Holidays(country=country, subdivision=sub or None)
    except ValidationError as err:
        why = err.errors()[0]["msg"].removeprefix("Value error, ")
        raise FitError(f"--holidays {text}: {why}") from None


@dataclass(frozen=True)
class Gap:
    """A run of hours with no record in the log: from the last record before it to the
    first after it (None: the log's start or end)."""

    after: pd.Timestamp | None
    before: pd.Timestamp | None
    hours: int
    expected: float  # records expected in those hours
    kind: str  # gap, start, end

    def describe(self) -> str:
        span = f"{self.hours} hour(s) with no record, {self.expected:,.0f} expected"
        if self.kind == "start":
            return f"partial first day: the log starts {self.before:%Y-%m-%d %H:%M} ({span})"
        if self.kind == "end":
            return f"partial last day: the log ends {self.after:%Y-%m-%d %H:%M} ({span})"
        return (
            f"gap in the log {self.after:%Y-%m-%d %H:%M} to {self.before:%Y-%m-%d %H:%M} ({span})"
        )


@dataclass(frozen=True)
class Glm:
    """A Poisson regression fitted by iteratively reweighted least squares."""

    names: list[str]
    coef: np.ndarray
    cov: np.ndarray  # scaled by the dispersion
    dispersion: float
    mu: np.ndarray

    def se(self, name: str) -> float:
        i = self.names.index(name)
        return float(math.sqrt(self.cov[i, i]))

    def __getitem__(self, name: str) -> float:
        return float(self.coef[self.names.index(name)])


def poisson_glm(X: np.ndarray, y: np.ndarray, names: list[str]) -> Glm:
    """Poisson log-linear regression; the covariance scaled by the Pearson dispersion."""
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(max(float(y.mean()), 1e-9))
    for _ in range(100):
        mu = np.exp(X @ beta)
        z = X @ beta + (y - mu) / mu
        xtw = X.T * mu
        new = np.linalg.solve(xtw @ X, xtw @ z)
        done = float(np.max(np.abs(new - beta))) < 1e-10
        beta = new
        if done:
            break
    mu = np.exp(X @ beta)
    dof = max(len(y) - X.shape[1], 1)
    dispersion = max(float(np.sum((y - mu) ** 2 / mu)) / dof, 1e-12)
    cov = np.linalg.inv((X.T * mu) @ X) * dispersion
    return Glm(names, beta, cov, dispersion, mu)


@dataclass(frozen=True)
class Separability:
    """The test of hour x weekday separability on the days used."""

    deviance: float  # G^2 of the 7 x 24 table's independence model
    dof: int
    p_chi2: float
    dispersion: float  # Pearson X^2 / df of the day x hour table about the full model
    resid_dof: int
    f_stat: float | None  # (G^2 / dof) / dispersion, when the dispersion is above 1
    p_f: float | None

    @property
    def p_value(self) -> float:
        """The F-test's p when the counts are overdispersed within days, else the chi-square's."""
        return self.p_f if self.p_f is not None else self.p_chi2

    def describe(self) -> str:
        text = (
            f"likelihood-ratio (deviance) test of independence of the 7 x 24 table of calls "
            f"on the days used: G2 = {self.deviance:.1f}, df {self.dof}, p = {p_text(self.p_chi2)}"
        )
        if self.p_f is not None and self.f_stat is not None:
            text += (
                f"; the hours of a day are overdispersed (Pearson dispersion "
                f"{self.dispersion:.2f} on {self.resid_dof} df), so the quasi-Poisson F-test "
                f"decides: F = {self.f_stat:.2f}, p = {p_text(self.p_f)}"
            )
        else:
            text += f" (within-day dispersion {self.dispersion:.2f}, not above Poisson's)"
        return text


def p_text(p: float) -> str:
    """A p-value in two significant figures, or '< 0.0001'."""
    return f"{p:.2g}" if p >= 1e-4 else "< 0.0001"


def separability(table: np.ndarray, weekdays: np.ndarray) -> Separability:
    """Test rate(day, hour) = weekday factor x hour factor on a days x 24 table of counts.

    The deviance of the 7 x 24 independence model equals the drop in deviance from
    date + hour to date + hour + weekday:hour on the day x hour table, so a day-level
    multiplier (the date effect) leaves it valid. When the day x hour counts scatter more
    than Poisson about the full model (Pearson dispersion > 1), the F-test with that
    dispersion replaces the chi-square test."""
    counts = np.zeros((7, 24))
    for k in range(7):
        counts[k] = table[weekdays == k].sum(axis=0)
    total = counts.sum()
    expect = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / max(total, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(counts > 0, counts * np.log(counts / expect), 0.0)
    rows = int((counts.sum(axis=1) > 0).sum())
    cols = int((counts.sum(axis=0) > 0).sum())
    dof = max((rows - 1) * (cols - 1), 1)
    deviance = float(2 * terms.sum())
    p_chi2 = float(stats.chi2.sf(deviance, dof))
    with np.errstate(divide="ignore", invalid="ignore"):
        profile = np.where(
            counts.sum(axis=1, keepdims=True) > 0, counts / counts.sum(axis=1, keepdims=True), 0
        )
    mu = table.sum(axis=1, keepdims=True) * profile[weekdays]
    live = mu > 0
    resid_dof = int(table.shape[0] * cols - table.shape[0] - (cols - 1) - dof)
    dispersion = (
        float(np.sum((table[live] - mu[live]) ** 2 / mu[live]) / resid_dof)
        if resid_dof > 0
        else 1.0
    )
    f_stat = p_f = None
    if resid_dof >= 30 and dispersion > 1:
        f_stat = deviance / dof / dispersion
        p_f = float(stats.f.sf(f_stat, dof, resid_dof))
    return Separability(deviance, dof, p_chi2, dispersion, resid_dof, f_stat, p_f)


@dataclass(frozen=True)
class ProfileIntervals:
    """95% bootstrap intervals (days resampled within each weekday) of the shares of the
    week's calls: by hour of day (24), by weekday (7) and by hour of week (7 x 24)."""

    hourly: np.ndarray  # 2 x 24: low, high
    daily: np.ndarray  # 2 x 7
    hour_of_week: np.ndarray  # 2 x 7 x 24
    reps: int


def profile_intervals(
    table: np.ndarray, weekdays: np.ndarray, reps: int = 400, seed: int = 0
) -> ProfileIntervals:
    """Bootstrap the days used (within weekday, as the weights are per-weekday means) and
    take the 2.5% and 97.5% points of each share (seeded, so a fit repeats exactly). Each
    interval is then widened about the estimate by sqrt(n / (n - 1)) t(n - 1) / z, n the
    fewest days of a weekday: the bootstrap's variance is (n - 1) / n of the unbiased one
    and its percentiles are normal, not Student's, which matters with a few weeks of data."""
    rng = np.random.default_rng(seed)
    rates = np.zeros((reps, 7, 24))
    point = np.zeros((7, 24))
    n_min = len(table)
    for k in range(7):
        rows = table[weekdays == k]
        if len(rows):
            pick = rng.integers(0, len(rows), (reps, len(rows)))
            rates[:, k] = rows[pick].mean(axis=1)
            point[k] = rows.mean(axis=0)
            n_min = min(n_min, len(rows))
    widen = 1.0
    if n_min > 1:
        widen = math.sqrt(n_min / (n_min - 1)) * float(stats.t.ppf(0.975, n_min - 1)) / Z95

    def shares(r: np.ndarray, axis: tuple[int, ...]) -> np.ndarray:
        total = r.sum(axis=(-2, -1), keepdims=True)
        out = r / np.where(total > 0, total, 1.0)
        return out.sum(axis=axis) if axis else out

    def interval(boot: np.ndarray, est: np.ndarray) -> np.ndarray:
        lo, hi = np.percentile(boot, (2.5, 97.5), axis=0)
        return np.stack([est - widen * (est - lo), est + widen * (hi - est)]).clip(0, 1)

    return ProfileIntervals(
        interval(shares(rates, (1,)), shares(point, (0,))),
        interval(shares(rates, (2,)), shares(point, (1,))),
        interval(shares(rates, ()), shares(point, ())),
        reps,
    )


@dataclass(frozen=True)
class Estimate:
    """A value with its 95% interval."""

    value: float
    low: float
    high: float


@dataclass
class DemandFit:
    """What the days used say about demand (rates are calls per week in each hour)."""

    first: pd.Timestamp
    last: pd.Timestamp
    days: pd.DatetimeIndex  # every day of the log
    used: np.ndarray  # bool per day
    excluded: dict[dt.date, str]  # day -> why
    gaps: list[Gap]
    holidays: dict[dt.date, str]  # in the log, by name
    daily: np.ndarray  # eligible calls per day (all days)
    expected_daily: np.ndarray  # the regression's expectation per day
    observed: np.ndarray  # 7 x 24 eligible calls per day in each hour (used days)
    counts: np.ndarray  # 7 x 24 eligible calls (used days)
    days_by_weekday: np.ndarray  # 7
    hourly: list[float]
    daily_weights: list[float]
    hour_of_week: list[float]
    intervals: ProfileIntervals
    separable: bool
    test: Separability
    calls_per_week: Estimate
    overdispersion: Estimate
    overdispersion_raw: Estimate  # about the overall mean, as scripts/derive_profile.py
    monthly: list[Estimate] | None
    growth: Estimate | None
    seasons_note: str
    midpoint: pd.Timestamp  # of the days used: where calls_per_week holds with growth
    dispersion: float  # the regression's Pearson dispersion
    glm_parameters: int
    holiday_ratios: dict[dt.date, float] = field(default_factory=dict)

    @property
    def calls_used(self) -> int:
        return int(self.daily[self.used].sum())

    @property
    def fitted(self) -> np.ndarray:
        """7 x 24 rates of the separable (24 x 7 weights) model, calls per week."""
        d = np.asarray(self.daily_weights, float)
        h = np.asarray(self.hourly, float)
        return np.outer(d / d.sum(), h / h.sum()) * float(self.observed.sum())


def _weights(values: np.ndarray) -> list[float]:
    """Rounded to keep about three significant figures of the largest (at least 1 decimal)."""
    top = float(np.max(values)) if values.size else 0.0
    digits = max(1, 2 - math.floor(math.log10(top))) if top > 0 else 1
    return [round(float(v), digits) for v in values]


def exclusion_kind(why: str) -> str:
    """The kind of reason a day was left out: holiday, partial day, few records or a gap."""
    if why.startswith("public holiday"):
        return "public holiday"
    if why.startswith("partial"):
        return "partial first or last day"
    if why.startswith("low count"):
        return "too few records (a gap?)"
    return "gap in the log"


def day_hour_counts(times: pd.Series, first_day: pd.Timestamp, n_days: int) -> np.ndarray:
    """Records per (day, hour), days counted from ``first_day``."""
    hours = (times.to_numpy(dtype="datetime64[ns]").astype("datetime64[h]")).astype(np.int64)
    origin = first_day.to_datetime64().astype("datetime64[h]").astype(np.int64)
    idx = hours - origin
    counts = np.bincount(idx[(idx >= 0) & (idx < n_days * 24)], minlength=n_days * 24)
    return counts.reshape(n_days, 24)


def _zero_prob(expected: np.ndarray, cv: float) -> np.ndarray:
    """log P(no record) when the expectation is ``expected`` times a gamma multiplier."""
    if cv <= 1e-6:
        return -expected
    k = 1 / cv**2
    return -k * np.log1p(expected / k)


def find_gaps(
    records: np.ndarray, weekdays: np.ndarray, alpha: float = ALPHA
) -> tuple[dict[int, str], list[tuple[int, int, float]], float]:
    """Days to leave out (index -> why), the implausible runs of empty hours (first hour,
    last hour, records expected), and the day-level cv of all records."""
    n_days = records.shape[0]
    totals = records.sum(axis=1).astype(float)
    flat = records.ravel()
    n_hours = flat.size
    clean = np.ones(n_days, bool)
    cv = 0.0
    runs: list[tuple[int, int, float]] = []
    flagged: dict[int, str] = {}
    for _ in range(4):
        if not clean.any():
            clean[:] = True
        mean_all = totals[clean].mean()
        factor = np.ones(7)
        profile = np.tile(records[clean].sum(axis=0) / max(records[clean].sum(), 1), (7, 1))
        for k in range(7):
            on = clean & (weekdays == k)
            if on.any() and records[on].sum() > 0:
                factor[k] = totals[on].mean() / max(mean_all, 1e-9)
                profile[k] = records[on].sum(axis=0) / records[on].sum()
        level = pd.Series(np.where(clean, totals / factor[weekdays], np.nan))
        level = level.rolling(29, center=True, min_periods=1).median().ffill().bfill()
        mu_day = level.to_numpy() * factor[weekdays]
        expected = (mu_day[:, None] * profile[weekdays]).ravel()
        # runs of empty hours
        zero = flat == 0
        edges = np.diff(np.concatenate([[0], zero.astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
        cum = np.concatenate([[0.0], np.cumsum(expected)])
        run_expected = cum[ends + 1] - cum[starts]
        bad = _zero_prob(run_expected, cv) < math.log(alpha / n_hours)
        runs = [
            (int(s), int(e), float(x)) for s, e, x in zip(starts[bad], ends[bad], run_expected[bad])
        ]
        flagged = {}
        for s, e, _ in runs:
            for d in range(s // 24, e // 24 + 1):
                flagged.setdefault(d, "gap")
        # days with far fewer records than expected
        if cv > 1e-6:
            shape = 1 / cv**2
            low_p = stats.nbinom.cdf(totals, shape, shape / (shape + mu_day))
        else:
            low_p = stats.poisson.cdf(totals, mu_day)
        for low in np.flatnonzero(low_p < alpha / n_days):
            flagged.setdefault(
                int(low),
                f"low count: {totals[low]:,.0f} records against {mu_day[low]:,.0f} expected "
                "(a gap in the log?)",
            )
        new_clean = np.ones(n_days, bool)
        new_clean[list(flagged)] = False
        if new_clean.sum() > 1:
            mu = mu_day[new_clean]
            resid = np.sum((totals[new_clean] - mu) ** 2) * new_clean.sum() / (new_clean.sum() - 1)
            cv = math.sqrt(max(resid - mu.sum(), 0.0) / np.sum(mu**2))
        if (new_clean == clean).all():
            break
        clean = new_clean
    return flagged, runs, cv


def _gap_list(
    runs: list[tuple[int, int, float]], all_times: np.ndarray, origin: np.datetime64, n_hours: int
) -> list[Gap]:
    gaps = []
    for s, e, x in runs:
        lo = origin + np.timedelta64(s, "h")
        hi = origin + np.timedelta64(e + 1, "h")
        i = int(np.searchsorted(all_times, lo))
        j = int(np.searchsorted(all_times, hi))
        after = pd.Timestamp(all_times[i - 1]) if i > 0 else None
        before = pd.Timestamp(all_times[j]) if j < len(all_times) else None
        kind = "start" if after is None else "end" if before is None else "gap"
        gaps.append(Gap(after, before, e - s + 1, x, kind))
    return gaps


def _design(
    days: pd.DatetimeIndex, seasons: bool, midpoint: pd.Timestamp
) -> tuple[np.ndarray, list[str]]:
    dow = days.day_of_week.to_numpy()
    cols = [np.ones(len(days))]
    names = ["intercept"]
    for k in range(1, 7):
        cols.append((dow == k).astype(float))
        names.append(f"dow{k}")
    if seasons:
        month = days.month.to_numpy()
        for m in range(2, 13):
            cols.append((month == m).astype(float))
            names.append(f"month{m}")
        cols.append(((days - midpoint).days.to_numpy()) / 365.25)
        names.append("years")
    return np.column_stack(cols), names


def _interval(value: float, se: float) -> Estimate:
    return Estimate(value, value - Z95 * se, value + Z95 * se)


def _cv(y: np.ndarray, mu: np.ndarray, p: int) -> Estimate:
    """cv of a gamma day multiplier from variance = mean + cv^2 mean^2 about ``mu`` (p
    fitted parameters), with the chi-square interval of the variance."""
    n = len(y)
    dof = max(n - p, 1)
    avg_var = float(np.sum((y - mu) ** 2)) / dof  # about n / dof times the mean square

    def cv(v: float) -> float:
        return math.sqrt(max(n * v - float(mu.sum()), 0.0) / float(np.sum(mu**2)))

    lo = dof * avg_var / stats.chi2.ppf(0.975, dof)
    hi = dof * avg_var / stats.chi2.ppf(0.025, dof)
    return Estimate(cv(avg_var), cv(lo), cv(hi))


def _holidays_in_log(
    holidays: Holidays, first: pd.Timestamp, last: pd.Timestamp, days: pd.DatetimeIndex
) -> dict[dt.date, str]:
    """The public holidays between the log's first and last day, by name."""
    found = holidays_lib.country_holidays(
        holidays.country,
        subdiv=holidays.subdivision,
        years=list(range(first.year, last.year + 1)),
    )
    keep = holidays.dates(days[0].date(), days[-1].date())
    return {day: str(found.get(day, "holiday")) for day in sorted(keep)}


def _days_to_leave_out(
    all_sorted: np.ndarray,
    first: pd.Timestamp,
    last: pd.Timestamp,
    days: pd.DatetimeIndex,
    holidays: Holidays | None,
) -> tuple[dict[dt.date, str], list[Gap], dict[dt.date, str]]:
    """The days to leave out (day -> why, gaps first, then low counts, then holidays), the
    gaps in the log and the public holidays in it."""
    n_days = len(days)
    records = day_hour_counts(pd.Series(all_sorted), days[0], n_days)
    flagged, runs, _ = find_gaps(records, days.day_of_week.to_numpy())
    origin = days[0].to_datetime64().astype("datetime64[h]")
    gaps = _gap_list(runs, all_sorted, origin, n_days * 24)
    excluded: dict[dt.date, str] = {}
    for (s, e, _), g in zip(runs, gaps):
        for d in range(s // 24, e // 24 + 1):
            excluded.setdefault(days[d].date(), g.describe())
    for index, why in flagged.items():
        excluded.setdefault(days[index].date(), why)
    in_log: dict[dt.date, str] = {}
    if holidays is not None:
        in_log = _holidays_in_log(holidays, first, last, days)
        for day, name in in_log.items():
            excluded.setdefault(day, f"public holiday ({name})")
    return excluded, gaps, in_log


def _weekday_counts(
    eligible: np.ndarray, used: np.ndarray, weekdays: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """7 x 24 eligible calls of the days used, and the days used of each weekday; an error
    if a weekday has none."""
    counts = np.zeros((7, 24))
    n_by_dow = np.zeros(7, int)
    for k in range(7):
        on = used & (weekdays == k)
        counts[k] = eligible[on].sum(axis=0)
        n_by_dow[k] = int(on.sum())
    if (n_by_dow == 0).any():
        missing = ", ".join(WEEKDAYS[k] for k in range(7) if n_by_dow[k] == 0)
        raise FitError(
            f"no complete day for {missing}: the hour-of-week profile needs at least one "
            "complete day of each weekday"
        )
    return counts, n_by_dow


def _seasons(used_days: pd.DatetimeIndex) -> tuple[bool, str]:
    """Whether the days used allow month-of-year weights and growth, and if not, why not."""
    span_days = (used_days[-1] - used_days[0]).days + 1
    months_seen = set(used_days.month)
    seasons = span_days >= MIN_DAYS_FOR_SEASONS and len(months_seen) == 12
    if span_days < MIN_DAYS_FOR_SEASONS:
        note = (
            f"the days used span {span_days} days; month-of-year weights and annual growth "
            f"need at least {MIN_DAYS_FOR_SEASONS} (a season cannot be told from a trend in "
            "less than a year), so neither is written"
        )
    elif not seasons:
        gone = ", ".join(MONTHS[m - 1] for m in range(1, 13) if m not in months_seen)
        note = f"no day used in {gone}: month-of-year weights and growth are not written"
    else:
        note = ""
    return seasons, note


def _seasonal_effects(
    glm: Glm, month_days: np.ndarray
) -> tuple[list[Estimate], Estimate, float, np.ndarray]:
    """From the regression's month and time coefficients: the month-of-year weights (mean 1)
    with their intervals, annual growth, the day-weighted mean month effect and its gradient
    in the month coefficients."""
    n_params = len(glm.names)
    month_effect = np.exp(np.concatenate([[0.0], glm.coef[7:18]]))
    month_mean = float((month_days * month_effect).sum() / month_days.sum())
    grad = month_days[1:] * month_effect[1:] / (month_days * month_effect).sum()
    rel = month_effect / month_effect.mean()
    monthly = []
    for m in range(12):
        dm = np.zeros(n_params)
        dm[7:18] = -month_effect[1:] / (12 * month_effect.mean())
        if m > 0:
            dm[6 + m] += 1.0
        se = math.sqrt(float(dm @ glm.cov @ dm))
        monthly.append(
            Estimate(float(rel[m]), rel[m] * math.exp(-Z95 * se), rel[m] * math.exp(Z95 * se))
        )
    delta, se_delta = glm["years"], glm.se("years")
    growth = Estimate(
        math.expm1(delta),
        math.expm1(delta - Z95 * se_delta),
        math.expm1(delta + Z95 * se_delta),
    )
    return monthly, growth, month_mean, grad


def _calls_per_week(
    glm: Glm, seasons: bool
) -> tuple[Estimate, list[Estimate] | None, Estimate | None]:
    """Calls per week (over the weekdays, and the months in a year with seasons) with its
    interval from the delta method, and the month-of-year weights and growth with seasons."""
    dow_effect = np.exp(np.concatenate([[0.0], glm.coef[1:7]]))
    month_days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    grad = np.zeros(len(glm.names))
    grad[0] = 1.0
    grad[1:7] = dow_effect[1:] / dow_effect.sum()
    monthly = growth = None
    month_mean = 1.0
    if seasons:
        monthly, growth, month_mean, grad[7:18] = _seasonal_effects(glm, month_days)
    per_week = 7 * math.exp(glm["intercept"]) * float(dow_effect.mean()) * month_mean
    se_log = math.sqrt(float(grad @ glm.cov @ grad))
    calls_per_week = Estimate(
        per_week, per_week * math.exp(-Z95 * se_log), per_week * math.exp(Z95 * se_log)
    )
    return calls_per_week, monthly, growth


def _holiday_ratios(
    days: pd.DatetimeIndex,
    daily: np.ndarray,
    expected_daily: np.ndarray,
    in_log: dict[dt.date, str],
    excluded: dict[dt.date, str],
) -> dict[dt.date, float]:
    """Each public holiday left out: its calls as a share of the regression's expectation."""
    return {
        d: float(daily[i] / expected_daily[i])
        for i, d in enumerate(days.date)
        if d in in_log and excluded[d].startswith("public holiday")
    }


def fit_demand(
    times: pd.Series, all_times: pd.Series, holidays: Holidays | None = None
) -> DemandFit:
    """Fit demand to the eligible call ``times``; ``all_times`` (every record) finds gaps."""
    all_sorted = np.sort(all_times.dropna().to_numpy(dtype="datetime64[ns]"))
    times = times.dropna()
    if len(all_sorted) == 0 or times.empty:
        raise FitError("no eligible call with a usable time to fit demand to")
    first, last = pd.Timestamp(all_sorted[0]), pd.Timestamp(all_sorted[-1])
    days = pd.date_range(first.normalize(), last.normalize(), freq="D")
    weekdays = days.day_of_week.to_numpy()
    excluded, gaps, in_log = _days_to_leave_out(all_sorted, first, last, days, holidays)
    used = np.array([d.date() not in excluded for d in days])
    eligible = day_hour_counts(times, days[0], len(days))
    daily = eligible.sum(axis=1)
    if not used.any():
        raise FitError("every day of the log has a gap or is a holiday: no day to fit demand to")
    counts, n_by_dow = _weekday_counts(eligible, used, weekdays)
    observed = counts / n_by_dow[:, None]
    test = separability(eligible[used], weekdays[used])
    intervals = profile_intervals(eligible[used], weekdays[used])
    # regression of daily counts: weekday (+ month + trend with a year or more)
    used_days = days[used]
    seasons, note = _seasons(used_days)
    midpoint = used_days[0] + (used_days[-1] - used_days[0]) / 2
    midpoint = midpoint.normalize()
    X, names = _design(used_days, seasons, midpoint)
    y = daily[used].astype(float)
    glm = poisson_glm(X, y, names)
    Xall, _ = _design(days, seasons, midpoint)
    expected_daily = np.exp(Xall @ glm.coef)
    calls_per_week, monthly, growth = _calls_per_week(glm, seasons)
    return DemandFit(
        first=first,
        last=last,
        days=days,
        used=used,
        excluded=dict(sorted(excluded.items())),
        gaps=gaps,
        holidays=in_log,
        daily=daily,
        expected_daily=expected_daily,
        observed=observed,
        counts=counts,
        days_by_weekday=n_by_dow,
        hourly=_weights(observed.sum(axis=0)),
        daily_weights=_weights(observed.sum(axis=1)),
        hour_of_week=_weights(observed.ravel()),
        intervals=intervals,
        separable=test.p_value >= SEPARABLE_P,
        test=test,
        calls_per_week=calls_per_week,
        overdispersion=_cv(y, glm.mu, len(names)),
        overdispersion_raw=_cv(y, np.full(len(y), y.mean()), 1),
        monthly=monthly,
        growth=growth,
        seasons_note=note,
        midpoint=midpoint,
        dispersion=glm.dispersion,
        glm_parameters=len(names),
        holiday_ratios=_holiday_ratios(days, daily, expected_daily, in_log, excluded),
    )

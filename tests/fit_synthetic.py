"""Synthetic CAD exports with known truth, for tests/fitting/test_fit.py (and the timing check).

One row per call: an hour-of-week profile (separable or not), month-of-year weights, annual
growth and a gamma day-level multiplier set the day's calls; natures, zones and two
durations (lognormal dispatch -> arrival, gamma arrival -> clear) are drawn per call;
non-eligible natures fill the log around them. Then the mess a real export has: blank,
sentinel and date-only call times, -9999, 1900-01-01 and date-only duration stamps, clear
before arrival, durations over a day, a nature written in another case, a public holiday
with fewer calls, a gap in the log and a partial last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HOURLY = 1 + 0.7 * np.sin((np.arange(24) - 9) / 24 * 2 * np.pi)  # peak 15:00, low 03:00
DAILY = np.array([1.0, 1.05, 1.0, 1.0, 1.1, 1.2, 0.9])
MONTHLY = 1 + 0.15 * np.cos((np.arange(12) - 6) / 12 * 2 * np.pi)  # July peak
MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
TYPES = {"mental_health": 0.3, "quality_of_life": 0.6, "higher_risk": 0.1}
NATURES = {
    "mental_health": ["MENTAL HEALTH", "SUICIDE THREAT"],
    "quality_of_life": ["WELFARE CHECK", "TRESPASS"],
    "higher_risk": ["MH VIOLENT"],
}
ZONES = {"D1": 0.5, "D2": 0.3, "D3": 0.2}
OTHER = ["TRAFFIC STOP", "THEFT", "ALARM", "NOISE"]
TIME_FORMAT = "%m/%d/%Y %I:%M:%S %p"
TYPE_MAP = {nature: t for t, ns in NATURES.items() for nature in ns}


@dataclass
class Truth:
    """What the export was generated from (calls_per_week at ``midpoint``)."""

    calls_per_week: float
    midpoint: pd.Timestamp
    growth: float
    cv: float
    hourly: np.ndarray  # shares
    daily: np.ndarray  # shares
    monthly: np.ndarray  # mean 1
    separable: bool
    profile: np.ndarray  # 7 x 24 shares of a week's calls
    arrival: tuple[float, float] = (15.0, 9.0)  # lognormal mean, sd
    on_scene: tuple[float, float] = (40.0, 25.0)  # gamma mean, sd
    messy: dict[str, int] = field(default_factory=dict)
    gap: tuple[pd.Timestamp, pd.Timestamp] | None = None
    holiday: dt.date | None = None

    def calls_per_week_at(self, when: pd.Timestamp) -> float:
        years = (when - self.midpoint).days / 365.25
        return self.calls_per_week * (1 + self.growth) ** years


def _stamp(times: pd.Series) -> pd.Series:
    return times.dt.strftime(TIME_FORMAT)


def synthetic_export(
    seed: int = 7,
    start: str = "2022-01-03",
    days: int = 546,
    calls_per_week: float = 700.0,
    other_per_day: float = 150.0,
    separable: bool = True,
    growth: float = 0.05,
    cv: float = 0.15,
    messy: bool = True,
) -> tuple[pd.DataFrame, Truth]:
    """A CAD export (strings, as read from a CSV) and the truth behind it."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start)
    dates = pd.date_range(first, periods=days, freq="D")
    midpoint = (dates[0] + (dates[-1] - dates[0]) / 2).normalize()
    if separable:
        profile = np.outer(DAILY, HOURLY)
    else:  # weekends peak late at night
        late = 1 + 0.7 * np.sin((np.arange(24) - 15) / 24 * 2 * np.pi)
        profile = np.outer(DAILY, HOURLY)
        profile[5:] = np.outer(DAILY[5:], late)
    profile = profile / profile.sum()
    month_factor = MONTHLY * MONTH_DAYS.sum() / (MONTHLY * MONTH_DAYS).sum()
    dow = dates.day_of_week.to_numpy()
    years = ((dates - midpoint).days.to_numpy()) / 365.25
    day_share = profile.sum(axis=1)[dow] * 7
    mean = calls_per_week / 7 * day_share * month_factor[dates.month - 1] * (1 + growth) ** years
    mult = rng.gamma(1 / cv**2, cv**2, days) if cv > 0 else np.ones(days)
    holiday = (
        dt.date(2022, 7, 4) if dates[0].date() <= dt.date(2022, 7, 4) <= dates[-1].date() else None
    )
    if holiday is not None:
        mult[(dates.date == holiday)] *= 0.7
    n = rng.poisson(mean * mult)
    # hours within each day from that weekday's profile, seconds uniform within the hour
    day_idx = np.repeat(np.arange(days), n)
    hour_probs = profile / profile.sum(axis=1, keepdims=True)
    hours = np.empty(day_idx.size, int)
    for k in range(7):
        on = dow[day_idx] == k
        hours[on] = rng.choice(24, on.sum(), p=hour_probs[k])
    seconds = rng.integers(0, 3600, day_idx.size)
    times = dates[day_idx] + pd.to_timedelta(hours, unit="h") + pd.to_timedelta(seconds, unit="s")
    kinds = rng.choice(list(TYPES), day_idx.size, p=list(TYPES.values()))
    natures = np.array([rng.choice(NATURES[k]) for k in kinds], dtype=object)
    zones = rng.choice(list(ZONES), day_idx.size, p=list(ZONES.values()))
    m, s = 15.0, 9.0
    s2 = np.log1p((s / m) ** 2)
    arrive_min = rng.lognormal(np.log(m) - s2 / 2, np.sqrt(s2), day_idx.size)
    shape = (40.0 / 25.0) ** 2
    scene_min = rng.gamma(shape, 25.0**2 / 40.0, day_idx.size)
    dispatch = times + pd.to_timedelta(rng.exponential(120, day_idx.size).round(), unit="s")
    arrival = dispatch + pd.to_timedelta((arrive_min * 60).round(), unit="s")
    clear = arrival + pd.to_timedelta((scene_min * 60).round(), unit="s")
    eligible = pd.DataFrame(
        {
            "Call Time": _stamp(pd.Series(times)),
            "Nature": natures,
            "Beat": zones,
            "Dispatched": _stamp(pd.Series(dispatch)),
            "Arrived": _stamp(pd.Series(arrival)),
            "Cleared": _stamp(pd.Series(clear)),
            "_time": times,
        }
    )
    # other (not eligible) calls: flat over the day, for the log's coverage
    n_other = rng.poisson(other_per_day * mult)
    o_idx = np.repeat(np.arange(days), n_other)
    o_times = dates[o_idx] + pd.to_timedelta(rng.integers(0, 86400, o_idx.size), unit="s")
    others = pd.DataFrame(
        {
            "Call Time": _stamp(pd.Series(o_times)),
            "Nature": rng.choice(OTHER, o_idx.size),
            "Beat": rng.choice(list(ZONES), o_idx.size),
            "Dispatched": "",
            "Arrived": "",
            "Cleared": "",
            "_time": o_times,
        }
    )
    frame = pd.concat([eligible, others], ignore_index=True)
    gap = None
    counts: dict[str, int] = {}
    if messy:
        gap = (first + pd.Timedelta(days=250, hours=8), first + pd.Timedelta(days=251, hours=14))
        in_gap = (frame["_time"] >= gap[0]) & (frame["_time"] < gap[1])
        frame = frame[~in_gap]
        end = dates[-1] + pd.Timedelta(hours=15)  # the log stops mid-afternoon
        frame = frame[frame["_time"] < end].reset_index(drop=True)
    frame = frame.sort_values("_time", kind="stable").reset_index(drop=True)
    if messy:
        ok = frame.index[frame["Nature"].isin(TYPE_MAP) & frame["Arrived"].ne("")]
        picks = iter(rng.permutation(ok))

        def take(k: int) -> list[int]:
            return [next(picks) for _ in range(k)]

        rows = take(20)
        frame.loc[rows, "Call Time"] = ""
        counts["time blank"] = len(rows)
        rows = take(15)
        frame.loc[rows, "Call Time"] = "-9999"
        counts["time sentinel"] = len(rows)
        rows = take(12)
        frame.loc[rows, "Call Time"] = frame.loc[rows, "_time"].dt.strftime("%m/%d/%Y")
        counts["time date only"] = len(rows)
        rows = take(30)
        frame.loc[rows, "Arrived"] = "-9999"
        counts["arrived sentinel"] = len(rows)
        rows = take(25)
        frame.loc[rows, "Cleared"] = "01/01/1900 12:00:00 AM"
        counts["cleared 1900"] = len(rows)
        rows = take(20)
        frame.loc[rows, "Arrived"] = frame.loc[rows, "_time"].dt.strftime("%m/%d/%Y")
        counts["arrived date only"] = len(rows)
        rows = take(10)
        frame.loc[rows, "Cleared"] = ""
        counts["cleared blank"] = len(rows)
        rows = take(18)  # cleared before arrival
        back = pd.to_datetime(frame.loc[rows, "Arrived"], format=TIME_FORMAT) - pd.Timedelta(
            minutes=5
        )
        frame.loc[rows, "Cleared"] = _stamp(back)
        counts["negative"] = len(rows)
        rows = take(5)  # more than a day on scene
        late = pd.to_datetime(frame.loc[rows, "Arrived"], format=TIME_FORMAT) + pd.Timedelta(
            hours=30
        )
        frame.loc[rows, "Cleared"] = _stamp(late)
        counts["over 24 h"] = len(rows)
        rows = take(40)  # the same nature written another way: still mapped
        frame.loc[rows, "Nature"] = " " + frame.loc[rows, "Nature"].str.lower() + "  "
        counts["nature recased"] = len(rows)
        counts["unmapped"] = int((~frame["Nature"].str.strip().str.upper().isin(TYPE_MAP)).sum())
    truth = Truth(
        calls_per_week=calls_per_week,
        midpoint=midpoint,
        growth=growth,
        cv=cv,
        hourly=profile.sum(axis=0) / profile.sum(),
        daily=profile.sum(axis=1) / profile.sum(),
        monthly=MONTHLY / MONTHLY.mean(),
        separable=separable,
        profile=profile,
        messy=counts,
        gap=gap,
        holiday=holiday,
    )
    return frame.drop(columns="_time"), truth

"""Calendars: holidays, monthly weights and growth, day-level overdispersion, phases.

Every expectation is worked out here from the scenario's inputs (dates, shifts, weights),
not read back from the code under test. Scenarios are built from dicts with the calendar
keys set explicitly, so the tests do not depend on what the shipped baseline says.
"""

from __future__ import annotations

import copy
import datetime as dt
import math

import numpy as np
import pytest
from builders import baseline_dict, mmc_dict, scenario_error
from scipy import stats

from heart_sim.core._errors import ScenarioError
from heart_sim.core._vocab import PROGRAMS, Outcome, Program
from heart_sim.measure._metrics import replication_by_month, replication_kpis
from heart_sim.model._arrivals import expected_counts
from heart_sim.model._dates import Calendar
from heart_sim.model._engine import simulate
from heart_sim.model._rosters import crews, roster, staffing_changes
from heart_sim.scenario._load import builtin_scenarios, load_scenario_dict, scenario_from_dict

H = 60
DAY = 24 * H
HOURS_PER_YEAR = 365.25 * 24  # growth compounds over years of 365.25 days
THANKSGIVING_2023 = dt.date(2023, 11, 23)  # fourth Thursday of November
DAY_AFTER_THANKSGIVING_2023 = dt.date(2023, 11, 24)  # a North Carolina state holiday
NC = {"country": "US", "subdivision": "NC"}


def plain_baseline() -> dict:
    """The shipped baseline with every calendar and availability key taken out."""
    d = copy.deepcopy(baseline_dict())
    for key in ("start_date", "holidays", "phases"):
        d.pop(key, None)
    for key in ("monthly_weights", "annual_growth", "overdispersion"):
        d["demand"].pop(key, None)
    for cfg in d["programs"].values():
        cfg.pop("on_holidays", None)
        cfg.pop("availability", None)
    if d.get("costs"):
        d["costs"]["relief_factor"] = 1.0
    return d


def crt_only(shifts: list[dict], weeks: int = 1, warmup: int = 0, **crt) -> dict:
    """One CRT program with these shifts and almost no calls (staffing tests)."""
    d = mmc_dict(1, 0.01, weeks=weeks, warmup=warmup)
    d["demand"] = {"calls_per_week": 1.0}
    d["programs"]["crt"]["shifts"] = shifts
    d["programs"]["crt"].update(crt)
    return d


def no_programs(weeks: int, **demand) -> dict:
    """Nothing on duty (every call falls back at once): fast, for arrival counts."""
    d = mmc_dict(1, 0.01, weeks=weeks, warmup=0)
    d["programs"]["crt"]["shifts"] = []
    d["demand"] = demand
    return d


def per_day(per_hour: list[float] | np.ndarray) -> np.ndarray:
    """Hours per day from unit-minutes per hour of a window that starts at 00:00."""
    return np.asarray(per_hour, float).reshape(-1, 24).sum(axis=1) / H


def per_day_hour(per_hour: list[float] | np.ndarray) -> np.ndarray:
    """Units on duty in each hour, as (day, hour of day), from unit-minutes per hour."""
    return np.asarray(per_hour, float).reshape(-1, 24) / H


def window_dates(start: dt.date, weeks: int) -> list[dt.date]:
    return [start + dt.timedelta(days=k) for k in range(7 * weeks)]


# -- holidays ------------------------------------------------------------------------------

# (days, the weekdays they are with 0 = Monday, start hour, end hour, units) per program.
HOLIDAY_SHIFTS = {
    "ccd": ("weekdays", range(5), 9, 17, 2),
    "crt": ("daily", range(7), 9, 19, 4),
    "cor": ("weekdays", range(5), 9, 17, 1),
    "cn": ("weekdays", range(5), 9, 19, 2),
}
CLOSED = ("ccd", "cor", "cn")


def thanksgiving_scenario():
    d = plain_baseline()
    d["start_date"] = "2023-11-13"
    d["warmup_weeks"] = 1
    d["horizon_weeks"] = 3
    d["holidays"] = dict(NC)
    d["demand"]["calls_per_week"] = 1500
    for p, (days, _, start, end, units) in HOLIDAY_SHIFTS.items():
        cfg = d["programs"][p]
        cfg["shifts"] = [
            {"days": days, "start": f"{start:02d}:00", "end": f"{end:02d}:00", "units": units}
        ]
        cfg["on_holidays"] = "closed" if p in CLOSED else "open"
        cfg["area"] = "city"  # so CRT serves every call it is sent
    return scenario_from_dict(d)


def test_the_calendar_knows_thanksgiving_and_the_day_after_in_north_carolina() -> None:
    sc = thanksgiving_scenario()
    cal = Calendar.of(sc)
    window = set(window_dates(sc.start_date, sc.horizon_weeks))
    assert cal.holidays & window == {THANKSGIVING_2023, DAY_AFTER_THANKSGIVING_2023}
    assert THANKSGIVING_2023.weekday() == 3 and 22 <= THANKSGIVING_2023.day <= 28


def test_a_holiday_closes_the_programs_that_close_and_nothing_else() -> None:
    sc = thanksgiving_scenario()
    rec = simulate(sc, 3, 0)
    dates = window_dates(sc.start_date, sc.horizon_weeks)
    holiday = np.array([d in (THANKSGIVING_2023, DAY_AFTER_THANKSGIVING_2023) for d in dates])
    for p, (_, days, start, end, units) in HOLIDAY_SHIFTS.items():
        works = np.array([d.weekday() in days for d in dates])
        if p in CLOSED:
            works &= ~holiday
        expected = np.where(works, units * (end - start), 0.0)
        np.testing.assert_array_equal(per_day(rec.meters[p].staffed), expected, err_msg=p)
        np.testing.assert_array_equal(per_day(rec.scheduled[p]), expected, err_msg=p)
    # Thanksgiving is a Thursday: the closed programs have 0 hours that day, not the 16,
    # 8 and 20 of the Thursday before; CRT has its 40 both days.
    assert per_day(rec.meters["ccd"].staffed)[10] == 0 and per_day(rec.scheduled["ccd"])[3] == 16

    c = rec.calls
    day_of_call = np.floor((c.t_arrive - rec.t0) / DAY).astype(int)
    on_holiday = np.isin(day_of_call, np.flatnonzero(holiday))
    assert on_holiday.sum() > 300  # ~430 expected over the two days
    assert not c.ccd_answered[on_holiday].any()
    assert not np.isin(c.outcome[on_holiday], [Outcome.CCD_RESOLVED, Outcome.COR_SERVED]).any()
    assert not (c.dispatched_to[on_holiday] == Program.COR.dispatch_code).any()
    # Calls 911 sends to CoR directly (CCD is closed too) all go to police/EMS, out of hours.
    to_cor = np.array([t.direct == "cor" for t in sc.call_types.values()])[c.call_type]
    assert (to_cor & on_holiday).sum() > 10
    assert (c.outcome[to_cor & on_holiday] == Outcome.FALLBACK_OUT_OF_HOURS).all()
    # CRT, open, serves on each holiday.
    served = c.outcome == Outcome.CRT_SERVED
    for k in np.flatnonzero(holiday):
        assert (served & (day_of_call == k)).sum() > 20
    # No CN contact on a holiday: the referrals made then wait for Monday 27th 09:00.
    cn_day = np.floor((c.cn_start - rec.t0) / DAY)
    assert not np.isin(cn_day[~np.isnan(cn_day)], np.flatnonzero(holiday)).any()
    referred_on_holiday = np.isin(np.floor((c.cn_referred - rec.t0) / DAY), np.flatnonzero(holiday))
    assert referred_on_holiday.sum() > 5
    monday_0900 = rec.t0 + 14 * DAY + 9 * H
    started = c.cn_start[referred_on_holiday]
    assert (started[~np.isnan(started)] >= monday_0900).all()
    # The Wednesday before, the same programs were working (so the test can fail).
    wednesday = (day_of_call == 9) & (c.t_arrive % DAY >= 9 * H) & (c.t_arrive % DAY < 17 * H)
    assert c.ccd_answered[wednesday].sum() > 10
    assert (c.outcome[wednesday] == Outcome.COR_SERVED).sum() > 0


# CRT works weekdays 09:00-17:00 (2 units) and Sundays 10:00-14:00 (1 unit).
SPLIT_WEEK = [
    {"days": "weekdays", "start": "09:00", "end": "17:00", "units": 2},
    {"days": "sun", "start": "10:00", "end": "14:00", "units": 1},
]


def _profile(weekday: list[int], sunday: list[int]) -> dict[str, np.ndarray]:
    out = {"weekday": np.zeros(24), "sunday": np.zeros(24), "none": np.zeros(24)}
    out["weekday"][weekday[0] : weekday[1]] = 2
    out["sunday"][sunday[0] : sunday[1]] = 1
    return out


@pytest.mark.parametrize(
    ("mode", "holiday_profile"), [("open", "weekday"), ("closed", "none"), ("weekend", "sunday")]
)
def test_on_holidays_open_closed_or_the_sunday_shifts(mode: str, holiday_profile: str) -> None:
    d = crt_only(SPLIT_WEEK, weeks=1, warmup=1, on_holidays=mode)
    d["start_date"] = "2023-11-20"  # Monday; Thursday 23rd and Friday 24th are holidays
    d["holidays"] = dict(NC)
    rec = simulate(scenario_from_dict(d), 1, 0)
    prof = _profile([9, 17], [10, 14])
    expected = [prof["weekday"]] * 3 + [prof[holiday_profile]] * 2
    expected += [prof["none"], prof["sunday"]]
    np.testing.assert_array_equal(per_day_hour(rec.meters["crt"].staffed), np.stack(expected))
    np.testing.assert_array_equal(per_day_hour(rec.scheduled["crt"]), np.stack(expected))


def test_holidays_add_and_remove_dates() -> None:
    d = crt_only(SPLIT_WEEK, weeks=1, warmup=1, on_holidays="closed")
    d["start_date"] = "2023-11-20"
    d["holidays"] = {**NC, "add": ["2023-11-21"], "remove": ["2023-11-24"]}
    sc = scenario_from_dict(d)
    rec = simulate(sc, 1, 0)
    hours = per_day(rec.meters["crt"].staffed)
    # Mon, Tue (added: closed), Wed, Thanksgiving (closed), Fri (removed: worked), Sat, Sun.
    np.testing.assert_array_equal(hours, [16, 0, 16, 0, 16, 0, 4])
    window = set(window_dates(sc.start_date, 1))
    assert rec.calendar.holidays & window == {dt.date(2023, 11, 21), THANKSGIVING_2023}


# -- monthly weights, growth and overdispersion --------------------------------------------

DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
MONTHLY = [1.3, 2.5, 1.0, 0.9, 0.8, 0.85, 0.9, 1.0, 1.05, 1.1, 1.2, 1.4]
HOURLY = [1.0] * 8 + [2.0] * 12 + [1.5] * 4
DAILY = [1.0, 1.0, 1.0, 1.0, 1.2, 1.5, 1.3]


def _monthly_expectation(sc, growth: float, weights: list[float] | None):
    """Expected calls per calendar month of the window, from the inputs: per hour the
    weekly profile x the month's factor x the growth over that hour (midpoint rule)."""
    origin, t0, t1 = sc.origin, sc.start_min, sc.end_min
    hours = np.arange(int(t0 // H), int(t1 // H))
    dates = [origin + dt.timedelta(days=int(h // 24)) for h in hours]
    weekday = np.array([d.weekday() for d in dates])
    month = np.array([d.month - 1 for d in dates])
    key = np.array([d.year * 12 + d.month - 1 for d in dates])
    hourly = np.array(HOURLY) / sum(HOURLY)
    daily = np.array(DAILY) / sum(DAILY)
    per_hour = sc.demand.calls_per_week * daily[weekday] * hourly[hours % 24]
    if weights is not None:
        w = np.asarray(weights, float)
        per_hour = per_hour * (w * 365 / (w * DAYS_IN_MONTH).sum())[month]
    years = (hours + 0.5 - t0 / H) / HOURS_PER_YEAR
    per_hour = per_hour * (1 + growth) ** years
    keys, index = np.unique(key, return_inverse=True)
    return hours, keys, index, np.bincount(index, weights=per_hour)


def test_monthly_counts_follow_the_weights_and_compound_growth() -> None:
    g = 0.05
    d = no_programs(
        520,
        calls_per_week=500,
        hourly_weights=HOURLY,
        daily_weights=DAILY,
        monthly_weights=MONTHLY,
        annual_growth=g,
    )
    d["start_date"] = "2021-03-17"  # a Wednesday: the first month is partial, 2024 is leap
    sc = scenario_from_dict(d)
    assert sc.origin.weekday() == 0
    assert sc.origin + dt.timedelta(minutes=sc.start_min) == sc.start_date
    rec = simulate(sc, 2, 0)
    hours, keys, index, expected = _monthly_expectation(sc, g, MONTHLY)
    assert keys.size == 121  # March 2021 (part) .. March 2031 (part)
    t = rec.calls.t_arrive
    t = t[(t >= rec.t0) & (t < rec.t1)]
    observed = np.bincount(index[(t // H).astype(int) - hours[0]], minlength=keys.size)
    # Total: Poisson, within 4 sd (~335,000 calls, sd ~580).
    assert abs(observed.sum() - expected.sum()) < 4 * math.sqrt(expected.sum())
    chi2, p = stats.chisquare(observed, expected * observed.sum() / expected.sum())
    assert p > 0.001, (chi2, p)
    # The same counts fail against the weights without growth, or growth without weights.
    for wrong in (_monthly_expectation(sc, 0.0, MONTHLY)[3], _monthly_expectation(sc, g, None)[3]):
        assert stats.chisquare(observed, wrong * observed.sum() / wrong.sum())[1] < 1e-6
    # Cross-check: the library's own expectation agrees with the one worked out here.
    edges = (
        [rec.t0]
        + [(dt.date(k // 12, k % 12 + 1, 1) - sc.origin).days * DAY for k in keys[1:]]
        + [rec.t1]
    )
    ours = expected_counts(sc, rec.calendar, np.array(edges, float))
    np.testing.assert_allclose(ours, expected, rtol=1e-6)


@pytest.mark.parametrize("cv", [0.0, 0.3])
def test_daily_counts_have_variance_to_mean_one_plus_cv2_mean(cv: float) -> None:
    mean = 50.0  # calls per day
    d = no_programs(520, calls_per_week=7 * mean, overdispersion=cv)
    rec = simulate(scenario_from_dict(d), 4, 0)
    t = rec.calls.t_arrive
    t = t[(t >= rec.t0) & (t < rec.t1)]
    counts = np.bincount(((t - rec.t0) // DAY).astype(int), minlength=3640)
    assert counts.size == 3640
    n = counts.size
    m, v = counts.mean(), counts.var(ddof=1)
    m4 = ((counts - m) ** 4).mean()
    # Asymptotic sd of the sample variance, (mu4 - sigma^4) / n, and of the mean.
    sd_vmr = math.sqrt((m4 - v**2) / n / mean**2 + v**2 * (v / n) / mean**4)
    expected_vmr = 1 + cv**2 * mean  # gamma-Poisson: var = mean + cv^2 mean^2
    assert abs(m - mean) < 4 * math.sqrt(v / n), m
    assert abs(v / m - expected_vmr) < 4 * sd_vmr, (v / m, expected_vmr, sd_vmr)
    if cv > 0:  # far from Poisson: the multiplier is per day, not per hour (1 + cv^2 m / 24)
        assert v / m > 4


# -- phases ---------------------------------------------------------------------------------


def test_a_phase_adds_crt_units_from_its_date_and_not_before() -> None:
    d = crt_only([{"days": "daily", "start": "09:00", "end": "19:00", "units": 2}], weeks=17)
    d["demand"] = {"calls_per_week": 600}  # busy enough that every unit on duty works
    d["programs"]["crt"]["on_scene_time"] = {"dist": "exponential", "mean": 60}
    d["start_date"] = "2023-01-01"  # a Sunday; the window ends 2023-04-30 00:00
    d["phases"] = [
        {
            "from": "2023-03-01",
            "changes": {
                "programs": {
                    "crt": {
                        "shifts": [{"days": "daily", "start": "09:00", "end": "19:00", "units": 3}]
                    }
                }
            },
        }
    ]
    sc = scenario_from_dict(d)
    rec = simulate(sc, 5, 0)
    months = replication_by_month(rec)
    labels = [m.label for m in rec.calendar.months()]
    assert labels == ["2023-01", "2023-02", "2023-03", "2023-04"]
    expected = np.array([31 * 2, 28 * 2, 31 * 3, 29 * 3]) * 10.0
    np.testing.assert_array_equal(months["crt_scheduled_hours"], expected)
    np.testing.assert_array_equal(months["crt_staffed_hours"], expected)
    # Per day: 20 hours up to 28 Feb, 30 from 1 March.
    first = (dt.date(2023, 3, 1) - sc.start_date).days
    hours = per_day(rec.meters["crt"].staffed)
    assert (hours[:first] == 20).all() and (hours[first:] == 30).all()
    # The engine uses the third unit only from 1 March: busy unit-minutes in an hour never
    # exceed 2 x 60 before, and reach 3 x 60 after.
    busy = np.asarray(rec.meters["crt"].busy).reshape(-1, 24)
    assert busy[:first].max() <= 2 * H + 1e-9
    assert busy[first:].max() > 2 * H + 1


def test_a_phase_city_wide_ends_out_of_area_fallbacks_for_calls_after_its_date() -> None:
    d = plain_baseline()
    d["start_date"] = "2023-10-02"
    d["horizon_weeks"] = 6
    d["demand"]["calls_per_week"] = 1000
    d["phases"] = [
        {
            "from": "2023-10-23",
            "changes": {"programs": {p: {"area": "city"} for p in ("crt", "cor", "cn")}},
        }
    ]
    sc = scenario_from_dict(d)
    assert sc.programs.crt.area == "pilot"  # the test needs a pilot-area start
    rec = simulate(sc, 8, 0)
    c = rec.calls
    t_phase = (dt.date(2023, 10, 23) - sc.origin).days * DAY
    measured = (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1)
    before, after = measured & (c.t_arrive < t_phase), measured & (c.t_arrive >= t_phase)
    out_of_area = c.outcome == Outcome.FALLBACK_OUT_OF_AREA
    assert out_of_area[before].sum() > 200
    assert out_of_area[after].sum() == 0
    # Right up to the date: the Sunday before still has them, the Monday none.
    sunday = before & (c.t_arrive >= t_phase - DAY)
    assert out_of_area[sunday].sum() > 5
    outside = ~c.in_pilot
    served_outside = outside & np.isin(c.outcome, [Outcome.CRT_SERVED, Outcome.COR_SERVED])
    assert served_outside[before].sum() == 0
    assert served_outside[after & (c.t_arrive < t_phase + DAY)].sum() > 5
    # CN takes referrals from outside the pilot area only for calls after the date.
    referred_outside = outside & ~np.isnan(c.cn_referred)
    assert referred_outside[before].sum() == 0 and referred_outside[after].sum() > 20


# -- the roster reproduces the weekly schedule -----------------------------------------------

SYNTHETIC_SHIFTS = {
    "overnight_sunday_into_monday": [
        {"days": "sun", "start": "22:00", "end": "06:00", "units": 2},
        {"days": "weekdays", "start": "08:00", "end": "16:00", "units": 1},
    ],
    "relay_24_7": [
        {"days": "daily", "start": "00:00", "end": "08:00", "units": 2},
        {"days": "daily", "start": "08:00", "end": "20:00", "units": 4},
        {"days": "daily", "start": "20:00", "end": "24:00", "units": 3},
    ],
    "continuous_24_7": [{"days": "daily", "start": "00:00", "end": "24:00", "units": 3}],
    "nights_and_overlap": [
        {"days": "daily", "start": "22:00", "end": "06:00", "units": 1},
        {"days": ["fri", "sat"], "start": "18:00", "end": "02:00", "units": 2},
        {"days": "mon", "start": "00:00", "end": "24:00", "units": 0},
    ],
    "none": [],
}


def _without_calendar(data: dict) -> dict:
    d = copy.deepcopy(data)
    for key in ("start_date", "holidays", "phases"):
        d.pop(key, None)
    for key in ("monthly_weights", "annual_growth", "overdispersion"):
        d.get("demand", {}).pop(key, None)
    for cfg in d.get("programs", {}).values():
        cfg.pop("on_holidays", None)
        cfg.pop("availability", None)
    if d.get("costs"):
        d["costs"].pop("relief_factor", None)
    return d


def _assert_same_changes(sc) -> None:
    cal = Calendar.of(sc)
    assert cal.begin == 0  # no start_date: the run begins on a Monday, as the weekly model
    for p in PROGRAMS:
        old = list(sc.program(p).schedule().changes(cal.end))
        cs = crews(sc, cal, p)
        assert staffing_changes(cs, [c.units for c in cs], cal.begin, cal.end) == old, p
        r = roster(sc, cal, p, 1, 0)  # with nothing unavailable, present = scheduled
        assert r.scheduled == old and r.present == old and r.away == [], p


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_staffing_changes_reproduce_the_weekly_schedule_for_builtin_scenarios(name) -> None:
    _, merged, _ = load_scenario_dict(name)
    _assert_same_changes(scenario_from_dict(_without_calendar(merged)))


@pytest.mark.parametrize("name", list(SYNTHETIC_SHIFTS))
@pytest.mark.parametrize("warmup", [0, 1])
def test_staffing_changes_reproduce_the_weekly_schedule_for_odd_shifts(name, warmup) -> None:
    d = crt_only(SYNTHETIC_SHIFTS[name], weeks=3, warmup=warmup)
    _assert_same_changes(scenario_from_dict(d))


def test_continuous_crews_hand_over_only_the_units_by_which_staffing_falls() -> None:
    # 2 units 09-17 and 1 unit 17-01, every day; 1 unit 13-21 on Monday only. As shift lines,
    # every end is a handover; as one continuous crew only the fall in staffing is.
    shifts = [
        {"days": "daily", "start": "09:00", "end": "17:00", "units": 2},
        {"days": "daily", "start": "17:00", "end": "01:00", "units": 1},
        {"days": "mon", "start": "13:00", "end": "21:00", "units": 1},
    ]
    lines = roster(scenario_from_dict(crt_only(shifts)), *_cal(crt_only(shifts)), 1, 0)
    d = crt_only(shifts, continuous_crews=True)
    crew = roster(scenario_from_dict(d), *_cal(d), 1, 0)
    mon = {t: (u, e) for t, u, e in lines.scheduled if t < 26 * H}
    # (Sunday's 17-01 crew is on at Monday 00:00.)
    assert mon == {0: (1, 0), H: (0, 1), 9 * H: (2, 0), 13 * H: (3, 0), 17 * H: (2, 2),
                   21 * H: (1, 1), 25 * H: (0, 1)}  # fmt: skip
    mon = {t: (u, e) for t, u, e in crew.scheduled if t < 26 * H}
    # At 17:00 two units end and one starts: one hands over, one carries on as the new one.
    assert mon == {0: (1, 0), H: (0, 1), 9 * H: (2, 0), 13 * H: (3, 0), 17 * H: (2, 1),
                   21 * H: (1, 1), 25 * H: (0, 1)}  # fmt: skip
    # The units on duty are the same; only the handovers differ.
    assert [(t, u) for t, u, _ in lines.scheduled] == [(t, u) for t, u, _ in crew.scheduled]
    # Tuesday 17:00: 2 end, 1 starts, nothing else: one handover instead of two.
    tue = 24 * H + 17 * H
    assert [e for t, _, e in lines.scheduled if t == tue] == [2]
    assert [e for t, _, e in crew.scheduled if t == tue] == [1]


def _cal(d: dict) -> tuple:
    sc = scenario_from_dict(d)
    return Calendar.of(sc), Program.CRT


# -- validation -------------------------------------------------------------------------------


def _phase(changes: dict, start: str = "2023-03-01") -> dict:
    return {"from": start, "changes": changes}


def _set(**top):
    def change(d: dict) -> None:
        d.update(copy.deepcopy(top))

    return change


def _dated(**top):
    return _set(start_date="2023-01-02", **top)


def _program(p: str, **keys):
    def change(d: dict) -> None:
        d["start_date"] = "2023-01-02"
        d["programs"][p].update(keys)

    return change


def _demand(**keys):
    def change(d: dict) -> None:
        d["demand"].update(keys)

    return change


def _phase_with_new_call_type(d: dict) -> None:
    extra = copy.deepcopy(next(iter(d["call_types"].values())))
    extra["share"] = 0.0
    d["start_date"] = "2023-01-02"
    d["phases"] = [_phase({"call_types": {"extra_type": extra}})]


CALENDAR_ERRORS = {
    "holidays_without_start_date": (_set(holidays=NC), ["holidays", "needs start_date"]),
    "phases_without_start_date": (
        _set(phases=[_phase({"demand": {"multiplier": 2}})]),
        ["phases", "needs start_date"],
    ),
    "monthly_weights_without_start_date": (
        _demand(monthly_weights=[1] * 12),
        ["demand.monthly_weights", "needs start_date"],
    ),
    "unknown_country": (
        _dated(holidays={"country": "XX"}),
        ["holidays", "country 'XX' is not known to holidays"],
    ),
    "country_in_lower_case": (
        _dated(holidays={"country": "us"}),
        ["holidays", "country 'us'", "did you mean 'US'?"],
    ),
    "unknown_subdivision": (
        _dated(holidays={"country": "US", "subdivision": "ZZ"}),
        ["holidays", "subdivision 'ZZ' is not one of US's: AK, AL"],
    ),
    "holiday_date_not_a_date": (
        _dated(holidays={"country": "US", "add": ["2023-13-01"]}),
        ["holidays.add[0]", "expected a date as YYYY-MM-DD"],
    ),
    "on_holidays_without_holidays": (
        _program("crt", on_holidays="closed"),
        ["programs.crt.on_holidays", "closed needs a holidays: block"],
    ),
    "phases_out_of_date_order": (
        _dated(phases=[_phase({}, "2023-03-01"), _phase({}, "2023-02-01")]),
        ["phases[1].from", "2023-02-01 is not after phases[0] 2023-03-01"],
    ),
    "two_phases_on_one_date": (
        _dated(phases=[_phase({}, "2023-03-01"), _phase({}, "2023-03-01")]),
        ["phases[1].from", "2023-03-01 is not after phases[0] 2023-03-01"],
    ),
    "phase_before_the_start": (
        _dated(phases=[_phase({}, "2022-01-03")]),
        ["phases[0].from", "is not after start_date", "belongs in the scenario itself"],
    ),
    "start_date_out_of_range": (
        _set(start_date="0001-01-03"),
        ["start_date", "is outside 1900-01-01 - 2200-12-31"],
    ),
    "phase_changes_seed": (
        _dated(phases=[_phase({"seed": 3})]),
        ["phases[0].changes", "not seed (those hold for the whole run)"],
    ),
    "phase_changes_holidays": (
        _dated(phases=[_phase({"holidays": NC})]),
        ["phases[0].changes", "not holidays"],
    ),
    "phase_changes_costs": (
        _dated(phases=[_phase({"costs": {"loading": 2}})]),
        ["phases[0].changes", "not costs (those hold for the whole run)"],
    ),
    "phase_with_a_bad_value": (
        _dated(
            phases=[
                _phase(
                    {
                        "programs": {
                            "crt": {
                                "shifts": [
                                    {"days": "daily", "start": "9:00", "end": "17:00", "units": -1}
                                ]
                            }
                        }
                    }
                )
            ]
        ),
        ["phases[0].changes.programs.crt.shifts[0].units", "greater than or equal to 0"],
    ),
    "phase_adds_a_call_type": (
        _phase_with_new_call_type,
        ["phases[0].changes.call_types", "not add, remove or reorder"],
    ),
    "phase_date_not_a_date": (
        _dated(phases=[_phase({}, "2023-02-30")]),
        ["phases[0].from", "expected a date as YYYY-MM-DD"],
    ),
    "start_date_with_a_time": (
        _set(start_date=dt.datetime(2023, 10, 23, 9, 0)),
        ["start_date", "got a date and time"],
    ),
    "start_date_as_a_number": (_set(start_date=20231023), ["start_date", "got 20231023"]),
}


@pytest.mark.parametrize("case", list(CALENDAR_ERRORS))
def test_bad_calendar_input_names_the_key_path(case: str) -> None:
    change, fragments = CALENDAR_ERRORS[case]
    message = scenario_error(plain_baseline(), change)
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_a_scenario_wide_check_failing_inside_a_phase_names_a_clean_key_path() -> None:
    """At HEAD this read 'phases[0].changes.: programs.crt.on_holidays: ...' (a stray '.')."""
    d = plain_baseline()
    d["start_date"] = "2023-01-02"
    d["phases"] = [_phase({"programs": {"crt": {"on_holidays": "closed"}}})]
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    message = str(err.value)
    assert "phases[0].changes" in message and "programs.crt.on_holidays" in message, message
    assert "closed needs a holidays: block" in message
    assert ".:" not in message, message


@pytest.mark.parametrize(
    "change",
    [{"monthly_weights": [3] + [1] * 11}, {"overdispersion": 1.0}, {"annual_growth": 0.1}],
)
def test_a_phase_may_not_change_seasons_growth_or_overdispersion(change: dict) -> None:
    """They hold for the whole run: refused, never accepted and ignored."""
    d = no_programs(104, calls_per_week=700)
    d["start_date"] = "2024-01-01"
    d["phases"] = [_phase({"demand": change}, "2025-01-01")]
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(d)
    message = str(err.value)
    assert f"phases[0].changes.demand.{next(iter(change))}:" in message, message
    assert "hold for the whole run" in message


def test_costs_follow_the_phase_in_force() -> None:
    """People per unit, fixed costs and the relief factor derived from absences change at a
    phase: CRT 1 unit daily 09:00-17:00 (quiet: no overtime), one clinician at $104,000
    (= $50 an hour at 2,080 h) until 2023-03-01, then two, with $20,000 a year of fixed
    costs and 20% absences paid for through relief_factor: from_absence."""
    d = mmc_dict(1, 0.01, weeks=26, warmup=0)
    d["demand"] = {"calls_per_week": 0.001}
    d["start_date"] = "2023-01-02"
    crt = d["programs"]["crt"]
    crt["shifts"] = [{"days": "daily", "start": "09:00", "end": "17:00", "units": 1}]
    crt["cost"] = {"staff_per_unit": {"clinician": 1}}
    d["costs"] = {
        "roles": {"clinician": {"annual_salary": 104_000}},
        "relief_factor": "from_absence",
    }
    d["phases"] = [
        _phase(
            {
                "programs": {
                    "crt": {
                        "cost": {"staff_per_unit": {"clinician": 2}, "fixed_annual": 20_000},
                        "availability": {"absence_prob": 0.2},
                    }
                }
            },
            "2023-03-01",
        )
    ]
    sc = scenario_from_dict(d)
    rec = simulate(sc, 1, 0)
    k = replication_kpis(rec, sc)
    days_before = (dt.date(2023, 3, 1) - dt.date(2023, 1, 2)).days  # 58 of 182 days
    staffed = per_day(rec.meters["crt"].staffed)
    before, after = staffed[:days_before].sum(), staffed[days_before:].sum()
    assert before == 8 * days_before  # no absences before the phase
    per_year = 52 / 26
    expected = (before * 50 + after / 0.8 * 100) * per_year + 20_000 * (182 - days_before) / 182
    assert k["crt_cost_annual"] == pytest.approx(expected, rel=1e-12)
    assert k["crt_overtime_hours"] == 0

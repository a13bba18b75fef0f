"""Availability: absences, vacancies, breaks and CoR police pulls; queueing theory with
availability off; common random numbers across staffing; validation of the inputs.

Expectations come from the scenario's inputs (units, shifts, probabilities, durations) and
from probability theory, never from the code under test.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from builders import mmc_dict, scenario_error
from scipy import stats
from theory import erlang_c, mmc_mean_wait

from heart_sim.core._vocab import Outcome, Program
from heart_sim.measure._metrics import replication_kpis, t_interval
from heart_sim.model._dates import Calendar
from heart_sim.model._engine import simulate
from heart_sim.model._rosters import roster
from heart_sim.scenario._load import scenario_from_dict

H = 60
DAY = 24 * H


def crt_only(shifts: list[dict], weeks: int = 52, calls_per_week: float = 0.001, **crt) -> dict:
    """CRT alone (city-wide, no travel, 45-minute jobs) with these shifts; by default so
    few calls that the program is quiet."""
    d = mmc_dict(1, 0.01, weeks=weeks, warmup=1)
    d["demand"] = {"calls_per_week": calls_per_week}
    d["programs"]["crt"]["shifts"] = shifts
    d["programs"]["crt"]["on_scene_time"] = {"dist": "fixed", "value": 45}
    d["programs"]["crt"].update(crt)
    return d


def daily(start: str, end: str, units: int) -> dict:
    return {"days": "daily", "start": start, "end": end, "units": units}


def units_by_hour(per_hour) -> np.ndarray:
    """Units in each hour as (day, hour of day), from unit-minutes per hour (the window
    starts at 00:00 of a day)."""
    return np.asarray(per_hour, float).reshape(-1, 24) / H


# -- absences and vacancies ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "filled", "p"),
    [(4, 1.0, 0.2), (4, {"filled": 3, "funded": 4}, 0.25)],
    ids=["absences", "absences_and_vacancies"],
)
def test_absences_leave_a_binomial_share_of_unit_shifts(units, filled, p) -> None:
    d = crt_only([daily("09:00", "19:00", units)])
    d["programs"]["crt"]["availability"] = {"absence_prob": p, "filled_posts": filled}
    sc = scenario_from_dict(d)
    rec = simulate(sc, 11, 0)
    k = replication_kpis(rec, sc)
    days = 7 * sc.horizon_weeks
    posts = units if filled == 1.0 else units * filled["filled"] // filled["funded"]
    n = posts * days  # filled unit-shifts, each present with probability 1 - p
    assert k["crt_scheduled_hours"] == units * days * 10
    mean, sd = 10 * n * (1 - p), 10 * math.sqrt(n * p * (1 - p))
    assert abs(k["crt_staffed_hours"] - mean) < 4 * sd, (k["crt_staffed_hours"], mean, sd)
    assert k["crt_available_hours"] == k["crt_staffed_hours"]  # no breaks, no pulls
    # Each day's crew: Binomial(posts, 1 - p) units, the same all shift long.
    by_hour = units_by_hour(rec.meters["crt"].staffed)[:, 9:19]
    assert (by_hour == by_hour[:, :1]).all()
    present = by_hour[:, 0].astype(int)
    observed = np.bincount(present, minlength=posts + 1)[: posts + 1]
    pmf = stats.binom.pmf(np.arange(posts + 1), posts, 1 - p)
    # Pool the rare low counts into one bin with at least 5 expected.
    cut = int(np.argmax(np.cumsum(pmf) * days >= 5))
    obs = np.concatenate(([observed[: cut + 1].sum()], observed[cut + 1 :]))
    exp = np.concatenate(([pmf[: cut + 1].sum()], pmf[cut + 1 :])) * days
    assert obs.sum() == days
    assert stats.chisquare(obs, exp)[1] > 0.001, (obs, exp)


def test_filled_posts_19_of_27_leave_exactly_that_share_spread_evenly() -> None:
    d = crt_only([daily("09:00", "19:00", 4), daily("19:00", "23:00", 1)])
    d["programs"]["crt"]["availability"] = {"filled_posts": {"filled": 19, "funded": 27}}
    sc = scenario_from_dict(d)
    rec = simulate(sc, 1, 0)
    k = replication_kpis(rec, sc)
    days = 7 * sc.horizon_weeks
    assert k["crt_scheduled_hours"] == days * (4 * 10 + 1 * 4)
    # Deterministic: within one unit-shift per shift line of 19/27 of the schedule.
    assert abs(k["crt_staffed_hours"] - 19 / 27 * k["crt_scheduled_hours"]) <= 10 + 4
    by_hour = units_by_hour(rec.meters["crt"].staffed)
    day_crew, evening = by_hour[:, 9].astype(int), by_hour[:, 19].astype(int)
    assert set(day_crew) == {2, 3} and set(evening) == {0, 1}  # 4 x 19/27 = 2.81; 0.70
    # Evenly: every 27 consecutive days hold exactly 19 x 4 day-crew units and 19 evenings.
    window = np.ones(27, int)
    assert set(np.convolve(day_crew, window, "valid")) == {76}
    assert set(np.convolve(evening, window, "valid")) == {19}
    # Vacancies are not random: another seed and replication staff the same.
    other = simulate(sc, 99, 3)
    np.testing.assert_array_equal(other.meters["crt"].staffed, rec.meters["crt"].staffed)


# -- breaks ----------------------------------------------------------------------------------


def test_breaks_are_staggered_over_their_window_and_taken_in_full_when_quiet() -> None:
    d = crt_only([daily("09:00", "19:00", 3)])
    brk = {"duration_min": 45, "earliest_min": 120, "latest_min": 420}
    d["programs"]["crt"]["availability"] = {"breaks": [brk]}
    sc = scenario_from_dict(d)
    rec = simulate(sc, 2, 0)
    days = 7 * sc.horizon_weeks
    # Units 0, 1, 2 are due 0, 1/3 and 2/3 of the way through 11:00-16:00: at 11:00,
    # 12:40 and 14:20, for 45 minutes each.
    expected = np.zeros(24)
    for start in (11 * H, 12 * H + 40, 14 * H + 20):
        for hour in range(24):
            expected[hour] += max(0, min(start + 45, (hour + 1) * H) - max(start, hour * H))
    assert list(expected[10:17]) == [0, 45, 20, 25, 40, 5, 0]
    away = np.asarray(rec.meters["crt"].away).reshape(-1, 24)
    np.testing.assert_array_equal(away, np.tile(expected, (days, 1)))
    k = replication_kpis(rec, sc)
    assert k["crt_staffed_hours"] == k["crt_scheduled_hours"] == days * 30
    assert k["crt_available_hours"] == k["crt_staffed_hours"] - 3 * days * 45 / H


def _job_minutes_by_hour(starts: np.ndarray, length: float, n_hours: int, t0: float):
    """Minutes of jobs [s, s + length) in each hour from t0 (worked out from the calls)."""
    out = np.zeros(n_hours)
    for s in starts:
        a, b = s - t0, s - t0 + length
        for hour in range(int(a // H), min(int(math.ceil(b / H)), n_hours)):
            out[hour] += max(0.0, min(b, (hour + 1) * H) - max(a, hour * H))
    return out


def test_a_break_never_interrupts_a_job() -> None:
    """One unit, 45-minute jobs, more calls than it can take: the break waits for a job to
    end. The unit's jobs, from the per-call records, never overlap each other or a break."""
    d = crt_only([daily("08:00", "20:00", 1)], weeks=8, calls_per_week=2 * 168)
    brk = {"duration_min": 30, "earliest_min": 240, "latest_min": 360}  # 12:00-14:00
    d["programs"]["crt"]["availability"] = {"breaks": [brk]}
    sc = scenario_from_dict(d)
    rec = simulate(sc, 6, 0)
    c = rec.calls
    starts = np.sort(c.t_unit_start[c.outcome == Outcome.CRT_SERVED])
    assert starts.size > 8 * 7 * 10  # ~14 jobs a day
    assert (np.diff(starts) >= 45 - 1e-9).all()  # one unit: jobs one after another
    m = rec.meters["crt"]
    n_hours = len(m.staffed)
    mine = _job_minutes_by_hour(starts[starts >= rec.t0 - 45], 45, n_hours, rec.t0)
    staffed, busy, away = (np.asarray(x) for x in (m.staffed, m.busy, m.away))
    on_duty = staffed > 0
    # The meter's busy time is the jobs' (on duty; what runs past 20:00 is overtime).
    np.testing.assert_allclose(busy[on_duty], mine[on_duty], atol=1e-6)
    assert (mine[on_duty] + away[on_duty] <= staffed[on_duty] + 1e-6).all()
    # Every break is taken in full, inside 12:00 to 14:45 + 30 min, after the job in hand.
    per_day = away.reshape(-1, 24)
    np.testing.assert_allclose(per_day.sum(axis=1), 30)
    assert per_day[:, :12].sum() == 0 and per_day[:, 16:].sum() == 0
    assert (per_day[:, 14:16].sum(axis=1) > 0).mean() > 0.9  # busy: most wait to 14:00


def test_busy_plus_away_never_exceeds_the_units_on_duty_under_load() -> None:
    d = crt_only([daily("08:00", "20:00", 3)], weeks=8, calls_per_week=6 * 168)
    brk = {"duration_min": 30, "earliest_min": 180, "latest_min": 480}
    d["programs"]["crt"]["availability"] = {"breaks": [brk]}
    d["programs"]["crt"]["on_scene_time"] = {"dist": "exponential", "mean": 40}
    sc = scenario_from_dict(d)
    rec = simulate(sc, 7, 0)
    m = rec.meters["crt"]
    staffed, busy, away = (np.asarray(x) for x in (m.staffed, m.busy, m.away))
    assert (busy + away <= staffed + 1e-6).all()
    assert (busy > 0.9 * staffed - away)[staffed > 0].mean() > 0.8  # really under load
    assert away.sum() == pytest.approx(3 * 7 * sc.horizon_weeks * 30)  # all breaks taken


def test_littles_law_on_the_call_queue_holds_with_breaks() -> None:
    d = mmc_dict(2, 0.9, weeks=20)
    d["programs"]["crt"]["shifts"] = [daily("08:00", "20:00", 2)]
    brk = {"duration_min": 30, "earliest_min": 240, "latest_min": 420}
    d["programs"]["crt"]["availability"] = {"breaks": [brk]}
    sc = scenario_from_dict(d)
    k = replication_kpis(simulate(sc, 3, 0), sc)
    lam = k["crt_requests"] / (sc.horizon_weeks * 7 * DAY)
    # Without breaks the two agree to rounding (tests/behaviour/test_theory.py); with them
    # they differ by the breaks' own waiting time (1.34 against 1.23 here).
    assert k["crt_queue_len"] == pytest.approx(lam * k["crt_mean_wait_all"], rel=0.01)


# -- CoR police pulls --------------------------------------------------------------------------


def cor_pulled(rate: float, duration: float, units: int = 10, weeks: int = 52) -> dict:
    """CoR alone, daily 09:00-17:00, quiet (every call goes to CRT, which is closed)."""
    d = crt_only([], weeks=weeks)
    d["programs"]["cor"] = {
        "area": "city",
        "shifts": [daily("09:00", "17:00", units)],
        "travel_time": {"dist": "fixed", "value": 0},
        "on_scene_time": {"dist": "fixed", "value": 30},
        "availability": {
            "pulled_to_police_per_shift": rate,
            "pulled_duration": {"dist": "fixed", "value": duration},
        },
    }
    return d


@pytest.mark.parametrize("duration", [30.0, 120.0])
def test_police_pulls_take_rate_x_unit_shifts_x_duration_from_available_hours(duration) -> None:
    rate, units, shift = 0.5, 10, 480.0
    sc = scenario_from_dict(cor_pulled(rate, duration, units))
    rec = simulate(sc, 12, 0)
    n = units * 7 * sc.horizon_weeks  # unit-shifts
    # A pull at a uniform time u in the shift lasts D, or until the shift ends (L - u):
    # E[min(D, L - u)] = D - D^2 / 2L; E[min(D, L - u)^2] = ((L - D) D^2 + D^3 / 3) / L.
    # Pulls per unit-shift are Poisson(rate): the total is compound Poisson.
    d = duration
    mean = n * rate * (d - d**2 / (2 * shift))
    sd = math.sqrt(n * rate * ((shift - d) * d**2 + d**3 / 3) / shift)
    away = sum(rec.meters["cor"].away)
    assert abs(away - mean) < 4 * sd, (away, mean, sd)
    if duration == 120:  # the cut at the shift's end is visible: n rate D is 5.8 sd off
        assert abs(away - n * rate * d) > 4 * sd
    k = replication_kpis(rec, sc)
    assert k["cor_staffed_hours"] == k["cor_scheduled_hours"] == n * 8
    assert k["cor_available_hours"] == pytest.approx(n * 8 - away / H)


def test_police_pulls_are_drawn_afresh_in_each_phase() -> None:
    d = cor_pulled(0.7, 45.0, units=3, weeks=20)
    d["programs"]["cor"]["availability"]["pulled_duration"] = {"dist": "exponential", "mean": 45}
    d["start_date"] = "2024-01-08"  # a Monday; the phase starts 70 days later
    d["warmup_weeks"] = 0
    d["phases"] = [{"from": "2024-03-18", "changes": {"demand": {"multiplier": 2}}}]
    rec = simulate(scenario_from_dict(d), 4, 0)
    away = np.asarray(rec.meters["cor"].away).reshape(-1, 24).sum(axis=1)
    first, second = away[:70], away[70:140]
    assert first.sum() > 0 and second.sum() > 0
    # Independent days: correlation ~0 (sd ~0.12); a copy of the first phase gives 1.
    assert np.corrcoef(first, second)[0, 1] < 0.6


# -- queueing theory with availability off -----------------------------------------------------


def _mmc_waits(d: dict, reps: int = 10) -> tuple[np.ndarray, np.ndarray]:
    sc = scenario_from_dict(d)
    ks = [replication_kpis(simulate(sc, 7, r), sc) for r in range(reps)]
    return np.array([k["crt_mean_wait_all"] for k in ks]), np.array([k["crt_p_wait"] for k in ks])


def test_mmc_matches_erlang_c_with_a_calendar_and_availability_at_its_defaults() -> None:
    c, rho, service = 2, 0.75, 30.0
    d = mmc_dict(c, rho, service_mean=service, weeks=30)
    d["start_date"] = "2023-11-01"  # Thanksgiving and Christmas inside; CRT stays open
    d["holidays"] = {"country": "US", "subdivision": "NC"}
    d["programs"]["crt"]["on_holidays"] = "open"
    d["programs"]["crt"]["availability"] = {"absence_prob": 0.0, "filled_posts": 1.0}
    waits, p_wait = _mmc_waits(d)
    a = rho * c
    _, lo, hi, _ = t_interval(waits)
    assert lo <= mmc_mean_wait(c, a, service) <= hi, (mmc_mean_wait(c, a, service), lo, hi)
    _, lo, hi, _ = t_interval(p_wait)
    assert lo <= erlang_c(c, a) <= hi, (erlang_c(c, a), lo, hi)


def test_two_of_three_posts_filled_is_an_mmc_queue_with_two_servers() -> None:
    """3 units scheduled 24/7 with 2 of 3 posts filled: every day 2 are there, so the
    queue is M/M/2 (Erlang C), and exactly the run with 2 units scheduled."""
    service = 30.0
    d3 = mmc_dict(2, 0.75, service_mean=service, weeks=30)  # arrivals for 2 servers at 0.75
    d3["programs"]["crt"]["shifts"][0]["units"] = 3
    d3["programs"]["crt"]["availability"] = {"filled_posts": {"filled": 2, "funded": 3}}
    waits, p_wait = _mmc_waits(d3)
    _, lo, hi, _ = t_interval(waits)
    assert lo <= mmc_mean_wait(2, 1.5, service) <= hi, (mmc_mean_wait(2, 1.5, service), lo, hi)
    _, lo, hi, _ = t_interval(p_wait)
    assert lo <= erlang_c(2, 1.5) <= hi
    # A 3-server queue waits far less: Erlang C(3, 1.5) = 0.24 against C(2, 1.5) = 0.64.
    assert p_wait.mean() > 2 * erlang_c(3, 1.5)
    plain, _ = _mmc_waits(mmc_dict(2, 0.75, service_mean=service, weeks=30), reps=3)
    np.testing.assert_array_equal(waits[:3], plain)


# -- common random numbers ---------------------------------------------------------------------


def _crn_scenario(units: int, extra_line: bool = False):
    d = crt_only([daily("09:00", "19:00", units)], calls_per_week=300)
    if extra_line:
        d["programs"]["crt"]["shifts"].append(
            {"days": "weekends", "start": "19:00", "end": "23:00", "units": 2}
        )
    d["programs"]["crt"]["availability"] = {"absence_prob": 0.3}
    return scenario_from_dict(d)


def _present(sc, line: int = 0) -> np.ndarray:
    r = roster(sc, Calendar.of(sc), Program.CRT, 5, 2)
    return np.array([n for c, n in zip(r.crews, r.units) if c.line[0] == line])


def test_scenarios_differing_in_staffing_share_calls_and_absences() -> None:
    two, three = _crn_scenario(2), _crn_scenario(3)
    a, b = simulate(two, 5, 2).calls, simulate(three, 5, 2).calls
    assert a.t_arrive.size > 10_000
    np.testing.assert_array_equal(a.t_arrive, b.t_arrive)
    np.testing.assert_array_equal(a.call_type, b.call_type)
    np.testing.assert_array_equal(a.in_pilot, b.in_pilot)
    assert (a.outcome != b.outcome).any()  # the third unit does change what happens
    p1, p2, p3 = _present(_crn_scenario(1)), _present(two), _present(three)
    assert p2.size == p3.size == 7 * 53  # warm-up week included
    # The first units' absences agree: adding a unit adds 0 or 1 present, never takes one
    # away (independent draws would give -1 or -2 on about 40% of days).
    assert set(p2 - p1) <= {0, 1} and set(p3 - p2) <= {0, 1}
    # ...and the unit added is there with probability 0.7, like the others.
    third = p3 - p2
    assert abs(third.mean() - 0.7) < 4 * math.sqrt(0.7 * 0.3 / third.size)
    assert (p2 == 1).sum() > 50  # absences do happen
    # Another shift line leaves this one's absences alone; another replication does not.
    np.testing.assert_array_equal(_present(_crn_scenario(2, extra_line=True)), p2)
    other_rep = roster(two, Calendar.of(two), Program.CRT, 5, 3).units
    assert (np.array(other_rep) != p2).any()


# -- validation ---------------------------------------------------------------------------------


def _costed() -> dict:
    d = mmc_dict(2, 0.5)
    d["programs"]["crt"]["shifts"] = [daily("09:00", "19:00", 2)]
    d["programs"]["crt"]["cost"] = {"staff_per_unit": {"clinician": 1}}
    d["costs"] = {"roles": {"clinician": {"annual_salary": 70000}}, "relief_factor": 1.2}
    d["programs"]["cor"] = copy.deepcopy(d["programs"]["crt"])
    del d["programs"]["cor"]["cost"]
    d["programs"]["ccd"] = {"phone_time": {"dist": "fixed", "value": 10}}
    d["programs"]["cn"] = {"contact_time": {"dist": "fixed", "value": 10}}
    return d


def _avail(program: str, **keys):
    def change(d: dict) -> None:
        d["programs"][program]["availability"] = keys

    return change


def _in_phase(program: str, **keys):
    def change(d: dict) -> None:
        d["start_date"] = "2023-01-02"
        d["phases"] = [
            {"from": "2023-03-01", "changes": {"programs": {program: {"availability": keys}}}}
        ]

    return change


LATE_BREAK = {"duration_min": 60, "earliest_min": 300, "latest_min": 560}

AVAILABILITY_ERRORS = {
    "break_past_the_shift_end": (
        _avail("crt", breaks=[LATE_BREAK]),
        ["programs.crt", "availability.breaks[0]", "09:00-19:00 shift would run past its end"],
    ),
    "break_window_backwards": (
        _avail("crt", breaks=[{"duration_min": 30, "earliest_min": 300, "latest_min": 200}]),
        ["programs.crt.availability.breaks[0]", "latest_min 200 is before earliest_min 300"],
    ),
    "break_of_zero_minutes": (
        _avail("crt", breaks=[{"duration_min": 0, "earliest_min": 0, "latest_min": 60}]),
        ["programs.crt.availability.breaks[0].duration_min", "greater than 0"],
    ),
    "police_pulls_on_crt": (
        _avail("crt", pulled_to_police_per_shift=0.5),
        ["programs.crt.availability.pulled_to_police_per_shift", "only CoR has a police officer"],
    ),
    "police_pulls_on_ccd": (
        _avail("ccd", pulled_to_police_per_shift=0.5),
        ["programs.ccd.availability.pulled_to_police_per_shift", "only CoR"],
    ),
    "relief_factor_and_absences": (
        _avail("crt", absence_prob=0.1),
        [
            "costs.relief_factor",
            "programs.crt.availability.absence_prob",
            "both count leave",
            "from_absence",
        ],
    ),
    "absence_prob_of_one": (
        _avail("crt", absence_prob=1.0),
        ["programs.crt.availability.absence_prob", "less than 1"],
    ),
    "more_posts_filled_than_funded": (
        _avail("crt", filled_posts={"filled": 30, "funded": 27}),
        ["programs.crt.availability.filled_posts", "filled 30 is more than funded 27"],
    ),
    "no_posts_filled": (
        _avail("crt", filled_posts=0),
        ["programs.crt.availability.filled_posts", "greater than 0"],
    ),
    "police_pulls_on_crt_in_a_phase": (
        _in_phase("crt", pulled_to_police_per_shift=1),
        ["phases[0].changes", "programs.crt.availability.pulled_to_police_per_shift", "only CoR"],
    ),
    "late_break_in_a_phase": (
        _in_phase("crt", breaks=[LATE_BREAK]),
        ["phases[0].changes.programs.crt", "availability.breaks[0]", "would run past its end"],
    ),
}


@pytest.mark.parametrize("case", list(AVAILABILITY_ERRORS))
def test_bad_availability_input_names_the_key_path(case: str) -> None:
    change, fragments = AVAILABILITY_ERRORS[case]
    message = scenario_error(_costed(), change)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert ".:" not in message, message  # no garbled key path


def test_absences_with_a_relief_factor_derived_from_them_are_accepted() -> None:
    d = _costed()
    d["costs"]["relief_factor"] = "from_absence"
    d["programs"]["crt"]["availability"] = {"absence_prob": 0.12}
    d["programs"]["cor"]["availability"] = {"pulled_to_police_per_shift": 0.5}
    sc = scenario_from_dict(d)
    assert sc.relief("crt") == pytest.approx(1 / 0.88)
    assert sc.relief("cor") == 1.0


# -- crews at the edges: the run's start and a handover (found in review) ----------------------


@pytest.mark.parametrize("warmup", [0, 1])
def test_breaks_of_the_overnight_crew_on_duty_when_the_run_begins(warmup: int) -> None:
    """The crew of the night before the run is on duty at t = begin; its breaks that closed
    before the run did not happen in it, and none makes a negative wait (this crashed)."""
    d = crt_only([daily("20:00", "08:00", 1)], weeks=2)
    d["warmup_weeks"] = warmup
    d["programs"]["crt"]["availability"] = {
        "breaks": [
            {"duration_min": 10, "earliest_min": 30, "latest_min": 60},
            {"duration_min": 10, "earliest_min": 90, "latest_min": 120},
        ]
    }
    sc = scenario_from_dict(d)
    rec = simulate(sc, 1, 0)
    k = replication_kpis(rec, sc)
    # Quiet program: every crew starting in the window takes both breaks (20 minutes); the
    # crew of the evening before the window is on duty 00:00-08:00 of its first day, past
    # its breaks (20:30-22:00), and takes none in the window.
    nights = 7 * sc.horizon_weeks
    assert k["crt_staffed_hours"] == 12 * nights
    assert k["crt_available_hours"] == pytest.approx(12 * nights - (nights - 1) * 20 / H - 20 / H)


def test_a_break_left_at_its_crews_end_is_not_given_to_the_next_crew() -> None:
    """Day crew 09:00-21:00 and night crew 21:00-09:00 (one unit each), swamped: the day
    unit is busy from its break's latest start to its shift end, so the break is dropped,
    not taken by the fresh night unit at 21:00."""
    d = crt_only([daily("09:00", "21:00", 1), daily("21:00", "09:00", 1)], weeks=1)
    d["demand"] = {"calls_per_week": 3000}
    d["programs"]["crt"]["patience_min"] = None
    d["programs"]["crt"]["availability"] = {
        "breaks": [{"duration_min": 30, "earliest_min": 240, "latest_min": 420}]
    }
    # 400-minute jobs: the job running at a break's latest start runs past the shift's end.
    d["programs"]["crt"]["on_scene_time"] = {"dist": "fixed", "value": 400}
    rec = simulate(scenario_from_dict(d), 1, 0)
    away = units_by_hour(rec.meters["crt"].away) * H  # away unit-minutes by (day, hour)
    assert away.sum() == 0, {h: v for h, v in enumerate(away.sum(axis=0)) if v}
    # ...whereas with 100-minute jobs each break is taken once the job at its latest start
    # ends (no live call goes ahead of it then), inside its own shift.
    d["programs"]["crt"]["on_scene_time"] = {"dist": "fixed", "value": 100}
    away = units_by_hour(simulate(scenario_from_dict(d), 1, 0).meters["crt"].away) * H
    assert set(away.sum(axis=1).tolist()) == {60.0}
    assert away[:, 21].sum() == 0 and away[:, 9].sum() == 0

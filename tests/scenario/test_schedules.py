"""Schedules: the weekly step function, and the model keeping to it."""

from __future__ import annotations

import numpy as np
from builders import baseline_dict, mmc_dict

from heart_sim.model._engine import simulate
from heart_sim.scenario._load import scenario_from_dict
from heart_sim.scenario._programs import Shift
from heart_sim.scenario._schedules import MIN_PER_DAY, MIN_PER_WEEK, ShiftSpec, build_weekly

H = 60


def test_weekday_shift() -> None:
    s = build_weekly([ShiftSpec(days=(0, 1, 2, 3, 4), start_min=9 * H, end_min=17 * H, units=2)])
    assert s.units_at(9 * H - 1e-9) == 0
    assert s.units_at(9 * H) == 2
    assert s.units_at(17 * H - 1e-9) == 2
    assert s.units_at(17 * H) == 0  # [start, end): the shift is over at 17:00
    assert s.units_at(5 * MIN_PER_DAY + 12 * H) == 0  # Saturday noon
    assert s.unit_minutes_per_week == 2 * 5 * 8 * H


def test_overnight_shift_runs_into_next_day_and_wraps_the_week() -> None:
    s = build_weekly([ShiftSpec(days=(6,), start_min=22 * H, end_min=6 * H, units=1)])  # Sun
    assert s.units_at(6 * MIN_PER_DAY + 23 * H) == 1
    assert s.units_at(MIN_PER_WEEK + 5 * H) == 1  # Monday 05:00 of the next week
    assert s.units_at(5 * H) == 1  # and of the first week
    assert s.units_at(6 * H) == 0
    assert s.unit_minutes_per_week == 8 * H


def test_overlapping_shifts_add_and_24_7_is_constant() -> None:
    s = build_weekly(
        [
            ShiftSpec(days=tuple(range(7)), start_min=0, end_min=24 * H, units=1),
            ShiftSpec(days=(2,), start_min=12 * H, end_min=14 * H, units=3),
        ]
    )
    assert s.units_at(2 * MIN_PER_DAY + 13 * H) == 4
    assert s.units_at(3 * MIN_PER_DAY) == 1
    assert s.unit_minutes_per_week == MIN_PER_WEEK + 6 * H
    assert s.unit_minutes(MIN_PER_WEEK * 2 + 30, MIN_PER_WEEK * 3 + 30) == s.unit_minutes_per_week


def test_changes_list_every_step() -> None:
    s = build_weekly([ShiftSpec(days=(0,), start_min=9 * H, end_min=17 * H, units=2)])
    assert list(s.changes(2 * MIN_PER_WEEK)) == [  # (time, units on duty, units ending)
        (0.0, 0, 0),
        (9.0 * H, 2, 0),
        (17.0 * H, 0, 2),
        (MIN_PER_WEEK + 9.0 * H, 2, 0),
        (MIN_PER_WEEK + 17.0 * H, 0, 2),
    ]


def test_handovers_between_shifts_but_not_within_a_continuous_line() -> None:
    every_day = tuple(range(7))
    relay = build_weekly(
        [
            ShiftSpec(days=every_day, start_min=0, end_min=8 * H, units=2),
            ShiftSpec(days=every_day, start_min=8 * H, end_min=20 * H, units=4),
            ShiftSpec(days=every_day, start_min=20 * H, end_min=24 * H, units=3),
        ]
    )
    assert list(relay.changes(MIN_PER_DAY + 1)) == [
        (0.0, 2, 0),
        (8.0 * H, 4, 2),  # the night crew (2) hands over to the day crew (4)
        (20.0 * H, 3, 4),
        (24.0 * H, 2, 3),
    ]
    continuous = build_weekly([ShiftSpec(days=every_day, start_min=0, end_min=24 * H, units=3)])
    assert list(continuous.changes(3 * MIN_PER_WEEK)) == [(0.0, 3, 0)]  # no handover at all
    nights = build_weekly([ShiftSpec(days=every_day, start_min=22 * H, end_min=6 * H, units=1)])
    assert nights.units_at(0) == 1 and nights.units_at(6 * H) == 0
    assert list(nights.changes(MIN_PER_DAY + 1))[:3] == [
        (0.0, 1, 0),
        (6.0 * H, 0, 1),
        (22.0 * H, 1, 0),
    ]


def test_at_a_handover_busy_units_run_over_and_fresh_units_serve() -> None:
    """A crew busy at its shift end finishes on overtime; the next crew starts free."""
    data = mmc_dict(1, 0.5, weeks=1, warmup=0)
    data["demand"] = {"calls_per_week": 7 * 24, "hourly_weights": [0] * 16 + [1] + [0] * 7}
    data["programs"]["crt"]["shifts"] = [
        {"days": "daily", "start": "00:00", "end": "17:00", "units": 1},
        {"days": "daily", "start": "17:00", "end": "24:00", "units": 1},
    ]
    data["programs"]["crt"]["on_scene_time"] = {"dist": "fixed", "value": 600}
    rec = simulate(scenario_from_dict(data), 1, 0)
    c = rec.calls
    starts = c.t_unit_start[~np.isnan(c.t_unit_start)] % MIN_PER_DAY
    # The 16:00 hour's first call takes the day crew until 02:00 (10 h, no free unit before
    # 17:00); at 17:00 the evening crew takes the next waiting call at once.
    assert np.isclose(starts, 17 * H).sum() == 7
    assert sum(rec.meters["crt"].overtime) > 0


def test_shift_days_accept_groups_and_names() -> None:
    assert Shift(days="weekends", start="09:00", end="17:00", units=1).spec().days == (5, 6)
    assert Shift(days=["Monday", "fri"], start="09:00", end="17:00", units=1).spec().days == (0, 4)


def test_no_unit_starts_a_job_outside_its_shifts() -> None:
    data = baseline_dict()
    data["horizon_weeks"] = 6
    data["demand"]["calls_per_week"] = 2000  # busy enough that queues meet every shift end
    sc = scenario_from_dict(data)
    rec = simulate(sc, 4, 0)
    c = rec.calls
    for code, name in ((1, "crt"), (2, "cor")):
        sched = getattr(sc.programs, name).schedule()
        starts = c.t_unit_start[(c.dispatched_to == code) & ~np.isnan(c.t_unit_start)]
        assert starts.size > 100
        assert all(sched.units_at(t) > 0 for t in starts), name
    ccd = sc.programs.ccd.schedule()
    answered = c.t_arrive[c.ccd_answered] + c.ccd_wait[c.ccd_answered]
    assert all(ccd.units_at(t) > 0 for t in answered)
    fu = c.fu_start[~np.isnan(c.fu_start)]
    cn = c.cn_start[~np.isnan(c.cn_start)]
    assert fu.size and cn.size
    assert all(ccd.units_at(t) > 0 for t in fu)
    assert all(sc.programs.cn.schedule().units_at(t) > 0 for t in cn)


def test_staffed_hours_equal_the_schedule() -> None:
    data = baseline_dict()
    data["horizon_weeks"] = 3
    sc = scenario_from_dict(data)
    rec = simulate(sc, 1, 0)
    for p in ("ccd", "crt", "cor", "cn"):
        expected = getattr(sc.programs, p).schedule().unit_minutes(rec.t0, rec.t1)
        assert sum(rec.meters[p].staffed) == expected
        assert expected == 3 * getattr(sc.programs, p).schedule().unit_minutes_per_week


def test_overnight_program_staffing_in_the_model() -> None:
    data = mmc_dict(2, 0.5, weeks=2)
    data["programs"]["crt"]["shifts"] = [
        {"days": "daily", "start": "22:00", "end": "06:00", "units": 2}
    ]
    sc = scenario_from_dict(data)
    rec = simulate(sc, 1, 0)
    assert sum(rec.meters["crt"].staffed) == 2 * 8 * 60 * 7 * 2
    by_hour = np.asarray(rec.meters["crt"].staffed).reshape(-1, 7, 24).sum(axis=0) / (2 * 60)
    assert (by_hour[:, 22:] == 2).all() and (by_hour[:, :6] == 2).all()
    assert (by_hour[:, 6:22] == 0).all()

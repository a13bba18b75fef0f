"""Running a sensitivity design (calibration._sensitivity_study): design points that round
to the same values run once, and each point's measures are exactly those of a plain run of
that variant with the same seed (common random numbers)."""

from __future__ import annotations

import pytest
from builders import baseline_dict

from heart_sim.calibration._sensitivity_study import sensitivity
from heart_sim.core._errors import StudyError
from heart_sim.scenario._keypaths import vary
from heart_sim.scenario._load import scenario_from_dict
from heart_sim.study._studies import run

UNITS = "programs.ccd.shifts[0].units"
MEASURES = ("diversion_rate", "calls_total", "ccd_unanswered_share")


def _scenario():
    data = baseline_dict()
    data["horizon_weeks"] = 1
    data["name"] = "units_only"
    data["calibration"] = {UNITS: {"low": 1, "high": 3, "integer": True}}
    return scenario_from_dict(data)


def test_each_distinct_point_runs_once_with_the_measures_of_a_plain_run() -> None:
    sc = _scenario()
    res = sensitivity(sc, "morris", n=3, reps=2, seed=11)
    design = res.design
    assert len(design) == 3 * (1 + 1)  # Morris: n (k + 1) points
    levels = sorted(set(design[UNITS]))
    assert res.ran == len(levels) < len(design)  # repeated points simulated once
    assert len(levels) >= 2
    unanswered = set()
    for units in levels:
        plain = run(vary(sc, {UNITS: units}, name=sc.name), reps=2, seed=11).replications
        rows = design[design[UNITS] == units]
        for m in MEASURES:
            assert (rows[m] == plain[m].mean()).all(), (units, m)
        unanswered.add(plain["ccd_unanswered_share"].mean())
    assert len(unanswered) == len(levels)  # the points differ: a mix-up would show
    with pytest.raises(StudyError, match="reps must be at least 1"):
        sensitivity(sc, "morris", n=3, reps=0)

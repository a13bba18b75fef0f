"""What every replication of a scenario shares (model._shared): worked out once per
scenario, found again for an equal scenario that arrives as a new object (as in a worker
process), and the same as working it out afresh for each replication."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from builders import mmc_dict

from heart_sim.core import PROGRAMS, Program
from heart_sim.model import _shared
from heart_sim.model._dates import Calendar
from heart_sim.model._rosters import crews, roster, unit_minutes_by_hour
from heart_sim.scenario._load import load_scenario, scenario_from_dict


def _scenario(units: int):
    d = mmc_dict(units, 0.5, weeks=4, warmup=1)
    d["programs"]["crt"]["availability"] = {"absence_prob": 0.2}
    return scenario_from_dict(d | {"name": f"shared_{units}"})


def test_an_equal_scenario_finds_what_the_first_one_worked_out() -> None:
    sc = _scenario(3)
    first = _shared.shared(sc)
    copied = pickle.loads(pickle.dumps(sc))  # as a worker process receives it
    assert copied is not sc
    assert _shared.shared(copied) is first
    assert _shared.shared(_scenario(4)) is not first  # another staffing, its own


def test_only_the_last_few_scenarios_are_kept() -> None:
    first = _shared.shared(_scenario(2))
    for units in range(5, 5 + _shared.KEEP):
        _shared.shared(_scenario(units))
    again = _shared.shared(_scenario(2))
    assert again is not first  # worked out again
    assert again.lineups[Program.CRT].scheduled == first.lineups[Program.CRT].scheduled


def test_what_is_shared_is_what_each_replication_would_work_out() -> None:
    sc = load_scenario("durham_2024")
    common = _shared.shared(sc)
    cal = Calendar.of(sc)
    assert common.calendar == cal
    for p in PROGRAMS:
        plan = common.lineups[p]
        assert plan.crews == crews(sc, cal, p)
        hours = unit_minutes_by_hour(plan.scheduled, sc.start_min, sc.end_min)
        np.testing.assert_array_equal(common.scheduled[p], hours)
        with pytest.raises(ValueError, match="read-only"):
            common.scheduled[p][0] = 1.0  # every replication's: nobody may change it
        for rep in (0, 3):
            fresh, reused = roster(sc, cal, p, 7, rep), roster(sc, cal, p, 7, rep, plan)
            assert fresh.units == reused.units and fresh.present == reused.present
            assert fresh.scheduled == reused.scheduled and fresh.away == reused.away

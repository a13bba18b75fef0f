"""heart-sim optimize (targets mode), the parts around the search, without simulating:
the text of --hours and --starts, the plans and their prices, the recommended scenario,
optimize.md, and the folder written and read back."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from builders import costed, mmc_dict

import heart_sim as hs
from heart_sim.core import StudyError
from heart_sim.optimization._assemble import _recommended_yaml
from heart_sim.optimization._folder import FILES, read_optimization, write_optimization
from heart_sim.optimization._hours import parse_hours, parse_start
from heart_sim.optimization._markdown import optimize_markdown
from heart_sim.optimization._plans import (
    plan_cost,
    plan_coverage,
    plan_shifts,
    program_plans,
    scenario_coverage,
)
from heart_sim.optimization._result import OptimizeError, OptimizeResult
from heart_sim.scenario import scenario_from_dict
from heart_sim.study import MANIFEST


def _costed_mmc() -> dict:
    return costed(mmc_dict(3, 0.5, weeks=2))


# -- the text of --hours and --starts ------------------------------------------------------


@pytest.mark.parametrize(
    "text, hours",
    [
        ("06:00-24:00", (6, 24)),
        ("20:00-08:00", (20, 8)),  # past midnight
        ("18:00-00:00", (18, 24)),  # ends at midnight
        ("00:00-24:00", (0, 24)),
    ],
)
def test_hours_read_as_whole_hours(text: str, hours: tuple[int, int]) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    "text, says",
    [
        ("6-24", "write HH:00-HH:00"),
        ("06:30-12:00", "whole hours"),
        ("08:00-08:00", "start and end different"),
        ("25:00-06:00", "whole hours"),
    ],
)
def test_bad_hours_say_what_to_write(text: str, says: str) -> None:
    with pytest.raises(OptimizeError, match=says):
        parse_hours(text)


def test_starts_read_as_whole_hours() -> None:
    assert [parse_start(t) for t in ("00:00", "07:00", "23:00")] == [0, 7, 23]
    for text, says in (("7", "write HH:00"), ("07:30", "a whole hour"), ("24:00", "a whole hour")):
        with pytest.raises(OptimizeError, match=says):
            parse_start(text)


# -- the plans and their prices ------------------------------------------------------------


def test_a_plan_is_priced_by_its_unit_hours_and_written_as_shifts() -> None:
    base = scenario_from_dict(_costed_mmc())
    (pl,) = program_plans(base, ["crt"], None, (8,), (0, 8, 16), 4, True).values()
    assert [(o.start_hour, o.length_hours) for o in pl.options] == [(0, 8), (8, 8), (16, 8)]
    assert pl.open_hours.all()
    units = (2, 0, 1)
    # Nobody on the 08:00-16:00 option: those hours are bare, the others as chosen.
    assert list(plan_coverage(pl, units)[:24]) == [2] * 8 + [0] * 8 + [1] * 8
    assert plan_shifts(pl, units) == [
        {"days": "daily", "start": "00:00", "end": "08:00", "units": 2},
        {"days": "daily", "start": "16:00", "end": "24:00", "units": 1},
    ]
    # 8 hours x 7 days x 3 units at 60,000 / 2,080 an hour, every week of the year.
    assert plan_cost(pl, units) == pytest.approx(8 * 7 * 3 * 60000 / 2080 * 52)
    # The input's own shifts: three units around the clock.
    assert set(scenario_coverage(base, "crt")) == {3}
    # Its current hours are every hour; hours no allowed shift fits are refused.
    assert program_plans(base, ["crt"], "current", (8,), (0, 8, 16))["crt"].open_hours.all()
    with pytest.raises(OptimizeError, match="no allowed shift covers"):
        program_plans(base, ["crt"], None, (8,), (0, 8), 4, True)


def test_a_shift_per_day_shares_a_line_when_the_hours_match() -> None:
    base = scenario_from_dict(_costed_mmc())
    (pl,) = program_plans(base, ["crt"], [(8, 16)], (8,), (8,), 4, False).values()
    assert [o.days for o in pl.options] == [(d,) for d in range(7)]
    assert plan_shifts(pl, (1, 1, 0, 0, 0, 1, 1)) == [
        {"days": ["mon", "tue", "sat", "sun"], "start": "08:00", "end": "16:00", "units": 1}
    ]
    assert plan_shifts(pl, (1,) * 7)[0]["days"] == "daily"


# -- the recommended scenario --------------------------------------------------------------


def _summary(feasible: bool) -> dict:
    return {
        "scenario": "mmc",
        "goals": ["crt_queue_wait_p90<=10"],
        "feasible": feasible,
        "reps": 12,
        "seed": 7,
        "confirmation_seed": 8,
        "confirmed": feasible,
        "confirmation_reps": 9,
        "infeasible": "no plan within --max-units 3 meets crt_queue_wait_p90<=10",
    }


def test_the_recommended_scenario_extends_the_input_and_changes_only_the_shifts(
    tmp_path,
) -> None:
    data = _costed_mmc()
    source = tmp_path / "mmc.yaml"
    source.write_text(yaml.safe_dump(data))
    folder = tmp_path / "out"
    folder.mkdir()
    shifts = {"crt": [{"days": "daily", "start": "08:00", "end": "16:00", "units": 4}]}
    base = scenario_from_dict(data)
    text = _recommended_yaml(base, shifts, str(source), folder, _summary(True))
    assert "meets every target with 95% confidence (12 replications, seed 7)" in text
    assert "Judged again on seed 8: every target met (9 replications)" in text
    body = yaml.safe_load(text)
    assert body["extends"] == "../mmc.yaml"  # relative: the folder moves with the project
    assert body["programs"] == {"crt": {"shifts": shifts["crt"], "continuous_crews": True}}
    (folder / "recommended.yaml").write_text(text)
    got = hs.load(folder / "recommended.yaml")
    assert got.name == f"{base.name}_optimized"
    assert got.demand == base.demand
    assert list(scenario_coverage(got, "crt")[:24]) == [0] * 8 + [4] * 8 + [0] * 8
    missed = _recommended_yaml(base, shifts, "durham_2025", folder, _summary(False))
    assert "does NOT meet every target" in missed and "NOT every target met" in missed
    assert yaml.safe_load(missed)["extends"] == "durham_2025"  # a built-in by its name


# -- optimize.md and the folder -------------------------------------------------------------


def _result(feasible: bool) -> OptimizeResult:
    verification = pd.DataFrame(
        [
            {"plan": plan, "goal": "crt_queue_wait_p90<=10", "mean": m, "low": m - 1.0}
            | {"high": m + 1.0, "status": s}
            for plan, m, s in (("recommended", 8.25, "met"), ("input", 14.5, "missed"))
        ]
    )
    shifts = pd.DataFrame(
        [{"program": "crt", "days": "daily", "start": "00:00", "end": "08:00", "units": 2}]
    )
    table = pd.DataFrame({"program": ["crt"], "value": [1]})
    return OptimizeResult(
        folder=None,
        facts=_summary(feasible) | {"source": "mmc", "notes": ["a note"]},
        requirement=table,
        shifts=shifts,
        verification=verification,
        hourly_check=table,
        history=table,
        people=table,
        recommended_yaml="name: mmc_optimized\n",
        notes=["a note"],
    )


def test_optimize_md_gives_the_verdict_the_targets_and_the_shifts() -> None:
    md = optimize_markdown(_result(True))
    assert md.startswith("# Optimized shifts for mmc\n\nTargets: crt_queue_wait_p90<=10.\n")
    assert "meet every target with 95% confidence (12 replications" in md
    assert "| recommended | crt_queue_wait_p90<=10 | 8.25 | 7.25 - 9.25 | met |" in md
    assert "| input | crt_queue_wait_p90<=10 | 14.5 | 13.5 - 15.5 | missed |" in md
    assert "| crt | daily | 00:00 | 08:00 | 2 |" in md
    assert "**no plan within --max-units 3" in optimize_markdown(_result(False))


def test_a_folder_reads_back_as_it_was_written(tmp_path) -> None:
    written = _result(True)
    write_optimization(tmp_path, written, {"kind": "optimize", "seed": 7})
    assert json.loads((tmp_path / MANIFEST).read_text())["kind"] == "optimize"
    back = read_optimization(tmp_path)
    assert back.folder == tmp_path
    assert back.facts == written.facts and back.notes == ["a note"]
    assert back.recommended_yaml == written.recommended_yaml
    for name, table in zip(FILES, ("requirement", "shifts", "verification", "hourly_check")):
        assert (tmp_path / name).is_file()
        pd.testing.assert_frame_equal(getattr(back, table), getattr(written, table))
    assert (tmp_path / "optimize.md").read_text() == optimize_markdown(written)
    (tmp_path / MANIFEST).write_text(json.dumps({"kind": "run"}))
    with pytest.raises(StudyError, match="not a heart-sim optimize folder"):
        read_optimization(tmp_path)


def test_numpy_values_in_the_summary_are_written_as_numbers(tmp_path) -> None:
    result = _result(True)
    result.facts |= {"reps": np.int64(12), "alphas": {"crt": np.float64(0.5)}}
    result.facts["load"] = np.array([1, 2])
    write_optimization(tmp_path, result, {"kind": "optimize"})
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["reps"] == 12 and summary["alphas"] == {"crt": 0.5}
    assert summary["load"] == [1, 2]


@pytest.mark.parametrize(
    "drop, says",
    [
        ("costs", "costs: is not set"),  # an AssertionError traceback once (issue 23)
        ("programs.crt.cost", "programs.crt.cost is not set"),
    ],
)
def test_a_scenario_without_prices_is_refused_in_one_line(drop: str, says: str) -> None:
    data = _costed_mmc()
    if drop == "costs":
        del data["costs"]
        del data["programs"]["crt"]["cost"]  # (a cost block needs costs: to validate)
    else:
        del data["programs"]["crt"]["cost"]
    with pytest.raises(OptimizeError, match=says):
        program_plans(scenario_from_dict(data), ["crt"], None, (8,), (0, 8, 16), 4, True)


def test_a_served_calls_target_met_by_losing_calls_is_said_so() -> None:
    """crt_response_time_p90 improves when calls are lost; the plan says how many it loses."""
    from types import SimpleNamespace

    import pandas as pd

    from heart_sim.optimization._assemble import lost_call_notes
    from heart_sim.optimization._goals import parse_goal

    ev = SimpleNamespace(kpis=pd.DataFrame({"crt_lost_share": [0.2, 0.3]}))
    served = SimpleNamespace(goals=[parse_goal("crt_response_time_p90<=38")])
    (note,) = lost_call_notes(served, ev)
    assert "loses 25% of CRT requests" in note and "crt_lost_share" in note
    counted = SimpleNamespace(goals=[parse_goal("crt_lost_share<=0.1")])
    assert lost_call_notes(counted, ev) == []  # the target already counts them
    few = SimpleNamespace(kpis=pd.DataFrame({"crt_lost_share": [0.01, 0.02]}))
    assert lost_call_notes(served, few) == []

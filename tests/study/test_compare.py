"""Comparisons: paired differences, costs by hand, CRN, the xlsx workbook."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import baseline_dict, mmc_dict, short_baseline

from heart_sim.measure._costs import unit_hourly_cost
from heart_sim.measure._paired import paired_differences
from heart_sim.scenario._load import scenario_from_dict
from heart_sim.study._results import write_comparison
from heart_sim.study._studies import compare, run
from heart_sim.study._workbook import FIXED_SHEETS


def test_paired_differences_equal_the_difference_of_paired_runs() -> None:
    base = short_baseline(weeks=3)
    alt = base.model_copy(
        update={"name": "alt", "demand": base.demand.model_copy(update={"multiplier": 1.2})}
    )
    comp = compare(base, [alt], reps=4, seed=3)
    d = comp.differences.set_index("metric")
    b = run(base, reps=4, seed=3).replications
    a = run(alt, reps=4, seed=3).replications
    for m in ("diversion_rate", "crt_response_time", "cost_total_annual"):
        assert d.loc[m, "diff_mean"] == pytest.approx((a[m] - b[m]).mean(), abs=1e-12)
        assert d.loc[m, "base_mean"] == pytest.approx(b[m].mean())


def test_a_variant_identical_to_its_base_shows_zero_difference_exactly() -> None:
    base = short_baseline(weeks=3)
    same = base.model_copy(update={"name": "same"})
    comp = compare(base, [same], reps=3, seed=5)
    d = comp.differences
    assert (d["diff_mean"] == 0).all()
    assert (d["significance"] == "identical").all()


def test_costs_match_hand_computed_staffed_hours_times_rates() -> None:
    data = mmc_dict(2, 0.5, weeks=4, warmup=0)
    data["programs"]["crt"]["shifts"] = [
        {"days": "weekdays", "start": "09:00", "end": "17:00", "units": 2}
    ]
    data["programs"]["crt"]["on_scene_time"] = {"dist": "fixed", "value": 1}  # no overtime
    data["programs"]["crt"]["cost"] = {
        "staff_per_unit": {"clinician": 1, "emt": 2},
        "fixed_annual": 1000,
    }
    data["costs"] = {
        "roles": {"clinician": {"annual_salary": 52000}, "emt": {"annual_salary": 41600}},
        "loading": 1.5,
        "paid_hours_per_fte": 2080,
        "relief_factor": 1.25,
        "police_hours_per_call": 0.5,
    }
    sc = scenario_from_dict(data)
    # Clinician $25/h and EMT $20/h before loading -> (25 + 2 x 20) x 1.5 = $97.50 per unit-hour.
    assert unit_hourly_cost(sc, "crt") == pytest.approx(97.5)
    k = run(sc, reps=1, seed=1).replications.iloc[0]
    staffed = 2 * 8 * 5 * 4  # units x hours x days x weeks
    assert k["crt_staffed_hours"] == staffed
    assert k["crt_overtime_hours"] == pytest.approx(0, abs=0.1)
    expected = (staffed * 1.25 + k["crt_overtime_hours"] * 1.5) * 97.5 * 52 / 4 + 1000
    assert k["crt_cost_annual"] == pytest.approx(expected)
    assert k["cost_total_annual"] == pytest.approx(expected)  # the other programs never open
    assert k["cost_per_diverted_call"] == pytest.approx(expected / (k["crt_served"] * 13))
    fallbacks = k["fallback_out_of_hours"] + k["fallback_no_unit"]
    assert k["police_hours_per_year"] == pytest.approx(fallbacks * 13 * 0.5)


def test_common_random_numbers_narrow_the_interval() -> None:
    # Plain Poisson demand: with day-to-day overdispersion the 2-team response time swings
    # with each day's load far more than the 3-team one, so even perfectly shared days
    # cancel less of the difference (measured: 0.79 x instead of 0.37 x the independent
    # width). The sharing itself is tested in test_determinism and test_calendar.
    demand = {**baseline_dict()["demand"], "overdispersion": 0}
    base = short_baseline(weeks=4, demand=demand)
    alt = base.model_copy(
        update={
            "name": "more_crt",
            "programs": base.programs.model_copy(
                update={
                    "crt": base.programs.crt.model_copy(
                        update={
                            "shifts": [
                                s.model_copy(update={"units": 3}) for s in base.programs.crt.shifts
                            ]
                        }
                    )
                }
            ),
        }
    )
    crn = compare(base, [alt], reps=8, seed=2).differences.set_index("metric")
    ind = compare(base, [alt], reps=8, seed=2, independent=True).differences.set_index("metric")
    for m in ("diversion_rate", "crt_response_time"):
        w_crn = crn.loc[m, "diff_ci_high"] - crn.loc[m, "diff_ci_low"]
        w_ind = ind.loc[m, "diff_ci_high"] - ind.loc[m, "diff_ci_low"]
        assert w_crn < 0.5 * w_ind, (m, w_crn, w_ind)


def test_paired_differences_refuse_unpaired_runs() -> None:
    a = pd.DataFrame({"replication": [0, 1], "x": [1.0, 2.0]})
    b = pd.DataFrame({"replication": [1, 2], "x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="same replications"):
        paired_differences(a, b, ("x",))


def test_comparison_files_and_workbook(tmp_path) -> None:
    base = short_baseline(weeks=2)
    alt = base.model_copy(update={"name": "alt"})
    folder = write_comparison(compare(base, [alt], reps=2, seed=1), tmp_path)
    for name in ("comparison.csv", "comparison.md", "comparison.xlsx", "costs.csv"):
        assert (folder / name).exists()
    sheets = pd.read_excel(folder / "comparison.xlsx", sheet_name=None)
    assert {"Options", "Differences", "durham_2022", "alt"} <= set(sheets)
    assert list(sheets["Options"]["Scenario"]) == ["durham_2022", "alt"]
    assert "Marginal cost per extra diverted call ($)" in (folder / "comparison.md").read_text()


def test_workbook_sheets_of_long_similar_names_do_not_collide(tmp_path) -> None:
    import heart_sim as hs

    base = short_baseline(weeks=1)
    alts = [hs.vary(base, {"crt.patience_min": m}) for m in (10, 20)]
    comp = hs.compare(base, *alts, reps=2, out=tmp_path)
    sheets = pd.read_excel(comp.folder / "comparison.xlsx", sheet_name=None, header=None)
    summaries = [s for s in sheets if s not in FIXED_SHEETS]
    assert len(summaries) == 3 and len(set(summaries)) == 3
    # each summary sheet names its scenario in full in A1
    names = [r.scenario.name for r in (comp.base, *comp.alts)]
    assert [sheets[s].iloc[0, 0] for s in summaries] == names

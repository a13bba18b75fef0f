"""Costs that match budget questions: the parts of a program's cost, per-unit fixed costs,
mileage from the travel model's distances, police time priced, and the net cost."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from builders import mmc_dict, scenario_error

import heart_sim as hs
from heart_sim.scenario._load import scenario_from_dict


def _costed(weeks: int = 4) -> dict:
    data = mmc_dict(2, 0.5, weeks=weeks, warmup=0)
    data["programs"]["crt"]["shifts"] = [
        {"days": "weekdays", "start": "09:00", "end": "17:00", "units": 2},
        {"days": "weekdays", "start": "16:00", "end": "20:00", "units": 1},  # 3 at 16-17
    ]
    data["programs"]["crt"]["on_scene_time"] = {"dist": "fixed", "value": 1}  # no overtime
    data["programs"]["crt"]["cost"] = {
        "staff_per_unit": {"clinician": 1},
        "fixed_annual": 1000,
        "fixed_per_unit_annual": 500,
    }
    data["costs"] = {
        "roles": {"clinician": {"annual_salary": 52000}},
        "paid_hours_per_fte": 2080,
        "police_hours_per_call": 0.5,
        "police_cost_per_hour": 40,
    }
    return data


def test_the_parts_of_a_program_cost_add_up_and_a_unit_on_duty_at_once_adds_its_fixed_cost() -> (
    None
):
    k = hs.simulate(_costed(), reps=1, seed=1).replications.iloc[0]
    staffed = (2 * 8 + 4) * 5 * 4  # unit-hours a week x weeks
    assert k["crt_staffed_hours"] == staffed
    assert k["crt_staff_cost_annual"] == pytest.approx(staffed * 25 * 52 / 4)
    # fixed: the program's $1,000 and $500 for each of the 3 units on duty at 16:00-17:00
    assert k["crt_fixed_cost_annual"] == pytest.approx(1000 + 3 * 500)
    assert k["crt_mileage_cost_annual"] == 0
    parts = sum(k[f"crt_{p}_cost_annual"] for p in ("staff", "overtime", "fixed", "mileage"))
    assert k["crt_cost_annual"] == pytest.approx(parts)
    # police time priced: the calls CRT served at 0.5 h x $40, and the net cost
    per_year = 52 / 4
    assert k["crt_police_cost_avoided_annual"] == pytest.approx(k["crt_served"] * per_year * 20)
    assert k["police_cost_avoided_annual"] == pytest.approx(k["heart_responses"] * per_year * 20)
    assert k["police_cost_annual"] == pytest.approx(k["police_hours_per_year"] * 40)
    assert k["net_cost_annual"] == pytest.approx(
        k["cost_total_annual"] - k["police_cost_avoided_annual"]
    )
    assert k["cost_per_heart_response"] == pytest.approx(
        k["cost_total_annual"] / (k["heart_responses"] * per_year)
    )


def test_without_a_police_price_there_is_no_net_cost() -> None:
    data = _costed()
    del data["costs"]["police_cost_per_hour"]
    k = hs.simulate(data, reps=1, seed=1).replications.iloc[0]
    assert np.isnan(k["net_cost_annual"]) and np.isnan(k["police_cost_avoided_annual"])
    assert k["cost_total_annual"] > 0


def test_mileage_is_the_travel_models_distances_there_and_back_times_the_rate() -> None:
    data = _costed()
    data["costs"]["cost_per_mile"] = 0.5
    data["zones"] = {
        "north": {"share": 0.5, "area_sq_mi": 20},
        "south": {"share": 0.5, "area_sq_mi": 30},
    }
    del data["call_types"]["any"]["pilot_area_share"]
    data["programs"]["crt"]["travel_time"] = {
        "model": "square_root",
        "speed_mph": 30,
        "overhead_min": 1,
        "cv": 0.5,
    }
    res = hs.simulate(data, reps=1, seed=2, keep_calls=True)
    k = res.replications.iloc[0]
    calls = res.calls[res.calls.measured & (res.calls.outcome == "crt_served")]
    miles = 2 * calls["travel_miles"].sum() * 52 / 4
    assert miles > 0 and k["crt_miles_per_year"] == pytest.approx(miles)
    assert k["crt_mileage_cost_annual"] == pytest.approx(0.5 * miles)
    # the distance is the square-root law's: travel minutes = overhead + miles / speed (x factor)
    assert calls["travel_miles"].notna().all()


def test_cost_per_mile_without_a_distance_model_is_refused() -> None:
    data = _costed()
    message = scenario_error(data, lambda d: d["costs"].update(cost_per_mile=0.6))
    assert "costs.cost_per_mile" in message and "square_root" in message


def test_the_durham_baseline_prices_police_time_and_vans_per_team() -> None:
    sc = hs.load("durham_2022")
    assert sc.costs is not None and sc.costs.police_cost_per_hour == pytest.approx(38.94)
    crt = sc.programs.crt.cost
    assert crt is not None and crt.fixed_per_unit_annual == 15000 and crt.fixed_annual == 0
    data = copy.deepcopy(sc.model_dump(mode="json"))
    data["programs"]["crt"]["shifts"][0]["units"] = 3
    three = scenario_from_dict(data)
    k2 = hs.simulate(sc.model_copy(update={"horizon_weeks": 1}), reps=1).replications.iloc[0]
    k3 = hs.simulate(
        three.model_copy(update={"name": "three", "horizon_weeks": 1}), reps=1
    ).replications.iloc[0]
    assert k2["crt_fixed_cost_annual"] == 30000 and k3["crt_fixed_cost_annual"] == 45000


def test_a_program_whose_shifts_have_no_units_costs_nothing() -> None:
    data = _costed()
    data["programs"]["crt"]["shifts"] = [
        {"days": "weekdays", "start": "09:00", "end": "17:00", "units": 0}
    ]
    k = hs.simulate(data, reps=1, seed=1).replications.iloc[0]
    assert k["crt_fixed_cost_annual"] == 0 and k["crt_cost_annual"] == 0

"""People a schedule needs: FTE and head count, checked by hand arithmetic."""

from __future__ import annotations

import math

import pytest
from builders import baseline_dict

from heart_sim.core._errors import StudyError
from heart_sim.measure._workforce import fte_total, people, unit_hours_per_week
from heart_sim.scenario._load import load_scenario, scenario_from_dict


def test_durham_2022_crt_needs_twelve_point_six_fte() -> None:
    sc = load_scenario("durham_2022")
    # CRT: 2 teams x 10 h (09:00-19:00) x 7 days = 140 team-hours a week; 3 people a team
    # (clinician, peer support, EMT), relief 1.2, 2,080 paid hours an FTE.
    assert unit_hours_per_week(sc, "crt") == 140.0
    by_hand = 140 * 52 * 3 * 1.2 / 2080
    assert by_hand == pytest.approx(12.6)
    table = people(sc)
    crt = table[table.program == "crt"]
    assert sorted(crt.role) == ["clinician", "emt", "peer_support"]
    assert crt.fte.sum() == pytest.approx(12.6)
    assert list(crt.people_per_unit) == [1, 1, 1]
    assert list(crt.head_count) == [5, 5, 5]  # 4.2 FTE each, rounded up
    # CCD: 2 clinicians x 8 h x 5 weekdays = 80 h; 80 x 52 x 1.2 / 2080 = 2.4 FTE
    ccd = table[table.program == "ccd"]
    assert ccd.fte.item() == pytest.approx(2.4) and ccd.head_count.item() == 3
    # CoR 1 pair x 8 h x 5 = 40 h -> 1.2 FTE per role; CN 2 pairs x 10 h x 5 = 100 h -> 3.0
    assert fte_total(sc) == pytest.approx(12.6 + 2.4 + 2 * 1.2 + 2 * 3.0)
    assert fte_total(sc, ["crt", "ccd"]) == pytest.approx(15.0)


def test_a_weekend_rotation_needs_n_crews_for_each_weekend_day() -> None:
    sc = load_scenario("durham_2022")
    table = people(sc, weekend_rotation=3).set_index(["program", "role"])
    # CRT puts 2 teams on duty on Saturday (and Sunday): 1 weekend in 3 needs 3 x 2 people
    # in each role, more than the 5 the FTE give.
    assert table.loc[("crt", "emt"), "head_count"] == 6
    # CCD works weekdays only: the rotation changes nothing.
    assert table.loc[("ccd", "clinician"), "head_count"] == 3
    # With a rotation of 1 (every weekend), the FTE decide again.
    assert people(sc, weekend_rotation=1).set_index(["program", "role"]).loc[
        ("crt", "emt"), "head_count"
    ] == math.ceil(4.2)
    with pytest.raises(StudyError, match="1 weekend in N"):
        people(sc, weekend_rotation=0)


def test_relief_from_absence_and_programs_without_costs() -> None:
    sc = load_scenario("durham_2025")  # relief_factor from_absence, absence_prob 0.12
    crt = people(sc, ["crt"])
    # CRT 2 teams 09:00-21:00 + 1 team 12:00-24:00 daily = (24 + 12) x 7 = 252 team-hours
    assert crt.unit_hours_per_week.iloc[0] == 252.0
    # from_absence: the cost model pays each present hour 1 / (1 - 0.12), and 12% of the
    # scheduled hours are absent, so it pays exactly the scheduled hours: 18.9 FTE, the
    # hours the annual cost counts (not 21.5, which would pay the absences twice).
    assert crt.fte.sum() == pytest.approx(252 * 52 * 3 / 2080)
    data = baseline_dict()
    del data["programs"]["cn"]["cost"]
    no_cn = scenario_from_dict(data)
    assert "cn" not in set(people(no_cn).program)  # no cost block: no roles, no rows
    assert fte_total(no_cn) == pytest.approx(12.6 + 2.4 + 2.4)
    data["programs"]["crt"]["shifts"] = []
    assert unit_hours_per_week(scenario_from_dict(data), "crt") == 0.0
    with pytest.raises(StudyError, match="unknown program"):
        people(no_cn, ["crtt"])

"""Scenario variants: extends with deep merge, add_shifts, errors naming the child file."""

from __future__ import annotations

import pytest

from heart_sim.core._errors import ScenarioError
from heart_sim.scenario._load import builtin_scenarios, load_scenario
from heart_sim.scenario._variants import deep_merge
from heart_sim.study._studies import run


def test_deep_merge_replaces_lists_and_merges_mappings() -> None:
    parent = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    child = {"a": {"c": [9]}, "e": 2}
    assert deep_merge(parent, child) == {"a": {"b": 1, "c": [9]}, "d": 1, "e": 2}
    assert parent == {"a": {"b": 1, "c": [1, 2]}, "d": 1}  # inputs untouched


def test_add_shifts_appends() -> None:
    parent = {"shifts": [{"units": 1}]}
    assert deep_merge(parent, {"add_shifts": [{"units": 2}]}) == {
        "shifts": [{"units": 1}, {"units": 2}]
    }


def test_weekend_cor_adds_weekend_shifts_and_keeps_the_rest() -> None:
    base = load_scenario("durham_2022")
    alt = load_scenario("weekend_cor")
    assert alt.name == "weekend_cor"
    assert len(alt.programs.cor.shifts) == 2
    assert alt.programs.cor.shifts[0] == base.programs.cor.shifts[0]
    assert alt.programs.cor.schedule().units_at(5 * 1440 + 10 * 60) == 1  # Saturday 10:00
    assert alt.programs.crt == base.programs.crt
    assert alt.call_types == base.call_types


def test_chained_extends() -> None:
    sc = load_scenario("crt_24_7_proposal")  # -> durham_2025 -> durham_2023_citywide -> 2022
    crt = sc.programs.crt.schedule()
    assert all(crt.units_at(h * 60) > 0 for h in range(24 * 7))
    assert sc.programs.crt.area == "city"
    base = load_scenario("durham_2022").costs
    assert base is not None and sc.costs is not None
    # The 2023 expansion pays leave through its absences (relief_factor: from_absence).
    assert sc.costs == base.model_copy(update={"relief_factor": "from_absence"})


def _write(folder, name, text):
    f = folder / name
    f.write_text(text)
    return f


def test_error_in_child_names_the_child_file(tmp_path) -> None:
    _write(tmp_path, "parent.yaml", (builtin_scenarios()["durham_2022"]).read_text())
    child = _write(
        tmp_path,
        "child.yaml",
        "extends: parent.yaml\nprograms:\n  cor:\n    add_shifts:\n"
        "      - {days: weekends, start: '09:00', end: '25:00', units: 1}\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    msg = str(info.value)
    assert msg.startswith(f"{child}: programs.cor.shifts[1].end"), msg


def test_error_from_parent_names_the_parent(tmp_path) -> None:
    text = builtin_scenarios()["durham_2022"].read_text().replace("units: 2}", "units: -2}", 1)
    parent = _write(tmp_path, "parent.yaml", text)
    child = _write(tmp_path, "child.yaml", "extends: parent.yaml\ndemand: {multiplier: 2}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert str(info.value).startswith(f"{parent}: programs.ccd.shifts[0].units")


def test_cycles_and_missing_parents_are_refused_and_parents_may_be_anywhere(tmp_path) -> None:
    a = _write(tmp_path, "a.yaml", "extends: b.yaml\n")
    _write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ScenarioError, match="cycle: a.yaml -> b.yaml -> a.yaml"):
        load_scenario(a)
    m = _write(tmp_path, "m.yaml", "extends: nowhere.yaml\n")
    with pytest.raises(ScenarioError, match="extends: 'nowhere.yaml': no such file"):
        load_scenario(m)
    sub = tmp_path / "sub"
    sub.mkdir()
    e = _write(sub, "e.yaml", "extends: ../a.yaml\n")
    with pytest.raises(ScenarioError, match="cycle: e.yaml -> a.yaml -> b.yaml -> a.yaml"):
        load_scenario(e)  # a parent outside the child's folder is followed
    ok = _write(sub, "ok.yaml", f"extends: {builtin_scenarios()['durham_2022']}\nname: ok\n")
    assert load_scenario(ok).name == "ok"  # an absolute path
    _write(tmp_path, "base.yaml", "extends: durham_2022\nname: base\n")
    up = _write(sub, "up.yaml", "extends: ../base.yaml\n")
    assert load_scenario(up).name == "up"


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_every_shipped_scenario_validates_and_runs(name: str) -> None:
    sc = load_scenario(name)
    assert sc.description.strip()
    short = sc.model_copy(update={"horizon_weeks": 2})
    k = run(short, reps=2, seed=1).replications
    assert (k["calls_total"] > 0).all()
    assert (k["cost_total_annual"] > 0).all()

"""Views of a scenario (scenario._views): units on duty by hour, the keys a file changes
relative to its parent, and the starter file ``heart-sim init`` writes."""

from __future__ import annotations

import pytest
import yaml
from builders import mmc_dict

from heart_sim.core._errors import ScenarioError
from heart_sim.scenario._load import load_scenario, scenario_from_dict
from heart_sim.scenario._views import (
    parent_differences,
    resolved_yaml,
    staffing_by_hour,
    write_starter,
)


def test_staffing_by_hour_averages_units_over_each_hour() -> None:
    data = mmc_dict(2, 0.5)
    data["programs"]["crt"]["shifts"] = [
        {"days": "weekdays", "start": "09:00", "end": "17:00", "units": 2},
        {"days": "weekdays", "start": "16:00", "end": "20:00", "units": 1},
        {"days": "sat", "start": "10:30", "end": "12:00", "units": 2},
    ]
    table = staffing_by_hour(scenario_from_dict(data))
    crt = [label for label in table.index.get_level_values("program") if "CRT" in label][0]
    weekday = [0.0] * 9 + [2.0] * 7 + [3.0] + [1.0] * 3 + [0.0] * 4
    assert table.loc[(crt, "Fri")].tolist() == weekday
    saturday = [0.0] * 24
    saturday[10], saturday[11] = 1.0, 2.0  # half of hour 10, all of hour 11
    assert table.loc[(crt, "Sat")].tolist() == saturday
    assert table.loc[(crt, "Sun")].sum() == 0
    assert list(table.columns) == list(range(24))
    assert len(table) == 7 * len(set(table.index.get_level_values("program")))


def test_resolved_yaml_loads_back_to_the_same_scenario() -> None:
    sc = scenario_from_dict(mmc_dict(2, 0.5))
    assert scenario_from_dict(yaml.safe_load(resolved_yaml(sc))) == sc


def test_parent_differences_list_what_the_child_changes(tmp_path) -> None:
    (tmp_path / "parent.yaml").write_text(yaml.safe_dump(mmc_dict(2, 0.5)))
    (tmp_path / "child.yaml").write_text(
        "extends: parent.yaml\nname: child\nhorizon_weeks: 7\ndemand: {multiplier: 1.5}\n"
    )
    diffs = {key: (old, new) for key, old, new in parent_differences(tmp_path / "child.yaml")}
    assert diffs == {
        "name": ("mmc_c2_rho0.5", "child"),
        "horizon_weeks": ("20", "7"),
        "demand.multiplier": ("1.0", "1.5"),
    }
    assert parent_differences(tmp_path / "parent.yaml") == []  # extends nothing


def test_the_starter_file_runs_as_its_parent(tmp_path) -> None:
    new = write_starter(tmp_path / "what_if.yaml", "durham_2022")
    child, parent = load_scenario(new), load_scenario("durham_2022")
    assert child.name == "what_if"
    # Everything but the name and words is the parent's: the edits are commented out.
    same = {"name", "title", "description"}
    assert child.model_dump(exclude=same) == parent.model_dump(exclude=same)
    text = new.read_text()
    assert "extends: durham_2022" in text
    assert "#   crt:" in text and "#     shifts:" in text
    before = text
    with pytest.raises(ScenarioError, match="exists"):
        write_starter(new, "durham_2022")
    assert new.read_text() == before
    assert write_starter(new, "durham_2022", force=True) == new
    with pytest.raises(ScenarioError, match=r"\.yaml or \.yml"):
        write_starter(tmp_path / "what_if.txt")
    with pytest.raises(ScenarioError, match="cannot extend itself"):
        write_starter(new, new, force=True)

"""The scenario form: filled from a scenario, read back with the CLI's checks, saved as a
file that extends its parent and loads to the same scenario."""

from __future__ import annotations

from pathlib import Path

import yaml

import heart_sim as hs
from heart_sim.app._editor import edited, fields, form_values, parent_reference, saved_yaml


def test_form_values_show_the_scenario_as_the_cli_writes_it() -> None:
    values = form_values(hs.load("durham_2022"))
    # durham_2022's CRT: two teams every day 09:00-19:00, one spare row below
    assert [values[f"crt_s0_{p}"] for p in ("days", "start", "end", "units")] == [
        "daily",
        "09:00",
        "19:00",
        "2",
    ]
    assert values["ccd_s0_days"] == "weekdays"
    assert values["crt_rows"] == "2"
    assert values["crt_patience"] == "30"
    assert values["demand_multiplier"] == "1"


def test_unchanged_form_is_the_parent() -> None:
    base = hs.load("durham_2022")
    e = edited(base, form_values(base), "anything")
    assert e.problems == {} and e.changes == {}
    assert e.scenario is not None and e.scenario.name == "durham_2022"


def test_crt_around_the_clock_saved_and_loaded_is_the_same_scenario(tmp_path: Path) -> None:
    base = hs.load("durham_2022")
    values = form_values(base) | {
        "crt_s0_days": "daily",
        "crt_s0_start": "00:00",
        "crt_s0_end": "24:00",
        "demand_multiplier": "1.25",
        "crt_s1_days": "sat,mon",  # a second shift in the spare row
        "crt_s1_start": "20:00",
        "crt_s1_end": "04:00",
        "crt_s1_units": "1",
    }
    e = edited(base, values, "crt_247")
    assert e.problems == {}
    assert set(e.changes) == {"programs.crt.shifts", "demand.multiplier"}
    assert e.scenario is not None
    text = saved_yaml(base, "durham_2022", e.scenario, "CRT around the clock")
    data = yaml.safe_load(text)
    assert data["extends"] == "durham_2022"
    assert data["demand"] == {"multiplier": 1.25}
    assert data["programs"]["crt"]["shifts"][1]["days"] == ["sat", "mon"]
    path = tmp_path / "crt_247.yaml"
    path.write_text(text)
    loaded = hs.load(path)
    assert loaded.model_dump(exclude={"title", "description"}) == e.scenario.model_dump(
        exclude={"title", "description"}
    )
    assert loaded.title == "CRT around the clock"


def test_problems_are_the_cli_messages_by_field() -> None:
    base = hs.load("durham_2022")
    values = form_values(base) | {
        "crt_s1_days": "mon-frx",
        "crt_s1_start": "08:00",
        "crt_s1_end": "25:00",
        "crt_s1_units": "two",
        "demand_multiplier": "lots",
        "crt_area": "moon",
    }
    e = edited(base, values, "bad")
    assert e.scenario is None
    assert e.problems["crt_s1_days"] == [
        "programs.crt.shifts[1].days: 'mon-frx' is not a day: use mon..sun or monday..sunday "
        "(any case), a range such as mon-fri or fri-sun, or daily, weekdays, weekends"
    ]
    assert e.problems["crt_s1_end"] == [
        "programs.crt.shifts[1].end: time '25:00' is outside 00:00-24:00"
    ]
    assert "programs.crt.shifts[1].units" in e.problems["crt_s1_units"][0]
    assert e.problems["demand_multiplier"][0].startswith("demand.multiplier: ")
    assert e.problems["crt_area"][0].startswith("programs.crt.area: ")
    assert "crt_s1_start" not in e.problems


def test_a_blank_row_drops_and_the_next_keeps_its_field() -> None:
    """Rows are numbered on the page; a blank row between two is dropped, and a problem in
    the row after it is still shown at that row's field."""
    base = hs.load("durham_2022")
    values = form_values(base) | {
        "crt_rows": "3",
        "crt_s2_days": "daily",
        "crt_s2_start": "19:00",
        "crt_s2_end": "19:30",
        "crt_s2_units": "-1",
    }
    e = edited(base, values, "gap")
    assert list(e.problems) == ["crt_s2_units"]


def test_fields_follow_the_scenario_call_types_and_roles() -> None:
    ids = {f.id for f in fields(hs.load("durham_2022"))}
    assert {"route_mental_health_ccd", "route_higher_risk_heart", "salary_clinician"} <= ids
    assert "cn_patience" not in ids  # Care Navigation has no patience in durham_2022


def test_parent_reference(tmp_path: Path) -> None:
    assert parent_reference("durham_2022", True, tmp_path) == "durham_2022"
    (tmp_path / "sub").mkdir()
    assert parent_reference(str(tmp_path / "base.yaml"), False, tmp_path / "sub") == "../base.yaml"

"""Scenario validation: each bad input gets a clear message naming the file and key path.

The table lists (what is changed, expected key path, words the message must contain).
"""

from __future__ import annotations

import copy

import pytest
import yaml
from builders import baseline_dict

from heart_sim.core._errors import ScenarioError
from heart_sim.scenario._load import load_scenario, scenario_from_dict
from heart_sim.scenario._profiles import milwaukee_weights

CRT_SHIFT = ("programs", "crt", "shifts", 0)


def _set(data: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


BAD = [
    (("bogus",), 1, "bogus", "unknown key"),
    (("programs", "xyz"), {}, "programs.xyz", "unknown key"),
    ((*CRT_SHIFT, "start"), "25:00", "programs.crt.shifts[0].start", "outside 00:00-24:00"),
    ((*CRT_SHIFT, "start"), "24:00", "programs.crt.shifts[0].start", "before 24:00"),
    ((*CRT_SHIFT, "end"), "9am", "programs.crt.shifts[0].end", "not HH:MM"),
    ((*CRT_SHIFT, "end"), "09:00", "programs.crt.shifts[0]", "zero length"),
    ((*CRT_SHIFT, "units"), -1, "programs.crt.shifts[0].units", "greater than or equal to 0"),
    (
        (*CRT_SHIFT, "units"),
        "two",
        "programs.crt.shifts[0].units",
        "expected a whole number, got text",
    ),
    ((*CRT_SHIFT, "days"), "someday", "programs.crt.shifts[0].days", "'someday' is not a day: use"),
    ((*CRT_SHIFT, "days"), ["mon", "mon"], "programs.crt.shifts[0].days", "mon listed twice"),
    (("demand", "calls_per_week"), -5, "demand.calls_per_week", "greater than 0"),
    (("demand", "calls_per_week"), "lots", "demand.calls_per_week", "expected a number, got text"),
    (("demand", "calls_per_week"), float("nan"), "demand.calls_per_week", "finite"),
    (("demand", "hourly_weights"), [1.0] * 23, "demand.hourly_weights", "at least 24"),
    (("demand", "daily_weights"), [0.0] * 7, "demand", "sum to zero"),
    (("call_types", "higher_risk", "share"), 0.2, "call_types", "must sum to 1"),
    (("call_types", "higher_risk", "share"), 1.5, "call_types.higher_risk.share", "less than"),
    (("call_types", "higher_risk", "ccd_decision", "cor"), 0.9, "ccd_decision", "sum to 1"),
    (("call_types", "higher_risk", "direct"), "police", "call_types.higher_risk.direct", "'crt'"),
    (("programs", "crt", "travel_time"), {"dist": "weibull"}, "crt.travel_time", "not one of"),
    (("programs", "crt", "travel_time"), {"dist": "lognormal", "mean": 3}, "sd", "missing"),
    (("programs", "crt", "travel_time"), {"dist": "exponential", "mean": -3}, "mean", "greater"),
    (
        ("programs", "crt", "travel_time"),
        {"dist": "triangular", "low": 5, "mode": 1, "high": 3},
        "programs.crt.travel_time",
        "low <= mode <= high",
    ),
    (
        ("programs", "crt", "area"),
        "moon",
        "programs.crt.area",
        "'pilot', 'city' or a list of zone names",
    ),
    (("programs", "crt", "patience_min"), -1, "programs.crt.patience_min", "0 or more minutes"),
    (("horizon_weeks",), 10**9, "horizon_weeks", "less than or equal to 520"),
    (("horizon_weeks",), 0, "horizon_weeks", "greater than or equal to 1"),
    (("name",), "../../etc", "name", "cannot be a name"),
]


@pytest.mark.parametrize(("path", "value", "key", "words"), BAD, ids=[b[2] for b in BAD])
def test_bad_input_names_file_key_and_reason(path, value, key, words, baseline) -> None:
    _set(baseline, path, value)
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(baseline, source="bad.yaml")
    message = str(info.value)
    assert message.startswith("bad.yaml: ")
    assert key in message and words in message, message


GOOD = [
    (
        "overnight shift 22:00-06:00",
        (*CRT_SHIFT,),
        {"days": "daily", "start": "22:00", "end": "06:00", "units": 1},
    ),
    (
        "24/7 program",
        (*CRT_SHIFT,),
        {"days": "daily", "start": "00:00", "end": "24:00", "units": 2},
    ),
    (
        "zero units on some days",
        ("programs", "crt", "shifts"),
        [
            {"days": "weekdays", "start": "09:00", "end": "19:00", "units": 2},
            {"days": "weekends", "start": "09:00", "end": "19:00", "units": 0},
        ],
    ),
    ("program that never opens", ("programs", "cor", "shifts"), []),
    (
        "hour-of-week profile",
        ("demand",),
        {"calls_per_week": 100, "hour_of_week_weights": [1.0] * 168},
    ),
]


@pytest.mark.parametrize(("label", "path", "value"), GOOD, ids=[g[0] for g in GOOD])
def test_valid_edge_cases_still_work(label, path, value, baseline) -> None:
    _set(baseline, path, value)
    scenario_from_dict(baseline)


def test_yaml_times_written_without_quotes_stay_times(tmp_path) -> None:
    """YAML 1.1 would read 17:00 as the base-60 integer 1020."""
    data = baseline_dict()
    text = yaml.safe_dump(data).replace("'17:00'", "17:00").replace("'19:00'", "19:00")
    assert "end: 17:00" in text
    f = tmp_path / "s.yaml"
    f.write_text(text)
    assert load_scenario(f).programs.ccd.shifts[0].end == "17:00"


def test_unsafe_yaml_is_refused(tmp_path) -> None:
    f = tmp_path / "evil.yaml"
    f.write_text("name: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ScenarioError, match="evil.yaml: line 1: not valid YAML"):
        load_scenario(f)


def test_missing_file_and_non_mapping(tmp_path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")
    f = tmp_path / "list.yaml"
    f.write_text("- 1\n- 2\n")
    with pytest.raises(ScenarioError, match="expected a mapping"):
        load_scenario(f)


def test_scenario_is_frozen(baseline) -> None:
    sc = scenario_from_dict(copy.deepcopy(baseline))
    with pytest.raises(Exception, match="frozen"):
        sc.horizon_weeks = 3  # type: ignore[misc]


def test_shipped_profile_matches_the_data_file() -> None:
    """The weights in durham_2022.yaml are what scripts/derive_profile.py derives."""
    hourly, daily = milwaukee_weights()
    demand = baseline_dict()["demand"]
    assert demand["hourly_weights"] == hourly
    assert demand["daily_weights"] == daily
    # ~41% of daily demand falls in 09:00-17:00 and ~52% in 09:00-19:00 (shared/data README).
    assert sum(hourly[9:17]) / sum(hourly) == pytest.approx(0.41, abs=0.01)
    assert sum(hourly[9:19]) / sum(hourly) == pytest.approx(0.52, abs=0.01)

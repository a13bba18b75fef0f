"""Key paths as the YAML writes them, shared by sweeps and hs.vary: what a planner types
reaches the key it names, or a one-line error says what is there instead."""

from __future__ import annotations

import pytest
from builders import short_baseline

import heart_sim as hs
from heart_sim.core._errors import ScenarioError
from heart_sim.scenario._keypaths import KeyPathError, parse_path, set_path


@pytest.mark.parametrize(
    "text, parts",
    [
        ("programs.crt.patience_min", ("programs", "crt", "patience_min")),
        ("programs.crt.shifts[0].units", ("programs", "crt", "shifts", 0, "units")),
        ("programs.crt.shifts.0.units", ("programs", "crt", "shifts", 0, "units")),
        ("demand.hourly_weights[23]", ("demand", "hourly_weights", 23)),
        ("crt.units", ("crt", "units")),
    ],
)
def test_paths_parse(text, parts) -> None:
    assert parse_path(text) == parts


@pytest.mark.parametrize("text", ["", ".a", "a.", "a..b", "a[x]", "a[0"])
def test_malformed_paths_are_refused(text) -> None:
    with pytest.raises(KeyPathError):
        parse_path(text)


DATA = short_baseline(weeks=1).model_dump(mode="json")


@pytest.mark.parametrize(
    "path, value, where, expected",
    [
        ("crt.units", 5, ("programs", "crt", "shifts", 0, "units"), 5),
        ("programs.crt.shifts[0].units", 3, ("programs", "crt", "shifts", 0, "units"), 3),
        ("programs.crt.shifts.0.end", "21:00", ("programs", "crt", "shifts", 0, "end"), "21:00"),
        ("crt.patience_min", 10, ("programs", "crt", "patience_min"), 10),
        ("programs.crt.area", "city", ("programs", "crt", "area"), "city"),
        ("demand.multiplier", 1.5, ("demand", "multiplier"), 1.5),
        ("title", "More CRT", ("title",), "More CRT"),
    ],
)
def test_set_path_reaches_the_key(path, value, where, expected) -> None:
    node = set_path(DATA, path, value)
    for part in where:
        node = node[part]
    assert node == expected


@pytest.mark.parametrize(
    "path, words",
    [
        (
            "programs.crt.patiense_min",
            "programs.crt.patiense_min: unknown key; did you mean 'patience_min'?",
        ),
        ("crtt.units", "crtt: unknown key; did you mean 'crt'?"),
        ("programs.crt.shift[0].units", "did you mean 'shifts'?"),
        ("programs.crt.shifts[3].units", "programs.crt.shifts is a list of 1 (use [0]..[0])"),
        ("demand.multiplier.x", "demand.multiplier is a value, not a mapping of keys"),
        ("cor.units", "cor.units"),  # CoR has shifts: allowed; checked below with none
    ],
)
def test_unknown_paths_say_what_is_there(path, words) -> None:
    if path == "cor.units":
        data = {**DATA, "programs": {**DATA["programs"], "cor": {**DATA["programs"]["cor"]}}}
        data["programs"]["cor"]["shifts"] = []
        with pytest.raises(KeyPathError, match="program cor has no shifts"):
            set_path(data, path, 1)
        return
    with pytest.raises(KeyPathError) as err:
        set_path(DATA, path, 1)
    assert words in str(err.value)


def test_vary_gives_a_validated_variant_with_its_own_name() -> None:
    base = short_baseline(weeks=1)
    more = hs.vary(base, {"programs.crt.shifts[0].units": 3})
    assert (
        more.programs.crt.shifts[0].units == 3 and more.name == "durham_2022__crt.shifts_0_.units_3"
    )
    assert base.programs.crt.shifts[0].units == 2  # the base is untouched
    named = hs.vary(base, {"crt.area": "city"}, name="citywide_crt")
    assert named.name == "citywide_crt" and named.programs.crt.area == "city"
    comp = hs.compare(base, more, reps=2, seed=1)  # distinct names: can be compared
    assert (comp.differences.set_index("metric").loc["crt_utilization", "diff_mean"]) < 0
    with pytest.raises(ScenarioError, match="demand.multiplier"):
        hs.vary(base, {"demand.multiplier": -1})
    with pytest.raises(KeyPathError, match="did you mean 'multiplier'"):
        hs.vary(base, {"demand.multiplyer": 2})


def test_default_variant_names_do_not_collide() -> None:
    base = short_baseline(weeks=1)
    names = {
        hs.vary(base, {path: 3}).name
        for path in ("crt.units", "cor.units", "programs.crt.shifts[0].units")
    }
    assert len(names) == 3
    long = {"demand.multiplier": 1.25, "programs.crt.patience_min": 12, "crt.area": "city"}
    a = hs.vary(base, long)
    b = hs.vary(base, {**long, "crt.area": "pilot"})
    assert a.name != b.name and len(a.name) <= 80


def test_a_model_copy_is_run_as_validated() -> None:
    base = short_baseline(weeks=1)
    loose = base.model_copy(
        update={"name": "loose", "demand": base.demand.model_copy(update={"multiplier": "2"})}
    )
    res = hs.simulate(loose, reps=1, seed=1)  # "2" validates to 2.0, and 2.0 is what runs
    assert res.scenario.demand.multiplier == 2.0
    assert res.replications["calls_per_week"].iloc[0] > 1.5 * 590


def test_keys_made_of_digits_are_keys_and_empty_lists_say_so() -> None:
    data = {**DATA, "call_types": {"911": DATA["call_types"]["mental_health"]}}
    assert set_path(data, "call_types.911.share", 1.0)["call_types"]["911"]["share"] == 1.0
    empty = {
        **DATA,
        "programs": {**DATA["programs"], "cor": {**DATA["programs"]["cor"], "shifts": []}},
    }
    with pytest.raises(KeyPathError, match=r"programs.cor.shifts is a list of 0 \(it is empty\)"):
        set_path(empty, "programs.cor.shifts[0].units", 1)

"""What a planner types is what runs, or one line says why (issue 10).

Each bad input, as a planner would write it in a child scenario of the baseline, gives one
line per problem naming the file, the key path and the fix, exit code 2, no traceback, and
nothing written. Each good form runs, and ``heart-sim show`` prints the resolved value.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim.cli import app
from heart_sim.scenario._load import load_scenario

runner = CliRunner()
INTERNALS = ("Input should", "NoneType", "list[str]", "^[A-Za-z", "Traceback", "dict[")


def child(tmp_path: Path, body: str, name: str = "whatif") -> Path:
    """A scenario file that extends the baseline with ``body`` (YAML) added."""
    f = tmp_path / f"{name}.yaml"
    text = textwrap.dedent(body)
    head = f"extends: durham_2022\nname: {name}\n" + (
        "" if "horizon_weeks" in text else "horizon_weeks: 1\n"
    )
    f.write_text(head + text)
    return f


def crt_days(days: str) -> str:
    return f"""
    programs:
      crt:
        shifts:
          - {{days: {days}, start: "09:00", end: "17:00", units: 2}}
    """


BAD = [
    # (label, YAML body, key path, words of the message)
    (
        "range typed with a slash",
        crt_days("[Sat/Sun]"),
        "programs.crt.shifts[0].days",
        "'Sat/Sun' is not a day: use mon..sun or monday..sunday",
    ),
    ("not a day", crt_days("[monkey]"), "programs.crt.shifts[0].days", "'monkey' is not a day"),
    ("a day twice", crt_days("[mon, Monday]"), "programs.crt.shifts[0].days", "mon listed twice"),
    ("a number for a day", crt_days("[1]"), "programs.crt.shifts[0].days", "1 is not a day"),
    ("a range with a typo", crt_days("mon-fry"), "programs.crt.shifts[0].days", "'mon-fry'"),
    ("no days", crt_days("[]"), "programs.crt.shifts[0].days", "needs at least one day"),
    (
        "lognormal without sd",
        "programs:\n  crt:\n    travel_time: {dist: lognormal, mean: 12}\n",
        "programs.crt.travel_time.sd",
        "required key is missing",
    ),
    (
        "unknown dist",
        "programs:\n  crt:\n    travel_time: {dist: weibull, mean: 3}\n",
        "programs.crt.travel_time",
        "dist 'weibull' is not one of: 'exponential'",
    ),
    (
        "add_shift",
        "programs:\n  crt:\n    add_shift: []\n",
        "programs.crt.add_shift",
        "unknown key; did you mean 'add_shifts'?",
    ),
    ("crtt", "programs:\n  crtt: {}\n", "programs.crtt", "unknown key; did you mean 'crt'?"),
    ("horizon_week", "horizon_week: 4\n", "horizon_week", "did you mean 'horizon_weeks'?"),
    (
        "patiense",
        "programs:\n  cor:\n    patiense_min: 5\n",
        "programs.cor.patiense_min",
        "did you mean 'patience_min'?",
    ),
    (
        "units in words",
        crt_days("weekdays").replace("units: 2", "units: two"),
        "programs.crt.shifts[0].units",
        "expected a whole number, got text ('two')",
    ),
    (
        "shifts as a mapping",
        "programs:\n  crt:\n    shifts: {days: mon}\n",
        "programs.crt.shifts",
        "expected a list",
    ),
    (
        "demand in words",
        "demand:\n  calls_per_week: lots\n",
        "demand.calls_per_week",
        "expected a number, got text ('lots')",
    ),
    (
        "area",
        "programs:\n  crt:\n    area: moon\n",
        "programs.crt.area",
        "must be 'pilot', 'city' or a list of zone names (got 'moon')",
    ),
    (
        "time",
        crt_days("daily").replace('"17:00"', '"25:00"'),
        "programs.crt.shifts[0].end",
        "outside 00:00-24:00",
    ),
    (
        "off is not 0",
        "programs:\n  crt:\n    patience_min: off\n",
        "programs.crt.patience_min",
        "expected minutes (a number), a distribution ({dist: ...}) or null, got text ('off')",
    ),
    (
        "true is not 1",
        crt_days("daily").replace("units: 2", "units: true"),
        "programs.crt.shifts[0].units",
        "expected a number, got true",
    ),
    ("yes is not 1", "horizon_weeks: yes\n", "horizon_weeks", "expected a whole number, got text"),
    (
        "a key named like a type",
        "programs:\n  crt:\n    list: 3\n",
        "programs.crt.list",
        "unknown key",
    ),
]


@pytest.mark.parametrize("label, body, key, words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_naming_file_key_and_fix(tmp_path, label, body, key, words) -> None:
    f = child(tmp_path, body)
    out = tmp_path / "out"
    for args in (["validate", str(f)], ["run", str(f), "-r", "1", "-o", str(out)]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (label, res.output)
        lines = [ln for ln in res.output.splitlines() if ln.startswith("error: ")]
        assert any(f"{f}: {key}: " in ln and words in ln for ln in lines), (label, res.output)
        assert not any(bad in res.output for bad in INTERNALS), res.output
        assert res.exception is None or isinstance(res.exception, SystemExit)
    assert not out.exists(), "nothing may be written for a bad scenario"


@pytest.mark.parametrize(
    "label, text, words",
    [
        ("empty file", "", "the file is empty: a scenario is a mapping of keys"),
        ("a list", "- a\n- b\n", "expected a mapping of keys (name:, demand:, ...), got a list"),
        (
            "name with spaces",
            "extends: durham_2022\nname: my run\n",
            "name: 'my run' cannot be a name: use 1-80 letters, digits",
        ),
        ("name that climbs out", "extends: durham_2022\nname: ..\n", "'..' cannot be a name"),
        (
            "missing parent",
            "extends: ../nowhere.yaml\nname: x\n",
            "extends: '../nowhere.yaml': no such file next to",
        ),
    ],
)
def test_files_that_are_not_scenarios(tmp_path, label, text, words) -> None:
    f = tmp_path / "f.yaml"
    f.write_text(text)
    res = runner.invoke(app, ["validate", str(f)])
    assert res.exit_code == 2 and words in res.output, (label, res.output)
    assert not any(bad in res.output for bad in INTERNALS), res.output


@pytest.mark.parametrize(
    "vary, words",
    [
        ("programs.crt.patiense_min=10,20", "did you mean 'patience_min'?"),
        ("crtt.units=1:2", "crtt: unknown key; did you mean 'crt'?"),
        ("programs.crt.shifts[4].units=1,2", "programs.crt.shifts is a list of 1"),
        ("crt.units=5:1", "a range needs STOP >= START"),
        ("crt.units", "expected PATH=VALUES"),
        ("programs.crt.area=pilot,moon", "must be 'pilot', 'city' or a list of zone names"),
        ("seed=1,2", "cannot be swept: every point runs with the sweep's seed"),
        ("crt.units=1,1", "1 is listed twice"),
    ],
)
def test_bad_sweeps_say_why(tmp_path, vary, words) -> None:
    res = runner.invoke(
        app, ["sweep", "durham_2022", "--vary", vary, "-r", "2", "-o", str(tmp_path / "o")]
    )
    assert res.exit_code == 2 and words in res.output, res.output
    assert res.output.startswith("error: ") and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()


GOOD_DAYS = [
    ("mon-fri", ["mon", "tue", "wed", "thu", "fri"]),
    ("Mon-Fri", ["mon", "tue", "wed", "thu", "fri"]),
    ("[Mon-Fri]", ["mon", "tue", "wed", "thu", "fri"]),
    ("Fri-Sun", ["fri", "sat", "sun"]),
    ("[Fri, Sat-Sun]", ["fri", "sat", "sun"]),
    ("sat-mon", ["sat", "sun", "mon"]),
    ('"Monday, Wednesday"', ["mon", "wed"]),
    ("[MONDAY, thu]", ["mon", "thu"]),
    ("weekdays", ["mon", "tue", "wed", "thu", "fri"]),
    ("[weekends]", ["sat", "sun"]),
    ("daily", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
]


@pytest.mark.parametrize("typed, days", GOOD_DAYS, ids=[g[0] for g in GOOD_DAYS])
def test_every_accepted_way_of_writing_days_means_what_it_says(tmp_path, typed, days) -> None:
    f = child(tmp_path, crt_days(typed))
    assert load_scenario(f).programs.crt.shifts[0].days == days
    res = runner.invoke(app, ["show", str(f)])
    assert res.exit_code == 0, res.output
    resolved = yaml.safe_load(res.output.split("\nunits on duty by hour")[0].split("\n", 1)[1])
    assert resolved["programs"]["crt"]["shifts"][0]["days"] == days
    for line in res.output.splitlines():  # the staffing table: 2 teams 09-17 on those days
        cells = line.split()
        if cells[:1] == ["CRT"]:
            on = cells[1].lower() in days
            assert cells[2 + 9 : 2 + 17] == (["2"] * 8 if on else ["."] * 8), line


def test_a_child_switches_a_distribution_and_show_prints_it(tmp_path) -> None:
    f = child(tmp_path, "programs:\n  crt:\n    travel_time: {dist: fixed, value: 12}\n")
    res = runner.invoke(app, ["show", str(f)])
    assert res.exit_code == 0, res.output
    resolved = yaml.safe_load(res.output.split("\nunits on duty by hour")[0].split("\n", 1)[1])
    assert resolved["programs"]["crt"]["travel_time"] == {"dist": "fixed", "value": 12.0}
    diff = runner.invoke(app, ["show", str(f), "--diff"])
    assert "programs.crt.travel_time.dist" in diff.output and "fixed" in diff.output
    run = runner.invoke(app, ["run", str(f), "-r", "1", "-o", str(tmp_path / "o"), "-q"])
    assert run.exit_code == 0, run.output


def test_init_writes_a_scenario_that_validates_and_whose_comments_can_be_uncommented(
    tmp_path,
) -> None:
    new = tmp_path / "more_crt.yaml"
    res = runner.invoke(app, ["init", str(new), "--from", "durham_2022"])
    assert res.exit_code == 0, res.output
    assert load_scenario(new).name == "more_crt"
    again = runner.invoke(app, ["init", str(new)])
    assert again.exit_code == 2 and "exists" in again.output  # never overwritten silently
    # Uncomment the CRT block as a planner would: it must be valid YAML at the right place.
    lines = new.read_text().splitlines()
    keep, inside = [], False
    for line in lines:
        if line.startswith("# programs:") or line.startswith("#   crt:"):
            inside = True
            keep.append(line[2:])
        elif inside and line.startswith("#     "):
            keep.append(line[2:].replace("units: 2", "units: 3"))
        else:
            inside = inside and not line.startswith("#   ")
            keep.append(line)
    new.write_text("\n".join(keep) + "\n")
    sc = load_scenario(new)
    assert sc.programs.crt.shifts[0].units == 3 and sc.programs.crt.area == "pilot"
    x = tmp_path / "sub" / "x.yaml"  # a parent given as a file: extends: by relative path
    assert runner.invoke(app, ["init", str(x), "--from", str(new)]).exit_code == 0
    assert "extends: ../more_crt.yaml" in x.read_text()
    assert load_scenario(x).programs.crt.shifts[0].units == 3


def test_validate_takes_several_files_and_fails_if_any_is_bad(tmp_path) -> None:
    good = child(tmp_path, crt_days("mon-fri"), name="good")
    bad = child(tmp_path, crt_days("[monkey]"), name="bad")
    res = runner.invoke(app, ["validate", str(good), "weekend_cor", str(bad)])
    assert res.exit_code == 2
    assert f"{good}: valid scenario 'good'" in res.output
    assert "weekend_cor: valid scenario 'weekend_cor'" in res.output
    assert f"error: {bad}: programs.crt.shifts[0].days: 'monkey' is not a day" in res.output


def test_format_json_and_csv_give_data_on_stdout(tmp_path) -> None:
    import json

    f = child(tmp_path, "")
    res = runner.invoke(app, ["run", str(f), "-r", "3", "-o", str(tmp_path / "o"), "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)  # the data alone on stdout; messages go to stderr
    assert rows[0]["metric"] == "calls_per_week" and rows[0]["ci_low"] <= rows[0]["mean"]
    csv = runner.invoke(app, ["metrics", "--format", "csv"])
    assert csv.exit_code == 0 and csv.output.startswith("metric,label,unit")


def test_a_key_named_like_a_python_type_stays_in_the_path(tmp_path) -> None:
    """pydantic puts union-branch names (str, list[str]) in its paths; they are dropped,
    but a real key of that name (a call type called 'str') is kept."""
    data = load_scenario("durham_2022").model_dump(mode="json")
    data["call_types"]["str"] = data["call_types"].pop("mental_health")
    data["call_types"]["str"]["share"] = "x"
    f = tmp_path / "types.yaml"
    f.write_text(yaml.safe_dump(data))
    res = runner.invoke(app, ["validate", str(f)])
    assert f"{f}: call_types.str.share: expected a number, got text ('x')" in res.output


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite(tmp_path) -> None:
    f = tmp_path / "dup.yaml"
    f.write_text(
        "extends: durham_2022\nname: dup\nprograms:\n  crt:\n    area: city\n"
        "  cor:\n    area: city\n  crt:\n    patience_min: 5\n"
    )
    res = runner.invoke(app, ["validate", str(f)])
    assert res.exit_code == 2
    assert f"error: {f}: line 8: not valid YAML: the key 'crt' is given twice" in res.output


@pytest.mark.parametrize(
    "varies, words",
    [
        (["crt.patience_min=1,100", "programs.crt.patience_min=5,6"], "set the same key"),
        (["crt.units=1,2", "programs.crt.shifts[0].units=1,2"], "set the same key"),
        (["programs.crt.shifts[0].units=1,2", "programs.crt.shifts.0.units=3"], "same key"),
        (["crt.patience_min=inf,10"], "is not a finite number"),
        (["crt.units=1e99999999"], "is not a finite number"),
        (["crt.units=1:1e99999999:1e99999990"], "is not a finite number"),
    ],
)
def test_sweeps_that_would_mislead_or_hang_are_refused(tmp_path, varies, words) -> None:
    args = ["sweep", "durham_2022", "-r", "2", "-o", str(tmp_path / "o")]
    res = runner.invoke(app, [*args, *(x for v in varies for x in ("--vary", v))])
    assert res.exit_code == 2 and words in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_a_sweep_reaches_keys_the_file_leaves_to_defaults(tmp_path) -> None:
    from builders import mmc_dict

    f = tmp_path / "mmc.yaml"  # no wrap_up_time: its default is {dist: fixed, value: 0}
    f.write_text(yaml.safe_dump(mmc_dict(2, 0.5, weeks=1)))
    vary = "programs.crt.wrap_up_time.value=5,10"
    res = runner.invoke(app, ["sweep", str(f), "--vary", vary, "-r", "2", "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert hs.vary(hs.load(f), {vary.split("=")[0]: 5}).programs.crt.wrap_up_time.value == 5


def test_init_quotes_what_yaml_would_misread_and_refuses_to_extend_itself(tmp_path) -> None:
    for stem in ("2025", "yes", "null", "0x10"):
        new = tmp_path / f"{stem}.yaml"
        assert runner.invoke(app, ["init", str(new)]).exit_code == 0
        assert load_scenario(new).name == stem
    parent = child(tmp_path, "programs:\n  crt:\n    patience_min: null\n", name="nopatience")
    new = tmp_path / "from_parent.yaml"
    assert runner.invoke(app, ["init", str(new), "--from", str(parent)]).exit_code == 0
    assert "#     patience_min: null" in new.read_text()
    res = runner.invoke(app, ["init", str(new), "--from", str(new), "--force"])
    assert res.exit_code == 2 and "cannot extend itself" in res.output


def test_a_file_without_name_is_named_after_itself_and_blamed_for_it(tmp_path) -> None:
    f = tmp_path / "my what-if.yaml"
    f.write_text("extends: durham_2022\n")
    res = runner.invoke(app, ["validate", str(f)])
    assert f"error: {f}: name: 'my what-if' cannot be a name" in res.output, res.output


def test_a_call_type_named_dist_merges_like_any_key(tmp_path) -> None:
    f = child(
        tmp_path,
        "call_types:\n  dist: {share: 0, ccd_decision: {resolve: 1}, direct: crt}\n",
    )
    assert len(load_scenario(f).call_types) == 4


def test_a_folder_named_like_a_scenario_does_not_hide_it(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "durham_2022").mkdir()  # e.g. the link a run leaves in results/
    res = runner.invoke(app, ["show", "durham_2022", "--diff"])
    assert res.exit_code == 0, res.output

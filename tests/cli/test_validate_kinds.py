"""Options and targets files are first-class (issue 24): ``heart-sim validate`` checks each
file as what its shape says it is (options:, targets:, or a scenario) with that kind's
validator, says what it checked, and the shipped ones can be named by their stem wherever
the command line takes them, as built-in scenarios are."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import ROOT
from typer.testing import CliRunner

from heart_sim import api
from heart_sim.calibration import load_targets
from heart_sim.cli import app
from heart_sim.core import ScenarioError
from heart_sim.optimization import load_options

runner = CliRunner()
SHIPPED = sorted((ROOT / "scenarios" / "options").glob("*.yaml")) + sorted(
    (ROOT / "scenarios" / "targets").glob("*.yaml")
)


def test_every_shipped_options_and_targets_file_validates_as_what_it_is() -> None:
    res = runner.invoke(app, ["validate", *map(str, SHIPPED)])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == len(SHIPPED) >= 5
    for path, line in zip(SHIPPED, lines, strict=True):
        kind = "options file" if path.parent.name == "options" else "targets file"
        assert line.startswith(f"{path}: valid {kind} '"), line


# (label, the file's text, what validate says: the key path and the words)
BAD = [
    ("an option that is not a mapping", "options:\n  a: 3\n", "options.a: expected a mapping"),
    ("a misspelt key of an options file", "options:\n  a: {set: {x: 1}}\noptons: {}\n", "optons"),
    (
        "a target on no metric",
        "targets:\n  - {metric: nope, value: 3, sd: 1, source: x}\n",
        "targets[0].metric",
    ),
    ("an empty targets list", "targets: []\n", "targets"),
    (
        "a scenario key in an options file",
        "options:\n  a: {set: {x: 1}}\nhorizon_weeks: 3\n",
        "horizon_weeks",
    ),
]


@pytest.mark.parametrize("label, text, says", BAD, ids=[b[0] for b in BAD])
def test_a_bad_options_or_targets_file_gets_its_own_validators_words(
    tmp_path, label, text, says
) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert all(line.startswith(f"error: {path}: ") for line in lines), res.output
    assert says in res.output, res.output
    # never the scenario validator's complaints about what an options or targets file lacks
    assert "demand" not in res.output and "call_types" not in res.output, res.output


@pytest.mark.parametrize(
    "name, kind",
    [("durham_fy26", "options file"), ("durham_2022", "scenario"), ("durham_2025", "scenario")],
)
def test_shipped_files_are_named_by_their_stem(name, kind) -> None:
    assert api.check(name).startswith(f"{name}: valid {kind} ")


def test_the_loaders_take_shipped_names_and_say_which_there_are(tmp_path) -> None:
    assert load_options("durham_fy26").source.endswith(str(Path("options") / "durham_fy26.yaml"))
    assert load_targets("durham_pilot_2022_23").name == "durham_pilot_2022_23"
    with pytest.raises(ScenarioError, match="nor a shipped targets file .*durham_2024_25"):
        load_targets("durham_2099")
    with pytest.raises(ScenarioError, match="file not found"):
        load_options(tmp_path / "nope.yaml")

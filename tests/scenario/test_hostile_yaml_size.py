"""Hostile files, one kind (issue 24): YAML that expands far beyond its size. An alias bomb
of a few hundred bytes (anchors naming each other's anchors), or nesting hundreds of levels
deep, is measured before any object is built and refused in one line naming the file, in
well under a second, for every kind of YAML file heart-sim reads. A large bad value that is
within bounds is shown cut short in the message, never in full."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heart_sim.calibration import load_targets
from heart_sim.cli import app
from heart_sim.core import ScenarioError
from heart_sim.fitting._callfile import FitError, read_small_yaml
from heart_sim.optimization._budgetfile import load_options
from heart_sim.scenario import load_scenario
from heart_sim.scenario._load import MAX_DEPTH, MAX_NODES, parse_yaml

runner = CliRunner()


def bomb(levels: int, width: int = 9) -> str:
    """``levels`` anchors, each a list of ``width`` aliases of the one before: width**levels
    values from a file of a few hundred bytes."""
    lines = [f"a0: &a0 [{', '.join(['1'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


BOMB = bomb(9)  # 9**9 = 387 million values
DEEP = "a: " + "[" * (MAX_DEPTH + 20) + "]" * (MAX_DEPTH + 20) + "\n"

# (label, text, words of the message)
TOO_LARGE = [
    ("alias bomb, nine levels", BOMB, f"expands to more than {MAX_NODES:,} values"),
    ("alias bomb, six levels", bomb(7, 7), "aliases such as *name"),
    ("alias bomb as mapping keys", BOMB + "b: {*a8: 1}\n", "expands to more than"),
    ("alias bomb inside a scenario", "name: x\nextends: durham_2022\n" + BOMB, "expands"),
    ("nested past the limit", DEEP, f"nested more than {MAX_DEPTH} levels deep"),
    ("nested thousands deep", "a: " + "[" * 5000 + "]" * 5000, "nested"),
]


def _loaders(tmp_path: Path):
    """Every reader of a YAML file a user hands heart-sim: scenarios, options, targets, a
    fit's --columns file."""
    yield "scenario", load_scenario, ScenarioError
    yield "options", load_options, ScenarioError
    yield "targets", load_targets, ScenarioError
    yield "fit --columns", lambda p: read_small_yaml(p, "--columns"), FitError


@pytest.mark.parametrize("label, text, says", TOO_LARGE, ids=[c[0] for c in TOO_LARGE])
def test_yaml_that_expands_too_far_is_refused_quickly_by_every_reader(
    tmp_path, label, text, says
) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    for kind, load, error in _loaders(tmp_path):
        started = time.perf_counter()
        with pytest.raises(error) as err:
            load(path)
        took = time.perf_counter() - started
        message = str(err.value)
        # an alias bomb once ran for tens of seconds; 5,000 brackets cost PyYAML's scanner
        # ~0.5 s alone (it looks ahead over every open bracket), ~2 s on a loaded machine
        assert took < 6.0, (kind, took)
        assert says in message and str(path) in message, (kind, message)
        assert "\n" not in message and len(message) < 400, (kind, message)


@pytest.mark.parametrize("label, text, says", TOO_LARGE[:2] + TOO_LARGE[4:5])
def test_the_cli_refuses_it_in_one_error_line_and_writes_nothing(tmp_path, label, text, says):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    for args in (["validate", str(path)], ["run", str(path), "--out", str(out), "-q"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, res.output
        lines = res.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), res.output
        assert says in lines[0] and str(path) in lines[0]
    assert not out.exists()


def test_a_file_within_the_bounds_reads_as_written() -> None:
    """The bound counts values once aliases are followed: a file at the limit reads, and
    aliases that expand modestly (the shipped files use none) read as before."""
    text = "base: &b {start: '09:00', end: '17:00'}\nshifts: [*b, *b, *b]\n"
    data = parse_yaml(text, "x.yaml")
    assert data["shifts"] == [{"start": "09:00", "end": "17:00"}] * 3
    nested = "a: " + "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2) + "\n"
    assert parse_yaml(nested, "x.yaml")["a"] is not None


def test_a_large_bad_value_is_shown_cut_short(tmp_path) -> None:
    """A list of 50,000 numbers where one number belongs: the message shows a few of them."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: x\nextends: durham_2022\ndemand:\n  calls_per_week: ["
        + ", ".join(["12345"] * 50_000)
        + "]\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "demand.calls_per_week" in message and "expected a number, got a list" in message
    assert len(message) < 300, len(message)

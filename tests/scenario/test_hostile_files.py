"""Hostile files, one kind per table (issue 24): each ends in one clean error naming the file,
never a traceback. Kind: values YAML reads but cannot build (an impossible date written
unquoted), and files in another encoding, for scenarios and targets files alike."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from heart_sim.calibration import load_targets
from heart_sim.cli import app
from heart_sim.core import ScenarioError
from heart_sim.scenario import load_scenario

SCENARIO = "name: x\nextends: durham_2022\nstart_date: {date}\n"
TARGETS = "name: t\ntargets:\n  - {{metric: calls_per_week, value: 590, sd: 20, source: {src}}}\n"


@pytest.mark.parametrize(
    "text, says",
    [
        (SCENARIO.format(date="2024-02-30"), "a date that does not exist"),
        (SCENARIO.format(date="2023-02-29"), "a date that does not exist"),
        (SCENARIO.format(date="2024-13-01"), "a date that does not exist"),
        ("name: x\nextends: durham_2022\nholidays: {extra: [2024-04-31]}\n", "does not exist"),
    ],
)
def test_an_impossible_date_written_unquoted_is_one_clean_error(tmp_path, text, says) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=says) as err:
        load_scenario(path)
    assert str(path) in str(err.value)
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "Traceback" not in res.output and says in res.output


@pytest.mark.parametrize(
    "data, says",
    [
        (TARGETS.format(src="caf\xe9 2024").encode("cp1252"), "cannot read"),  # Windows code page
        (TARGETS.format(src="2024-02-30").encode(), "a date that does not exist"),
        (b"name: t\ntargets: [", "not valid YAML"),
    ],
)
def test_a_hostile_targets_file_is_one_clean_error(tmp_path, data, says) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(data)
    with pytest.raises(ScenarioError, match=says) as err:
        load_targets(path)
    assert str(path) in str(err.value)

"""The command line: help everywhere, clear errors with exit code 2, files written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from builders import baseline_dict
from typer.testing import CliRunner

from heart_sim.cli import app

runner = CliRunner()


def _short_scenario(tmp_path, **changes) -> str:
    data = baseline_dict()
    data["horizon_weeks"] = 2
    del data["name"]  # named after the file
    data.update(changes)
    f = tmp_path / "short.yaml"
    f.write_text(yaml.safe_dump(data))
    return str(f)


def test_every_command_has_help_with_an_example() -> None:
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {"run", "validate", "scenarios"} <= set(commands)
    for name in commands:
        res = runner.invoke(app, [name, "--help"])
        assert res.exit_code == 0, name
        assert "Example:" in res.output, name


def test_version() -> None:
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.startswith("heart-sim ")


def test_run_writes_every_file_and_prints_headlines(tmp_path) -> None:
    scen = _short_scenario(tmp_path)
    res = runner.invoke(
        app, ["run", scen, "--reps", "3", "--seed", "4", "--out", str(tmp_path / "o")]
    )
    assert res.exit_code == 0, res.output
    # labels and units from the catalog, not identifiers
    assert "Diversion rate (%)" in res.output and "CRT utilization (% of time)" in res.output
    assert "diversion_rate" not in res.output
    assert "CRT response time (min): p50" in res.output
    folder = tmp_path / "o" / "short"
    for name in (
        "summary.csv",
        "summary.json",
        "by_hour.csv",
        "replications.csv",
        "report.md",
        "manifest.json",
        "scenario.yaml",
    ):
        assert (folder / name).exists(), name
    summary = json.loads((folder / "summary.json").read_text())
    crt = summary["crt_response_time"]
    assert crt["ci_low"] <= crt["mean"] <= crt["ci_high"]
    assert set(crt["percentiles"]) == {"p50", "p90", "p95"}
    assert crt["unit"] == "min"
    assert len((folder / "by_hour.csv").read_text().splitlines()) == 169
    assert len((folder / "replications.csv").read_text().splitlines()) == 4


def test_edit_and_rerun_needs_no_force_and_keeps_both_results(tmp_path) -> None:
    scen = _short_scenario(tmp_path)
    out = tmp_path / "o"
    first = runner.invoke(app, ["run", scen, "-r", "2", "-s", "1", "-o", str(out)])
    assert first.exit_code == 0, first.output
    a = (out / "short").resolve()
    # Same inputs: the same folder, written again (the numbers are identical anyway).
    assert runner.invoke(app, ["run", scen, "-r", "2", "-s", "1", "-o", str(out)]).exit_code == 0
    assert (out / "short").resolve() == a
    res = runner.invoke(app, ["run", scen, "-r", "2", "-s", "2", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "note: inputs differ from the previous results: seed 1 -> 2" in res.output
    b = (out / "short").resolve()
    assert b != a and b.name.startswith("short-") and (out / "short").is_symlink()
    assert json.loads((a / "manifest.json").read_text())["seed"] == 1  # kept
    assert json.loads((b / "manifest.json").read_text())["seed"] == 2
    assert f"results written to {out / b.name}" in res.output


def test_validate_good_and_bad(tmp_path) -> None:
    assert runner.invoke(app, ["validate", "durham_2022"]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    data = baseline_dict()
    data["programs"]["crt"]["shifts"][0]["start"] = "25:00"
    bad.write_text(yaml.safe_dump(data))
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2
    assert "bad.yaml: programs.crt.shifts[0].start: time '25:00' is outside" in res.output


def test_scenarios_lists_the_baseline() -> None:
    res = runner.invoke(app, ["scenarios"])
    assert res.exit_code == 0 and "durham_2022" in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "no_such_scenario"],
        ["run", "no_such.yaml", "--out", "OUT"],
    ],
)
def test_errors_are_one_clear_line_without_traceback(args, tmp_path) -> None:
    args = [a.replace("OUT", str(tmp_path)) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "heart_sim", *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.startswith("error: ")

"""Numbers and targets typed on the command line (issue 24): each bad one is refused in one
``error:`` line in heart-sim's words (not the validator's "Input should be ..."), naming
the option, what exactly is wrong and the accepted form, exit 2, nothing written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from heart_sim.cli import app

runner = CliRunner()
OPTIONS = "scenarios/options/durham_fy26.yaml"
VALIDATOR = ("Input should", "Traceback", "Usage:", "Error:")

# (label, arguments after `heart-sim`, words of the one error line)
BAD_NUMBERS = [
    (
        "budget nan",
        ["optimize", "durham_2022", "--options", OPTIONS, "--budget", "nan"],
        "--budget nan: not a number",
    ),
    (
        "budget inf",
        ["optimize", "durham_2022", "--options", OPTIONS, "--budget", "inf"],
        "--budget inf: not finite",
    ),
    (
        "budget negative",
        ["optimize", "durham_2022", "--options", OPTIONS, "--budget", "-5"],
        "--budget -5: negative",
    ),
    (
        "fte inf",
        ["optimize", "durham_2022", "--options", OPTIONS, "--fte", "inf"],
        "--fte inf: not finite; give a finite amount of 0 or more (full-time equivalents",
    ),
    (
        "fte negative",
        ["optimize", "durham_2022", "--options", OPTIONS, "--fte", "-1"],
        "--fte -1: negative",
    ),
    (
        "fte nan",
        ["optimize", "durham_2022", "--options", OPTIONS, "--fte", "nan"],
        "--fte nan: not a number",
    ),
    (
        "jobs 0",
        ["run", "--jobs", "0"],
        "'--jobs' / '-j': must be 1 or more (see ",
    ),
    ("jobs text", ["run", "--jobs", "two"], "'--jobs' / '-j': expected a whole number"),
    ("seed negative", ["run", "--seed", "-1"], "'--seed' / '-s': must be 0 or more"),
    (
        "max-units too many",
        ["optimize", "durham_2022", "--target", "crt_response_time_p90<=20", "--max-units", "5000"],
        "must be 1000 or less",
    ),
    ("precision nan", ["run", "--reps", "auto", "--precision", "nan"], "--precision"),
    (
        "reps 0",
        ["run", "--reps", "0"],
        "--reps: expected 1 to 100,000 replications or 'auto', got 0",
    ),
    (
        "max-hours nan",
        ["fit", "x.csv", "--time-column", "t", "--max-hours", "nan"],
        "--max-hours nan: give a number of hours more than 0",
    ),
]

T = ["optimize", "durham_2022", "--target"]
BAD_TARGETS = [
    # (label, the target, words of the one error line)
    (
        "a unit and a metric that is not one",
        "crt_p90<=20min",
        "'crt_p90' is not a metric; did you mean crt_queue_wait_p90 or crt_response_time_p90?; "
        "and 'min' after the value: write the number alone",
    ),
    (
        "a unit after the value",
        "crt_response_time_p90<=20min",
        "'min' after the value: write the number alone, in the metric's unit (minutes)",
    ),
    (
        "a percent for a share",
        "ccd_unanswered_share<=5%",
        "a share is written between 0 and 1 (0.05)",
    ),
    ("a misspelt metric", "crt_respons_time_p90<=20", "did you mean crt_response_time_p90"),
    ("nothing close", "xyz<=3", "'xyz' is not a metric (heart-sim metrics lists the metrics)"),
    (
        "strict comparison",
        "crt_response_time_p90<20",
        "'<' is not a comparison a target uses: write <=",
    ),
    ("no comparison", "crt_response_time_p90 20", "no comparison; write METRIC<=VALUE"),
    ("no number", "crt_response_time_p90<=", "no number after the comparison"),
    ("nan", "crt_response_time_p90<=nan", "the value must be a finite number, not 'nan'"),
    ("no metric", "<=20", "no metric before <="),
]


def _one_error_line(args: list[str], tmp_path) -> str:
    out = tmp_path / ("out.yaml" if args[0] == "fit" else "out")
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert not any(w in res.output for w in VALIDATOR), res.output
    assert not out.exists()
    return lines[0]


@pytest.mark.parametrize("label, args, says", BAD_NUMBERS, ids=[c[0] for c in BAD_NUMBERS])
def test_a_bad_number_is_refused_in_our_words(tmp_path, label, args, says) -> None:
    line = _one_error_line(args, tmp_path)
    assert says in line, line


@pytest.mark.parametrize("label, target, says", BAD_TARGETS, ids=[c[0] for c in BAD_TARGETS])
def test_a_bad_target_says_what_exactly_is_wrong(tmp_path, label, target, says) -> None:
    line = _one_error_line([*T, target], tmp_path)
    assert line.startswith(f"error: --target {target!r}: "), line
    assert says in line, line

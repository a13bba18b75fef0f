"""The Markdown a results folder carries (study._markdown): report.md of a run, and the
tables of comparison.md."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from builders import short_baseline

from heart_sim.core._vocab import PROGRAMS
from heart_sim.study._markdown import markdown_report, table
from heart_sim.study._studies import run

WEEKS = 8


@pytest.fixture(scope="module")
def report() -> str:
    sc = short_baseline(weeks=WEEKS)  # Durham: from 2022-10-03, US-NC holidays
    res = run(sc, reps=2, seed=5)
    return markdown_report(sc, 5, 2, res.summary)


def test_a_markdown_table() -> None:
    assert table(["a", "b"], [["1", "2"], ["3", "4"]]) == (
        "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |"
    )


def test_the_report_says_what_was_run(report: str) -> None:
    lines = report.splitlines()
    assert lines[0] == "# heart-sim results: durham_2022"
    last = dt.date(2022, 10, 3) + dt.timedelta(weeks=WEEKS) - dt.timedelta(days=1)
    assert f"- measured: {WEEKS} weeks (2022-10-03 to {last}) after a 1-week warm-up" in report
    assert "- replications: 2, seed: 5, heart-sim " in report
    # The holidays in the window, as the holidays package lists them for North Carolina.
    nc = holidays.country_holidays("US", subdiv="NC", years=2022)
    expected = sorted(d for d in nc if dt.date(2022, 10, 3) <= d <= last)
    assert dt.date(2022, 11, 24) in expected  # Thanksgiving
    assert (
        f"- the {len(expected)} holidays in the measured window: "
        + ", ".join(str(d) for d in expected)
    ) in lines


def test_the_report_has_a_row_per_program_and_time(report: str) -> None:
    staffing = report.split("## Staffing")[1]
    for p in PROGRAMS:
        (row,) = [line for line in staffing.splitlines() if line.startswith(f"| {p.full_name} |")]
        assert row.count("|") == 8  # seven columns
    times = report.split("## Times")[1].split("## Staffing")[0]
    assert "| CRT response time" in times
    assert "by_month.csv" in report  # a dated run writes one row per calendar month

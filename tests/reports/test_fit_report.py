"""The report of ``heart-sim fit`` (reports._fit_report) and its figures (reports._fit_plots),
on a small synthetic export: the counts in the report and the figures are the export's own,
every figure the report shows is a file beside it, and the fragment is not replaced
without ``force``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from fit_synthetic import TIME_FORMAT, TYPE_MAP, synthetic_export
from PIL import Image

from heart_sim.core._errors import HeartSimError
from heart_sim.fitting._inputs import FitOptions
from heart_sim.reports._fit_plots import daily_figure, duration_figure, profile_figure
from heart_sim.reports._fit_report import fit_calls, report_paths


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fit_report")
    frame, _ = synthetic_export(seed=9, days=35, calls_per_week=700, other_per_day=80, messy=False)
    calls = folder / "small.csv"
    frame.to_csv(calls, index=False)
    (folder / "types.yaml").write_text(yaml.safe_dump(TYPE_MAP))
    options = FitOptions(
        time_column="Call Time",
        type_column="Nature",
        type_map=folder / "types.yaml",
        durations=("Arrived:Cleared:crt.on_scene_time",),
    )
    outcome = fit_calls(calls, folder / "small.yaml", options)
    eligible = frame[frame["Nature"].isin(TYPE_MAP)]
    return outcome, eligible, options


def test_the_report_and_figures_are_written_beside_the_fragment(fitted) -> None:
    outcome, eligible, _ = fitted
    report, figures = report_paths(outcome.out)
    assert (report.name, figures.name) == ("small_fit_report.md", "small_fit_report")
    assert outcome.report == report and outcome.out.is_file()
    names = sorted(p.name for p in outcome.figures)
    assert names == ["daily_counts.png", "duration_1.png", "hour_of_week.png"]
    text = report.read_text()
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert sorted(Path(link).name for link in linked) == names
    for link in linked:
        with Image.open(report.parent / link) as img:  # a real PNG, where the link says
            assert img.format == "PNG" and min(img.size) > 100
    row = [line for line in text.splitlines() if line.startswith("| eligible calls |")]
    assert row == [f"| eligible calls | {len(eligible):,} |"]
    assert outcome.lines[-1] == f"written: {outcome.out} and {report}"


def test_an_existing_fragment_is_replaced_only_with_force(fitted, tmp_path) -> None:
    outcome, _, options = fitted
    before = outcome.out.read_text()
    calls = outcome.out.with_name("small.csv")
    with pytest.raises(HeartSimError, match="--force"):
        fit_calls(calls, outcome.out, options)
    assert outcome.out.read_text() == before
    with pytest.raises(HeartSimError, match=r"\.yaml"):
        fit_calls(calls, tmp_path / "small.txt", options)


def test_the_figures_show_the_exports_counts(fitted) -> None:
    outcome, eligible, _ = fitted
    d = outcome.fitted.demand
    when = pd.to_datetime(eligible["Call Time"], format=TIME_FORMAT)
    per_day = when.dt.normalize().value_counts()

    # Daily counts: every day of the log, used or left out, at its count of eligible calls.
    ax = daily_figure(d).axes[0]
    points = [line for line in ax.get_lines() if line.get_linestyle() in ("None", "")]
    shown = np.concatenate([np.asarray(p.get_ydata(), float) for p in points])
    assert shown.sum() == len(eligible)
    assert len(shown) == (when.max().normalize() - when.min().normalize()).days + 1

    # Hour of week: a weekday's 24 observed values add up to its mean calls a day on the
    # days used.
    step = profile_figure(d).axes[0].get_lines()[0]
    observed = np.asarray(step.get_ydata(), float)[:168].reshape(7, 24)
    used = pd.Series(d.used, index=d.days)
    for weekday in range(7):
        days = used.index[(used.index.day_of_week == weekday) & used.to_numpy()]
        mean = per_day.reindex(days, fill_value=0).mean()
        assert observed[weekday].sum() == pytest.approx(mean), weekday

    # The duration: the histogram counts every arrival-to-clear time of an eligible call.
    minutes = (
        pd.to_datetime(eligible["Cleared"], format=TIME_FORMAT)
        - pd.to_datetime(eligible["Arrived"], format=TIME_FORMAT)
    ).dt.total_seconds() / 60
    fit = outcome.fitted.durations[0].fit
    assert fit.n == minutes.notna().sum() > 0
    hist = duration_figure(fit).axes[0]
    labels = [t.get_text() for t in hist.get_legend().get_texts()]
    assert any(label.startswith(f"observed (n = {fit.n:,};") for label in labels), labels


def test_the_fit_table_reads_back_and_its_page_shows_every_row_and_figure(fitted) -> None:
    """fit.csv holds the same numbers as the fit (read back by hs.open), and the page made
    from the folder alone shows each quantity, each figure and the fragment as written."""
    from heart_sim.fitting._table import COLUMNS, fit_table
    from heart_sim.reports._fit_page import fit_html
    from heart_sim.reports._fit_report import read_fit

    outcome, eligible, _ = fitted
    table = fit_table(outcome.fitted)
    assert list(table.columns) == COLUMNS
    row = table.set_index("quantity").loc["calls_per_week"]
    d = outcome.fitted.demand
    assert (row.value, row.low, row.high) == (
        d.calls_per_week.value,
        d.calls_per_week.low,
        d.calls_per_week.high,
    )
    assert row.low < row.value < row.high
    shares = table[table.quantity.str.startswith("call_types.")]
    assert shares.n.sum() == len(eligible)  # every eligible call in one type's count
    assert shares.value.sum() == pytest.approx(1.0)
    back = read_fit(outcome.folder)
    pd.testing.assert_frame_equal(back.summary, table, check_dtype=False)
    assert back.lines == outcome.lines and back.out == outcome.out
    page = fit_html(outcome.folder)
    for q in table.quantity:
        assert f"<code>{q}</code>" in page
    assert page.count("<img ") == len(outcome.figures) == 3
    n = int(table.set_index("quantity").loc["calls_per_week", "n"])
    assert f"<td>{n:,}</td>" in page  # counts written as in the fit's lines
    assert "crt:" in page and "on_scene_time" in page  # the fragment, as written

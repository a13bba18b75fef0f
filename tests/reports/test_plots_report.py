"""Figures and the HTML report: files written, images embedded (the report in a real browser:
test_report_browser.py)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from builders import baseline_dict

import heart_sim as hs
from heart_sim.reports import write_plots
from heart_sim.reports import write_report as write_html_report
from heart_sim.reports._html_kit import assumptions
from heart_sim.scenario._load import scenario_sources
from heart_sim.study._studies import sweep as run_sweep


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    data = baseline_dict()
    data["horizon_weeks"] = 2
    res = hs.simulate(data, reps=2, seed=1)
    res.sources = scenario_sources("durham_2022")
    return res.save(tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory):
    data = baseline_dict()
    data["horizon_weeks"] = 2
    alt = data | {
        "name": "citywide_short",
        "programs": data["programs"] | {"crt": data["programs"]["crt"] | {"area": "city"}},
    }
    return hs.compare(data, alt, reps=2, seed=1).save(tmp_path_factory.mktemp("cmp"))


def test_run_plots_are_written_as_png_and_svg(run_folder) -> None:
    written = write_plots(run_folder)
    stems = {p.stem for p in written}
    assert stems == {
        "demand_heatmap",
        "staffing_heatmap",
        "utilization_heatmap",
        "unmet_demand_heatmap",
        "response_cdf",
        "outcomes",
        "monthly",  # the baseline has a start_date
        "zones",
    }
    assert {p.suffix for p in written} == {".png", ".svg"}
    for p in written:
        head = p.read_bytes()[:8]
        assert head.startswith(b"\x89PNG") if p.suffix == ".png" else b"<?xml" in head


def test_comparison_plots(compare_folder) -> None:
    stems = {p.stem for p in write_plots(compare_folder, formats=("png",))}
    assert stems == {"outcomes", "differences_forest", "cost_vs_diverted"}


def test_assumptions_are_extracted_with_key_paths() -> None:
    rows = assumptions(scenario_sources("durham_2022"))
    keys = {k for _, k, _ in rows}
    assert "demand.calls_per_week" in keys
    assert "costs.roles.emt" in keys
    assert any("ASSUMPTION" in c for _, _, c in rows)


def test_html_report_is_self_contained(run_folder, compare_folder) -> None:
    for folder, n_images in ((run_folder, 8), (compare_folder, 3)):
        html = write_html_report(folder).read_text()
        assert html.count("<img") == n_images
        assert html.count("data:image/png;base64,") == n_images
        assert not re.search(r"(src|href)=[\"']https?://", html)  # nothing from the network


def test_sweep_folder_plots_and_report(tmp_path) -> None:
    data = baseline_dict()
    data["horizon_weeks"] = 1
    res = run_sweep(data, "durham_2022.yaml", [("crt.units", [1, 2])], tmp_path, reps=2)
    stems = {p.stem for p in write_plots(res.folder, formats=("png",))}
    assert "sweep_diversion_rate" in stems and len(stems) == 6
    assert write_html_report(res.folder).read_text().count("data:image/png;base64,") == 6


def test_the_monthly_figure_leaves_out_partial_months() -> None:
    from heart_sim.measure._catalog import BY_MONTH
    from heart_sim.reports._plots import monthly_figure

    months = pd.DataFrame({"month": ["2022-10", "2022-11", "2022-12", "2023-01"]})
    months["days"] = [29.0, 30.0, 31.0, 3.0]  # October starts on the 3rd; January is cut
    for key in BY_MONTH:
        for suffix in ("", "_ci_low", "_ci_high"):
            months[key + suffix] = 1.0
    fig = monthly_figure(months, [(dt.date(2022, 11, 24), "holiday")])
    line = fig.axes[0].lines[0]
    assert len(line.get_xdata()) == 2  # November and December only

"""The report pages, module by module: the HTML kit every page is built from (cells with
their intervals or the reason they have none, escaping, the glossary, the assumptions
section, embedded figures, the page skeleton), what the run and comparison pages share
(the note on what the intervals hold, the run settings, the metric appendix), what the two
optimize pages share (the section on what the result depends on), and the pages of a run,
a comparison, a sweep and a calibration called directly on small folders."""

from __future__ import annotations

import base64
import io
import json
import math
import re

import pandas as pd
import pytest
from builders import baseline_dict, short_baseline
from matplotlib.figure import Figure
from PIL import Image

import heart_sim as hs
from heart_sim.calibration._calibrate import calibrate
from heart_sim.calibration._targets import Targets
from heart_sim.core._errors import StudyError
from heart_sim.measure._catalog import GLOSSARY, VIEWS
from heart_sim.measure._formatting import fmt_value, header
from heart_sim.reports._calibration_page import calibration_html
from heart_sim.reports._comparison_page import check_rank_by, comparison_html
from heart_sim.reports._html_kit import (
    FIXED_ASSUMPTIONS,
    assumptions_section,
    esc,
    figure_html,
    glossary_section,
    page_html,
    record_cell,
    settings_list,
    value_cell,
)
from heart_sim.reports._optimize_parts import (
    depends_section,
    extends_of,
    is_number,
    text_or_empty,
    yaml_block,
)
from heart_sim.reports._run_page import run_html
from heart_sim.reports._run_parts import (
    assumption_note,
    metric_appendix,
    run_settings,
    window_text,
)
from heart_sim.reports._sweep_page import sweep_html
from heart_sim.study._folders import POSTERIOR_FILE
from heart_sim.study._studies import sweep as run_sweep


def _short(weeks: int = 1) -> dict:
    data = baseline_dict()
    data["horizon_weeks"] = weeks
    return data


# --- the kit ---------------------------------------------------------------------------------


def test_a_cell_shows_its_interval_or_why_it_has_none() -> None:
    name = "diversion_rate"
    shown = value_cell(name, 0.5, 0.4, 0.6)
    assert f"<span class='v'>{fmt_value(name, 0.5)}</span>" in shown
    assert f"{fmt_value(name, 0.4)} to {fmt_value(name, 0.6)}" in shown
    why = value_cell(name, 0.5, math.nan, math.nan, why="fewer than 3 replications")
    assert "<span class='ci'>fewer than 3 replications</span>" in why
    # no value: no interval, and the default reason is not repeated
    assert value_cell(name, math.nan, math.nan, math.nan).endswith("<span class='ci'></span></td>")


def test_a_ratio_that_is_not_defined_says_what_an_extra_response_costs() -> None:
    name = "marginal_cost_per_extra_diverted"
    r = {
        name: math.nan,
        f"{name}_status": "no_change",
        "marginal_cost_per_extra_response": 250.0,
    }
    cell = record_cell(r, name)
    assert "per extra HEART response: " + fmt_value(name, 250.0) in cell


def test_text_is_escaped_everywhere_it_is_placed() -> None:
    assert esc("<b>&'") == "&lt;b&gt;&amp;&#x27;"
    assert (
        settings_list([("a<b", "c&d")])
        == "<dl class='settings'><dt>a&lt;b</dt><dd>c&amp;d</dd></dl>"
    )
    page = page_html("R&D <pilot>", ["<p>body</p>"])
    assert "<title>R&amp;D &lt;pilot&gt;</title>" in page
    assert "default-src 'none'" in page and "<p>body</p>" in page
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</body></html>")


def test_the_glossary_puts_a_pages_own_words_first() -> None:
    plain = glossary_section()
    assert plain == glossary_section({})
    terms = re.findall(r"<dt>(.*?)</dt>", "".join(plain))
    assert terms == [esc(t) for t in GLOSSARY]
    own = glossary_section({"alpha": "the chance that every unit is busy"})
    terms = re.findall(r"<dt>(.*?)</dt>", "".join(own))
    assert terms[0] == "alpha" and terms[1:] == [esc(t) for t in GLOSSARY]


def test_the_assumptions_section_lists_a_repeated_key_once_and_marks_assumptions() -> None:
    parent = "demand:\n  calls_per_week: 590  # Source: city dashboard\n"
    child = (
        "extends: parent\n"
        "demand:\n  calls_per_week: 590  # Source: city dashboard\n"
        "# ASSUMPTION: one team more\ncrt:\n  units: 3\n"
    )
    out = assumptions_section({"child.yaml": child, "parent.yaml": parent})
    table = next(x for x in out if x.startswith("<table>"))
    assert table.count("demand.calls_per_week") == 1
    assert "<tr class='assumption'><td class='text'>child.yaml</td>" in table
    assert "<code>crt</code>" in table  # a comment on its own line goes with the next key
    assert sum("(as written)" in x for x in out) == 2
    bare = assumptions_section({"x.yaml": "name: x\n"})
    assert "came without its source file" in bare[-1]


def test_a_figure_is_embedded_as_png_and_released() -> None:
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1], [1, 0])
    out = figure_html(fig, "A & B")
    assert "<figcaption>A &amp; B</figcaption>" in out
    data = re.search(r"base64,([^']+)'", out).group(1)
    assert Image.open(io.BytesIO(base64.b64decode(data))).format == "PNG"
    assert fig.axes == []  # released
    assert "<figcaption>" not in figure_html(Figure(figsize=(1, 1)), "")


# --- what the run and comparison pages share ---------------------------------------------------


def test_the_intervals_note_says_whether_the_unknowns_are_in_them() -> None:
    assert assumption_note({"durham_2022.yaml": ""}) == FIXED_ASSUMPTIONS
    assert "drawn from the calibration's posterior.csv" in assumption_note({POSTERIOR_FILE: ""})


def test_the_run_settings_say_the_window_and_how_auto_reps_stopped(tmp_path) -> None:
    s = short_baseline(weeks=1)
    assert window_text(s) == "1 weeks, 2022-10-03 to 2022-10-09"
    assert window_text(s.model_copy(update={"start_date": None})) == ("1 weeks (no calendar dates)")
    items = dict(run_settings(s, seed=4, reps=2))
    assert items["seed"] == "4" and items["measured"] == window_text(s)
    assert items["holidays"].startswith("US-NC: ")
    (tmp_path / "precision.json").write_text(
        json.dumps({"precision": 0.05, "reached": False, "max_reps": 40})
    )
    items = dict(run_settings(s, seed=4, reps=40, folder=tmp_path))
    assert items["replications"].endswith(
        "; --reps auto stopped at its cap of 40: not every interval is within ±5% of its mean"
    )


def test_the_appendix_lists_the_catalog_metrics_with_their_identifiers() -> None:
    summary = pd.DataFrame(
        {
            "metric": ["diversion_rate", "not_a_metric"],
            "mean": [0.5, 1.0],
            "ci_low": [0.4, 0.0],
            "ci_high": [0.6, 2.0],
        }
    )
    out = "".join(metric_appendix(summary, "Every metric"))
    assert "<code>diversion_rate</code>" in out and "not_a_metric" not in out
    assert "<summary>Every metric</summary>" in out


# --- what the optimize pages share --------------------------------------------------------------


def test_table_values_are_read_as_numbers_or_text() -> None:
    assert is_number(3) and is_number(2.5)
    assert not is_number(math.nan) and not is_number("3") and not is_number(None)
    assert text_or_empty("night shift") == "night shift" and text_or_empty(math.nan) == ""
    assert extends_of("name: x\nextends: 'durham_2025'\n") == "durham_2025"
    assert extends_of(None) is None and extends_of("name: x\n") is None
    assert yaml_block("a.yaml", "x: <1>", "why") == [
        "<h2>a.yaml</h2>",
        "<p>why</p>",
        "<pre>x: &lt;1&gt;</pre>",
    ]


def test_what_the_result_depends_on_says_when_the_input_cannot_be_trusted(tmp_path) -> None:
    assert depends_section(None, tmp_path, {}) == depends_section("", tmp_path, {})
    assert len(depends_section(None, tmp_path, {})) == 2  # the heading and the intervals note
    gone = depends_section("no_such_scenario", tmp_path, {})
    assert "could not be read again" in gone[-1]
    changed = depends_section("durham_2022", tmp_path, {"scenario_hash": "not-its-hash"})
    assert "has changed since this study ran" in changed[2]
    assert changed[0] == "<h2>What the result depends on</h2>"
    assert "<h2>Assumptions and sources</h2>" not in changed  # its heading replaced
    assert any("demand.calls_per_week" in x for x in changed)


# --- the pages, called directly ---------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    data = _short()
    more = hs.vary(data, {"crt.units": 3}, name="three_crt_teams")
    cor = hs.vary(data, {"programs.cor.shifts[0].days": "daily"}, name="cor_every_day")
    return hs.compare(data, more, cor, reps=2, seed=3, out=tmp_path_factory.mktemp("c"))


def test_the_run_page_has_every_section_in_order(comparison) -> None:
    page = run_html(comparison.folder / "durham_2022")
    order = ["Headlines", "Why calls were missed", "Response times", "Staffing", "Costs"]
    at = [page.index(f"<h2>{h}") for h in order]
    assert at == sorted(at)
    assert page.count("<img") == page.count("data:image/png;base64,") > 0
    assert "Run settings" in page and "Every metric of this run" in page


def test_the_comparison_page_ranks_by_the_measure_asked_for(comparison) -> None:
    def ranked(rank_by: str) -> tuple[str, str]:
        page = comparison_html(comparison.folder, rank_by=rank_by)
        table = page.split("<h2>Options ranked</h2>")[1].split("</table>")[0]
        assert "base: durham_<wbr>2022" in table
        return page, table

    page, table = ranked("diverted_per_year")
    assert f"ranked by {esc(header('diverted_per_year'))}, highest first" in page
    assert table.index("three_<wbr>crt_<wbr>teams") < table.index("cor_<wbr>every_<wbr>day")
    page, table = ranked("extra_cost")
    assert f"ranked by {esc(header('extra_cost'))}, lowest first" in page
    assert table.index("cor_<wbr>every_<wbr>day") < table.index("three_<wbr>crt_<wbr>teams")


def test_only_a_cost_table_column_ranks_a_comparison() -> None:
    for name in VIEWS["costs"]:
        check_rank_by(name)
    with pytest.raises(StudyError, match="--rank-by cost: not a measure"):
        check_rank_by("cost")


def test_the_sweep_page_has_a_row_per_grid_point(tmp_path) -> None:
    res = run_sweep(_short(), "durham_2022.yaml", [("crt.units", [1, 2])], tmp_path, reps=2)
    page = sweep_html(res.folder)
    grid = page.split("<h2>The grid</h2>")[1].split("</table>")[0]
    assert grid.count("<tr>") == 3  # the header and two points
    assert "<dt>varied: crt.units</dt><dd>1, 2</dd>" in page
    assert "Sweep of durham_2022 over crt.units" in page


def test_the_calibration_page_names_every_unknown_and_target(tmp_path) -> None:
    data = _short() | {
        "calibration": {
            "demand.calls_per_week": {"low": 450, "high": 750},
            "programs.crt.travel_time.speed_mph": {"low": 25, "high": 45},
        }
    }
    targets = Targets.model_validate(
        {
            "name": "pilot",
            "targets": [
                {"metric": "calls_per_week", "value": 590, "sd": 20, "source": "cbs17.com"},
            ],
        }
    )
    res = calibrate(data, "short.yaml", targets, tmp_path, points=6, reps=2, waves=1, seed=1)
    page = calibration_html(res.folder)
    assert "<code>demand.calls_per_week</code>" in page
    assert "<code>programs.crt.travel_time.speed_mph</code>" in page
    targets_table = page.split("<h2>Targets</h2>")[1].split("</table>")[0]
    assert "cbs17.com" in targets_table and " of 6</td>" in targets_table
    assert "Do the targets agree?" in page
    assert "every target can be met together with the others" in page

"""What the HTML reports say: cards in sentences, labels and units rather than
identifiers, money and shares for people, options ranked by the measure asked for, words
where a ratio is not defined, and how --reps auto chose the replications."""

from __future__ import annotations

import re

import pytest
from builders import baseline_dict, short_baseline
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim.cli import app
from heart_sim.core._errors import StudyError
from heart_sim.measure._catalog import CATALOG
from heart_sim.reports import write_report as write_html_report


def _short() -> dict:
    data = baseline_dict()
    data["horizon_weeks"] = 2
    return data


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    data = _short()
    more = hs.vary(data, {"crt.units": 3}, name="three_crt_teams")
    cor = hs.vary(data, {"programs.cor.shifts[0].days": "daily"}, name="cor_every_day")
    return hs.compare(data, more, cor, reps=3, seed=2, out=tmp_path_factory.mktemp("c"))


def _body_before_appendix(page: str) -> str:
    return page.split("<h2>Appendix</h2>")[0]


def test_a_run_report_opens_with_cards_in_sentences_and_shows_no_identifiers(tmp_path) -> None:
    res = hs.simulate(_short(), reps=3, seed=1, out=tmp_path)
    page = write_html_report(res.folder).read_text()
    assert page.count("class='card'") >= 6
    rate = res.summary.set_index("metric").loc["heart_response_rate"]
    shown = f"{100 * rate['mean']:.1f}%"
    assert f"<div class='card-value'>{shown}</div>" in page
    assert "Of the calls it missed" in page
    # sections in the order a reader needs them
    order = [
        "Headlines",
        "Why calls were missed",
        "Response times",
        "Staffing",
        "Costs",
        "Assumptions and sources",
        "Run settings",
        "Glossary",
        "Appendix",
    ]
    at = [page.index(f"<h2{''}") and re.search(rf"<h2[^>]*>{h}", page).start() for h in order]
    assert at == sorted(at)
    body = re.sub(r"<(style|pre|code)[^>]*>.*?</\1>", "", _body_before_appendix(page), flags=re.S)
    body = re.sub(r"src='data:[^']*'", "", body)  # the images' base64
    ids = [m for m in CATALOG if "_" in m and re.search(rf"\b{m}\b", body)]
    assert ids == [], f"identifiers outside the appendix: {ids}"
    assert not re.search(r"\d[eE][+-]\d", body), "scientific notation"
    assert "$" in body and "%" in body and "diversion_rate" in page  # ids kept in the appendix


def test_a_comparison_report_ranks_options_and_says_why_a_ratio_is_not_defined(comparison) -> None:
    page = write_html_report(comparison.folder).read_text()
    table = page.split("<h2>Options ranked</h2>")[1].split("</table>")[0]
    assert table.index("three_<wbr>crt_<wbr>teams") < table.index("cor_<wbr>every_<wbr>day")
    assert "not defined" in table and "per extra HEART response" in table
    # ranked by another measure: the cheapest extra cost first
    page = write_html_report(comparison.folder, rank_by="extra_cost").read_text()
    table = page.split("<h2>Options ranked</h2>")[1].split("</table>")[0]
    assert table.index("cor_<wbr>every_<wbr>day") < table.index("three_<wbr>crt_<wbr>teams")
    with pytest.raises(StudyError, match="--rank-by extra_costs: not a measure"):
        write_html_report(comparison.folder, rank_by="extra_costs")


def test_bad_rank_by_on_the_command_line_is_one_error_line(comparison) -> None:
    res = CliRunner().invoke(app, ["report", str(comparison.folder), "--rank-by", "nope"])
    assert res.exit_code == 2
    assert (
        res.output.startswith("error: --rank-by nope: not a measure")
        and "diverted_per_year" in res.output
    )


def test_the_report_of_an_auto_run_says_how_the_replications_were_chosen(tmp_path) -> None:
    res = hs.simulate(short_baseline(weeks=2), reps="auto", precision=0.2, out=tmp_path)
    page = write_html_report(res.folder).read_text()
    assert "chosen by --reps auto: every headline interval within ±20% of its mean" in page

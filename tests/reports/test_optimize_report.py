"""The HTML pages and charts of ``heart-sim optimize``: targets mode and budget mode.

Small real folders (the optimizer and the budget study on a two-week baseline) are read
back with the library's readers, and each page must carry their very numbers: the cards
equal summary.json's, every target, shift, search step, frontier step and option is a
row, every image is an embedded PNG that decodes, no number is in scientific notation
and the labels are the catalog's.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
import yaml
from builders import baseline_dict
from matplotlib.figure import Figure
from PIL import Image

import heart_sim as hs
from heart_sim.measure._catalog import CATALOG
from heart_sim.measure._formatting import fmt_interval, fmt_value, header
from heart_sim.optimization._budget import budget_study, read_budget
from heart_sim.optimization._budgetfile import options_from_dict
from heart_sim.optimization._folder import read_optimization
from heart_sim.optimization._goals import parse_goal
from heart_sim.optimization._optimize import optimize
from heart_sim.reports import kind_of, write_plots, write_report
from heart_sim.reports._budget_page import budget_cards, budget_html
from heart_sim.reports._optimize_page import STATUS_WORDS, optimize_cards, optimize_html
from heart_sim.reports._optimize_plots import (
    optimize_figures,
    plan_verdicts,
)
from heart_sim.reports._plots import PlainFormatter
from heart_sim.study._folders import folder_kind

COST = "cost_total_annual"
GOALS = ("crt_response_time_p90<=30", "crt_p_wait<=0.8 each hour")
OPTIONS = {
    "name": "small",
    "options": {
        "crt_third": {
            "set": {"programs.crt.shifts[0].units": 3},
            "source": "ASSUMPTION: a third team",
        },
        "crt_evening": {
            "add": {
                "programs.crt.shifts": [
                    {"days": "daily", "start": "19:00", "end": "23:00", "units": 1}
                ]
            },
            "description": "CRT evenings",
        },
        "ccd_third": {"set": {"programs.ccd.shifts[0].units": 3}},
    },
}


def _base(weeks: int = 2) -> dict:
    data = baseline_dict()
    data["horizon_weeks"] = weeks
    return data


@pytest.fixture(scope="module")
def opt_folder(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("opt")
    src = where / "small.yaml"  # a file of its own, so the page can show its assumptions
    src.write_text(
        "# ASSUMPTION: two weeks are enough for a test\n" + yaml.safe_dump(_base(), sort_keys=False)
    )
    res = optimize(
        _base(),
        str(src),
        [parse_goal(g) for g in GOALS],
        where / "out",
        programs=["crt"],
        isa_reps=3,
        min_reps=3,
        max_reps=6,
        force=True,
    )
    assert res.facts["feasible"]
    return res.folder


@pytest.fixture(scope="module")
def infeasible_folder(tmp_path_factory) -> Path:
    res = optimize(
        _base(),
        "base.yaml",
        [parse_goal("crt_response_time_p90<=8")],
        tmp_path_factory.mktemp("inf"),
        programs=["crt"],
        max_units=1,
        isa_reps=3,
        min_reps=3,
        max_reps=6,
        force=True,
    )
    assert not res.facts["feasible"]
    return res.folder


@pytest.fixture(scope="module")
def budget_folder(tmp_path_factory) -> Path:
    base = _base()
    res = budget_study(
        base,
        "base.yaml",
        options_from_dict(OPTIONS),
        tmp_path_factory.mktemp("budget"),
        budget=1e9,
        reps=3,
        seed=5,
    )
    return res.folder


@pytest.fixture(scope="module")
def fte_folder(tmp_path_factory) -> Path:
    res = budget_study(
        _base(),
        "base.yaml",
        options_from_dict(OPTIONS),
        tmp_path_factory.mktemp("fte"),
        fte=3.0,
        reps=3,
        seed=5,
    )
    return res.folder


# --- helpers ---------------------------------------------------------------------------

IMG = re.compile(r"<img alt='([^']*)' src='data:image/png;base64,([^']+)'>")


def _images(page: str) -> list[Image.Image]:
    out: list[Image.Image] = []
    for _alt, data in IMG.findall(page):
        im = Image.open(io.BytesIO(base64.b64decode(data)))
        im.load()
        out.append(im)
    return out


def _text(page: str) -> str:
    """The page without its embedded images or markup, entities decoded."""
    import html

    stripped = IMG.sub("", page)
    stripped = re.sub(r"<style>.*?</style>", "", stripped, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", stripped))


def _no_scientific(page: str) -> None:
    text = _text(page)
    assert not re.search(r"\d(\.\d+)?[eE][+-]?\d", text), re.findall(r"\S*\d[eE][+-]?\d\S*", text)
    assert "nan" not in re.findall(r"\b\w+\b", text.lower())


def _tbody_rows(page: str, table_class: str) -> list[str]:
    m = re.search(rf"<table class='{table_class}'>.*?<tbody>(.*?)</tbody>", page, flags=re.S)
    assert m, f"no table of class {table_class}"
    return re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(1), flags=re.S)


# --- folders ---------------------------------------------------------------------------


def test_folder_kinds(opt_folder, budget_folder, tmp_path) -> None:
    assert folder_kind(opt_folder) == "optimize"
    assert folder_kind(budget_folder) == "budget"
    run = hs.simulate(_base(1), reps=2, seed=1, out=tmp_path)
    assert run.folder is not None and folder_kind(run.folder) == "run"


# --- the optimize page -----------------------------------------------------------------


def test_optimize_cards_say_the_summary_numbers(opt_folder) -> None:
    res = read_optimization(opt_folder)
    s = res.facts
    cards = optimize_cards(res)
    verdict, cost, people, given = cards
    assert verdict.value == "yes" and f"{s['reps']} replications" in verdict.interval
    rec = s["cost"]["recommended"][COST]
    inp = s["cost"]["input"][COST]
    assert cost.value == fmt_value(COST, rec["mean"])
    assert cost.interval == (
        f"95% interval: {fmt_value(COST, rec['low'])} to {fmt_value(COST, rec['high'])}"
    )
    assert fmt_interval(COST, inp["mean"], inp["low"], inp["high"]) in cost.sentence
    diff = rec["mean"] - inp["mean"]
    assert f"{fmt_value(COST, abs(diff))} {'more' if diff >= 0 else 'less'}" in cost.sentence
    assert people.value == f"{s['fte']['recommended']:,.1f} FTE"
    assert people.interval == f"{s['head_count']['recommended']:,} people"
    assert f"{s['fte']['input']:,.1f} FTE" in people.sentence
    assert given.value == ("yes" if s["input_meets_goals"] else "no")
    for v in s["verdicts"]:
        words = fmt_interval(v["metric"], v["mean"], v["low"], v["high"])
        assert f"{words}, {STATUS_WORDS[v['status']]}" in verdict.sentence


def test_optimize_page_has_every_table_row(opt_folder) -> None:
    res = read_optimization(opt_folder)
    page = optimize_html(opt_folder)
    text = _text(page)
    for card in optimize_cards(res):
        assert card.value in text and card.sentence in text
    # targets: one row per goal, recommended and input means with their intervals
    for r in res.verification.to_dict("records"):
        assert fmt_value(r["metric"], r["mean"]) in text
        assert f"{fmt_value(r['metric'], r['low'])} to {fmt_value(r['metric'], r['high'])}" in text
        assert f"{STATUS_WORDS[r['status']]} ({int(r['reps'])} replications)" in text
    # every shift, and a total per program
    shifts = re.search(r"<h2>The recommended shifts</h2>.*?<tbody>(.*?)</tbody>", page, re.S)
    assert shifts is not None
    rows = re.findall(r"<tr", shifts.group(1))
    assert len(rows) == len(res.shifts) + res.shifts["program"].nunique()
    for r in res.shifts.to_dict("records"):
        assert f"${r['annual_cost']:,.0f}" in text
    total = res.shifts["annual_cost"].sum()
    assert f"${total:,.0f}" in text
    # every step of the search
    assert len(_tbody_rows(page, "history")) == len(res.history)
    for d in res.history["detail"]:
        assert str(d).replace("'", "&#x27;") in page
    # people: every role, and the totals of summary.json
    for r in res.people.to_dict("records"):
        assert f"{r['fte']:,.1f}" in text
    assert f"{res.facts['fte']['recommended']:,.1f}" in text
    assert str(res.facts["head_count"]["recommended"]) in text
    # how it was found: the alphas, plans verified, replications simulated
    assert f"CRT {res.facts['alphas']['crt']:g}" in text
    assert f"{res.facts['simulated_replications']:,}" in text
    assert "Feldman, Mandelbaum, Massey & Whitt" in text
    # recommended.yaml as written, and the scenario's assumptions
    import html

    assert html.escape(res.recommended_yaml) in page
    assert "What the result depends on" in page
    assert "ASSUMPTION: two weeks are enough for a test" in page
    assert "could not be read again" not in page


def test_optimize_page_labels_images_and_numbers(opt_folder) -> None:
    page = optimize_html(opt_folder)
    _no_scientific(page)
    res = read_optimization(opt_folder)
    # labels from the catalog: each goal's metric said by its label
    for m in set(res.verification["metric"]):
        assert CATALOG[m].label in page
    assert header(COST) not in ("", None)
    images = _images(page)
    # requirement (one program), search history, one each-hour target
    assert len(images) == 3
    assert all(im.format == "PNG" and im.width > 600 and im.height > 250 for im in images)
    alts = [a for a, _ in IMG.findall(page)]
    assert any("units needed and scheduled" in a for a in alts)
    assert any("each hour" in a for a in alts)
    # the each-hour target's hours, counted as in hourly_check.csv
    hc = res.hourly_check[res.hourly_check["plan"] == "recommended"]
    assert f"recommended: {int((hc['status'] == 'met').sum())} of {len(hc)} hours met" in page


def test_infeasible_page_says_so_with_the_closest_plan(infeasible_folder) -> None:
    res = read_optimization(infeasible_folder)
    verdict = optimize_cards(res)[0]
    assert verdict.value == "no"
    assert "no plan within --max-units 1" in verdict.sentence.lower()
    page = optimize_html(infeasible_folder)
    assert "No plan meets every target" in page
    assert "The recommended shifts meet every target" not in page
    assert "The input scenario base.yaml could not be read again" in page
    for v in res.facts["verdicts"]:
        assert STATUS_WORDS[v["status"]] in verdict.sentence
    _no_scientific(page)


def test_the_charts_of_an_optimize_folder(opt_folder, tmp_path) -> None:
    res = read_optimization(opt_folder)
    figs = optimize_figures(res)
    assert sorted(figs) == ["hourly_1", "requirement_crt", "search_history"]
    assert all(isinstance(f, Figure) for f in figs.values())
    req = figs["requirement_crt"].axes[0]
    # four step lines of 168 hours; day names under the days
    assert [t.get_text() for t in req.get_xticklabels(minor=True)] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]
    assert len(req.patches) >= 4
    assert req.get_ylabel() == "units on duty"
    hist = figs["search_history"].axes[0]
    assert isinstance(hist.yaxis.get_major_formatter(), PlainFormatter)
    hourly = figs["hourly_1"].axes[0]
    assert hourly.get_ylabel() == "CRT requests that waited (% of calls)"
    # the verdicts drawn are those of history.csv
    verdicts = plan_verdicts(res.history, res.facts["goals"])
    assert set(verdicts) <= {"", "met", "missed", "unclear"}
    assert (verdicts[res.history["phase"] == "verify"] != "").all()
    written = write_plots(opt_folder, formats=("png",))
    assert {p.stem for p in written} == set(figs)
    for p in written:
        assert Image.open(p).format == "PNG"


# --- the budget page -------------------------------------------------------------------


def test_budget_page_has_the_answer_and_every_frontier_step(budget_folder) -> None:
    res = read_budget(budget_folder)
    s = res.facts
    page = budget_html(budget_folder)
    text = _text(page)
    chosen = s["chosen_point"]
    cards = budget_cards(res)
    assert cards[1].value == fmt_value("diverted_per_year", chosen["measure"])
    assert cards[2].value == fmt_value(COST, chosen["cost"])
    assert cards[3].value == f"{chosen['fte']:,.1f} FTE"
    for c in cards:
        assert c.value in text
    assert f"Within an annual budget of {fmt_value(COST, s['limit'])}, buy" in text
    assert "What each next dollar buys" in text
    assert list(res.frontier["cost"]) == sorted(res.frontier["cost"])
    # each frontier step a row, with its marginal cost (or why it has none)
    rows = _tbody_rows(page, "frontier")
    assert len(rows) == len(res.frontier)
    for r, html_row in zip(res.frontier.to_dict("records"), rows):
        assert fmt_value(COST, r["cost"]) in html_row
        if r["options"] != "base" and r["marginal_cost_status"] == "ok":
            assert fmt_value(COST, r["marginal_cost"]) in html_row
        assert ("(chosen)" in html_row) == bool(r["chosen"])
    for name in res.options["option"]:
        assert name in text
    # every candidate in the appendix, chosen.yaml as written
    import html

    for combo in res.candidates["options"]:
        assert html.escape(combo.replace("+", " + ")).replace("_", "_<wbr>") in page
    assert html.escape((budget_folder / "chosen.yaml").read_text()) in page
    assert header("diverted_per_year") in text
    _no_scientific(page)
    images = _images(page)
    assert len(images) == 1 and images[0].width > 600


def test_fte_mode_says_what_each_fte_buys(fte_folder) -> None:
    res = read_budget(fte_folder)
    page = budget_html(fte_folder)
    assert "What 3 more FTE buys" in page
    assert "gained per extra FTE" in page
    # the frontier is headed and ordered in the unit of the limit (issue 23: it said
    # "dollar" over a frontier ordered by FTE)
    assert "What each next FTE buys" in page and "What each next dollar" not in page
    assert list(res.frontier["extra_fte"]) == sorted(res.frontier["extra_fte"])
    fig = kind_of(fte_folder).figures(fte_folder)["frontier"]
    ax = fig.axes[0]
    assert ax.get_xlabel() == "FTE added over the base"
    assert any(t.get_label() == "limit: 3 FTE" for t in ax.get_lines())
    _no_scientific(page)
    assert res.facts["mode"] == "fte"


def test_write_report_writes_every_kind(opt_folder, budget_folder, tmp_path) -> None:
    for folder in (opt_folder, budget_folder):
        target = write_report(folder)
        assert target == folder / "report.html"
        assert target.read_text().startswith("<!DOCTYPE html>")
    run = hs.simulate(_base(1), reps=2, seed=1, out=tmp_path)
    assert run.folder is not None
    page = write_report(run.folder).read_text()
    assert "Why calls were missed" in page  # a run's page, by htmlreport

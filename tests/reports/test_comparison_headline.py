"""A comparison's headline follows what its options change (issue 24): a Co-Response option
adds HEART responses and diverts no calls, so its card and the ranking show the extra HEART
responses (once a large 0 "extra calls diverted"); an option that diverts calls shows them;
one that does both shows both. The shares of missed calls say why opening more hours moves
calls from "out of hours" to "out of area"."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from heart_sim.cli import app
from heart_sim.measure import people
from heart_sim.measure._headlines import headline_rank, option_cards, what_changes
from heart_sim.scenario import load_scenario


def _row(name: str, diverted: float, responses: float) -> dict:
    r = {"scenario": name, "extra_cost": 85_887.0, "extra_cost_ci_low": 84_904.0}
    r["extra_cost_ci_high"] = 86_870.0
    for key, v in (("extra_diverted", diverted), ("extra_heart_responses", responses)):
        r[key], r[f"{key}_ci_low"], r[f"{key}_ci_high"] = v, v * 0.9, v * 1.1
    r["marginal_cost_per_extra_diverted"] = 85_887.0 / diverted if diverted else float("nan")
    r["marginal_cost_per_extra_diverted_status"] = "ok" if diverted else "no_change"
    r["marginal_cost_per_extra_response"] = 85_887.0 / responses if responses else float("nan")
    r["diverted_per_year"] = 6_023 + diverted
    r["heart_responses_per_year"] = 6_289 + responses
    return r


BASE = {
    **_row("base", 0, 0),
    "extra_cost": 0.0,
    "extra_cost_ci_low": 0.0,
    "extra_cost_ci_high": 0.0,
}

# (label, the option's extra diverted calls and HEART responses, what it changes, the card's
# title and value, the ranking measure when the comparison holds this option alone)
CASES = [
    (
        "Co-Response",
        (0, 127),
        "responses",
        "extra HEART responses a year",
        "+127",
        "heart_responses_per_year",
    ),  # noqa: E501
    ("more CRT", (310, 310), "both", "extra calls diverted a year", "+310", "diverted_per_year"),
    (
        "more CCD seats",
        (950, 0),
        "diverted",
        "extra calls diverted a year",
        "+950",
        "diverted_per_year",
    ),  # noqa: E501
    ("nothing", (0, 0), "neither", "extra calls diverted a year", "0", "diverted_per_year"),
]


@pytest.mark.parametrize(
    "label, extra, changes, title, value, rank", CASES, ids=[c[0] for c in CASES]
)
def test_the_card_and_ranking_follow_what_the_option_changes(
    label, extra, changes, title, value, rank
) -> None:
    costs = pd.DataFrame([BASE, _row("opt", *extra)])
    assert what_changes(costs.to_dict("records")[1]) == changes
    assert headline_rank(costs, "base") == rank
    (card,) = option_cards(costs, "base", rank)
    assert card.title == f"opt: {title}" and card.value == value
    if changes == "responses":
        assert "$676 " in card.sentence and "per extra HEART response" in card.sentence
        assert "diverts no more calls" in card.sentence
    if changes == "both":
        assert "310 more (279 to 341) HEART responses" in card.sentence


def test_a_mix_of_options_is_ranked_by_calls_diverted() -> None:
    costs = pd.DataFrame([BASE, _row("cor", 0, 127), _row("crt", 310, 310)])
    assert headline_rank(costs, "base") == "diverted_per_year"
    titles = [c.title for c in option_cards(costs, "base")]
    assert titles == ["crt: extra calls diverted a year", "cor: extra HEART responses a year"]


def test_the_weekend_cor_page_shows_the_extra_responses(tmp_path) -> None:
    out = tmp_path / "o"
    res = CliRunner().invoke(
        app,
        [
            "compare",
            "durham_2022",
            "weekend_cor",
            "--reps",
            "3",
            "-q",
            "--out",
            str(out),
            "--report",
        ],  # noqa: E501
    )
    assert res.exit_code == 0, res.output
    assert res.output.count("Marginal cost per extra HEART response") == 1, res.output
    page = next(out.glob("compare_*/report.html")).read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    head = text[text.index("Headlines") : text.index("Options ranked")]
    assert "extra HEART responses a year +1" in head, head  # +127 at 3 replications
    assert "extra calls diverted" not in head
    ranking = text[text.index("Options ranked") : text.index("Why calls were missed")]
    assert "Extra HEART responses" in ranking and "Extra diverted calls" not in ranking
    assert "the team off duty (out of hours) is checked before where the call is" in text
    # FTE and head count per program and option, by optimize's workforce arithmetic
    positions = text[text.index("Positions the shifts need") : text.index("Costs by program")]
    for name in ("durham_2022", "weekend_cor"):
        staff = people(load_scenario(name)).groupby("program")[["fte", "head_count"]].sum()
        cor = f"{staff.at['cor', 'fte']:.2f}"  # 2.40 and 3.36: weekend CoR adds FTE
        assert cor in positions, (name, cor, positions)
        assert "All programs: People (people in all roles) " in positions
    costs = pd.read_csv(next(out.glob("compare_*/costs.csv"))).set_index("scenario")
    assert costs.loc["weekend_cor", "fte"] > costs.loc["durham_2022", "fte"]

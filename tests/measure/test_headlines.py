"""Headline cards (measure._headlines): the calls HEART missed shared out by reason, the
cards of a run, the ranking of a comparison's alternatives, and their HTML."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from heart_sim.core._vocab import Outcome
from heart_sim.measure._formatting import NO_INTERVAL, fmt_value
from heart_sim.measure._headlines import Card, cards_html, missed_by_reason, ranked, run_cards

MISSED = {
    "fallback_out_of_hours_share": 0.20,
    "fallback_out_of_area_share": 0.10,
    "fallback_no_unit_share": 0.05,
    "fallback_referred_share": 0.05,
    "caller_hung_up_share": 0.10,
}


def _summary(means: dict[str, float], ci: dict[str, tuple[float, float]] | None = None):
    rows = []
    for m, v in means.items():
        lo, hi = (ci or {}).get(m, (math.nan, math.nan))
        rows.append({"metric": m, "mean": v, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def test_missed_calls_are_shared_out_by_reason_largest_first() -> None:
    got = missed_by_reason(_summary(MISSED))
    assert [o for o, _ in got][:3] == [
        Outcome.FALLBACK_OUT_OF_HOURS,
        Outcome.FALLBACK_OUT_OF_AREA,
        Outcome.CALLER_HUNG_UP,
    ]
    assert dict(got) == pytest.approx(
        {
            Outcome.FALLBACK_OUT_OF_HOURS: 0.4,
            Outcome.FALLBACK_OUT_OF_AREA: 0.2,
            Outcome.CALLER_HUNG_UP: 0.2,
            Outcome.FALLBACK_NO_UNIT: 0.1,
            Outcome.FALLBACK_REFERRED: 0.1,
        }
    )
    assert missed_by_reason(_summary(dict.fromkeys(MISSED, 0.0))) == []
    # A reason the summary lacks is left out; the others share the whole.
    partial = dict(MISSED)
    del partial["caller_hung_up_share"]
    assert sum(v for _, v in missed_by_reason(_summary(partial))) == pytest.approx(1)


def test_run_cards_say_what_the_numbers_mean() -> None:
    means = {
        **MISSED,
        "heart_response_rate": 0.35,
        "diversion_rate": 0.3,
        "diverted_per_year": 9000.0,
        "police_hours_per_year": 12000.0,
        "police_calls_per_year": 20000.0,
        "crt_response_time": math.nan,  # no CRT: no CRT card
    }
    cards = run_cards(_summary(means, {"heart_response_rate": (0.34, 0.36)}))
    assert [c.title for c in cards] == [
        "Eligible calls HEART handled",
        "Calls diverted from police, per year",
        "Police time still spent on these calls",
    ]
    first = cards[0]
    assert first.value == fmt_value("heart_response_rate", 0.35)
    assert first.interval == (
        f"95% interval: {fmt_value('heart_response_rate', 0.34)} to "
        f"{fmt_value('heart_response_rate', 0.36)}"
    )
    pct = fmt_value("diversion_rate", 0.4)
    assert f"Of the calls it missed, {pct} came when the program they needed was closed" in (
        first.sentence
    )
    assert cards[1].interval == NO_INTERVAL  # a mean without an interval says why
    assert cards[1].sentence.startswith(fmt_value("diversion_rate", 0.3))
    with_crt = run_cards(_summary({**means, "crt_response_time": 25.0}))
    assert "CRT response time (minutes)" in [c.title for c in with_crt]


def test_alternatives_are_ranked_by_the_catalogs_direction() -> None:
    costs = pd.DataFrame(
        {
            "scenario": ["base", "a", "b", "c", "d"],
            "diverted_per_year": [100.0, 150.0, math.nan, 300.0, 120.0],
            "cost_total_annual": [1e6, 3e6, 2e6, 4e6, 1.5e6],
        }
    )
    assert ranked(costs, "base") == ["c", "a", "d", "b"]  # more diverted first, NaN last
    assert ranked(costs, "base", "cost_total_annual") == ["d", "b", "a", "c"]  # cheaper first
    with pytest.raises(KeyError):
        ranked(costs, "base", "not_a_column")


def test_cards_html_escapes_the_text() -> None:
    card = Card("A <b> title", "1 & 2", "95% interval: 1 to 3", 'He said "no".')
    text = cards_html([card], heading="R&D")
    assert "1 &amp; 2" in text and "&quot;no&quot;" in text and "R&amp;D" in text
    assert "<b> title" not in text and text.count("class='card'") == 1

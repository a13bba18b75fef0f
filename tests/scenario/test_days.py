"""Day names as planners write them (scenario._days): strict parsing, and the shortest
way of writing a set of days back."""

from __future__ import annotations

import itertools

import pytest
import yaml

from heart_sim.scenario._days import days_text, parse_days

WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@pytest.mark.parametrize(
    ("written", "days"),
    [
        ("Mon-Fri", ["mon", "tue", "wed", "thu", "fri"]),  # Monday to Friday, not Monday
        ("fri-sun", ["fri", "sat", "sun"]),
        ("sat-mon", ["sat", "sun", "mon"]),  # wraps round the week
        ("sun-sun", ["sun"]),
        ("WEEKENDS", ["sat", "sun"]),
        ("daily", WEEK),
        ("Monday, wed", ["mon", "wed"]),
        (["Tuesday", "thu-fri"], ["tue", "thu", "fri"]),
        ("wed,mon", ["wed", "mon"]),  # the order given
    ],
)
def test_accepted_forms(written, days) -> None:
    assert parse_days(written) == days


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("funday", "'funday' is not a day"),
        ("mon-", "'mon-' is not a day"),
        ("mon-funday", "is not a day"),
        ("", "is not a day"),
        ([], "at least one day"),
        ([1], "1 is not a day"),
        (5, "is not a list of days"),
        ("weekdays, mon", "mon listed twice"),
        ("mon, tue, mon, tue", "mon, tue listed twice"),
    ],
)
def test_anything_else_is_an_error_that_shows_the_forms(written, message) -> None:
    with pytest.raises(ValueError) as err:
        parse_days(written)
    assert message in str(err.value)
    if "twice" not in message and "at least" not in message:
        assert "mon-fri" in str(err.value)  # the accepted forms are shown


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (WEEK, "daily"),
        (WEEK[:5], "weekdays"),
        (WEEK[5:], "weekends"),
        (["tue", "wed", "thu"], "tue-thu"),
        (["fri", "sat", "sun", "mon"], "fri-mon"),
        (["mon", "tue"], "[mon, tue]"),  # two days: a list is as short
        (["mon", "wed", "thu"], "[mon, wed, thu]"),
    ],
)
def test_days_text_is_the_shortest_form(days, text) -> None:
    assert days_text(days) == text


def test_every_set_of_days_reads_back_as_written() -> None:
    """days_text goes into YAML (a shift's days:); read back it is the same days."""
    for n in range(1, 8):
        for days in itertools.combinations(WEEK, n):
            text = days_text(list(days))
            assert parse_days(yaml.safe_load(text)) == list(days), text

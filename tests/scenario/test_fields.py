"""The value types every scenario model shares (scenario._fields): true is not a number,
a date is YYYY-MM-DD, a patience is minutes, a distribution or null."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from heart_sim.scenario._distributions import Fixed
from heart_sim.scenario._fields import Frozen, IsoDate, NonNeg, Patience, Prob


class _Numbers(Frozen):
    count: int = 0
    rate: float | None = None
    share: Prob = 0.5
    flag: bool = False


@pytest.mark.parametrize("key", ["count", "rate", "share"])
def test_true_is_not_a_number(key: str) -> None:
    with pytest.raises(ValidationError, match="expected a number, got true"):
        _Numbers(**{key: True})


def test_a_flag_takes_true_and_a_model_is_frozen_and_strict() -> None:
    numbers = _Numbers(flag=True, count=3)
    assert numbers.flag and numbers.count == 3
    with pytest.raises(ValidationError, match="frozen"):
        numbers.count = 4  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        _Numbers(cuont=3)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (dt.datetime(2023, 10, 23, 9, 0), "got a date and time (2023-10-23 09:00:00)"),
        (20231023, "expected a date as YYYY-MM-DD, got 20231023"),
        ("23/10/2023", "expected a date as YYYY-MM-DD, got '23/10/2023'"),
    ],
)
def test_a_date_is_a_calendar_date(value: object, words: str) -> None:
    dates = TypeAdapter(IsoDate)
    assert dates.validate_python(dt.date(2023, 10, 23)) == dt.date(2023, 10, 23)
    assert dates.validate_python(" 2023-10-23 ") == dt.date(2023, 10, 23)
    with pytest.raises(ValidationError) as err:
        dates.validate_python(value)
    assert words in str(err.value)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (-1, "must be 0 or more minutes (a finite number), got -1"),
        (float("inf"), "must be 0 or more minutes (a finite number), got inf"),
        ("soon", "expected minutes (a number), a distribution ({dist: ...}) or null, got"),
        (True, "expected minutes (a number), a distribution ({dist: ...}) or null, got"),
    ],
)
def test_a_patience_is_minutes_a_distribution_or_null(value: object, words: str) -> None:
    patience = TypeAdapter(Patience)
    assert patience.validate_python(None) is None
    assert patience.validate_python(30) == 30
    assert patience.validate_python({"dist": "fixed", "value": 5}) == Fixed(value=5)
    with pytest.raises(ValidationError) as err:
        patience.validate_python(value)
    assert words in str(err.value)


def test_probabilities_and_non_negative_numbers_are_finite() -> None:
    for kind, bad in ((Prob, 1.5), (Prob, -0.1), (NonNeg, -1.0), (NonNeg, float("nan"))):
        with pytest.raises(ValidationError):
            TypeAdapter(kind).validate_python(bad)
    assert TypeAdapter(Prob).validate_python(1) == 1

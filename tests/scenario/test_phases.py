"""Staged changes by date (scenario._phases): what a phase may change, and phases follow
one another in date order after the start date."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from heart_sim.scenario._phases import PHASE_KEYS, Phase, check_phase_order


def _phase(day: str) -> Phase:
    return Phase.model_validate({"from": day, "changes": {"demand": {"multiplier": 2}}})


def test_a_phase_reads_and_writes_its_from_key() -> None:
    phase = _phase("2023-03-01")
    assert phase.start == dt.date(2023, 3, 1)
    assert phase.model_dump(mode="json") == {
        "from": "2023-03-01",
        "changes": {"demand": {"multiplier": 2}},
    }
    assert PHASE_KEYS == ("demand", "call_types", "programs")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"costs": {}, "horizon_weeks": 4},
            "a phase may change demand, call_types, programs; not costs, horizon_weeks "
            "(those hold for the whole run)",
        ),
        (
            {"demand": {"overdispersion": 0.1, "monthly_weights": [1] * 12}},
            "demand.monthly_weights, demand.overdispersion: seasons, growth and day-to-day "
            "variation hold for the whole run",
        ),
    ],
)
def test_what_a_phase_may_change(changes: dict, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        Phase.model_validate({"from": "2023-03-01", "changes": changes})
    assert words in str(err.value)


def test_phases_follow_one_another() -> None:
    march, april = _phase("2023-03-01"), _phase("2023-04-01")
    check_phase_order(dt.date(2023, 1, 2), [march, april])
    check_phase_order(None, [march, april])
    with pytest.raises(ValueError) as err:
        check_phase_order(dt.date(2023, 3, 1), [march])
    assert str(err.value) == (
        "phases[0].from: 2023-03-01 is not after start_date 2023-03-01 (a change from the "
        "start belongs in the scenario itself)"
    )
    with pytest.raises(ValueError) as err:
        check_phase_order(None, [april, march])
    assert str(err.value).startswith("phases[1].from: 2023-03-01 is not after phases[0] 2023-04-01")

"""Staged changes by date (``phases:``): from a day on, some keys of the scenario change.

A phase names only what changes (demand, call types, programs) and is merged into the
scenario as ``extends:`` merges; the Scenario validates each merged result. Here are the
phase itself and the rule that phases follow one another in date order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from ._fields import Frozen, IsoDate

PHASE_KEYS = ("demand", "call_types", "programs")


class Phase(Frozen):
    """From a date on, the scenario with some keys changed (merged as ``extends:`` merges)."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True
    )

    start: IsoDate = Field(alias="from", description="first day of the phase, YYYY-MM-DD")
    changes: dict[str, Any] = Field(
        description=f"keys of the scenario that change from then on: {', '.join(PHASE_KEYS)} "
        "(not demand.monthly_weights, annual_growth or overdispersion, nor costs:)"
    )

    @field_validator("changes")
    @classmethod
    def _keys(cls, v: dict[str, Any]) -> dict[str, Any]:
        other = [k for k in v if k not in PHASE_KEYS]
        if other:
            raise ValueError(
                f"a phase may change {', '.join(PHASE_KEYS)}; not {', '.join(map(str, other))} "
                "(those hold for the whole run)"
            )
        demand = v.get("demand")
        whole_run = ("monthly_weights", "annual_growth", "overdispersion")
        if isinstance(demand, dict) and any(k in demand for k in whole_run):
            given = ", ".join(f"demand.{k}" for k in whole_run if k in demand)
            raise ValueError(
                f"{given}: seasons, growth and day-to-day variation hold for the whole run; "
                "a phase may change calls_per_week, multiplier and the weekly weights"
            )
        return v


def check_phase_order(start_date: dt.date | None, phases: list[Phase]) -> None:
    """Each phase begins after the start date and after the phase before it."""
    previous = start_date
    for i, phase in enumerate(phases):
        if previous is not None and phase.start <= previous:
            what = "start_date" if i == 0 else f"phases[{i - 1}]"
            raise ValueError(
                f"phases[{i}].from: {phase.start} is not after {what} {previous} (a change "
                "from the start belongs in the scenario itself)"
            )
        previous = phase.start

"""What ``heart-sim optimize`` gives back: the result of a search, or the error that stops
one before it starts.

Kept apart from the search and the files so that every step (parsing, plans, search,
assembly, folder, markdown) can name them without importing the orchestration
(``optimization._optimize``), which imports every step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import StudyError
from ..study import SavedFolder


class OptimizeError(StudyError):
    """An optimization that cannot start: no goal for a program, hours no shift fits."""


@dataclass
class OptimizeResult(SavedFolder):
    """The cheapest shifts found for the targets: ``facts`` is what summary.json holds,
    ``summary`` the verification (each target's value with its 95% interval and status for
    the recommended plan, the input's own shifts and the confirmation on another seed)."""

    folder: Path | None  # None: the study wrote to a temporary folder (out=None)
    facts: dict[str, Any]
    requirement: pd.DataFrame
    shifts: pd.DataFrame
    verification: pd.DataFrame
    hourly_check: pd.DataFrame
    history: pd.DataFrame
    people: pd.DataFrame
    recommended_yaml: str
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> pd.DataFrame:
        return self.verification

    def heading(self) -> str:
        f = self.facts
        met = "meets every target" if f.get("feasible") else "does NOT meet every target"
        return (
            f"Shifts for {f.get('scenario', '')}: the recommended plan {met}, "
            f"${f.get('schedule_cost_annual', 0):,.0f} a year"
        )


def recommended_overtime(facts: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(program, simulated overtime unit-hours a week, its annual cost; NaN if not
    costed) of the recommended shifts, as summary.json holds them: what optimize.md and
    the page say of the crews' overtime."""
    out = []
    for p, h in facts.get("overtime_hours_per_week", {}).get("recommended", {}).items():
        cost = facts["cost"]["recommended"].get(f"{p}_overtime_cost_annual", {}).get("mean")
        if isinstance(h.get("mean"), (int, float)) and math.isfinite(h["mean"]):
            money = float(cost) if isinstance(cost, (int, float)) else math.nan
            out.append((p, float(h["mean"]), money))
    return out

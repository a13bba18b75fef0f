"""What ``heart-sim optimize`` gives back: the result of a search, or the error that stops
one before it starts.

Kept apart from the search and the files so that every step (parsing, plans, search,
assembly, folder, markdown) can name them without importing the orchestration
(``optimization._optimize``), which imports every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import StudyError


class OptimizeError(StudyError):
    """An optimization that cannot start: no goal for a program, hours no shift fits."""


@dataclass
class OptimizeResult:
    folder: Path | None  # None: the study wrote to a temporary folder (out=None)
    summary: dict[str, Any]
    requirement: pd.DataFrame
    shifts: pd.DataFrame
    verification: pd.DataFrame
    hourly_check: pd.DataFrame
    history: pd.DataFrame
    people: pd.DataFrame
    recommended_yaml: str
    notes: list[str] = field(default_factory=list)

"""The ground floor: errors, the vocabulary of programs and outcomes, safe file writes,
problem messages and the version. Imports nothing of heart_sim."""

from __future__ import annotations

from ._errors import (
    ChromiumNotFoundError,
    HeartSimError,
    Interrupted,
    NotResultsError,
    PdfError,
    ResultsExistError,
    ResultsWriteError,
    RunTooLargeError,
    ScenarioError,
    StudyError,
)
from ._fileio import (
    CHECKPOINTS,
    LOCK_NAME,
    FolderLock,
    atomic_write,
    atomic_write_bytes,
    describe_os_error,
)
from ._problems import MISSING, describe, did_you_mean, known_keys, not_a_mapping, problems
from ._version import __version__
from ._vocab import (
    DIVERTED,
    ENDINGS,
    FALLBACKS,
    FIELD_TEAMS,
    HANDLED_BY,
    HEART_RESPONSES,
    NOT_DISPATCHED,
    PROGRAMS,
    SERVED_BY,
    FieldTeamKey,
    Outcome,
    Program,
)

__all__ = [
    "CHECKPOINTS",
    "ChromiumNotFoundError",
    "DIVERTED",
    "ENDINGS",
    "FALLBACKS",
    "FIELD_TEAMS",
    "FieldTeamKey",
    "FolderLock",
    "HANDLED_BY",
    "HEART_RESPONSES",
    "HeartSimError",
    "Interrupted",
    "LOCK_NAME",
    "MISSING",
    "NOT_DISPATCHED",
    "NotResultsError",
    "Outcome",
    "PROGRAMS",
    "PdfError",
    "Program",
    "ResultsExistError",
    "ResultsWriteError",
    "RunTooLargeError",
    "SERVED_BY",
    "ScenarioError",
    "StudyError",
    "__version__",
    "atomic_write",
    "atomic_write_bytes",
    "describe",
    "describe_os_error",
    "did_you_mean",
    "known_keys",
    "not_a_mapping",
    "problems",
]

"""What the answer depends on and what the published figures allow: targets files,
history matching (``heart-sim calibrate``) and sensitivity (``heart-sim sensitivity``)."""

from __future__ import annotations

from ._calibrate import (
    POINTS,
    REPS,
    WAVES,
    CalibrationResult,
    calibrate,
    calibration_markdown,
    read_calibration,
)
from ._sensitivity import (
    COLUMNS,
    HEADINGS,
    IMPORTANCE,
    METHODS,
    Method,
    SensitivityError,
    SensitivityResult,
    effect_text,
    ranking_markdown,
    read_sensitivity,
    symbol,
)
from ._sensitivity_study import sensitivity
from ._targets import Targets, load_targets, targets_json_schema

__all__ = [
    "targets_json_schema",
    "ranking_markdown",
    "calibration_markdown",
    "COLUMNS",
    "CalibrationResult",
    "HEADINGS",
    "IMPORTANCE",
    "METHODS",
    "Method",
    "POINTS",
    "REPS",
    "SensitivityError",
    "SensitivityResult",
    "Targets",
    "WAVES",
    "calibrate",
    "effect_text",
    "load_targets",
    "read_calibration",
    "read_sensitivity",
    "sensitivity",
    "symbol",
]

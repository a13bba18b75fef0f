"""Routing decisions as pure functions of pre-drawn uniforms.

Each call carries its own uniforms (one per decision, each from its own stream), so the
same call makes the same choices in two scenarios wherever their probabilities agree.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from .scenario import CallType, CCDDecision


class Outcome(IntEnum):
    """How a call ends: exactly one per call. IN_SYSTEM marks calls not ended at the horizon."""

    IN_SYSTEM = -1
    CCD_RESOLVED = 0
    CRT_SERVED = 1
    COR_SERVED = 2
    FALLBACK_OUT_OF_HOURS = 3
    FALLBACK_OUT_OF_AREA = 4
    FALLBACK_NO_UNIT = 5
    FALLBACK_REFERRED = 6


OUTCOME_KEYS = {
    Outcome.CCD_RESOLVED: "ccd_resolved",
    Outcome.CRT_SERVED: "crt_served",
    Outcome.COR_SERVED: "cor_served",
    Outcome.FALLBACK_OUT_OF_HOURS: "fallback_out_of_hours",
    Outcome.FALLBACK_OUT_OF_AREA: "fallback_out_of_area",
    Outcome.FALLBACK_NO_UNIT: "fallback_no_unit",
    Outcome.FALLBACK_REFERRED: "fallback_referred",
}

SERVED_BY = {"crt": Outcome.CRT_SERVED, "cor": Outcome.COR_SERVED}

# What a CCD clinician decides, in a fixed order so uniforms map the same way everywhere.
DECISIONS = ("resolve", "crt", "cor", "refer")


def pick_call_types(u: np.ndarray, types: list[CallType]) -> np.ndarray:
    """Index of each call's type from uniforms, by cumulative share."""
    cum = np.cumsum([t.share for t in types])
    cum[-1] = 1.0 + 1e-12  # guard against rounding in the shares
    return np.searchsorted(cum, u, side="right").astype(np.int16)


def ccd_decision(u: float, decision: CCDDecision) -> str:
    """The clinician's decision for a uniform u in [0, 1)."""
    acc = 0.0
    for name in DECISIONS:
        acc += getattr(decision, name)
        if u < acc:
            return name
    return next(n for n in reversed(DECISIONS) if getattr(decision, n) > 0)


def serves_area(area: str, in_pilot: bool) -> bool:
    """A program serves a call if it is city-wide or the call is inside the pilot area."""
    return area == "city" or in_pilot

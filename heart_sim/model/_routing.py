"""Routing decisions as pure functions of pre-drawn uniforms.

Each call carries its own uniforms (one per decision, each from its own stream), so the
same call makes the same choices in two scenarios wherever their probabilities agree.
"""

from __future__ import annotations

import numpy as np

from ..core import FIELD_TEAMS
from ..scenario import CallType, CCDDecision

# What a CCD clinician decides, in a fixed order so uniforms map the same way everywhere.
DECISIONS = ("resolve", *(p.value for p in FIELD_TEAMS), "refer")


def pick_call_types(u: np.ndarray, types: list[CallType]) -> np.ndarray:
    """Index of each call's type from uniforms, by cumulative share."""
    cum = np.cumsum([t.share for t in types])
    cum[-1] = 1.0 + 1e-12  # guard against rounding in the shares
    return np.searchsorted(cum, u, side="right").astype(np.int16)


Decisions = tuple[tuple[float, str], ...]  # (cumulative probability, decision), in order


def decision_table(decision: CCDDecision) -> tuple[Decisions, str]:
    """A call type's decisions as cumulative probabilities in ``DECISIONS`` order (added
    one by one from 0.0, in that order), and the decision for a uniform past the last sum
    (rounding): the last one with a chance."""
    acc, table = 0.0, []
    for name in DECISIONS:
        acc += getattr(decision, name)
        table.append((acc, name))
    return tuple(table), next(n for n in reversed(DECISIONS) if getattr(decision, n) > 0)


def decide(u: float, table: tuple[Decisions, str]) -> str:
    """The decision for a uniform u in [0, 1), from a ``decision_table``."""
    sums, last = table
    for acc, name in sums:
        if u < acc:
            return name
    return last


def ccd_decision(u: float, decision: CCDDecision) -> str:
    """The clinician's decision for a uniform u in [0, 1)."""
    return decide(u, decision_table(decision))

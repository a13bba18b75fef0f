"""Routing as functions of pre-drawn uniforms (model._routing): call types by cumulative
share, and the CCD clinician's decision."""

from __future__ import annotations

import numpy as np

from heart_sim.model._routing import DECISIONS, ccd_decision, pick_call_types
from heart_sim.scenario._schema import CallType, CCDDecision


def _type(share: float) -> CallType:
    return CallType(
        share=share, pilot_area_share=1.0, ccd_decision=CCDDecision(resolve=1.0), direct="crt"
    )


def test_call_types_split_the_unit_interval_by_share() -> None:
    types = [_type(0.2), _type(0.5), _type(0.3)]
    u = np.array([0.0, 0.1999, 0.2, 0.6999, 0.7, 0.9999999])
    assert pick_call_types(u, types).tolist() == [0, 0, 1, 1, 2, 2]
    # A grid of uniforms lands in each type in proportion to its share.
    grid = (np.arange(10_000) + 0.5) / 10_000
    counts = np.bincount(pick_call_types(grid, types), minlength=3)
    assert counts.tolist() == [2000, 5000, 3000]


def test_shares_that_round_below_one_still_place_every_uniform() -> None:
    types = [_type(1 / 3), _type(1 / 3), _type(1 / 3)]  # sum 0.999...
    assert pick_call_types(np.array([1 - 1e-15]), types).tolist() == [2]


def test_the_clinicians_decision_follows_the_fixed_order() -> None:
    assert DECISIONS == ("resolve", "crt", "cor", "refer")
    d = CCDDecision(resolve=0.5, crt=0.25, cor=0.0, refer=0.25)
    assert [ccd_decision(u, d) for u in (0.0, 0.4999, 0.5, 0.7499, 0.75, 0.9999)] == [
        "resolve",
        "resolve",
        "crt",
        "crt",
        "refer",
        "refer",
    ]
    # Shares that sum to just under one: the last decision with a share takes the rest.
    assert ccd_decision(0.999999999, CCDDecision(resolve=0.6, crt=0.4 - 1e-10)) == "crt"

"""What one replication leaves behind: per-call arrays and per-program time integrals.

The model fills these and computes no statistics; ``metrics`` turns them into numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .routing import OUTCOME_KEYS
from .staffing import PoolMeter

# Per-call fields the model fills in as the simulation runs: (name, numpy dtype, initial
# value until the step happens).
LOGGED_FIELDS = [
    ("outcome", np.int8, -1),
    ("ccd_answered", bool, False),
    ("dispatched_to", np.int8, -1),
    ("ccd_wait", float, np.nan),
    ("dispatch_wait", float, np.nan),
    ("t_unit_start", float, np.nan),
    ("response_time", float, np.nan),
    ("cn_referred", float, np.nan),
    ("cn_start", float, np.nan),
    ("fu_created", float, np.nan),
    ("fu_start", float, np.nan),
]


@dataclass
class CallRecords:
    """One row per call that arrived (warm-up included); NaN where a step did not happen."""

    t_arrive: np.ndarray
    call_type: np.ndarray
    in_pilot: np.ndarray
    outcome: np.ndarray  # an Outcome code; -1 = still in the system at the horizon
    ccd_answered: np.ndarray
    dispatched_to: np.ndarray  # -1 none, 1 CRT, 2 CoR
    ccd_wait: np.ndarray  # arrival -> clinician answers (or 911 stops holding)
    dispatch_wait: np.ndarray  # request -> unit assigned (or gave up)
    t_unit_start: np.ndarray  # when a field unit took the call
    response_time: np.ndarray  # request -> arrival on scene
    cn_referred: np.ndarray  # time of CN referral
    cn_start: np.ndarray  # time CN made contact
    fu_created: np.ndarray  # time a CCD follow-up call was queued
    fu_start: np.ndarray  # time a clinician made it


@dataclass
class RepRecords:
    """Everything measured in one replication."""

    replication: int
    t0: float  # start of the measured window (end of warm-up), minutes
    t1: float  # end of the run, minutes
    calls: CallRecords
    meters: dict[str, PoolMeter]


OUTCOME_NAMES = {int(code): key for code, key in OUTCOME_KEYS.items()} | {-1: "in_system"}


def calls_frame(rec: RepRecords, call_type_names: list[str]) -> pd.DataFrame:
    """Per-call records of one replication as a DataFrame (times in minutes)."""
    c = rec.calls
    return pd.DataFrame(
        {
            "call": np.arange(len(c.t_arrive)),
            "t_arrive_min": c.t_arrive,
            "measured": (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1),
            "call_type": pd.Categorical.from_codes(c.call_type, categories=call_type_names),
            "in_pilot_area": c.in_pilot,
            "outcome": [OUTCOME_NAMES[int(o)] for o in c.outcome],
            "ccd_wait_min": c.ccd_wait,
            "ccd_answered": c.ccd_answered,
            "dispatched_to": np.select(
                [c.dispatched_to == 1, c.dispatched_to == 2], ["crt", "cor"], default=""
            ),
            "dispatch_wait_min": c.dispatch_wait,
            "response_time_min": c.response_time,
            "cn_referred_min": c.cn_referred,
            "cn_contact_min": c.cn_start,
        }
    )

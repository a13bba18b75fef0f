"""What one replication leaves behind: per-call arrays and per-program time integrals.

The model fills these and computes no statistics; ``metrics`` turns them into numbers.
``CallRecords`` declares each per-call field once: the fields the model logs as the call
goes along carry their numpy dtype and the value they hold until that step happens
(``logged_fields`` reads them from the type, so there is no second list to keep in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from ..core import FIELD_TEAMS, NOT_DISPATCHED, Outcome
from ._dates import Calendar
from ._staffing import PoolMeter


def _logged(dtype: Any, initial: Any) -> Any:
    """A per-call field the model fills in as the simulation runs."""
    return field(metadata={"dtype": dtype, "initial": initial})


@dataclass
class CallRecords:
    """One row per call that arrived (warm-up included); NaN where a step did not happen."""

    t_arrive: np.ndarray
    call_type: np.ndarray
    in_pilot: np.ndarray
    zone: np.ndarray  # index into the scenario's zones (zones.ZoneTable)
    outcome: np.ndarray = _logged(np.int8, Outcome.IN_SYSTEM.value)  # an Outcome code
    ccd_answered: np.ndarray = _logged(bool, False)
    dispatched_to: np.ndarray = _logged(np.int8, NOT_DISPATCHED)  # Program.dispatch_code
    ccd_wait: np.ndarray = _logged(float, np.nan)  # arrival -> clinician answers (or gave up)
    t_ccd_hold: np.ndarray = _logged(float, np.nan)  # when the call reached CCD
    t_ccd_free: np.ndarray = _logged(float, np.nan)  # when the clinician finished the call
    dispatch_wait: np.ndarray = _logged(float, np.nan)  # request -> unit assigned (or gave up)
    t_unit_start: np.ndarray = _logged(float, np.nan)  # when a field unit took the call
    t_unit_free: np.ndarray = _logged(float, np.nan)  # when that unit was done with it
    travel_time: np.ndarray = _logged(float, np.nan)  # the unit's travel to the call
    travel_miles: np.ndarray = _logged(float, np.nan)  # its distance (square-root travel only)
    response_time: np.ndarray = _logged(float, np.nan)  # request -> arrival on scene
    cn_referred: np.ndarray = _logged(float, np.nan)  # time of CN referral
    cn_start: np.ndarray = _logged(float, np.nan)  # time CN reached the person
    cn_attempts: np.ndarray = _logged(np.int16, 0)  # CN contact attempts made
    cn_closed: np.ndarray = _logged(bool, False)  # closed unreached after max_attempts
    cn_out_of_area: np.ndarray = _logged(bool, False)  # referred, but outside CN's area
    t_fallback: np.ndarray = _logged(float, np.nan)  # when 911 sent police/EMS
    fu_created: np.ndarray = _logged(float, np.nan)  # time a CCD follow-up call was queued
    fu_start: np.ndarray = _logged(float, np.nan)  # time a clinician made it
    # On arrival at 911: was CCD on duty for the call (staffed, in its area), and the team
    # its type goes to directly? (the denominators of reach "in operating hours")
    ccd_open: np.ndarray = _logged(bool, False)
    team_open: np.ndarray = _logged(bool, False)
    transported: np.ndarray = _logged(bool, False)  # served, and ended in a transport


def logged_fields() -> list[tuple[str, Any, Any]]:
    """(name, numpy dtype, initial value) of each field the model logs per call."""
    return [
        (f.name, f.metadata["dtype"], f.metadata["initial"])
        for f in fields(CallRecords)
        if "dtype" in f.metadata
    ]


class CallLog:
    """The logged fields of ``CallRecords`` as the model fills them in, call by call: a
    list per field (fast to write one item of), as slots (the fastest attribute reads
    CPython has: the model reads the log a dozen times per call). A field no call
    reached (CN's, in a run without referrals) still holds its initial value, the same
    object, throughout: it becomes an array without a pass over n Python objects."""

    __slots__ = ("n", *(name for name, _, _ in logged_fields()))

    def __init__(self, n: int) -> None:
        self.n = n
        for name, _, initial in logged_fields():
            setattr(self, name, [initial] * n)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every logged field as a numpy array of its dtype."""
        out = {}
        for name, dtype, initial in logged_fields():
            made = getattr(self, name)
            if made == [initial] * self.n:  # untouched (the identity check of each item)
                out[name] = np.full(self.n, initial, dtype)
            else:  # (fromiter: a fifth faster than asarray from a list)
                out[name] = np.fromiter(made, dtype, count=self.n)
        return out


@dataclass
class RepRecords:
    """Everything measured in one replication."""

    replication: int
    t0: float  # start of the measured window (end of warm-up), minutes
    t1: float  # end of the run, minutes
    calls: CallRecords
    meters: dict[str, PoolMeter]  # present, busy, away... unit-minutes per hour from t0
    scheduled: dict[str, np.ndarray]  # scheduled unit-minutes per hour from t0
    calendar: Calendar


OUTCOME_NAMES = {int(o): o.key for o in Outcome}  # -1: "in_system"


def calls_frame(rec: RepRecords, call_type_names: list[str], zone_names: list[str]) -> pd.DataFrame:
    """Per-call records of one replication as a DataFrame (times in minutes)."""
    c = rec.calls
    dated = {}
    if rec.calendar.dated:  # the arrival's date and time, as well as minutes
        origin = pd.Timestamp(rec.calendar.origin)
        dated["arrival_time"] = origin + pd.to_timedelta(c.t_arrive, unit="min")
    return pd.DataFrame(
        {
            "call": np.arange(len(c.t_arrive)),
            "t_arrive_min": c.t_arrive,
            **dated,
            "measured": (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1),
            "call_type": pd.Categorical.from_codes(
                c.call_type, categories=pd.Index(call_type_names)
            ),
            "in_pilot_area": c.in_pilot,
            "zone": pd.Categorical.from_codes(c.zone, categories=pd.Index(zone_names)),
            "outcome": [OUTCOME_NAMES[int(o)] for o in c.outcome],
            "ccd_wait_min": c.ccd_wait,
            "ccd_answered": c.ccd_answered,
            "dispatched_to": np.select(
                [c.dispatched_to == p.dispatch_code for p in FIELD_TEAMS],
                [p.value for p in FIELD_TEAMS],
                default="",
            ),
            "dispatch_wait_min": c.dispatch_wait,
            "travel_time_min": c.travel_time,
            "travel_miles": c.travel_miles,
            "response_time_min": c.response_time,
            "cn_referred_min": c.cn_referred,
            "cn_contact_min": c.cn_start,
            "cn_attempts": c.cn_attempts,
            "fallback_min": c.t_fallback,
            "ccd_on_duty": c.ccd_open,
            "team_on_duty": c.team_open,
            "transported": c.transported,
        }
    )

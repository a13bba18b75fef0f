"""What one replication leaves behind (model._records): the per-call fields the model logs,
declared once with their dtype and starting value, and the per-call table."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
from builders import mmc_dict

from heart_sim.core._vocab import Outcome
from heart_sim.model._dates import Calendar
from heart_sim.model._engine import simulate
from heart_sim.model._records import CallRecords, RepRecords, calls_frame, logged_fields
from heart_sim.scenario._load import scenario_from_dict


def _records(t_arrive: list[float], dated: bool) -> RepRecords:
    n = len(t_arrive)
    logged = {name: np.full(n, initial, dtype) for name, dtype, initial in logged_fields()}
    calls = CallRecords(
        t_arrive=np.array(t_arrive),
        call_type=np.array([0, 1, 0], np.int16),
        in_pilot=np.array([True, False, True]),
        zone=np.array([0, 1, 0], np.int16),
        **logged,
    )
    calendar = Calendar(
        origin=dt.date(2024, 1, 1),
        dated=dated,
        begin=0.0,
        start=60.0,
        end=200.0,
        holidays=frozenset(),
        phase_starts=(-math.inf,),
    )
    return RepRecords(0, 60.0, 200.0, calls, {}, {}, calendar)


def test_logged_fields_are_the_fields_the_model_fills_in() -> None:
    names = [name for name, _, _ in logged_fields()]
    given = {"t_arrive", "call_type", "in_pilot", "zone"}  # known when the call arrives
    assert set(names) == {f.name for f in dataclasses.fields(CallRecords)} - given
    initial = {name: value for name, _, value in logged_fields()}
    assert initial["outcome"] == Outcome.IN_SYSTEM.value
    assert initial["cn_attempts"] == 0 and math.isnan(initial["response_time"])


def test_the_per_call_table() -> None:
    rec = _records([5.0, 100.0, 250.0], dated=True)
    c = rec.calls
    c.outcome[:2] = [Outcome.CRT_SERVED.value, Outcome.FALLBACK_NO_UNIT.value]
    c.dispatched_to[:2] = [1, 2]  # CRT, CoR (Program.dispatch_code)
    c.response_time[0] = 12.5
    frame = calls_frame(rec, ["mental_health", "welfare"], ["north", "south"])
    assert frame["call"].tolist() == [0, 1, 2]
    assert frame["measured"].tolist() == [False, True, False]  # [60, 200)
    assert frame["call_type"].tolist() == ["mental_health", "welfare", "mental_health"]
    assert frame["zone"].tolist() == ["north", "south", "north"]
    assert frame["outcome"].tolist() == ["crt_served", "fallback_no_unit", "in_system"]
    assert frame["dispatched_to"].tolist() == ["crt", "cor", ""]
    assert frame["response_time_min"].iloc[0] == 12.5
    assert frame["response_time_min"].iloc[1:].isna().all()
    assert frame["arrival_time"].tolist() == [
        pd.Timestamp("2024-01-01 00:05"),
        pd.Timestamp("2024-01-01 01:40"),
        pd.Timestamp("2024-01-01 04:10"),
    ]
    undated = calls_frame(_records([5.0, 100.0, 250.0], dated=False), ["a", "b"], ["x", "y"])
    assert "arrival_time" not in undated


def test_a_replications_records_keep_the_declared_dtypes() -> None:
    sc = scenario_from_dict(mmc_dict(2, 0.7, weeks=2, warmup=1))
    rec = simulate(sc, seed=4, replication=0)
    for name, dtype, _ in logged_fields():
        assert getattr(rec.calls, name).dtype == np.dtype(dtype), name
    frame = calls_frame(rec, list(sc.call_types), ["pilot", "rest_of_city"])
    week = 7 * 24 * 60
    assert (rec.t0, rec.t1) == (week, 3 * week)
    arrived = frame["t_arrive_min"]
    assert frame["measured"].sum() == ((arrived >= week) & (arrived < 3 * week)).sum() > 0
    served = frame[frame["outcome"] == "crt_served"]
    assert len(served) > 0 and (served["dispatched_to"] == "crt").all()
    # No travel in this scenario: on scene as soon as a unit is assigned.
    assert np.allclose(served["response_time_min"], served["dispatch_wait_min"])

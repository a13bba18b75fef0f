"""One replication: the unit of work every run, comparison and sweep is made of.

A replication depends only on (scenario, seed, replication number): its random streams
come from ``streams.stream`` and its records are reduced to KPIs where it ran, so only
small tables travel back (to a process pool or from a cluster) and memory stays flat
however many replications run, unless per-call records are asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..measure import (
    NOTHING_HOURLY,
    HourlySpec,
    call_measures,
    hourly_measures,
    replication_by_hour,
    replication_by_month,
    replication_by_zone,
    replication_kpis,
    replication_quantiles,
)
from ..model import ZoneTable, calls_frame, simulate
from ..scenario import Scenario


@dataclass
class RepOutput:
    """What one replication sends back: KPIs and named arrays (``ARRAY_GROUPS``): by hour,
    quantile functions, by month, by zone."""

    kpis: dict[str, float]
    by_hour: dict[str, np.ndarray]
    quantiles: dict[str, np.ndarray]
    calls: pd.DataFrame | None = None
    by_month: dict[str, np.ndarray] = field(default_factory=dict)  # dated runs only
    by_zone: dict[str, np.ndarray] = field(default_factory=dict)
    hourly: dict[str, np.ndarray] = field(default_factory=dict)  # optimize's: occupancy


# The RepOutput fields that hold {name: numpy array}: what checkpoints save and aggregation
# folds, declared once.
ARRAY_GROUPS = ("by_hour", "quantiles", "by_month", "by_zone", "hourly")


@dataclass(frozen=True)
class Task:
    """One replication of one scenario of a batch: everything a worker needs."""

    job: int  # which scenario of the batch
    scenario: Scenario
    seed: int
    replication: int
    hourly: HourlySpec = NOTHING_HOURLY  # what to measure hour by hour (optimize)


def run_replication(
    scenario: Scenario,
    seed: int,
    replication: int,
    keep_calls: bool = False,
    hourly: HourlySpec = NOTHING_HOURLY,
) -> RepOutput:
    """Simulate one replication and reduce it to KPIs, by-hour arrays and quantiles (and,
    if asked, the per-hour-of-week measures of ``measure._occupancy``)."""
    rec = simulate(scenario, seed, replication)
    measures = call_measures(rec, scenario)  # each call's measures, once, by hour of week
    return RepOutput(
        kpis=replication_kpis(rec, scenario, measures),
        by_hour=replication_by_hour(rec),
        quantiles=replication_quantiles(measures),
        calls=(
            calls_frame(rec, list(scenario.call_types), list(ZoneTable.of(scenario).names))
            if keep_calls
            else None
        ),
        by_month=replication_by_month(rec),
        by_zone=replication_by_zone(rec, len(ZoneTable.of(scenario).names)),
        hourly=hourly_measures(rec, measures, hourly) if hourly else {},
    )


def run_task(task: Task, keep_calls: bool = False) -> RepOutput:
    return run_replication(task.scenario, task.seed, task.replication, keep_calls, task.hourly)

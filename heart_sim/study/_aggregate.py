"""Replication outputs folded into one Results, in replication order.

Outputs may arrive in any order (process pool, cluster); they are held only until the
ones before them have arrived, so the sums are always taken in the same order and the
results are identical to the last digit however the work was spread.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..measure import (
    RunningMoments,
    quantile_table,
    summarise_by_hour,
    summarise_by_month,
    summarise_by_zone,
)
from ..model import Calendar, ZoneTable
from ..scenario import Scenario
from ._replication import ARRAY_GROUPS, RepOutput
from ._results import Results


class Aggregator:
    """Folds replication outputs into running summaries, in replication order. Memory is
    one row of KPIs per replication plus one copy of the by-hour and quantile arrays."""

    def __init__(self) -> None:
        self.next = 0
        self.pending: dict[int, RepOutput] = {}
        self.kpis: list[dict[str, float]] = []
        self.by_hour: dict[str, np.ndarray] = {}
        # Mean and 95% interval over replications of each array, by group.
        self.moments: dict[str, dict[str, RunningMoments]] = {
            g: {} for g in ARRAY_GROUPS if g != "by_hour"
        }
        self.calls: list[pd.DataFrame] = []

    def add(self, replication: int, out: RepOutput) -> None:
        self.pending[replication] = out
        while self.next in self.pending:
            self._fold(self.pending.pop(self.next))
            self.next += 1

    def _fold(self, out: RepOutput) -> None:
        self.kpis.append(out.kpis)
        for key, values in out.by_hour.items():
            if key in self.by_hour:
                self.by_hour[key] = self.by_hour[key] + values
            else:
                self.by_hour[key] = np.array(values, dtype=float)
        for group, moments in self.moments.items():
            for key, values in getattr(out, group).items():
                moments.setdefault(key, RunningMoments(values.shape)).add(values)
        if out.calls is not None:
            self.calls.append(out.calls.assign(replication=len(self.kpis) - 1))

    def result(self, scenario: Scenario, seed: int) -> Results:
        if self.pending:
            raise RuntimeError(f"replications missing before {sorted(self.pending)}")
        n = len(self.kpis)
        zones = ZoneTable.of(scenario)
        by_month, by_zone = self.moments["by_month"], self.moments["by_zone"]
        return Results(
            scenario=scenario,
            seed=seed,
            reps=n,
            replications=pd.DataFrame(self.kpis),
            by_hour=summarise_by_hour({k: v / n for k, v in self.by_hour.items()}),
            quantiles=quantile_table(self.moments["quantiles"]),
            calls=pd.concat(self.calls, ignore_index=True) if self.calls else None,
            by_zone=(
                summarise_by_zone(by_zone, list(zones.names), zones.area) if by_zone else None
            ),
            by_month=(
                summarise_by_month(by_month, Calendar.of(scenario).months()) if by_month else None
            ),
        )

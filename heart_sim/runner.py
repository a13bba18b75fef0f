"""Replications: serial or in a local process pool, with identical results either way.

Each replication depends only on (scenario, seed, replication number): its random streams
come from ``streams.stream`` and its records are reduced to KPIs inside the worker, so only
small dicts travel back and memory stays flat however many replications run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .metrics import replication_by_hour, replication_kpis, summarise, summarise_by_hour
from .model import simulate
from .scenario import Scenario

RepOutput = tuple[dict[str, float], dict[str, np.ndarray]]


def run_replication(scenario: Scenario, seed: int, replication: int) -> RepOutput:
    """Simulate one replication and reduce it to KPIs and by-hour arrays."""
    rec = simulate(scenario, seed, replication)
    return replication_kpis(rec, scenario), replication_by_hour(rec)


@dataclass
class RunResult:
    """Everything a run produced, in memory."""

    scenario: Scenario
    seed: int
    reps: int
    replications: pd.DataFrame
    by_hour_reps: list[dict[str, np.ndarray]]

    @property
    def summary(self) -> pd.DataFrame:
        return summarise(self.replications)

    @property
    def by_hour(self) -> pd.DataFrame:
        return summarise_by_hour(self.by_hour_reps)


def _iter_outputs(
    scenario: Scenario, seed: int, replications: Iterable[int], jobs: int
) -> Iterable[tuple[int, RepOutput]]:
    reps = list(replications)
    if jobs <= 1 or len(reps) <= 1:
        for r in reps:
            yield r, run_replication(scenario, seed, r)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_replication, scenario, seed, r): r for r in reps}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def run(
    scenario: Scenario,
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Run ``reps`` replications (numbered 0..reps-1) of a scenario.

    ``seed`` defaults to the scenario's own; ``progress`` is called with the number of
    replications finished so far. Results are ordered by replication number, so they do
    not depend on ``jobs`` or on the order in which workers finish.
    """
    if reps < 1:
        raise ValueError("reps must be at least 1")
    seed = scenario.seed if seed is None else seed
    outputs: dict[int, RepOutput] = {}
    for done, (r, out) in enumerate(_iter_outputs(scenario, seed, range(reps), jobs), 1):
        outputs[r] = out
        if progress:
            progress(done)
    ordered = [outputs[r] for r in range(reps)]
    replications = pd.DataFrame([k for k, _ in ordered])
    return RunResult(scenario, seed, reps, replications, [h for _, h in ordered])

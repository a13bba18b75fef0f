"""Replications: serial or in a local process pool, with identical results either way.

Each replication depends only on (scenario, seed, replication number): its random streams
come from ``streams.stream`` and its records are reduced to KPIs inside the worker, so only
small tables travel back and memory stays flat however many replications run (unless
per-call records are asked for).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .metrics import (
    replication_by_hour,
    replication_kpis,
    replication_quantiles,
    summarise,
    summarise_by_hour,
    summarise_quantiles,
    time_samples,
)
from .model import simulate
from .records import calls_frame
from .scenario import Scenario


@dataclass
class RepOutput:
    """What one replication sends back to the runner."""

    kpis: dict[str, float]
    by_hour: dict[str, np.ndarray]
    quantiles: dict[str, np.ndarray]
    calls: pd.DataFrame | None = None


def run_replication(
    scenario: Scenario, seed: int, replication: int, keep_calls: bool = False
) -> RepOutput:
    """Simulate one replication and reduce it to KPIs, by-hour arrays and quantiles."""
    rec = simulate(scenario, seed, replication)
    samples = time_samples(rec)
    return RepOutput(
        kpis=replication_kpis(rec, scenario, samples),
        by_hour=replication_by_hour(rec),
        quantiles=replication_quantiles(samples),
        calls=calls_frame(rec, list(scenario.call_types)) if keep_calls else None,
    )


@dataclass
class Results:
    """Everything a run produced, as pandas DataFrames.

    ``replications``: one row per replication, every metric. ``summary``: one row per
    metric, mean and 95% CI. ``by_hour``: 168 rows, per-week means by hour of week.
    ``quantiles``: each time's quantile function with CIs (for CDFs). ``calls``: per-call
    records, only when asked for. ``sources``: the scenario file(s) as written, comments
    included, for the report.
    """

    scenario: Scenario
    seed: int
    reps: int
    replications: pd.DataFrame
    by_hour: pd.DataFrame
    quantiles: pd.DataFrame
    calls: pd.DataFrame | None = None
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> pd.DataFrame:
        return summarise(self.replications)

    def save(self, folder, force: bool = False):
        """Write the files the CLI writes to ``folder/<scenario name>/`` (see report)."""
        from .report import write_results

        return write_results(self, folder, force=force)

    @classmethod
    def load(cls, folder) -> Results:
        """Reopen results written by ``save`` or by ``heart-sim run``."""
        from .report import read_results

        return read_results(folder)


def _iter_outputs(
    scenario: Scenario, seed: int, replications: Iterable[int], jobs: int, keep_calls: bool
) -> Iterable[tuple[int, RepOutput]]:
    reps = list(replications)
    if jobs <= 1 or len(reps) <= 1:
        for r in reps:
            yield r, run_replication(scenario, seed, r, keep_calls)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_replication, scenario, seed, r, keep_calls): r for r in reps}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def collect(scenario: Scenario, seed: int, outputs: dict[int, RepOutput], reps: int) -> Results:
    """Assemble replication outputs (in replication order, whoever finished first)."""
    ordered = [outputs[r] for r in range(reps)]
    calls = None
    if ordered[0].calls is not None:
        calls = pd.concat(
            [o.calls.assign(replication=r) for r, o in enumerate(ordered)], ignore_index=True
        )
    return Results(
        scenario=scenario,
        seed=seed,
        reps=reps,
        replications=pd.DataFrame([o.kpis for o in ordered]),
        by_hour=summarise_by_hour([o.by_hour for o in ordered]),
        quantiles=summarise_quantiles([o.quantiles for o in ordered]),
        calls=calls,
    )


def run(
    scenario: Scenario,
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    keep_calls: bool = False,
) -> Results:
    """Run ``reps`` replications (numbered 0..reps-1) of a scenario.

    ``seed`` defaults to the scenario's own; ``progress`` is called with the number of
    replications finished so far; ``keep_calls`` also returns per-call records. Results are
    ordered by replication number, so they do not depend on ``jobs`` or on the order in
    which workers finish.
    """
    if reps < 1:
        raise ValueError("reps must be at least 1")
    seed = scenario.seed if seed is None else seed
    outputs: dict[int, RepOutput] = {}
    for done, (r, out) in enumerate(
        _iter_outputs(scenario, seed, range(reps), jobs, keep_calls), 1
    ):
        outputs[r] = out
        if progress:
            progress(done)
    return collect(scenario, seed, outputs, reps)

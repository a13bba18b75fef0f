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
from functools import cached_property

import numpy as np
import pandas as pd

from .errors import RunTooLargeError
from .metrics import (
    RunningMoments,
    quantile_table,
    replication_by_hour,
    replication_kpis,
    replication_quantiles,
    summarise,
    summarise_by_hour,
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
    metric, mean and 95% CI (computed once, on first use). ``by_hour``: 168 rows, per-week
    means by hour of week.
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

    @cached_property
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


MAX_CALLS_PER_REPLICATION = 20_000_000  # ~4 GB of per-call state
MAX_CALLS_PER_RUN = 200_000_000  # ~20 minutes at ~170,000 calls/s on one core


def check_run_size(scenarios: list[Scenario], reps: int) -> None:
    """Refuse runs too large to be a sensible default (pass --force to run them anyway)."""
    per_rep = max(sc.expected_calls() for sc in scenarios)
    total = sum(sc.expected_calls() for sc in scenarios) * reps
    if per_rep > MAX_CALLS_PER_REPLICATION:
        raise RunTooLargeError(
            f"one replication would simulate ~{per_rep:,.0f} calls (limit "
            f"{MAX_CALLS_PER_REPLICATION:,}, about 200 bytes each); shorten horizon_weeks or "
            "pass --force"
        )
    if total > MAX_CALLS_PER_RUN:
        raise RunTooLargeError(
            f"this run would simulate ~{total:,.0f} calls in all (limit {MAX_CALLS_PER_RUN:,}, "
            f"~{total / 170_000 / 60:,.0f} CPU-minutes); use fewer --reps or pass --force"
        )


class Aggregator:
    """Folds replication outputs into running summaries, in replication order.

    Outputs may arrive in any order (process pool, cluster); they are held only until the
    ones before them have arrived, so the sums are always taken in the same order and the
    results are identical to the last digit however the work was spread. Memory is one row
    of KPIs per replication plus one copy of the by-hour and quantile arrays.
    """

    def __init__(self) -> None:
        self.next = 0
        self.pending: dict[int, RepOutput] = {}
        self.kpis: list[dict[str, float]] = []
        self.by_hour: dict[str, np.ndarray] = {}
        self.quantiles: dict[str, RunningMoments] = {}
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
        for key, values in out.quantiles.items():
            self.quantiles.setdefault(key, RunningMoments(values.shape)).add(values)
        if out.calls is not None:
            self.calls.append(out.calls.assign(replication=len(self.kpis) - 1))

    def result(self, scenario: Scenario, seed: int) -> Results:
        if self.pending:
            raise RuntimeError(f"replications missing before {sorted(self.pending)}")
        n = len(self.kpis)
        return Results(
            scenario=scenario,
            seed=seed,
            reps=n,
            replications=pd.DataFrame(self.kpis),
            by_hour=summarise_by_hour({k: v / n for k, v in self.by_hour.items()}),
            quantiles=quantile_table(self.quantiles),
            calls=pd.concat(self.calls, ignore_index=True) if self.calls else None,
        )


@dataclass(frozen=True)
class Task:
    """One replication of one scenario: everything a worker needs."""

    job: int  # which scenario of the batch
    scenario: Scenario
    seed: int
    replication: int


def _run_task(task: Task, keep_calls: bool) -> RepOutput:
    return run_replication(task.scenario, task.seed, task.replication, keep_calls)


def _serial(tasks: list[Task], keep_calls: bool):
    for task in tasks:
        yield task, _run_task(task, keep_calls)


def _process_pool(tasks: list[Task], keep_calls: bool, jobs: int):
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_run_task, t, keep_calls): t for t in tasks}
        for fut in as_completed(futures):
            task = futures.pop(fut)  # drop the future so its result can be freed
            yield task, fut.result()


def _iter_outputs(
    tasks: list[Task], jobs: int, keep_calls: bool, dask: str | None = None
) -> Iterable[tuple[Task, RepOutput]]:
    """Run tasks serially, in a process pool or on Dask; yield them as they finish."""
    if not tasks:
        return
    if dask:
        from .cluster import dask_outputs

        yield from dask_outputs(dask, tasks, keep_calls, jobs)
    elif jobs <= 1 or len(tasks) <= 1:
        yield from _serial(tasks, keep_calls)
    else:
        yield from _process_pool(tasks, keep_calls, jobs)


def run_many(
    jobs_to_run: list[tuple[Scenario, int]],
    reps: int,
    jobs: int = 1,
    progress: Callable[[str, int], None] | None = None,
    keep_calls: bool = False,
    dask: str | None = None,
    checkpoints: list | None = None,
    on_done: Callable[[int, Results], None] | None = None,
) -> list[Results]:
    """Run ``reps`` replications of each (scenario, seed) as one batch of tasks, so a
    process pool or cluster stays busy across scenarios (comparisons, sweeps).

    ``progress(name, done)`` reports each scenario's finished replications; ``checkpoints``
    (one ``checkpoint.Checkpoints`` or None per scenario) saves and reuses replications;
    ``on_done(index, results)`` is called as soon as a scenario has all its replications.
    Results do not depend on how the work was spread, nor on interruptions and resumes.
    """
    if reps < 1:
        raise ValueError("reps must be at least 1")
    n = len(jobs_to_run)
    ckpts = checkpoints if checkpoints is not None and not keep_calls else [None] * n
    aggs = [Aggregator() for _ in range(n)]
    done = [0] * n
    finished: list[Results | None] = [None] * n

    def fold(j: int, replication: int, out: RepOutput) -> None:
        aggs[j].add(replication, out)
        done[j] += 1
        scenario, seed = jobs_to_run[j]
        if progress:
            progress(scenario.name, done[j])
        if done[j] == reps:
            finished[j] = aggs[j].result(scenario, seed)
            if on_done:
                on_done(j, finished[j])

    tasks = []
    for j, (scenario, seed) in enumerate(jobs_to_run):
        resumed = set(ckpts[j].done(reps)) if ckpts[j] is not None else set()
        for r in sorted(resumed):
            fold(j, r, ckpts[j].load(r))
        tasks += [Task(j, scenario, seed, r) for r in range(reps) if r not in resumed]
    for task, out in _iter_outputs(tasks, jobs, keep_calls, dask):
        if ckpts[task.job] is not None:
            ckpts[task.job].save(task.replication, out)
        fold(task.job, task.replication, out)
    return finished  # type: ignore[return-value]


def run(
    scenario: Scenario,
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    keep_calls: bool = False,
    dask: str | None = None,
    checkpoints=None,
) -> Results:
    """Run ``reps`` replications (numbered 0..reps-1) of a scenario.

    ``seed`` defaults to the scenario's own; ``jobs`` runs them in a local process pool;
    ``dask`` sends them to a Dask scheduler address (or ``"local"`` for a LocalCluster);
    ``progress`` is called with the number of replications finished so far; ``keep_calls``
    also returns per-call records; ``checkpoints`` (a ``checkpoint.Checkpoints``) saves each
    finished replication and reuses those already saved. Results do not depend on how the
    work was spread, nor on whether it was interrupted and resumed.
    """
    seed = scenario.seed if seed is None else seed
    report = (lambda _name, done: progress(done)) if progress else None
    return run_many(
        [(scenario, seed)],
        reps,
        jobs=jobs,
        progress=report,
        keep_calls=keep_calls,
        dask=dask,
        checkpoints=[checkpoints],
    )[0]

"""The study runner: every run, comparison and sweep (CLI or Python) goes through here.

A study is a batch of (scenario, seed) jobs of ``reps`` replications each. The runner
checks it (every scenario validated, distinct names, a size limit unless forced), and when
it writes to a results folder it owns everything about that folder: it claims it (one
writer at a time; results from other inputs are not replaced unless forced, and the
refusal says which input changed), checkpoints each finished replication so a stopped
study resumes where it was, writes the results atomically, says in one line what the
operating system refused (and how many replications are saved), and removes the
checkpoints once the results are written. The replications of all jobs are submitted as
one batch, so a process pool or a Dask cluster stays busy across scenarios; results do not
depend on how the work was spread, nor on interruptions and resumes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .aggregate import Aggregator
from .checkpoint import CheckpointError, Checkpoints
from .errors import Interrupted, ResultsWriteError, RunTooLargeError, StudyError
from .execute import outputs
from .fileio import atomic_write, describe_os_error
from .folders import (
    MANIFEST,
    claim,
    comparison_manifest,
    published,
    read_manifest,
    run_manifest,
    sweep_manifest,
    writing,
)
from .replication import RepOutput, Task
from .results import (
    Comparison,
    Results,
    comparison_folder,
    require_distinct_names,
    run_folder,
    write_comparison,
    write_results,
)
from .scenario import Scenario, scenario_from_dict
from .sweep import SweepResult, grid, point_scenario, sweep_stem, tidy_row, write_table

Progress = Callable[[str, int, int], None]  # (label, done, total)

MAX_CALLS_PER_REPLICATION = 20_000_000  # ~4 GB of per-call state
MAX_CALLS_PER_RUN = 200_000_000  # ~20 minutes at ~170,000 calls/s on one core


def check_run_size(scenarios: Sequence[Scenario], reps: int) -> None:
    """Refuse runs too large to be a sensible default (``force`` runs them anyway)."""
    per_rep = max(sc.expected_calls() for sc in scenarios)
    total = sum(sc.expected_calls() for sc in scenarios) * reps
    if per_rep > MAX_CALLS_PER_REPLICATION:
        raise RunTooLargeError(
            f"one replication would simulate ~{per_rep:,.0f} calls (limit "
            f"{MAX_CALLS_PER_REPLICATION:,}, about 200 bytes each); shorten horizon_weeks or "
            "pass --force (force=True in Python)"
        )
    if total > MAX_CALLS_PER_RUN:
        raise RunTooLargeError(
            f"this run would simulate ~{total:,.0f} calls in all (limit {MAX_CALLS_PER_RUN:,}, "
            f"~{total / 170_000 / 60:,.0f} CPU-minutes); use fewer --reps or pass --force "
            "(force=True in Python)"
        )


def validated(scenario: Scenario) -> Scenario:
    """The scenario, checked again: one built or changed in Python (``model_copy``) has
    skipped validation, and the runner simulates only valid scenarios."""
    data = scenario.model_dump(warnings=False)  # a model_copy may hold unchecked values
    return scenario_from_dict(data, source=f"scenario {scenario.name!r}")


@dataclass
class _Job:
    scenario: Scenario
    seed: int
    checkpoints: Checkpoints | None = None


def _saved(ckpt: Checkpoints | None, reps: int) -> Iterator[tuple[int, RepOutput]]:
    """The replications already saved; one cut short (a power loss) is dropped, so that it
    is simulated again."""
    if ckpt is None:
        return
    for r in ckpt.done(reps):
        try:
            out = ckpt.load(r)
        except CheckpointError:
            ckpt.discard(r)
            continue
        yield r, out


def _execute(
    jobs: list[_Job],
    reps: int,
    workers: int = 1,
    dask: str | None = None,
    keep_calls: bool = False,
    progress: Progress | None = None,
    on_done: Callable[[int, Results], None] | None = None,
) -> list[Results]:
    """Run ``reps`` replications of each job as one batch of tasks, reusing and saving
    checkpoints; ``on_done(j, results)`` as soon as job j has all its replications."""
    if reps < 1:
        raise StudyError(f"reps must be at least 1, got {reps}")
    aggs = [Aggregator() for _ in jobs]
    done = [0] * len(jobs)
    finished: list[Results | None] = [None] * len(jobs)

    def fold(j: int, replication: int, out: RepOutput, saved: bool = False) -> None:
        aggs[j].add(replication, out)
        done[j] += 1
        resumed[j] += saved
        job = jobs[j]
        if progress:
            progress(job.scenario.name, done[j], reps)
        if done[j] == reps:
            result = aggs[j].result(job.scenario, job.seed)
            result.resumed = resumed[j]
            finished[j] = result
            if on_done:
                on_done(j, result)

    tasks: list[Task] = []
    resumed = [0] * len(jobs)
    for j, job in enumerate(jobs):
        have: set[int] = set()
        for r, out in _saved(job.checkpoints, reps):
            have.add(r)
            fold(j, r, out, saved=True)
        tasks += [Task(j, job.scenario, job.seed, r) for r in range(reps) if r not in have]
    total = reps * len(jobs)
    try:
        for task, out in outputs(tasks, workers, keep_calls, dask):
            ckpt = jobs[task.job].checkpoints
            if ckpt is not None:
                try:
                    ckpt.save(task.replication, out)
                except OSError as err:
                    raise ResultsWriteError(
                        f"{describe_os_error(err, ckpt.folder)}; {sum(done)} of {total} "
                        "replications are saved; fix that and re-run the same command to resume"
                    ) from None
            fold(task.job, task.replication, out)
    except KeyboardInterrupt:
        if any(j.checkpoints is not None for j in jobs):
            saved = f"{sum(done)} of {total} replications saved"
            raise Interrupted(f"interrupted: {saved}; re-run the same command to resume") from None
        raise Interrupted(f"interrupted after {sum(done)} of {total} replications") from None
    return [r for r in finished if r is not None]


def _write(save: Callable[[], Path], reps: int, jobs: int, checkpointed: bool = True) -> Path:
    """Write results; if the system refuses, say whether the replications are kept."""
    try:
        return save()
    except ResultsWriteError as err:
        if not checkpointed:
            raise
        raise ResultsWriteError(
            f"{err}; all {reps * jobs} replications are saved in checkpoints: fix that and "
            "re-run the same command to write the results without simulating again"
        ) from None


def run(
    scenario: Scenario,
    reps: int = 10,
    seed: int | None = None,
    *,
    out: Path | str | None = None,
    sources: dict[str, str] | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    keep_calls: bool = False,
    progress: Progress | None = None,
) -> Results:
    """Run ``reps`` replications (numbered 0..reps-1) of a scenario.

    ``seed`` defaults to the scenario's own; ``jobs`` runs them in a local process pool;
    ``dask`` sends them to a Dask scheduler address (or ``"local"`` for a LocalCluster);
    ``progress(name, done, total)`` reports finished replications; ``keep_calls`` also
    returns per-call records. With ``out``, the results are written to
    ``out/<scenario name>/`` (see the module docstring for what that guarantees).
    """
    sc = validated(scenario)
    seed = sc.seed if seed is None else seed
    sources = sources or {}
    if not force:
        check_run_size([sc], reps)
    if out is None:
        result = _execute([_Job(sc, seed)], reps, jobs, dask, keep_calls, progress)[0]
        result.sources = sources
        return result
    wanted = run_manifest(sc, seed, reps, sources)
    folder = run_folder(Path(out), sc, wanted)
    with claim(folder, wanted, force, {sc.name: sc}):
        ckpt = None if keep_calls else Checkpoints(folder, sc, seed)
        result = _execute([_Job(sc, seed, ckpt)], reps, jobs, dask, keep_calls, progress)[0]
        result.sources = sources
        save = lambda: write_results(result, Path(out), force=force)  # noqa: E731
        result.folder = _write(save, reps, 1, checkpointed=ckpt is not None)
        if ckpt is not None:
            ckpt.clear()
    return result


def compare(
    base: Scenario,
    alts: Sequence[Scenario],
    reps: int = 10,
    seed: int | None = None,
    *,
    out: Path | str | None = None,
    sources: Sequence[dict[str, str]] | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    independent: bool = False,
) -> Comparison:
    """Run base and alternatives with the same seed (common random numbers) and pair them.

    ``independent=True`` gives each alternative its own seed instead: only for showing how
    much common random numbers narrow the intervals. With ``out``, writes the comparison
    folder (each scenario's results, comparison.csv/.md/.xlsx, costs.csv) under it."""
    if not alts:
        raise StudyError("a comparison needs at least one alternative besides the base")
    scenarios = [validated(sc) for sc in (base, *alts)]
    require_distinct_names([sc.name for sc in scenarios])
    srcs = list(sources) if sources is not None else [{} for _ in scenarios]
    if len(srcs) != len(scenarios):
        raise StudyError("give one sources mapping per scenario")
    seed = base.seed if seed is None else seed
    plan = [(sc, seed + 1_000_003 * i if independent else seed) for i, sc in enumerate(scenarios)]
    if not force:
        check_run_size(scenarios, reps)

    def comparison(results: list[Results]) -> Comparison:
        for result, src in zip(results, srcs):
            result.sources = src
        return Comparison(results[0], results[1:])

    if out is None:
        return comparison(_execute([_Job(*p) for p in plan], reps, jobs, dask, False, progress))
    wanted = comparison_manifest(list(zip(scenarios, srcs)), seed, reps)
    folder = comparison_folder(
        Path(out), scenarios[0].name, [s.name for s in scenarios[1:]], wanted
    )
    with claim(folder, wanted, force, {sc.name: sc for sc in scenarios}):
        job_list = [_Job(sc, s, Checkpoints(folder / sc.name, sc, s)) for sc, s in plan]
        comp = comparison(_execute(job_list, reps, jobs, dask, False, progress))
        _write(lambda: write_comparison(comp, Path(out), force=force), reps, len(plan))
        for job in job_list:
            assert job.checkpoints is not None
            job.checkpoints.clear()
    return comp


def sweep(
    base: dict[str, Any],
    source: str,
    varies: list[tuple[str, list[Any]]],
    out: Path | str,
    reps: int = 10,
    seed: int | None = None,
    *,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Run every point of a grid over key paths with the same seed and write sweep.csv
    (one row per point) to ``out/sweep_<name>-<input key>/`` (each grid its own folder;
    ``out/sweep_<name>`` links to the newest). Points are checkpointed like any run, so a
    stopped sweep resumes; ``progress("grid points", done, total)``."""
    points = grid(varies)
    base_sc = scenario_from_dict(base, source=source)
    full = base_sc.model_dump(mode="json")  # every key present, as hs.vary sees it
    scenarios = [point_scenario(full, p, source) for p in points]  # validate all up front
    seed = base_sc.seed if seed is None else seed
    if not force:
        check_run_size(scenarios, reps)
    manifest = sweep_manifest(base_sc, varies, seed, reps)
    params = [p for p, _ in varies]
    notes: list[str] = []
    stem = sweep_stem(base_sc.name)
    with (
        published(Path(out), stem, manifest, notes, "sweep") as folder,
        claim(folder, manifest, force),
    ):
        if read_manifest(folder) == manifest and (folder / "sweep.csv").is_file():
            # Finished before with these very inputs: nothing to simulate again.
            return SweepResult(folder, params, pd.read_csv(folder / "sweep.csv"), 0, notes)
        with writing(folder):
            (folder / MANIFEST).unlink(missing_ok=True)  # stale until the new one is written
            (folder / "sweep.csv").unlink(missing_ok=True)
        ckpts = [Checkpoints(folder, sc, seed) for sc in scenarios]
        jobs_list = [_Job(sc, seed, c) for sc, c in zip(scenarios, ckpts)]
        todo = sum(len(c.done(reps)) < reps for c in ckpts)
        finished = [len(points) - todo]
        if progress and finished[0]:
            progress("grid points", finished[0], len(points))

        def point_done(_j: int, result: Results) -> None:
            if result.resumed == reps:
                return  # counted above
            finished[0] += 1
            if progress:
                progress("grid points", finished[0], len(points))

        results = _execute(jobs_list, reps, jobs, dask, on_done=point_done)
        table = pd.DataFrame([tidy_row(p, r.replications) for p, r in zip(points, results)])
        with writing(folder, "; every grid point is saved: re-run the same command to finish"):
            write_table(folder, table)
            atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")
        Checkpoints(folder, base_sc, seed).clear()
    return SweepResult(folder, params, table, todo, notes, sum(r.resumed for r in results))

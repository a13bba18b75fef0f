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
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import (
    FolderLock,
    Interrupted,
    ResultsWriteError,
    RunTooLargeError,
    StudyError,
    atomic_write,
    describe_os_error,
)
from ..measure import (
    PRECISION_FILE,
    AutoReps,
    History,
    HourlySpec,
    Precision,
    Reps,
    auto_rule,
    judge_comparison,
    judge_run,
    most_reps,
)
from ..scenario import Scenario, scenario_from_dict
from ._aggregate import Aggregator
from ._checkpoint import CheckpointError, Checkpoints, contents_of
from ._execute import outputs
from ._folders import (
    MANIFEST,
    claim,
    comparison_manifest,
    keyed_folder,
    published,
    read_manifest,
    run_manifest,
    sweep_manifest,
    writing,
)
from ._posterior import POSTERIOR_FILE, Posterior
from ._replication import RepOutput, Task
from ._results import (
    Comparison,
    Results,
    comparison_folder,
    comparison_stem,
    require_distinct_names,
    run_folder,
    write_comparison,
    write_results,
)
from ._sweep import SweepResult, grid, point_scenario, sweep_stem, tidy_row, write_table

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
class StudyJob:
    scenario: Scenario
    seed: int
    checkpoints: Checkpoints | None = None
    resumed: set[int] = field(default_factory=set)  # replications taken from checkpoints
    posterior: Posterior | None = None  # parameter draws, one a replication
    hourly: HourlySpec = HourlySpec()  # per-hour-of-week measures (optimize)

    def task(self, j: int, replication: int) -> Task:
        sc = self.scenario
        if self.posterior is not None:
            sc = self.posterior.scenario(sc, replication, self.seed)
        return Task(j, sc, self.seed, replication, self.hourly)


def _saved(ckpt: Checkpoints | None, first: int, reps: int) -> Iterator[tuple[int, RepOutput]]:
    """The replications first..reps-1 already saved; one cut short (a power loss), changed,
    or holding less than another replication of the same inputs holds is dropped, so that
    it is simulated again."""
    if ckpt is None:
        return
    loaded: dict[int, RepOutput] = {}
    for r in ckpt.done(reps):
        if r < first:
            continue
        try:
            loaded[r] = ckpt.load(r)
        except CheckpointError:
            ckpt.discard(r)
    held = {r: contents_of(out) for r, out in loaded.items()}
    fullest = max(held.values(), key=len, default=frozenset())
    for r, out in loaded.items():
        if held[r] < fullest:  # lacks measures the others have
            ckpt.discard(r)
            continue
        yield r, out


def replicate_jobs(
    jobs: list[StudyJob],
    first: int,
    reps: int,
    take: Callable[[int, int, RepOutput], None],
    workers: int = 1,
    dask: str | None = None,
    keep_calls: bool = False,
    progress: Progress | None = None,
) -> None:
    """Replications first..reps-1 of every job as one batch of tasks: each is handed to
    ``take(job, replication, output)`` once, from its checkpoint where one is saved, else
    simulated and then saved; ``progress(name, done, reps)`` counts from ``first``."""
    done = [first] * len(jobs)

    def hand(j: int, replication: int, out: RepOutput) -> None:
        done[j] += 1
        if progress:
            progress(jobs[j].scenario.name, done[j], reps)
        take(j, replication, out)

    tasks: list[Task] = []
    for j, job in enumerate(jobs):
        have: set[int] = set()
        for r, out in _saved(job.checkpoints, first, reps):
            have.add(r)
            job.resumed.add(r)
            hand(j, r, out)
        tasks += [job.task(j, r) for r in range(first, reps) if r not in have]
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
            hand(task.job, task.replication, out)
    except KeyboardInterrupt:
        if any(j.checkpoints is not None for j in jobs):
            saved = f"{sum(done)} of {total} replications saved"
            raise Interrupted(f"interrupted: {saved}; re-run the same command to resume") from None
        raise Interrupted(f"interrupted after {sum(done)} of {total} replications") from None


def _result(job: StudyJob, agg: Aggregator, reps: int) -> Results:
    result = agg.result(job.scenario, job.seed)
    result.resumed = sum(r < reps for r in job.resumed)
    return result


def execute_jobs(
    jobs: list[StudyJob],
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
    count = [0] * len(jobs)
    finished: list[Results | None] = [None] * len(jobs)

    def take(j: int, replication: int, out: RepOutput) -> None:
        aggs[j].add(replication, out)
        count[j] += 1
        if count[j] == reps:
            finished[j] = result = _result(jobs[j], aggs[j], reps)
            if on_done:
                on_done(j, result)

    replicate_jobs(jobs, 0, reps, take, workers, dask, keep_calls, progress)
    return [r for r in finished if r is not None]


Judge = Callable[[list[pd.DataFrame], int], dict[str, float]]


def _sequential(
    jobs: list[StudyJob],
    rule: AutoReps,
    judge: Judge,
    workers: int = 1,
    dask: str | None = None,
    keep_calls: bool = False,
    progress: Progress | None = None,
    base: str | None = None,
) -> tuple[list[Results], Precision]:
    """``--reps auto``: run replications 0, 1, ... of every job in batches until ``rule``
    is met (see ``measure._precision``), judging the intervals at every count, and fold
    the replications used, in order, exactly as a run of that many would. A batch runs to
    the smallest count the rule could be met at, or ``workers`` replications if more, so
    a process pool stays busy; replications past the count chosen are left out."""
    aggs = [Aggregator() for _ in jobs]
    kpis: list[list[dict[str, float]]] = [[] for _ in jobs]  # every replication judged
    history: History = {}
    done = 0
    decision = rule.decide(history, done)
    while decision.stop is None:
        target = max(decision.next, min(done + workers, rule.max_reps))
        batch: list[dict[int, RepOutput]] = [{} for _ in jobs]

        def take(j: int, r: int, out: RepOutput, batch: list = batch) -> None:
            batch[j][r] = out

        replicate_jobs(jobs, done, target, take, workers, dask, keep_calls, progress)
        for j, outs in enumerate(batch):
            kpis[j] += [outs[r].kpis for r in range(done, target)]
        tables = [pd.DataFrame(rows) for rows in kpis]
        for n in range(max(done + 1, rule.n0), target + 1):
            history[n] = judge(tables, n)
        decision = rule.decide(history, target)
        use = target if decision.stop is None else decision.stop
        for j, outs in enumerate(batch):
            for r in range(done, use):
                aggs[j].add(r, outs[r])
        done = target
    assert decision.stop is not None
    results = [_result(job, agg, decision.stop) for job, agg in zip(jobs, aggs)]
    return results, Precision.of(rule, history, decision, base)


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


AUTO = ".auto"  # under --out: where auto studies keep checkpoints until they know n


def _staging(out: Path, stem: str, manifest: dict) -> Path:
    """``out/.auto/<stem>-<key>``: where a ``reps="auto"`` study checkpoints replications
    before it knows how many it uses; keyed by its inputs but for the replications, so an
    interrupted auto study (at any precision) resumes from it."""

    def any_reps(m: Any) -> Any:
        if isinstance(m, dict):
            return {k: "auto" if k == "reps" else any_reps(v) for k, v in m.items()}
        return [any_reps(v) for v in m] if isinstance(m, list) else m

    return keyed_folder(Path(out) / AUTO, stem, any_reps(manifest))


def _discard(staging: Path) -> None:
    """Remove an auto study's checkpoints once its results are written (while its lock is
    still held: the lock file goes with the folder), and ``out/.auto`` if it is empty."""
    shutil.rmtree(staging, ignore_errors=True)
    with suppress(OSError):
        staging.parent.rmdir()


def _write_precision(folder: Path, precision: Precision) -> None:
    """precision.json beside the results (after them: a folder without it is exactly what
    ``reps=n`` writes)."""
    after = "; the replications are saved in checkpoints: re-run the same command to finish"
    with writing(folder, after):
        text = json.dumps(precision.to_json(), indent=2, allow_nan=False) + "\n"
        atomic_write(folder / PRECISION_FILE, text)


def _with_posterior(sources: dict[str, str], posterior: Posterior | None) -> dict[str, str]:
    """The run's source files, with the posterior's draws (they are inputs too)."""
    return {**sources, POSTERIOR_FILE: posterior.text} if posterior else sources


def run(
    scenario: Scenario,
    reps: Reps = 10,
    seed: int | None = None,
    *,
    out: Path | str | None = None,
    sources: dict[str, str] | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    keep_calls: bool = False,
    progress: Progress | None = None,
    precision: float | None = None,
    max_reps: int | None = None,
    posterior: Posterior | None = None,
) -> Results:
    """Run ``reps`` replications (numbered 0..reps-1) of a scenario.

    ``seed`` defaults to the scenario's own; ``jobs`` runs them in a local process pool;
    ``dask`` sends them to a Dask scheduler address (or ``"local"`` for a LocalCluster);
    ``progress(name, done, total)`` reports finished replications; ``keep_calls`` also
    returns per-call records. With ``out``, the results are written to
    ``out/<scenario name>/`` (see the module docstring for what that guarantees).

    ``reps="auto"`` chooses the number (``measure._precision``): replications are added
    until every headline interval is within ``precision`` (default 0.05) of its mean over
    a look-ahead, or ``max_reps`` (default 200) is reached; ``progress`` then reports the
    current target as the total. The results equal those of ``reps=n`` for the n chosen
    (``Results.precision`` says how it was chosen, and ``Results.notes`` in words); with
    ``out``, replications are checkpointed under ``out/.auto/`` until n is known, then the
    folder of ``reps=n`` is written, with precision.json.

    ``posterior`` (``study._posterior``): replication r runs at the parameter point the
    draws give it; the draws are kept with the results (``sources/posterior.csv``) and
    are part of the inputs that key the folder.
    """
    sc = validated(scenario)
    rule = auto_rule(reps, precision, max_reps)
    seed = sc.seed if seed is None else seed
    sources = _with_posterior(sources or {}, posterior)
    if not force:
        check_run_size([sc], most_reps(reps, rule))
    if rule is not None:
        return _run_auto(
            sc, rule, seed, out, sources, jobs, dask, force, keep_calls, progress, posterior
        )
    reps = most_reps(reps, rule)
    if out is None:
        job = StudyJob(sc, seed, posterior=posterior)
        result = execute_jobs([job], reps, jobs, dask, keep_calls, progress)[0]
        result.sources = sources
        result.notes += [posterior.note()] if posterior else []
        return result
    wanted = run_manifest(sc, seed, reps, sources)
    folder = run_folder(Path(out), sc, wanted)
    with claim(folder, wanted, force, {sc.name: sc}):
        ckpt = None if keep_calls else Checkpoints(folder, sc, seed)
        job = StudyJob(sc, seed, ckpt, posterior=posterior)
        result = execute_jobs([job], reps, jobs, dask, keep_calls, progress)[0]
        result.sources = sources
        result.notes += [posterior.note()] if posterior else []
        save = lambda: write_results(result, Path(out), force=force)  # noqa: E731
        result.folder = _write(save, reps, 1, checkpointed=ckpt is not None)
        if ckpt is not None:
            ckpt.clear()
    return result


def _run_auto(
    sc: Scenario,
    rule: AutoReps,
    seed: int,
    out: Path | str | None,
    sources: dict[str, str],
    jobs: int,
    dask: str | None,
    force: bool,
    keep_calls: bool,
    progress: Progress | None,
    posterior: Posterior | None = None,
) -> Results:
    """``run`` with ``reps="auto"``: choose n, then (with ``out``) write what ``reps=n``
    writes, from the replications already run."""

    def sequential(job: StudyJob) -> Results:
        judge: Judge = lambda tables, n: judge_run(tables[0], n)  # noqa: E731
        (result,), chosen = _sequential([job], rule, judge, jobs, dask, keep_calls, progress)
        result.sources = sources
        result.precision = chosen
        result.notes += chosen.notes() + ([posterior.note()] if posterior else [])
        return result

    if out is None:
        return sequential(StudyJob(sc, seed, posterior=posterior))
    staging = _staging(Path(out), sc.name, run_manifest(sc, seed, 0, sources))
    with FolderLock(staging):
        ckpt = None if keep_calls else Checkpoints(staging, sc, seed)
        result = sequential(StudyJob(sc, seed, ckpt, posterior=posterior))
        wanted = run_manifest(sc, seed, result.reps, sources)
        with claim(run_folder(Path(out), sc, wanted), wanted, force, {sc.name: sc}):
            save = lambda: write_results(result, Path(out), force=force)  # noqa: E731
            result.folder = _write(save, result.reps, 1, checkpointed=ckpt is not None)
            assert result.precision is not None
            _write_precision(result.folder, result.precision)
        _discard(staging)
    return result


def compare(
    base: Scenario,
    alts: Sequence[Scenario],
    reps: Reps = 10,
    seed: int | None = None,
    *,
    out: Path | str | None = None,
    sources: Sequence[dict[str, str]] | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    independent: bool = False,
    precision: float | None = None,
    max_reps: int | None = None,
    posterior: Posterior | None = None,
) -> Comparison:
    """Run base and alternatives with the same seed (common random numbers) and pair them.

    ``independent=True`` gives each alternative its own seed instead: only for showing how
    much common random numbers narrow the intervals. With ``out``, writes the comparison
    folder (each scenario's results, comparison.csv/.md/.xlsx, costs.csv) under it.
    ``reps="auto"``, ``precision``, ``max_reps``: as in ``run``; the intervals judged are
    every scenario's headline ones and, per alternative, those of the extra diverted calls
    and of the marginal cost per extra diverted call (``Comparison.precision``)."""
    scenarios, rule, srcs = _compare_inputs(
        base, alts, reps, sources, precision, max_reps, posterior
    )
    names = [sc.name for sc in scenarios]
    seed = base.seed if seed is None else seed
    plan = [(sc, seed + 1_000_003 * i if independent else seed) for i, sc in enumerate(scenarios)]
    most = most_reps(reps, rule)  # reps, or the cap of an auto comparison
    if not force:
        check_run_size(scenarios, most)
    runs = list(zip(scenarios, srcs))

    def comparison(results: list[Results], chosen: Precision | None = None) -> Comparison:
        for result, src in zip(results, srcs):
            result.sources = src
        comp = Comparison(results[0], results[1:])
        comp.notes += [posterior.note()] if posterior else []
        if chosen is not None:
            comp.precision = chosen
            comp.notes += chosen.notes()
        return comp

    def execute(job_list: list[StudyJob]) -> Comparison:
        if rule is None:
            return comparison(execute_jobs(job_list, most, jobs, dask, False, progress))
        judge: Judge = lambda tables, n: judge_comparison(tables, names, n)  # noqa: E731
        return comparison(
            *_sequential(job_list, rule, judge, jobs, dask, False, progress, names[0])
        )

    if out is None:
        return execute([StudyJob(*p, posterior=posterior) for p in plan])
    if rule is not None:
        return _compare_auto(Path(out), runs, seed, plan, execute, force, posterior)
    return _compare_fixed(Path(out), runs, seed, most, plan, execute, force, posterior)


def _compare_inputs(
    base: Scenario,
    alts: Sequence[Scenario],
    reps: Reps,
    sources: Sequence[dict[str, str]] | None,
    precision: float | None,
    max_reps: int | None,
    posterior: Posterior | None,
) -> tuple[list[Scenario], AutoReps | None, list[dict[str, str]]]:
    """A comparison's scenarios (validated, names distinct), its auto-reps rule (None for
    a fixed number) and one sources mapping per scenario (with the posterior's draws)."""
    if not alts:
        raise StudyError("a comparison needs at least one alternative besides the base")
    scenarios = [validated(sc) for sc in (base, *alts)]
    require_distinct_names([sc.name for sc in scenarios])
    rule = auto_rule(reps, precision, max_reps)
    srcs = list(sources) if sources is not None else [{} for _ in scenarios]
    if len(srcs) != len(scenarios):
        raise StudyError("give one sources mapping per scenario")
    srcs = [_with_posterior(s, posterior) for s in srcs]
    if posterior is not None:
        posterior.check_options(scenarios[0], scenarios[1:])
    return scenarios, rule, srcs


def _compare_auto(
    out: Path,
    runs: list[tuple[Scenario, dict[str, str]]],
    seed: int,
    plan: list[tuple[Scenario, int]],
    execute: Callable[[list[StudyJob]], Comparison],
    force: bool,
    posterior: Posterior | None,
) -> Comparison:
    """``compare`` with ``reps="auto"`` and ``out``: run in a staging folder until the
    number is chosen, then write the comparison folder of that number, with precision.json."""
    names = [sc.name for sc, _ in runs]
    stem = comparison_stem(names[0], names[1:])
    staging = _staging(out, stem, comparison_manifest(runs, seed, 0))
    with FolderLock(staging):
        job_list = [
            StudyJob(sc, s, Checkpoints(staging / sc.name, sc, s), posterior=posterior)
            for sc, s in plan
        ]
        comp = execute(job_list)
        wanted = comparison_manifest(runs, seed, comp.base.reps)
        folder = comparison_folder(out, names[0], names[1:], wanted)
        with claim(folder, wanted, force, {sc.name: sc for sc, _ in runs}):
            save = lambda: write_comparison(comp, out, force=force)  # noqa: E731
            _write(save, comp.base.reps, len(plan))
            assert comp.precision is not None
            _write_precision(folder, comp.precision)
        _discard(staging)
    return comp


def _compare_fixed(
    out: Path,
    runs: list[tuple[Scenario, dict[str, str]]],
    seed: int,
    most: int,
    plan: list[tuple[Scenario, int]],
    execute: Callable[[list[StudyJob]], Comparison],
    force: bool,
    posterior: Posterior | None,
) -> Comparison:
    """``compare`` with a fixed number of replications and ``out``: claim the comparison
    folder, checkpoint each scenario's replications in it, write, clear the checkpoints."""
    names = [sc.name for sc, _ in runs]
    wanted = comparison_manifest(runs, seed, most)
    folder = comparison_folder(out, names[0], names[1:], wanted)
    with claim(folder, wanted, force, {sc.name: sc for sc, _ in runs}):
        job_list = [
            StudyJob(sc, s, Checkpoints(folder / sc.name, sc, s), posterior=posterior)
            for sc, s in plan
        ]
        comp = execute(job_list)
        _write(lambda: write_comparison(comp, out, force=force), most, len(plan))
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
        jobs_list = [StudyJob(sc, seed, c) for sc, c in zip(scenarios, ckpts)]
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

        results = execute_jobs(jobs_list, reps, jobs, dask, on_done=point_done)
        table = pd.DataFrame([tidy_row(p, r.replications) for p, r in zip(points, results)])
        with writing(folder, "; every grid point is saved: re-run the same command to finish"):
            write_table(folder, table)
            atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")
        Checkpoints(folder, base_sc, seed).clear()
    return SweepResult(folder, params, table, todo, notes, sum(r.resumed for r in results))

"""Running a sensitivity analysis: every design point is a variant of the scenario run like
a sweep's grid point, with the same seed (common random numbers).

The design (``calibration._sensitivity``) is drawn first and every point built and validated
before anything runs. Points that round to the same values run once. With ``out``, the
folder ``out/sensitivity_<name>-<input key>/`` is claimed like any results folder, each
finished replication's measures are checkpointed (the measures only: a design can have
thousands of points), so a stopped analysis resumes where it was, and the replications of
all points go out as one batch (a process pool or a Dask cluster stays busy). A point's
measures are the means over its replications taken in replication order, so the results
do not depend on how the work was spread, nor on interruptions and resumes. The same
inputs again read the design back and only analyse it (other ``metrics`` need no new
simulation: design.csv holds every measure).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import Interrupted, ResultsWriteError, ScenarioError, StudyError, describe_os_error
from ..measure import shown_in
from ..scenario import Scenario, Unknown, vary
from ..study import (
    MANIFEST,
    CheckpointError,
    Checkpoints,
    Progress,
    RepOutput,
    Task,
    check_run_size,
    claim,
    outputs,
    published,
    read_manifest,
    validated,
    writing,
)
from ._sensitivity import (
    DEFAULT_SAMPLES,
    DEFAULT_TRAJECTORIES,
    FILES,
    Method,
    SensitivityError,
    SensitivityResult,
    check_metrics,
    check_unknowns,
    indices_table,
    point_changes,
    read_sensitivity,
    run_unit,
    sensitivity_manifest,
    sensitivity_stem,
    to_values,
    unit_design,
    unknowns_table,
    write_manifest,
    write_tables,
)

LABEL = "design points"


def _saved(ckpt: Checkpoints | None, reps: int) -> Iterator[tuple[int, dict[str, float]]]:
    if ckpt is None:
        return
    for r in ckpt.done(reps):
        try:
            yield r, ckpt.load(r).kpis
        except CheckpointError:
            ckpt.discard(r)  # cut short (a power loss): simulated again


def _measures(
    scenarios: list[Scenario],
    seed: int,
    reps: int,
    ckpts: list[Checkpoints] | None,
    jobs: int,
    dask: str | None,
    progress: Progress | None,
) -> tuple[list[list[dict[str, float]]], int, int]:
    """Every replication's measures of every point (in replication order), the points
    simulated now and the replications taken from checkpoints."""
    n = len(scenarios)
    kpis, resumed = _resumed(ckpts, n, reps)
    complete = sum(len(k) == reps for k in kpis)
    ran = n - complete
    if progress and complete:
        progress(LABEL, complete, n)
    tasks = [Task(j, sc, seed, r) for j, sc in enumerate(scenarios) for r in range(reps)]
    tasks = [t for t in tasks if t.replication not in kpis[t.job]]
    saved = resumed
    try:
        for task, out in outputs(tasks, jobs, False, dask):
            if ckpts:
                _checkpoint(ckpts[task.job], task.replication, out, saved, n * reps)
                saved += 1
            kpis[task.job][task.replication] = out.kpis
            if len(kpis[task.job]) == reps:
                complete += 1
                if progress:
                    progress(LABEL, complete, n)
    except KeyboardInterrupt:
        raise _interrupted(bool(ckpts), saved, n * reps, complete, n) from None
    return [[k[r] for r in range(reps)] for k in kpis], ran, resumed


def _resumed(
    ckpts: list[Checkpoints] | None, n: int, reps: int
) -> tuple[list[dict[int, dict[str, float]]], int]:
    """Each of the ``n`` points' measures by replication, from its checkpoints (if any),
    and how many replications that took from them."""
    kpis: list[dict[int, dict[str, float]]] = [{} for _ in range(n)]
    resumed = 0
    for j in range(n):
        for r, k in _saved(ckpts[j] if ckpts else None, reps):
            kpis[j][r] = k
            resumed += 1
    return kpis, resumed


def _checkpoint(
    ckpt: Checkpoints, replication: int, out: RepOutput, saved: int, total: int
) -> None:
    """Save one replication's measures; a refusal of the operating system in one line,
    with how many of the ``total`` replications are saved."""
    try:
        ckpt.save(replication, RepOutput(out.kpis, {}, {}))
    except OSError as err:
        raise ResultsWriteError(
            f"{describe_os_error(err, ckpt.folder)}; {saved} of "
            f"{total} replications are saved; fix that and re-run the same "
            "command to resume"
        ) from None


def _interrupted(checkpointed: bool, saved: int, total: int, complete: int, n: int) -> Interrupted:
    """What an interruption leaves: the replications saved, or the points finished."""
    if checkpointed:
        return Interrupted(
            f"interrupted: {saved} of {total} replications saved; re-run the same command to resume"
        )
    return Interrupted(f"interrupted after {complete} of {n} design points")


def _means(reps: list[dict[str, float]]) -> dict[str, float]:
    """Each measure's mean over the replications, in replication order (NaN left out, as
    in summary.csv)."""
    table = pd.DataFrame(reps)
    out = {}
    for col in table.columns:
        v = table[col].to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        out[col] = float(v.mean()) if v.size else math.nan
    return out


def _ordered(columns: list[str]) -> list[str]:
    """The headline measures first (in the catalog's order), then the rest as run."""
    head = [m for m in shown_in("headline") if m in columns]
    return head + [c for c in columns if c not in head]


def sensitivity(
    scenario: Scenario,
    method: Method = "morris",
    n: int | None = None,
    reps: int = 5,
    seed: int | None = None,
    *,
    metrics: list[str] | None = None,
    out: Path | str | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SensitivityResult:
    """Global sensitivity of the measures over the scenario's declared unknowns.

    ``method``: ``"morris"`` (``n`` trajectories, default 10: ``n (k + 1)`` points) or
    ``"sobol"`` (``n`` base samples, a power of 2, default 64: ``n (k + 2)`` points);
    ``reps`` replications per point, every point with ``seed`` (default the scenario's),
    which also draws the design; ``metrics``: the measures to rank the unknowns for
    (default the headline cards' ones). With ``out``, writes and resumes
    ``out/sensitivity_<name>-<key>/``; ``progress(label, done, total)`` counts points."""
    started = time.perf_counter()
    sc = validated(scenario)
    unknowns = check_unknowns(sc)
    names = check_metrics(metrics)
    if reps < 1:
        raise StudyError(f"reps must be at least 1, got {reps}")
    n = n if n is not None else (DEFAULT_TRAJECTORIES if method == "morris" else DEFAULT_SAMPLES)
    seed = sc.seed if seed is None else seed
    paths, us = list(unknowns), list(unknowns.values())
    unit = unit_design(method, n, len(paths), seed)
    values = to_values(unit, us)
    ran_unit = run_unit(values, unit, us)
    scenarios, which = _point_scenarios(sc, paths, us, values)
    if not force:
        check_run_size(scenarios, reps)
    manifest = sensitivity_manifest(sc, unknowns, method, n, reps, seed)
    table = unknowns_table(sc, unknowns)

    def analyse(design: pd.DataFrame, ran: int) -> SensitivityResult:
        return _result(sc, method, n, reps, seed, table, design, unit, ran_unit, names, ran)

    def result(kpis: list[list[dict[str, float]]], ran: int) -> SensitivityResult:
        return analyse(_design(values, paths, us, which, kpis), ran)

    def _finish(res: SensitivityResult, resumed: int) -> SensitivityResult:
        res.resumed = resumed
        res.elapsed = time.perf_counter() - started
        return res

    if out is None:
        kpis, ran, resumed = _measures(scenarios, seed, reps, None, jobs, dask, progress)
        return _finish(result(kpis, ran), resumed)
    notes: list[str] = []
    stem = sensitivity_stem(sc.name)
    with (
        published(Path(out), stem, manifest, notes, "sensitivity analysis") as folder,
        claim(folder, manifest, force),
    ):
        if read_manifest(folder) == manifest and all((folder / f).is_file() for f in FILES):
            # Finished before with these very inputs: analyse the design again, run nothing.
            return _finish(_analysed_again(folder, notes, analyse), 0)
        with writing(folder):
            (folder / MANIFEST).unlink(missing_ok=True)  # stale until the new one is written
            for f in FILES:
                (folder / f).unlink(missing_ok=True)
        ckpts = [Checkpoints(folder, s, seed) for s in scenarios]
        kpis, ran, resumed = _measures(scenarios, seed, reps, ckpts, jobs, dask, progress)
        res = result(kpis, ran)
        res.folder, res.notes = folder, notes
        with writing(folder, "; every design point is saved: re-run the same command to finish"):
            write_tables(folder, res)
            write_manifest(folder, manifest)
        Checkpoints(folder, sc, seed).clear()
    return _finish(res, resumed)


def _point_scenarios(
    sc: Scenario, paths: list[str], us: list[Unknown], values: np.ndarray
) -> tuple[list[Scenario], list[int]]:
    """One scenario per distinct design point (rows that round to the same values run
    once), and for each row of ``values`` the index of its scenario."""
    distinct: dict[tuple[float, ...], int] = {}
    which = [distinct.setdefault(tuple(row), len(distinct)) for row in values.tolist()]
    scenarios = []
    for key in distinct:
        changes = point_changes(paths, us, np.asarray(key))
        try:
            scenarios.append(vary(sc, changes, name=sc.name))
        except ScenarioError as err:
            _, path, why = err.problems[0]
            point = ", ".join(f"{p}={v}" for p, v in changes.items())
            raise SensitivityError(
                f"scenario {sc.name!r}: the design point {point} is not a valid scenario: "
                f"{path}: {why}"
            ) from None
    return scenarios, which


def _design(
    values: np.ndarray,
    paths: list[str],
    us: list[Unknown],
    which: list[int],
    kpis: list[list[dict[str, float]]],
) -> pd.DataFrame:
    """design.csv: each row's point number and unknowns' values, then the means of its
    scenario's measures (headline ones first)."""
    means = [_means(k) for k in kpis]
    design = pd.DataFrame(values, columns=paths)
    for p, u in zip(paths, us):
        if u.integer:
            design[p] = design[p].astype(int)
    design.insert(0, "point", range(len(design)))
    measures = pd.DataFrame([means[j] for j in which])
    return pd.concat([design, measures[_ordered(list(measures.columns))]], axis=1)


def _analysed_again(
    folder: Path, notes: list[str], analyse: Callable[[pd.DataFrame, int], SensitivityResult]
) -> SensitivityResult:
    """A finished folder of the same inputs: its design analysed again, the tables
    rewritten (other metrics need no new simulation)."""
    old = read_sensitivity(folder)
    res = analyse(old.design, 0)
    res.folder, res.notes = folder, notes
    with writing(folder):
        write_tables(folder, res)
    return res


def _result(
    sc: Scenario,
    method: Method,
    n: int,
    reps: int,
    seed: int,
    unknowns: pd.DataFrame,
    design: pd.DataFrame,
    unit: np.ndarray,
    ran_unit: np.ndarray,
    metrics: list[str],
    ran: int,
) -> SensitivityResult:
    paths = list(unknowns["parameter"])
    return SensitivityResult(
        scenario=sc.name,
        method=method,
        n=n,
        reps=reps,
        seed=seed,
        unknowns=unknowns,
        design=design,
        indices=indices_table(method, unit, ran_unit, design, paths, metrics, seed),
        metrics=metrics,
        title=sc.title,
        horizon_weeks=sc.horizon_weeks,
        warmup_weeks=sc.warmup_weeks,
        ran=ran,
    )

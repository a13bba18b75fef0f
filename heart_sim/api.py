"""The public Python API: load scenarios, run and compare them, get pandas DataFrames.

import heart_sim as hs
base = hs.load("durham_2022")                 # a built-in name, a file, or a dict
res = hs.simulate(base, reps=10, seed=1)      # Results: .summary .replications .by_hour
res = hs.simulate(base, reps=10, out="results")  # ...and write results/durham_2022/
res = hs.Results.load("results/durham_2022")  # reopen in a notebook
comp = hs.compare(base, hs.load("citywide"), reps=10)
comp.differences, comp.costs                  # paired differences with 95% CIs
hs.metric_catalog()                           # what every metric means, with its unit

Every call goes through the study runner (``study._studies``), as the CLI does: scenarios
are validated, names must differ, large runs need ``force``, and writing to ``out`` is
locked, checkpointed and resumable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .calibration import (
    METHODS,
    POINTS,
    REPS,
    WAVES,
    CalibrationResult,
    SensitivityError,
    SensitivityResult,
    Targets,
    load_targets,
)
from .calibration import calibrate as calibrate_study
from .calibration import sensitivity as sensitivity_study
from .measure import Reps
from .optimization import (
    MAX_REPS,
    MAX_UNITS,
    MIN_REPS,
    BudgetResult,
    OptimizeError,
    OptimizeResult,
    budget_study,
    load_options,
    parse_goal,
    parse_hours,
    parse_start,
)
from .optimization import optimize as optimize_study
from .reports import write_monthly, write_plots
from .scenario import (
    Scenario,
    load_scenario,
    load_scenario_dict,
    scenario_from_dict,
    scenario_sources,
)
from .scenario import vary as vary_scenario
from .study import Comparison, Progress, Results, SweepResult, load_posterior
from .study import compare as compare_study
from .study import run as run_study
from .study import sweep as sweep_study

ScenarioLike = Scenario | str | Path | Mapping[str, Any]


def load(source: ScenarioLike) -> Scenario:
    """A validated Scenario from a built-in name, a YAML file, or a dict."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return scenario_from_dict(dict(source))
    return load_scenario(source)


def vary(scenario: ScenarioLike, changes: Mapping[str, Any], name: str | None = None) -> Scenario:
    """A validated variant: ``hs.vary(base, {"programs.crt.shifts[0].units": 3})``, with the
    key paths of the YAML (and of ``heart-sim sweep --vary``); it gets a name of its own
    (``name``, or one made from the changes) so it can be compared with ``base``."""
    return vary_scenario(load(scenario), dict(changes), name)


def _sources(source: ScenarioLike) -> dict[str, str]:
    return scenario_sources(source) if isinstance(source, str | Path) else {}


def simulate(
    scenario: ScenarioLike,
    reps: Reps = 10,
    seed: int | None = None,
    jobs: int = 1,
    keep_calls: bool = False,
    progress: Progress | None = None,
    dask: str | None = None,
    out: str | Path | None = None,
    force: bool = False,
    precision: float | None = None,
    max_reps: int | None = None,
    posterior: str | Path | None = None,
) -> Results:
    """Run replications; ``keep_calls=True`` adds per-call records (``Results.calls``);
    ``jobs`` uses local processes, ``dask`` a Dask scheduler address (or "local");
    ``out`` also writes the results folder, as ``heart-sim run`` does (with the monthly
    figure, plots/monthly.png, for a run with a start_date). ``reps="auto"`` adds
    replications until every headline interval is within ``precision`` (default 0.05)
    of its mean, or ``max_reps`` (default 200); ``Results.precision`` says how many and
    why (see ``measure._precision``). ``posterior`` (a calibration's posterior.csv) runs
    each replication at one of its parameter points (see ``study._posterior``)."""
    result = run_study(
        load(scenario),
        reps,
        seed,
        out=out,
        sources=_sources(scenario),
        jobs=jobs,
        dask=dask,
        force=force,
        keep_calls=keep_calls,
        progress=progress,
        precision=precision,
        max_reps=max_reps,
        posterior=load_posterior(posterior) if posterior is not None else None,
    )
    if out is not None:
        write_monthly(result)
    return result


def compare(
    base: ScenarioLike,
    *alternatives: ScenarioLike,
    reps: Reps = 10,
    seed: int | None = None,
    jobs: int = 1,
    dask: str | None = None,
    out: str | Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
    precision: float | None = None,
    max_reps: int | None = None,
    posterior: str | Path | None = None,
) -> Comparison:
    """Run base and alternatives with common random numbers and pair them; ``out`` also
    writes the comparison folder, as ``heart-sim compare`` does. ``reps="auto"``: as in
    ``simulate``, judging also each alternative's extra diverted calls and marginal cost
    per extra diverted call (``Comparison.precision``)."""
    given = (base, *alternatives)
    scenarios = [load(s) for s in given]
    return compare_study(
        scenarios[0],
        scenarios[1:],
        reps,
        seed,
        out=out,
        sources=[_sources(s) for s in given],
        jobs=jobs,
        dask=dask,
        force=force,
        progress=progress,
        precision=precision,
        max_reps=max_reps,
        posterior=load_posterior(posterior) if posterior is not None else None,
    )


def sweep(
    scenario: str | Path,
    vary: Mapping[str, list[Any]] | Sequence[tuple[str, list[Any]]],
    out: str | Path,
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Run a grid over key paths (``{"crt.units": [1, 2, 3]}``, or a list of (path, values)
    pairs); resumable in ``out``."""
    path, data, _ = load_scenario_dict(scenario)
    return sweep_study(
        data,
        str(path),
        list(vary.items()) if isinstance(vary, Mapping) else list(vary),
        Path(out),
        reps,
        seed,
        jobs=jobs,
        dask=dask,
        force=force,
        progress=progress,
    )


def calibrate(
    scenario: str | Path,
    targets: str | Path | Targets,
    out: str | Path,
    points: int = POINTS,
    reps: int = REPS,
    waves: int = WAVES,
    seed: int | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> CalibrationResult:
    """History-match the scenario's ``calibration:`` unknowns to a targets file; resumable
    in ``out`` (see ``calibration._calibrate``)."""
    path, data, _ = load_scenario_dict(scenario)
    goal = targets if isinstance(targets, Targets) else load_targets(targets)
    return calibrate_study(
        data,
        str(path),
        goal,
        Path(out),
        points,
        reps,
        waves,
        seed,
        extends=str(scenario),
        jobs=jobs,
        dask=dask,
        force=force,
        progress=progress,
    )


def sensitivity(
    scenario: ScenarioLike,
    method: str = "morris",
    trajectories: int | None = None,
    samples: int | None = None,
    reps: int = 5,
    seed: int | None = None,
    metrics: Sequence[str] | None = None,
    out: str | Path | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SensitivityResult:
    """What the measures depend on, over the scenario's ``calibration:`` unknowns: Morris
    elementary effects (``trajectories``, default 10) or Sobol indices (``samples``, a
    power of 2, default 64), every point run ``reps`` times with the same seed. Returns
    ``.indices`` (ranked per measure), ``.design``, ``.unknowns``, ``.ranking(metric)``;
    ``out`` also writes the folder, as ``heart-sim sensitivity`` does (with the tornado
    charts in plots/), resumable (see ``calibration._sensitivity``)."""
    if method not in METHODS:
        raise SensitivityError(f"--method {method}: use morris or sobol")
    given = trajectories if method == "morris" else samples
    wrong = samples if method == "morris" else trajectories
    if wrong is not None:
        opt = "--samples" if method == "morris" else "--trajectories"
        raise SensitivityError(
            f"{opt} is for the other method; {method} takes "
            + ("--trajectories" if method == "morris" else "--samples")
        )
    result = sensitivity_study(
        load(scenario),
        method,  # a Method: checked above
        given,
        reps,
        seed,
        metrics=list(metrics) if metrics else None,
        out=out,
        jobs=jobs,
        dask=dask,
        force=force,
        progress=progress,
    )
    if result.folder is not None:
        write_plots(result.folder, ("png",))
    return result


def optimize(
    scenario: str | Path,
    targets: Sequence[str] = (),
    out: str | Path = "results",
    *,
    programs: Sequence[str] = (),
    hours: str | None = None,
    around_the_clock: bool = False,
    shift_lengths: Sequence[int] | None = None,
    starts: Sequence[str] | None = None,
    max_units: int | None = None,
    same_each_day: bool = False,
    weekend_rotation: int | None = None,
    budget: float | None = None,
    fte: float | None = None,
    maximize: str | None = None,
    options: str | Path | None = None,
    reps: int | None = None,
    min_reps: int | None = None,
    max_reps: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> OptimizeResult | BudgetResult:
    """``heart-sim optimize``: the cheapest shifts meeting ``targets`` ("metric<=value",
    see ``optimization._goals``), or with ``budget`` / ``fte`` the set of ``options`` (an
    options file) that maximizes ``maximize`` (default diverted_per_year) within it;
    resumable in ``out``. Defaults: shift lengths 8, 10, 12; max_units 20; min_reps 5,
    max_reps 40 (targets); reps 10 (budget). A setting of the other mode is an error, not
    ignored."""
    path, data, _ = load_scenario_dict(scenario)
    targets_only = {
        "--program": bool(programs),
        "--hours": hours is not None,
        "--24-7": around_the_clock,
        "--shift-lengths": shift_lengths is not None,
        "--starts": starts is not None,
        "--max-units": max_units is not None,
        "--same-each-day": same_each_day,
        "--weekend-rotation": weekend_rotation is not None,
        "--min-reps": min_reps is not None,
        "--max-reps": max_reps is not None,
    }
    budget_only = {
        "--options": options is not None,
        "--maximize": maximize is not None,
        "--reps": reps is not None,
    }
    if budget is not None or fte is not None:
        extra = [k for k, given in targets_only.items() if given]
        if extra:
            raise OptimizeError(
                f"{', '.join(extra)}: for the targets mode (--target), not --budget/--fte"
            )
        if targets:
            raise OptimizeError("give --target or --budget/--fte, not both")
        if budget is not None and fte is not None:
            raise OptimizeError("give --budget or --fte, not both")
        if options is None:
            raise OptimizeError("--budget and --fte choose among --options FILE (an options file)")
        return budget_study(
            data,
            str(path),
            load_options(options),
            Path(out),
            budget=budget,
            fte=fte,
            maximize=maximize or "diverted_per_year",
            reps=10 if reps is None else reps,
            seed=seed,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=progress,
            extends=str(scenario),
        )
    extra = [k for k, given in budget_only.items() if given]
    if extra:
        raise OptimizeError(f"{', '.join(extra)}: for --budget or --fte, not the targets mode")
    if hours is not None and around_the_clock:
        raise OptimizeError("give --hours or --24-7, not both")
    window: list[tuple[int, int]] | None | str = "current"
    if around_the_clock:
        window = None
    elif hours is not None:
        window = [parse_hours(h) for h in hours.split(",")]
    return optimize_study(
        data,
        str(path),
        [parse_goal(t) for t in targets],
        Path(out),
        programs=list(programs) or None,
        hours=window,
        lengths=(8, 10, 12) if shift_lengths is None else tuple(dict.fromkeys(shift_lengths)),
        starts=None if starts is None else [parse_start(s) for s in starts],
        max_units=MAX_UNITS if max_units is None else max_units,
        same_each_day=same_each_day,
        weekend_rotation=weekend_rotation,
        seed=seed,
        min_reps=MIN_REPS if min_reps is None else min_reps,
        max_reps=MAX_REPS if max_reps is None else max_reps,
        extends=str(scenario),
        jobs=jobs,
        dask=dask,
        force=force,
        progress=progress,
    )

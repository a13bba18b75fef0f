"""The public Python API: load scenarios, run and compare them, get pandas DataFrames.

import heart_sim as hs
base = hs.load("durham_2022")                 # a built-in name, a file, or a dict
res = hs.simulate(base, reps=10, seed=1)      # Results: .summary .replications .by_hour
res = hs.simulate(base, reps=10, out="results")  # ...and write results/durham_2022/
res = hs.Results.load("results/durham_2022")  # reopen in a notebook
comp = hs.compare(base, hs.load("citywide"), reps=10)
comp.differences, comp.costs                  # paired differences with 95% CIs
hs.metric_catalog()                           # what every metric means, with its unit
hs.sweep(base, {"crt.units": [1, 2, 3]}, reps=5)   # a grid; .table
hs.calibrate("durham_2022_unknowns", "scenarios/targets/durham_pilot_2022_23.yaml")
hs.optimize("durham_2025", ["crt_response_time_p90<=38"], around_the_clock=True)
hs.budget("durham_2025", "scenarios/options/durham_fy26.yaml", fte=17)
hs.fit("calls.csv", "inputs.yaml", time_column="time")   # a scenario fragment
hs.open("results/durham_2022")                # any results folder, read back
hs.report("results/durham_2022")              # its report.html (and plots/)

One shape for every study: the scenario first (a Scenario, a YAML file, a built-in name or
a mapping), then what the study needs, then keywords; ``out=None`` writes nothing (a
temporary folder holds the study's files while the result lives, so ``result.save(out)``
can still write them), ``out="results"`` writes the results folder the CLI writes for the
same call, with the same files. Every result has ``summary`` (a DataFrame), ``folder``,
``save`` and ``_repr_html_`` (``study.StudyResult``).

Every call goes through the study runner (``study._studies``), as the CLI does: scenarios
are validated, names must differ, large runs need ``force``, and writing to ``out`` is
locked, checkpointed and resumable.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

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
    targets_json_schema,
)
from .calibration import calibrate as calibrate_study
from .calibration import sensitivity as sensitivity_study
from .core import ResultsExistError, atomic_write
from .fitting import FitOptions
from .measure import Reps
from .optimization import (
    MAX_REPS,
    MAX_UNITS,
    MIN_REPS,
    TOLERANCE,
    BudgetResult,
    OptimizeError,
    OptimizeResult,
    budget_study,
    load_options,
    options_json_schema,
    parse_goal,
)
from .optimization import optimize as optimize_study
from .reports import (
    RANK_BY,
    FitOutcome,
    fit_calls,
    open_folder,
    write_pdf_report,
    write_plots,
    write_report,
    write_study_files,
)
from .scenario import (
    SHIPPED_KINDS,
    Scenario,
    builtin_files,
    builtin_scenarios,
    load_scenario,
    load_scenario_dict,
    read_yaml,
    scenario_from_dict,
    scenario_json_schema,
    scenario_sources,
)
from .scenario import vary as vary_scenario
from .study import Comparison, Progress, Results, SavedFolder, SweepResult, load_posterior
from .study import compare as compare_study
from .study import run as run_study
from .study import sweep as sweep_study

ScenarioLike = Scenario | str | Path | Mapping[str, Any]
S = TypeVar("S", bound=SavedFolder)


def load(source: ScenarioLike) -> Scenario:
    """A validated Scenario from a built-in name, a YAML file, or a dict."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return scenario_from_dict(dict(source))
    return load_scenario(source)


def check(name_or_path: str | Path) -> str:
    """Validate one file by its shape, with the validator of what it is, and say in one
    line what was checked: a scenario (a built-in name or a file), an options file (a
    mapping with ``options:``) or a targets file (with ``targets:``), shipped ones by name
    too. Raises the library's error naming the file and the key path."""
    kind = _shape(name_or_path)
    if kind == "options":
        o = load_options(name_or_path)
        names = ", ".join(o.options)
        return (
            f"{name_or_path}: valid options file '{o.name}' ({len(o.options)} options: "
            f"{names}; for heart-sim optimize --options)"
        )
    if kind == "targets":
        t = load_targets(name_or_path)
        return (
            f"{name_or_path}: valid targets file '{t.name}' ({len(t.targets)} targets: "
            f"{', '.join(t.metrics())}; for heart-sim calibrate --targets)"
        )
    sc = load_scenario(name_or_path)
    per_week = sc.demand.calls_per_week * sc.demand.multiplier
    start = f" from {sc.start_date}" if sc.start_date else ""
    phases = f", {len(sc.phases)} phase(s)" if sc.phases else ""
    return (
        f"{name_or_path}: valid scenario '{sc.name}' ({per_week:g} calls/week, "
        f"{len(sc.call_types)} call types, {sc.horizon_weeks} weeks{start}{phases})"
    )


def _shape(name_or_path: str | Path) -> str:
    """'options', 'targets' or 'scenario': a file by its top-level keys (an options file
    holds options:, a targets file targets:; anything else is read as a scenario, whose
    validator then says what is wrong); a bare name by where it is shipped, scenarios first."""
    path = Path(name_or_path)
    if not path.is_file():
        if str(name_or_path) in builtin_scenarios() or path.suffix in (".yaml", ".yml"):
            return "scenario"
        for kind in SHIPPED_KINDS:
            if str(name_or_path) in builtin_files(kind):
                return kind
        return "scenario"
    data = read_yaml(path)
    if isinstance(data, dict) and "extends" not in data:
        for kind in SHIPPED_KINDS:
            if kind in data:
                return kind
    return "scenario"


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
    *,
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
        write_study_files("run", result)
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
    scenario: ScenarioLike,
    vary: Mapping[str, list[Any]] | Sequence[tuple[str, list[Any]]],
    reps: int = 10,
    seed: int | None = None,
    *,
    out: str | Path | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Run a grid over key paths (``{"crt.units": [1, 2, 3]}``, or a list of (path, values)
    pairs); ``.table`` has a row per grid point. ``out`` also writes the sweep folder with
    its figures, as ``heart-sim sweep`` does, resumable."""
    grid = list(vary.items()) if isinstance(vary, Mapping) else list(vary)
    with _study_folder(scenario, out) as (folder, data, source, _):
        result = sweep_study(
            data,
            source,
            grid,
            folder,
            reps,
            seed,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=progress,
        )
        write_study_files("sweep", result)
    return _kept(result, out)


def calibrate(
    scenario: ScenarioLike,
    targets: str | Path | Targets,
    points: int = POINTS,
    reps: int = REPS,
    waves: int = WAVES,
    seed: int | None = None,
    *,
    out: str | Path | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> CalibrationResult:
    """History-match the scenario's ``calibration:`` unknowns to a targets file (or
    ``Targets``); ``out`` also writes the calibration folder, as ``heart-sim calibrate``
    does, resumable (see ``calibration._calibrate``)."""
    goal = targets if isinstance(targets, Targets) else load_targets(targets)
    with _study_folder(scenario, out) as (folder, data, source, extends):
        result = calibrate_study(
            data,
            source,
            goal,
            folder,
            points,
            reps,
            waves,
            seed,
            extends=extends,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=progress,
        )
    return _kept(result, out)


def sensitivity(
    scenario: ScenarioLike,
    method: str = "morris",
    trajectories: int | None = None,
    samples: int | None = None,
    reps: int = 5,
    seed: int | None = None,
    *,
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
    with _writing_to(out) as folder:
        result = sensitivity_study(
            load(scenario),
            method,  # a Method: checked above
            given,
            reps,
            seed,
            metrics=list(metrics) if metrics else None,
            out=folder,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=progress,
        )
        write_study_files("sensitivity", result)
    return _kept(result, out)


def optimize(
    scenario: ScenarioLike,
    targets: Sequence[str],
    *,
    programs: Sequence[str] = (),
    hours: Sequence[tuple[int, int]] | None = None,
    around_the_clock: bool = False,
    shift_lengths: Sequence[int] = (8, 10, 12),
    starts: Sequence[int] | None = None,
    max_units: int = MAX_UNITS,
    same_each_day: bool = False,
    min_shift_length: int | None = None,
    tolerance: float = TOLERANCE,
    weekend_rotation: int | None = None,
    min_reps: int = MIN_REPS,
    max_reps: int = MAX_REPS,
    seed: int | None = None,
    out: str | Path | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> OptimizeResult:
    """The cheapest shifts meeting ``targets`` ("metric<=value", "... each hour"; see
    ``optimization._goals``), for ``programs`` (default: those the targets are about), open
    in ``hours`` (a list of (start, end) hours, every day), around the clock, or (neither)
    the hours each program opens now; ``starts`` are the allowed shift starts (hours of the
    day, default every hour). Crews work at least ``min_shift_length`` hours (default: the
    shortest shift each program works now). A target held each hour is met when every
    hour's mean meets it and its 95% interval reaches at most ``tolerance`` (a share of the
    target) beyond it. ``out`` also writes the folder ``heart-sim optimize`` writes,
    resumable."""
    if hours is not None and around_the_clock:
        raise OptimizeError("give hours or around_the_clock, not both")
    window: list[tuple[int, int]] | None | str = "current"
    if around_the_clock:
        window = None
    elif hours is not None:
        window = [tuple(h) for h in hours]  # type: ignore[misc]
    goals = [parse_goal(t) for t in targets]
    with _study_folder(scenario, out) as (folder, data, source, extends):
        result = optimize_study(
            data,
            source,
            goals,
            folder,
            programs=list(programs) or None,
            hours=window,
            lengths=tuple(dict.fromkeys(shift_lengths)),
            starts=None if starts is None else list(starts),
            max_units=max_units,
            same_each_day=same_each_day,
            min_length=min_shift_length,
            tolerance=tolerance,
            weekend_rotation=weekend_rotation,
            seed=seed,
            min_reps=min_reps,
            max_reps=max_reps,
            extends=extends,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=progress,
        )
    return _kept(result, out)


def budget(
    scenario: ScenarioLike,
    options: str | Path,
    *,
    budget: float | None = None,
    fte: float | None = None,
    maximize: str = "diverted_per_year",
    reps: int = 10,
    seed: int | None = None,
    out: str | Path | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> BudgetResult:
    """The set of ``options`` (an options file) that buys the most ``maximize`` within a
    ``budget`` in dollars a year or ``fte`` positions (one of them), and the efficient
    frontier; ``out`` also writes the folder ``heart-sim optimize --budget`` writes."""
    choices = load_options(options)
    with _study_folder(scenario, out) as (folder, data, source, extends):
        result = budget_study(
            data,
            source,
            choices,
            folder,
            budget=budget,
            fte=fte,
            maximize=maximize,
            reps=reps,
            seed=seed,
            jobs=jobs,
            dask=dask,
            force=force,
            progress=progress,
            extends=extends,
        )
    return _kept(result, out)


def fit(
    calls: str | Path,
    out: str | Path,
    *,
    force: bool = False,
    **columns: Any,
) -> FitOutcome:
    """Fit demand, call-type and zone shares and durations to a CAD export and write the
    scenario fragment ``out`` with its fit report beside it, as ``heart-sim fit`` does
    (``.summary``: each fitted quantity with its 95% interval; ``.folder``: the
    ``<stem>_fit_report/`` folder ``hs.open`` reads back);
    ``columns`` are ``FitOptions`` fields (``time_column``, ``type_column``,
    ``type_map``, ``durations``, ``extends``, ...)."""
    return fit_calls(Path(calls), Path(out), FitOptions(**columns), force=force)


def open(folder: str | Path) -> Any:
    """Read any heart-sim results folder back: ``Results``, ``Comparison``, ``SweepResult``,
    ``SensitivityResult``, ``CalibrationResult``, ``OptimizeResult``, ``BudgetResult`` or
    (a fit's ``<stem>_fit_report/`` folder) ``FitOutcome``."""
    return open_folder(folder)


SCHEMA_KINDS = ("scenario", "options", "targets")


def json_schema(kind: str = "scenario") -> dict[str, Any]:
    """The JSON Schema of a kind of input file (``scenario``, ``options`` for optimize
    --options, ``targets`` for calibrate --targets), from the same pydantic models that
    validate them, for editors with a YAML language server (``heart-sim schema``)."""
    makers = {
        "scenario": scenario_json_schema,
        "options": options_json_schema,
        "targets": targets_json_schema,
    }
    if kind not in makers:
        raise ValueError(f"no schema for {kind!r}: use one of {', '.join(SCHEMA_KINDS)}")
    return makers[kind]()


def json_schema_text(kind: str = "scenario") -> str:
    """The schema as written to a file: indented JSON, keys in the models' order."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_json_schema(kind: str, path: str | Path, force: bool = False) -> Path:
    """Write the schema of ``kind`` to ``path`` (atomically; an existing file is replaced
    only with ``force``)."""
    text = json_schema_text(kind)
    path = Path(path)
    if path.exists() and not force:
        raise ResultsExistError(f"{path}: the file exists; choose another name or --force")
    atomic_write(path, text)
    return path


def shipped_schema(kind: str = "scenario") -> Path:
    """The schema file installed with the package (``heart_sim/data/schemas/``), which an
    editor can point at; ``tests/cli/test_schema.py`` keeps it equal to ``json_schema``."""
    json_schema(kind)  # refuses an unknown kind
    return Path(__file__).parent / "data" / "schemas" / f"{kind}.schema.json"


def report(
    folder: str | Path, *, pdf: bool = False, plots: bool = True, rank_by: str = RANK_BY
) -> Path:
    """Write a results folder's ``report.html`` (and its figures in plots/, as ``--report``
    does); with ``pdf`` also ``report.pdf`` (headless Chromium). Returns the page."""
    if plots:
        write_plots(folder)
    if pdf:
        return write_pdf_report(Path(folder), rank_by=rank_by)[0]
    return write_report(folder, rank_by=rank_by)


@contextmanager
def _writing_to(out: str | Path | None) -> Iterator[Path]:
    """``out``, or (out=None) a new temporary folder: removed if the study fails, else
    kept as long as the result object lives (``_kept``), so that ``save`` can copy it."""
    if out is not None:
        yield Path(out)
        return
    scratch = Path(tempfile.mkdtemp(prefix="heart-sim-"))
    try:
        yield scratch
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


@contextmanager
def _study_folder(
    scenario: ScenarioLike, out: str | Path | None
) -> Iterator[tuple[Path, dict[str, Any], str, str]]:
    """(folder, the scenario's merged mapping, its source, what a scenario written by
    the study extends) for a study: ``out``, or a temporary folder (``_writing_to``).
    A Scenario or mapping is first written to ``<folder>/inputs/<name>.yaml`` so that
    recommended.yaml, calibrated.yaml and chosen.yaml can extend it."""
    with _writing_to(out) as folder:
        if isinstance(scenario, str | Path):
            path, data, _ = load_scenario_dict(scenario)
            yield folder, data, str(path), str(scenario)
            return
        sc = load(scenario)
        data = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
        given = folder / "inputs" / f"{sc.name}.yaml"
        atomic_write(given, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        yield folder, data, str(given), str(given)


def _kept(result: S, out: str | Path | None) -> S:
    """The result; when the study wrote to a temporary folder, with ``folder`` None and
    that folder kept for ``save`` until the result object is collected."""
    if out is not None or result.folder is None:
        return result
    kept = replace(result, folder=None)  # type: ignore[type-var]
    kept._scratch = result.folder
    weakref.finalize(kept, shutil.rmtree, result.folder.parent, True)
    return kept

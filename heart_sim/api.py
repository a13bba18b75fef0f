"""The public Python API: load scenarios, run and compare them, get pandas DataFrames.

import heart_sim as hs
base = hs.load("durham_2022")                 # a built-in name, a file, or a dict
res = hs.simulate(base, reps=10, seed=1)      # Results: .summary .replications .by_hour
res.save("results")                           # what `heart-sim run` writes
res = hs.Results.load("results/durham_2022")  # reopen in a notebook
comp = hs.compare(base, hs.load("citywide"), reps=10)
comp.differences, comp.costs                  # paired differences with 95% CIs
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .compare import Comparison
from .compare import compare as _compare
from .runner import Results, run
from .scenario import (
    Scenario,
    load_scenario,
    load_scenario_dict,
    scenario_from_dict,
    scenario_sources,
)
from .sweep import SweepResult, run_sweep

ScenarioLike = Scenario | str | Path | Mapping[str, Any]


def load(source: ScenarioLike) -> Scenario:
    """A validated Scenario from a built-in name, a YAML file, or a dict."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return scenario_from_dict(dict(source))
    return load_scenario(source)


def _sources(source: ScenarioLike) -> dict[str, str]:
    return scenario_sources(source) if isinstance(source, str | Path) else {}


def simulate(
    scenario: ScenarioLike,
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    keep_calls: bool = False,
    progress: Callable[[int], None] | None = None,
    dask: str | None = None,
) -> Results:
    """Run replications; ``keep_calls=True`` adds per-call records (``Results.calls``);
    ``jobs`` uses local processes, ``dask`` a Dask scheduler address (or "local")."""
    sc = load(scenario)
    result = run(
        sc, reps=reps, seed=seed, jobs=jobs, progress=progress, keep_calls=keep_calls, dask=dask
    )
    result.sources = _sources(scenario)
    return result


def compare(
    base: ScenarioLike,
    *alternatives: ScenarioLike,
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    dask: str | None = None,
) -> Comparison:
    """Run base and alternatives with common random numbers and pair them."""
    comp = _compare(
        load(base), [load(a) for a in alternatives], reps=reps, seed=seed, jobs=jobs, dask=dask
    )
    for result, source in zip((comp.base, *comp.alts), (base, *alternatives)):
        result.sources = _sources(source)
    return comp


def sweep(
    scenario: str | Path,
    vary: Mapping[str, list[int | float]],
    out: str | Path,
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
) -> SweepResult:
    """Run a grid over key paths (``{"crt.units": [1, 2, 3]}``); resumable in ``out``."""
    path, data, _ = load_scenario_dict(scenario)
    return run_sweep(
        data, str(path), list(vary.items()), Path(out), reps=reps, seed=seed, jobs=jobs
    )

"""heart-sim: discrete-event simulation of crisis-response capacity (Durham HEART).

The public API (see ``heart_sim.api``): ``load``, ``vary``, the studies ``simulate``,
``compare``, ``sweep``, ``sensitivity``, ``calibrate``, ``optimize``, ``budget`` and
``fit``, ``open`` (any results folder back as its result object), ``report``,
``metric_catalog``, and the result types.

One subpackage per capability, lowest first; each has a small public face (its
``__init__``) and private ``_module.py`` files behind it. A subpackage imports only the faces
of those below it (import-linter's contracts in pyproject.toml, run by tests/test_layers.py):

    core          errors, the vocabulary (programs, outcomes), safe file writes, the version
    scenario      the schema, loading with extends:, schedules, days, key paths, views
    model         the SimPy engine: streams, dates, zones, arrivals, rosters, routing, records
    measure       the metric catalog, per-replication metrics, costs, workforce, occupancy
    study         replications run together (run, compare, sweep), execution, checkpoints,
                  results objects and folders
    fitting       inputs fitted from call records (heart-sim fit)
    calibration   targets, history matching, sensitivity (never imports fitting/optimization)
    optimization  goals, iterative staffing, shift cover, the targets search, budget mode
    reports       figures, HTML pages, PDF, the fit report
    api           the one public entry (re-exported here)
    cli           the command line

Data flows one way: YAML -> Scenario -> model -> per-replication records -> metrics ->
results -> reports and plots.
"""

from .api import (
    budget,
    calibrate,
    compare,
    fit,
    json_schema,
    load,
    open,
    optimize,
    report,
    sensitivity,
    simulate,
    sweep,
    vary,
)
from .calibration import CalibrationResult, SensitivityResult
from .core import HeartSimError, ScenarioError, __version__
from .measure import metric_catalog
from .optimization import BudgetResult, OptimizeResult
from .reports import FitOutcome
from .scenario import Scenario
from .study import Comparison, Results, SweepResult

__all__ = [
    "BudgetResult",
    "CalibrationResult",
    "Comparison",
    "FitOutcome",
    "HeartSimError",
    "OptimizeResult",
    "Results",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "SweepResult",
    "__version__",
    "budget",
    "calibrate",
    "compare",
    "fit",
    "json_schema",
    "load",
    "metric_catalog",
    "open",
    "optimize",
    "report",
    "sensitivity",
    "simulate",
    "sweep",
    "vary",
]

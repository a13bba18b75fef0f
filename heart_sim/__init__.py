"""heart-sim: discrete-event simulation of crisis-response capacity (Durham HEART).

The public API (see ``heart_sim.api``): ``load``, ``vary``, ``simulate``, ``compare``,
``sweep``, ``sensitivity``, ``optimize``, ``metric_catalog``, ``Results`` (``.summary``,
``.replications``, ``.by_hour``, ``.quantiles``, ``.calls``, ``.save``, ``Results.load``)
and ``Comparison`` (``.differences``, ``.costs``, ``.save``).

Layers, lowest first. A module imports only from its own layer or the layers below it, and
the import graph has no cycle (``tests/test_layers.py`` reads this map and checks both).
Data flows one way: YAML -> Scenario -> model -> per-replication records -> KPIs ->
results -> reports and plots.

    base:       version errors vocab fileio simpy_compat
    catalog:    catalog
    input:      schedules days distributions travel problems variants scenario profiles targets
                budgetfile
    paths:      keypaths scenario_view
    fit:        callfile sharefit demandfit durationfit fitinputs fitfragment summaryfit
    draws:      streams dates zones arrivals rosters routing
    engine:     staffing records model
    measure:    costs metrics workforce occupancy
    statistics: compare precision history shiftcover isa frontier goals
    replicate:  replication
    results:    formatting headlines workbook markdown folders results sweep sensitivity
    execute:    checkpoint cluster execute aggregate
    study:      posterior study calibrate sensitivity_study optimize budget
    present:    plots htmlreport pdf fitplots fitreport optimizeplots optimizereport
    api:        api
    cli:        cli __main__
    package:    __init__
"""

from .api import compare, load, optimize, sensitivity, simulate, sweep, vary
from .catalog import metric_catalog
from .errors import HeartSimError, ScenarioError
from .results import Comparison, Results
from .scenario import Scenario
from .version import __version__

__all__ = [
    "Comparison",
    "HeartSimError",
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "load",
    "metric_catalog",
    "optimize",
    "sensitivity",
    "simulate",
    "sweep",
    "vary",
]

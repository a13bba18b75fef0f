"""heart-sim: discrete-event simulation of crisis-response capacity (Durham HEART).

The public API (see ``heart_sim.api``): ``load``, ``simulate``, ``compare``, ``sweep``,
``Results`` (``.summary``, ``.replications``, ``.by_hour``, ``.quantiles``, ``.calls``,
``.save``, ``Results.load``) and ``Comparison`` (``.differences``, ``.costs``, ``.save``).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("heart-sim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

from .api import compare, load, simulate, sweep  # noqa: E402
from .compare import Comparison  # noqa: E402
from .errors import HeartSimError, ScenarioError  # noqa: E402
from .runner import Results  # noqa: E402
from .scenario import Scenario  # noqa: E402

__all__ = [
    "Comparison",
    "HeartSimError",
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "load",
    "simulate",
    "sweep",
]

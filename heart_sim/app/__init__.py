"""The browser app (``heart-sim app``): a what-if workbench over the public API.

Pages, one module each: Scenario (edit a scenario without YAML or open a file, save it as
a file that extends its parent), Run, Compare, Decide (optimize, and budget mode with an
options editor) and Results (every results folder); ``_server`` ties them. Long work runs
in the server's warm worker processes (``_workers``), writing the results folders the CLI
writes (``_jobs``); files are read and written only under the working and results folders
(``_workspace``).
Built on Shiny for Python (``shiny``, the ``[app]`` extra).
"""

from __future__ import annotations

from ._serve import serve
from ._server import make_app

__all__ = ["make_app", "serve"]

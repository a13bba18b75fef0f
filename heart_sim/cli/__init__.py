"""The command line: ``heart-sim`` and its commands. ``_app`` holds the typer app, the
options every command shares and the mapping of errors to exit codes; each other module
is one command group. They are imported here in the order ``heart-sim --help`` lists them."""

from __future__ import annotations

from . import (  # noqa: F401
    _calibrate,
    _fit,
    _folders,
    _optimize,
    _run,
    _scenarios,
    _sensitivity,
    _webapp,
)
from ._app import app

__all__ = ["app"]

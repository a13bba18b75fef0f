"""The command line: ``heart-sim`` and its commands (``cli._app``)."""

from __future__ import annotations

from ._app import app

__all__ = ["app"]

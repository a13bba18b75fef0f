"""The folder of ``heart-sim optimize``: the files an :class:`OptimizeResult` is written
to, and read back from.

Six tables (``FILES``), recommended.yaml, summary.json, optimize.md, the sources and the
manifest, written last so that a folder with a manifest is a finished one. Kept apart from
the search so that reading a folder back needs nothing of the search.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core import StudyError, atomic_write
from ..measure import csv_text
from ..study import MANIFEST, read_manifest, write_sources, writing
from ._markdown import optimize_markdown
from ._result import OptimizeResult

FILES = (
    "requirement.csv",
    "shifts.csv",
    "verification.csv",
    "hourly_check.csv",
    "history.csv",
    "people.csv",
)


def write_optimization(folder: Path, result: OptimizeResult, manifest: dict) -> None:
    """Write the folder (see the module docstring); the manifest last."""
    after = "; every plan simulated is saved: re-run the same command to finish"
    with writing(folder, after):
        (folder / MANIFEST).unlink(missing_ok=True)
        for name, table in zip(
            FILES,
            (
                result.requirement,
                result.shifts,
                result.verification,
                result.hourly_check,
                result.history,
                result.people,
            ),
        ):
            atomic_write(folder / name, csv_text(table))
        atomic_write(folder / "recommended.yaml", result.recommended_yaml)
        write_sources(folder, result.facts["source"])
        atomic_write(
            folder / "summary.json", json.dumps(result.facts, indent=2, default=_json) + "\n"
        )
        atomic_write(folder / "optimize.md", optimize_markdown(result))
        atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")


def _json(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return str(v)


def read_optimization(folder: Path) -> OptimizeResult:
    """Reopen an optimize folder."""
    folder = Path(folder)
    if (read_manifest(folder) or {}).get("kind") != "optimize":
        raise StudyError(f"{folder}: not a heart-sim optimize folder")
    summary = json.loads((folder / "summary.json").read_text())
    req, shifts, verification, hourly, history, staff = (pd.read_csv(folder / n) for n in FILES)
    return OptimizeResult(
        folder,
        summary,
        req,
        shifts,
        verification,
        hourly,
        history,
        staff,
        (folder / "recommended.yaml").read_text(),
        summary.get("notes", []),
    )

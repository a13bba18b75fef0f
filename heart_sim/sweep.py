"""Parameter sweeps: the grid of scenario variants and the tidy table of their results.

``--vary crt.units=1:6`` (integers 1..6), ``--vary demand.multiplier=1:1.5:0.25`` (a range
with a step) or ``--vary ccd.units=1,2,3`` (a list). ``study.sweep`` runs the points, each
with the same seed, checkpointed like any run so a stopped sweep resumes where it was.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from .catalog import shown_in
from .errors import HeartSimError, NotResultsError
from .fileio import atomic_write
from .folders import read_manifest
from .metrics import summarise
from .scenario import Scenario, scenario_from_dict
from .variants import set_path

MAX_POINTS = 10_000


class SweepError(HeartSimError):
    """A --vary option that cannot be understood or applied."""


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise SweepError(f"{text!r} is not a number") from None


def _typed(values: list[Decimal]) -> list[int | float]:
    if all(v == v.to_integral_value() for v in values):
        return [int(v) for v in values]
    return [float(v) for v in values]


def parse_vary(spec: str) -> tuple[str, list[int | float]]:
    """'path=a:b[:step]' or 'path=v1,v2,...' -> (path, values)."""
    if "=" not in spec:
        raise SweepError(f"--vary {spec!r}: expected PATH=VALUES, e.g. crt.units=1:6")
    path, _, rhs = spec.partition("=")
    path = path.strip()
    if not path:
        raise SweepError(f"--vary {spec!r}: empty key path")
    try:
        if ":" in rhs:
            parts = [_number(p) for p in rhs.split(":")]
            if len(parts) not in (2, 3):
                raise SweepError("a range is START:STOP or START:STOP:STEP")
            start, stop = parts[0], parts[1]
            step = parts[2] if len(parts) == 3 else Decimal(1)
            if step <= 0 or stop < start:
                raise SweepError("a range needs STOP >= START and STEP > 0")
            n = int((stop - start) / step) + 1
            if n > MAX_POINTS:
                raise SweepError(f"{n} values; at most {MAX_POINTS}")
            values = [start + i * step for i in range(n)]
        else:
            values = [_number(p) for p in rhs.split(",") if p.strip()]
    except SweepError as err:
        raise SweepError(f"--vary {spec!r}: {err}") from None
    if not values:
        raise SweepError(f"--vary {spec!r}: no values")
    return path, _typed(values)


def grid(varies: list[tuple[str, list[int | float]]]) -> list[dict[str, int | float]]:
    paths = [p for p, _ in varies]
    if len(set(paths)) != len(paths):
        raise SweepError("each key path may be varied once")
    points = [dict(zip(paths, combo)) for combo in itertools.product(*(v for _, v in varies))]
    if len(points) > MAX_POINTS:
        raise SweepError(f"the grid has {len(points)} points; at most {MAX_POINTS}")
    return points


def point_scenario(base: dict[str, Any], point: dict[str, Any], source: str) -> Scenario:
    data = base
    for path, value in point.items():
        try:
            data = set_path(data, path, value)
        except (KeyError, IndexError, ValueError) as err:
            raise SweepError(f"--vary {path}: {err}") from None
    label = ", ".join(f"{k}={v}" for k, v in point.items())
    return scenario_from_dict(data, source=f"{source} with {label}")


@dataclass
class SweepResult:
    folder: Path
    params: list[str]
    table: pd.DataFrame  # one row per grid point: params, then metric, metric_ci_low/high
    ran: int  # grid points simulated in this call (the rest were resumed from disk)


def tidy_row(point: dict[str, Any], replications: pd.DataFrame) -> dict[str, Any]:
    summary = summarise(replications).set_index("metric")
    row: dict[str, Any] = dict(point)
    for m in shown_in("headline"):
        if m in summary.index:
            row[m] = summary.loc[m, "mean"]
            row[f"{m}_ci_low"] = summary.loc[m, "ci_low"]
            row[f"{m}_ci_high"] = summary.loc[m, "ci_high"]
    return row


def sweep_folder(out: Path, name: str) -> Path:
    return Path(out) / f"sweep_{name}"


def write_table(folder: Path, table: pd.DataFrame) -> None:
    atomic_write(folder / "sweep.csv", table.to_csv(index=False, float_format="%.10g"))


def read_sweep(folder: Path) -> tuple[dict, pd.DataFrame, list[str]]:
    """A sweep folder's manifest, its tidy table, and the varied key paths."""
    folder = Path(folder)
    meta = read_manifest(folder)
    if not meta or "varies" not in meta or not (folder / "sweep.csv").is_file():
        raise NotResultsError(f"{folder}: not a finished heart-sim sweep (manifest or sweep.csv)")
    return meta, pd.read_csv(folder / "sweep.csv"), [p for p, _ in meta["varies"]]

"""Parameter sweeps: the grid of scenario variants and the tidy table of their results.

``--vary crt.units=1:6`` (integers 1..6), ``--vary demand.multiplier=1:1.5:0.25`` (a range
with a step) or ``--vary ccd.units=1,2,3`` (a list). ``study.sweep`` runs the points, each
with the same seed, checkpointed like any run so a stopped sweep resumes where it was.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import HeartSimError, NotResultsError, atomic_write
from ..measure import csv_text, shown_in, summarise
from ..scenario import KeyPathError, Scenario, expand, parse_path, scenario_from_dict, set_path
from ._folders import read_manifest
from ._protocol import SavedFolder

MAX_POINTS = 10_000


class SweepError(HeartSimError):
    """A --vary option that cannot be understood or applied."""


LARGEST = Decimal("1e12")  # no scenario number is larger; also keeps Decimal arithmetic cheap


def _number(text: str) -> Decimal:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise SweepError(f"{text.strip()[:40]!r} is not a number") from None
    except ArithmeticError:  # decimal.Overflow: an exponent beyond any use
        raise SweepError(f"{text.strip()[:40]!r} is not a finite number below 1e+12") from None
    if not d.is_finite() or d.adjusted() >= 12:  # compared without arithmetic (no overflow)
        raise SweepError(f"{text.strip()[:40]!r} is not a finite number below {LARGEST:.0e}")
    return d


def _typed(values: list[Decimal]) -> list[int | float]:
    if all(v == v.to_integral_value() for v in values):
        return [int(v) for v in values]
    return [float(v) for v in values]


_NUM = r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*"
_RANGE = re.compile(f"{_NUM}:{_NUM}(:{_NUM})?")
_WORDS = {"true": True, "false": False, "null": None}


def _item(text: str) -> Any:
    """One listed value: a number, true/false/null, or text (``pilot``, ``17:00``)."""
    t = text.strip()
    try:
        Decimal(t)
    except InvalidOperation:
        return _WORDS.get(t.lower(), t)
    except ArithmeticError:
        pass  # a number too large: _number says so
    return _typed([_number(t)])[0]  # a number: finite and of a sensible size


def parse_vary(spec: str) -> tuple[str, list[Any]]:
    """'path=a:b[:step]' (numbers) or 'path=v1,v2,...' (numbers or words) -> (path, values).
    The path is a scenario key path as in the YAML (see ``keypaths``)."""
    if "=" not in spec:
        raise SweepError(
            f"--vary {spec!r}: expected PATH=VALUES, e.g. crt.units=1:6 or "
            "programs.crt.area=pilot,city"
        )
    path, _, rhs = spec.partition("=")
    path = path.strip()
    if not path:
        raise SweepError(f"--vary {spec!r}: empty key path")
    try:
        clock = parse_path(path)[-1] in ("start", "end")  # 17:00 is a time there, not a range
    except KeyPathError as err:
        raise SweepError(f"--vary {err}") from None
    ranged = bool(_RANGE.fullmatch(rhs)) and not clock
    try:
        values = _range_values(rhs) if ranged else _listed_values(rhs)
    except SweepError as err:
        raise SweepError(f"--vary {spec!r}: {err}") from None
    if not values:
        raise SweepError(f"--vary {spec!r}: no values")
    return path, values


def _range_values(rhs: str) -> list[int | float]:
    """'START:STOP[:STEP]' -> START, START + STEP, ... up to STOP (at most MAX_POINTS)."""
    parts = [_number(p) for p in rhs.split(":")]
    start, stop = parts[0], parts[1]
    step = parts[2] if len(parts) == 3 else Decimal(1)
    if step <= 0 or stop < start:
        raise SweepError("a range needs STOP >= START and STEP > 0")
    n = int((stop - start) / step) + 1
    if n > MAX_POINTS:
        raise SweepError(f"{n} values; at most {MAX_POINTS}")
    return _typed([start + i * step for i in range(n)])


def _listed_values(rhs: str) -> list[Any]:
    """'v1,v2,...' -> the values (``_item``); all numbers are all int or all float."""
    items = [p for p in rhs.split(",") if p.strip()]
    values = [_item(p) for p in items]
    if values and all(type(v) in (int, float) for v in values):
        return _typed([_number(p) for p in items])
    return values


def path_reach(path: str) -> tuple[Any, ...]:
    """What a key path sets, written one way: the shorthands expanded, ``<program>.units``
    as every shift's units (``*`` matching any shift)."""
    parts = expand(parse_path(path))
    if len(parts) == 3 and parts[0] == "programs" and parts[2] == "units":
        return ("programs", parts[1], "shifts", "*", "units")
    return parts


def paths_overlap(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    n = min(len(a), len(b))
    return all(x == y or "*" in (x, y) for x, y in zip(a[:n], b[:n]))


def grid(varies: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    paths = [p for p, _ in varies]
    for i, a in enumerate(paths):
        for b in paths[:i]:
            if paths_overlap(path_reach(a), path_reach(b)):
                raise SweepError(
                    f"--vary {b} and --vary {a} set the same key: each key may be varied once"
                )
    for path, values in varies:
        first = parse_path(path)[0]
        if first in ("seed", "name"):
            why = {
                "seed": "every point runs with the sweep's seed (common random numbers); "
                "use --seed",
                "name": "every point keeps the scenario's name",
            }[str(first)]
            raise SweepError(f"--vary {path}: cannot be swept: {why}")
        twice = [v for i, v in enumerate(values) if v in values[:i]]
        if twice:
            raise SweepError(f"--vary {path}: {twice[0]!r} is listed twice")
    points = [dict(zip(paths, combo)) for combo in itertools.product(*(v for _, v in varies))]
    if len(points) > MAX_POINTS:
        raise SweepError(f"the grid has {len(points)} points; at most {MAX_POINTS}")
    return points


def point_scenario(base: dict[str, Any], point: dict[str, Any], source: str) -> Scenario:
    data = base
    for path, value in point.items():
        try:
            data = set_path(data, path, value)
        except KeyPathError as err:
            raise SweepError(f"--vary {err}") from None
    label = ", ".join(f"{k}={v}" for k, v in point.items())
    return scenario_from_dict(data, source=f"{source} with {label}")


@dataclass
class SweepResult(SavedFolder):
    """A grid over key paths; ``table`` (also ``summary``) has one row per grid point."""

    folder: Path | None  # None: the study wrote to a temporary folder (out=None)
    params: list[str]
    table: pd.DataFrame  # one row per grid point: params, then metric, metric_ci_low/high
    ran: int  # grid points simulated in this call (the rest were resumed from disk)
    notes: list[str] = field(default_factory=list)
    resumed: int = 0  # replications taken from checkpoints (whole points and partial ones)

    @property
    def summary(self) -> pd.DataFrame:
        return self.table

    def heading(self) -> str:
        return f"Sweep over {', '.join(self.params)}: {len(self.table)} grid points"


def tidy_row(point: dict[str, Any], replications: pd.DataFrame) -> dict[str, Any]:
    summary = summarise(replications).set_index("metric")
    row: dict[str, Any] = dict(point)
    for m in shown_in("headline"):
        if m in summary.index:
            row[m] = summary.loc[m, "mean"]
            row[f"{m}_ci_low"] = summary.loc[m, "ci_low"]
            row[f"{m}_ci_high"] = summary.loc[m, "ci_high"]
    return row


def sweep_stem(name: str) -> str:
    return f"sweep_{name}"


def write_table(folder: Path, table: pd.DataFrame) -> None:
    atomic_write(folder / "sweep.csv", csv_text(table))


def read_sweep(folder: Path) -> tuple[dict, pd.DataFrame, list[str]]:
    """A sweep folder's manifest, its tidy table, and the varied key paths."""
    folder = Path(folder)
    meta = read_manifest(folder)
    if not meta or "varies" not in meta or not (folder / "sweep.csv").is_file():
        raise NotResultsError(f"{folder}: not a finished heart-sim sweep (manifest or sweep.csv)")
    return meta, pd.read_csv(folder / "sweep.csv"), [p for p, _ in meta["varies"]]

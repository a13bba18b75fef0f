"""Parameter sweeps: a grid of scenario variants, each run with the same seed, resumable.

``--vary crt.units=1:6`` (integers 1..6), ``--vary demand.multiplier=1:1.5:0.25`` (a range
with a step) or ``--vary ccd.units=1,2,3`` (a list). Each finished grid point is saved as
its own file, written atomically, so a sweep stopped and rerun with the same arguments
continues where it left off.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .errors import HeartSimError, ResultsExistError
from .metrics import HEADLINE, summarise
from .report import atomic_write
from .runner import run_many
from .scenario import Scenario, scenario_from_dict, scenario_hash
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


def _point_key(point: dict[str, Any]) -> str:
    text = json.dumps(point, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class SweepResult:
    folder: Path
    params: list[str]
    table: pd.DataFrame  # one row per grid point: params, then metric, metric_ci_low/high
    ran: int  # grid points simulated in this call (the rest were resumed from disk)


def tidy_row(point: dict[str, Any], replications: pd.DataFrame) -> dict[str, Any]:
    summary = summarise(replications).set_index("metric")
    row: dict[str, Any] = dict(point)
    for m in HEADLINE:
        if m in summary.index:
            row[m] = summary.loc[m, "mean"]
            row[f"{m}_ci_low"] = summary.loc[m, "ci_low"]
            row[f"{m}_ci_high"] = summary.loc[m, "ci_high"]
    return row


def run_sweep(
    base: dict[str, Any],
    source: str,
    varies: list[tuple[str, list[int | float]]],
    out: Path,
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    dask: str | None = None,
) -> SweepResult:
    """Run every grid point (reusing points already on disk) and write sweep.csv."""
    points = grid(varies)
    scenarios = [point_scenario(base, p, source) for p in points]  # validate all up front
    name = scenarios[0].name
    seed = scenarios[0].seed if seed is None else seed
    folder = Path(out) / f"sweep_{name}"
    manifest = {
        "scenario": name,
        "scenario_hash": scenario_hash(scenario_from_dict(base, source=source)),
        "varies": [[p, v] for p, v in varies],
        "reps": reps,
        "seed": seed,
        "heart_sim_version": __version__,
    }
    mpath = folder / "manifest.json"
    if mpath.exists():
        old = json.loads(mpath.read_text())
        if old != manifest:
            if not force:
                raise ResultsExistError(
                    f"{folder}: holds a sweep with other arguments; rerun with the same "
                    "arguments to resume, choose another --out, or pass --force"
                )
            for f in (folder / "points").glob("*.json"):
                f.unlink()
    atomic_write(mpath, json.dumps(manifest, indent=2) + "\n")
    ckpt_paths = [folder / "points" / f"{_point_key(p)}.json" for p in points]

    def save_point(j: int, result) -> None:
        # JSON keeps every float exactly (repr round-trips), so resumed == fresh.
        reps_df = result.replications
        atomic_write(
            ckpt_paths[todo[j]],
            json.dumps({"point": points[todo[j]], **reps_df.to_dict(orient="list")}),
        )

    todo = [i for i, path in enumerate(ckpt_paths) if not path.exists()]
    done_before = len(points) - len(todo)
    finished = [done_before]

    def point_done(j: int, result) -> None:
        save_point(j, result)
        finished[0] += 1
        if progress:
            progress(finished[0], len(points))

    if progress and done_before:
        progress(done_before, len(points))
    run_many([(scenarios[i], seed) for i in todo], reps, jobs=jobs, dask=dask, on_done=point_done)
    rows = []
    for point, path in zip(points, ckpt_paths):
        stored = json.loads(path.read_text())
        stored.pop("point")
        rows.append(tidy_row(point, pd.DataFrame(stored)))
    ran = len(todo)
    table = pd.DataFrame(rows)
    atomic_write(folder / "sweep.csv", table.to_csv(index=False, float_format="%.10g"))
    return SweepResult(folder, [p for p, _ in varies], table, ran)

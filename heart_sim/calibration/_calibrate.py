"""``heart-sim calibrate``: history-match a scenario's unknowns to published figures.

The scenario's ``calibration:`` block declares the unknowns (key paths and ranges); a
targets file gives the figures (``calibration._targets``). Wave by wave (``calibration._history``
has the statistics), points are sampled from the space still open, each simulated with
``reps`` replications under common random numbers, judged against every target, and the
space left is what the next wave samples. The folder ``out/calibrate_<name>-<key>/`` gets:

- ``calibration.csv``: every point simulated: wave, the unknowns' values (columns named by
  key path), each target's simulated mean, sd and implausibility, the largest, and ``nroy``;
- ``posterior.csv``: the non-implausible points' values only, for ``--posterior``;
- ``waves.csv``: per wave and unknown, the box sampled and the non-implausible range;
- ``conflicts.csv``: per pair of targets, how many points meet each and both;
- ``identifiability.csv``: per unknown, how much the targets narrowed it, in words;
- ``calibrated.yaml``: the least implausible point as a scenario that ``extends:`` the input;
- ``summary.json``, ``calibration.md`` and the manifest (written last).

Points are checkpointed like a sweep's, so an interrupted calibration resumes; the waves
are deterministic given the seed, so a rerun samples the same points and reuses them.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..core import HeartSimError, StudyError, __version__, atomic_write
from ..measure import csv_text
from ..scenario import (
    KeyPathError,
    Scenario,
    minimal_changes,
    scenario_from_dict,
    scenario_hash,
    set_path,
)
from ..study import (
    MANIFEST,
    Checkpoints,
    Progress,
    SavedFolder,
    StudyJob,
    check_run_size,
    claim,
    execute_jobs,
    extends_from,
    published,
    read_manifest,
    writing,
)
from ._history import (
    CANDIDATES_PER_POINT,
    CUTOFF,
    Emulator,
    Space,
    identifiability,
    implausibility,
    latin_hypercube,
    open_box,
    screened,
    target_conflicts,
)
from ._targets import Targets

POINTS, REPS, WAVES = 40, 3, 4
STOP_SHARE = 0.8  # a wave whose points are this often non-implausible ends the search


class CalibrationError(StudyError):
    """A calibration that cannot start: no unknowns, a bad key path or range."""


@dataclass
class CalibrationResult(SavedFolder):
    """What ``calibrate`` found; the tables are those of the folder's CSV files, ``facts``
    what summary.json holds, ``summary`` one row per unknown (its prior range, what the
    targets left of it and the least implausible point's value)."""

    folder: Path | None  # None: the study wrote to a temporary folder (out=None)
    paths: list[str]
    points: pd.DataFrame
    waves: pd.DataFrame
    conflicts: pd.DataFrame
    identifiability: pd.DataFrame
    best: dict[str, Any] | None
    facts: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> pd.DataFrame:
        best = self.best or {}
        return self.identifiability.assign(best=[best.get(p, math.nan) for p in self.paths])

    def heading(self) -> str:
        f = self.facts
        return (
            f"Calibration of {f.get('scenario', '')} against {f.get('targets', '')}: "
            f"{f.get('nroy_points', 0)} of {f.get('points', 0)} points not ruled out"
        )

    @property
    def posterior(self) -> pd.DataFrame:
        """The non-implausible points' values (key path columns)."""
        return self.points.loc[self.points["nroy"], self.paths].reset_index(drop=True)


def _point(full: dict, change: dict[str, Any], source: str) -> Scenario:
    data = full
    for path, value in change.items():
        data = set_path(data, path, value)
    label = ", ".join(f"{k}={v}" for k, v in change.items())
    return scenario_from_dict(data, source=f"{source} with {label}")


def _check_unknowns(base: Scenario, full: dict, source: str) -> Space:
    """The unknowns, each key path tried at both ends of its range before anything runs."""
    if not base.calibration:
        raise CalibrationError(
            f"{source}: no calibration: block; declare the unknowns as key path: "
            "{low: ..., high: ...} (see the README, heart-sim calibrate)"
        )
    space = Space.of(base.calibration)
    for path, k in base.calibration.items():
        for value in (k.low, k.high):
            v: float | int = int(value) if k.integer else value
            try:
                _point(full, {path: v}, source)
            except KeyPathError as err:
                raise CalibrationError(f"{source}: calibration.{err}") from None
            except HeartSimError as err:  # a ScenarioError: the value is not allowed there
                first = str(err).splitlines()[0]
                raise CalibrationError(f"calibration.{path} = {v:g}: {first}") from None
    return space


def calibration_manifest(
    base: Scenario, targets: Targets, seed: int, settings: dict[str, Any]
) -> dict[str, Any]:
    assert base.calibration is not None
    return {
        "kind": "calibration",
        "scenario": base.name,
        "scenario_hash": scenario_hash(base),
        "unknowns": {p: k.model_dump() for p, k in base.calibration.items()},
        "targets": targets.model_dump(),
        "seed": seed,
        **settings,
        "heart_sim_version": __version__,
    }


def calibrate(
    base_data: dict[str, Any],
    source: str,
    targets: Targets,
    out: Path | str,
    points: int = POINTS,
    reps: int = REPS,
    waves: int = WAVES,
    seed: int | None = None,
    cutoff: float = CUTOFF,
    *,
    extends: str | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> CalibrationResult:
    """History-match the unknowns of ``base_data`` (its ``calibration:`` block) to
    ``targets``; ``extends`` is what calibrated.yaml extends (the input's path or name)."""
    if points < 4 or reps < 2 or waves < 1:
        raise CalibrationError("calibrate needs at least 4 points a wave, 2 replications, 1 wave")
    base = scenario_from_dict(base_data, source=source)
    full = base.model_dump(mode="json")
    space = _check_unknowns(base, full, source)
    seed = base.seed if seed is None else seed
    if not force:
        check_run_size([base], points * waves * reps)
    settings = {"points": points, "reps": reps, "waves": waves, "cutoff": cutoff}
    manifest = calibration_manifest(base, targets, seed, settings)
    notes: list[str] = []
    with (
        published(Path(out), f"calibrate_{base.name}", manifest, notes, "calibration") as folder,
        claim(folder, manifest, force),
    ):
        if read_manifest(folder) == manifest and (folder / "summary.json").is_file():
            return read_calibration(folder)  # finished before with these very inputs
        started = time.perf_counter()
        run = _Waves(base, full, source, space, targets, folder, seed, reps, cutoff)
        run.go(points, waves, jobs, dask, progress)
        result = run.result(extends or source, notes)
        result.facts["seconds"] = round(time.perf_counter() - started, 1)
        _write(folder, result, manifest)
        Checkpoints(folder, base, seed).clear()
    return result


class _Waves:
    """The state of a calibration between waves."""

    def __init__(
        self,
        base: Scenario,
        full: dict,
        source: str,
        space: Space,
        targets: Targets,
        folder: Path,
        seed: int,
        reps: int,
        cutoff: float,
    ):
        self.base, self.full, self.source, self.space = base, full, source, space
        self.targets, self.folder, self.seed, self.reps, self.cutoff = (
            targets,
            folder,
            seed,
            reps,
            cutoff,
        )
        self.u = np.empty((0, space.dim))
        self.means = np.empty((0, len(targets.targets)))
        self.vars = np.empty((0, len(targets.targets)))
        self.wave_of: list[int] = []
        self.boxes: list[tuple[np.ndarray, np.ndarray]] = []
        self.simulated = 0
        self.resumed = 0
        self.open_share: dict[int, float] = {1: 1.0}  # share of the cube still open, by wave
        self.stopped = ""

    @property
    def imp(self) -> np.ndarray:
        return implausibility(self.targets, self.means, self.vars, self.reps)

    @property
    def nroy(self) -> np.ndarray:
        return np.asarray((self.imp <= self.cutoff).all(axis=1))

    def go(
        self, points: int, waves: int, jobs: int, dask: str | None, progress: Progress | None
    ) -> None:
        d = self.space.dim
        for w in range(1, waves + 1):
            if w == 1:
                box = (np.zeros(d), np.ones(d))
                chosen = latin_hypercube(d, points, self.seed, *box)
            else:
                # Refocus: the points not far from the targets (I within twice the cutoff)
                # bound the next box and train the emulator, which is more accurate there
                # than one fitted to the whole prior space.
                worst = self.imp.max(axis=1)
                near = worst <= 2 * self.cutoff
                if not Emulator.can_fit(int(near.sum()), d):  # too few: the best quarter
                    keep = max(len(worst) // 4, min(len(worst), 1 + d + d * (d + 1) // 2 + 5))
                    near = worst <= np.sort(worst)[keep - 1]
                box = open_box(self.u[near])
                fit = Emulator.can_fit(int(near.sum()), d)
                em = Emulator(self.u[near], self.means[near]) if fit else None
                cand = latin_hypercube(d, points * CANDIDATES_PER_POINT, self.seed + w, *box)
                kept = screened(
                    em, self.targets, self.vars, cand, len(cand), self.reps, self.cutoff
                )
                chosen = kept[:points]  # the first the emulator keeps, in design order
                self.open_share[w] = len(kept) / len(cand) * float(np.prod(box[1] - box[0]))
                if len(chosen) < max(4, points // 4):
                    # The emulator rules out (nearly) all of the box: simulate a few anyway,
                    # so that the verdict rests on simulations, not on the emulator.
                    chosen = np.vstack([chosen, cand[: max(4, points // 4) - len(chosen)]])
            self.boxes.append(box)
            self._simulate(w, chosen, jobs, dask, progress)
            nroy = self.nroy
            share = nroy[np.array(self.wave_of) == w].mean()
            # Stop when the space left stops shrinking: the share of the whole cube the
            # emulator keeps open is about that of the wave before, and the wave's points
            # are mostly non-implausible (the emulator is right about what it keeps).
            shrink = w > 2 and self.open_share[w] >= STOP_SHARE * self.open_share[w - 1]
            if shrink and share >= STOP_SHARE:
                self.stopped = (
                    f"wave {w}: the space still open ({self.open_share[w]:.1%} of the ranges) "
                    f"shrank little from wave {w - 1} and {share:.0%} of its points are "
                    "non-implausible"
                )
                break
        else:
            found = "" if self.nroy.any() else "; no point is non-implausible for every target"
            self.stopped = f"the {waves} waves asked for were run{found}"

    def _simulate(
        self, w: int, u: np.ndarray, jobs: int, dask: str | None, progress: Progress | None
    ) -> None:
        values = self.space.values(u)
        scenarios = [_point(self.full, self.space.change(v), self.source) for v in values]
        ckpts = [Checkpoints(self.folder, sc, self.seed) for sc in scenarios]
        label = f"wave {w}"
        done = [0]

        def point_done(_j: int, _result: Any) -> None:
            done[0] += 1
            if progress:
                progress(label, done[0], len(scenarios))

        job_list = [StudyJob(sc, self.seed, c) for sc, c in zip(scenarios, ckpts)]
        results = execute_jobs(job_list, self.reps, jobs, dask, on_done=point_done)
        names = self.targets.metrics()
        means = np.array([[r.replications[m].mean() for m in names] for r in results])
        var = np.array([[r.replications[m].var(ddof=1) for m in names] for r in results])
        self.u = np.vstack([self.u, self.space.units(values)])
        self.means = np.vstack([self.means, means])
        self.vars = np.vstack([self.vars, var])
        self.wave_of += [w] * len(results)
        self.resumed += sum(r.resumed for r in results)
        self.simulated += len(results) * self.reps

    def result(self, extends: str, notes: list[str]) -> CalibrationResult:
        imp, nroy = self.imp, self.nroy
        names = self.targets.metrics()
        values = self.space.values(self.u)
        rows = pd.DataFrame({"wave": self.wave_of, "point": range(len(self.wave_of))})
        for j, p in enumerate(self.space.paths):
            k = self.space.unknowns[j]
            rows[p] = np.round(values[:, j]).astype(int) if k.integer else values[:, j]
        for i, m in enumerate(names):
            rows[m] = self.means[:, i]
            rows[f"{m}_sd"] = np.sqrt(self.vars[:, i])
            rows[f"{m}_I"] = imp[:, i]
        rows["max_I"] = imp.max(axis=1)
        rows["nroy"] = nroy
        waves = self._waves_table(values, nroy)
        conflicts = target_conflicts(imp, names, self.cutoff)
        ratio, words = (
            identifiability(self.u[nroy])
            if nroy.any()
            else (
                np.full(self.space.dim, math.nan),
                ["no point left"] * self.space.dim,
            )
        )
        ident = pd.DataFrame(
            {
                "unknown": self.space.paths,
                "prior_low": [k.low for k in self.space.unknowns],
                "prior_high": [k.high for k in self.space.unknowns],
                "nroy_low": values[nroy].min(axis=0) if nroy.any() else math.nan,
                "nroy_high": values[nroy].max(axis=0) if nroy.any() else math.nan,
                "spread_vs_prior": ratio,
                "verdict": words,
            }
        )
        best_i = int(np.argmin(imp.max(axis=1)))
        best = {p: rows.loc[best_i, p] for p in self.space.paths}
        met_alone = {m: bool((imp[:, i] <= self.cutoff).any()) for i, m in enumerate(names)}
        never = [m for m, ok in met_alone.items() if not ok]
        together = conflicts[
            (conflicts.points_a > 0) & (conflicts.points_b > 0) & (conflicts.points_both == 0)
        ]
        summary = {
            "scenario": self.base.name,
            "targets": self.targets.name,
            "points": len(rows),
            "nroy_points": int(nroy.sum()),
            "waves_run": max(self.wave_of),
            "stopped": self.stopped,
            "simulations": self.simulated,
            "resumed_replications": self.resumed,
            "cutoff": self.cutoff,
            "targets_never_met": never,
            "pairs_never_met_together": [
                [a, b] for a, b in zip(together.target_a, together.target_b)
            ],
            "all_met_together": bool(nroy.any()),
            "best_point": {k: (v.item() if hasattr(v, "item") else v) for k, v in best.items()},
            "best_max_I": float(imp.max(axis=1)[best_i]),
            "best_is_non_implausible": bool(nroy[best_i]),
            "identifiability": dict(zip(self.space.paths, words)),
            "target_bands": [
                {
                    "metric": t.metric,
                    "value": t.centre,
                    "sd_total": float(np.sqrt(t.variance() + np.nanmedian(self.vars[:, i]))),
                    "source": t.source,
                }
                for i, t in enumerate(self.targets.targets)
            ],
        }
        result = CalibrationResult(
            self.folder, list(self.space.paths), rows, waves, conflicts, ident, best, summary, notes
        )
        result.facts["calibrated_yaml"] = _calibrated_yaml(
            self.base, self.full, self.source, best, extends, self.folder, summary
        )
        return result

    def _waves_table(self, values: np.ndarray, nroy: np.ndarray) -> pd.DataFrame:
        rows = []
        wave = np.array(self.wave_of)
        for w, (lo, hi) in enumerate(self.boxes, 1):
            box_lo, box_hi = self.space.values(lo)[0], self.space.values(hi)[0]
            here = wave == w
            for j, p in enumerate(self.space.paths):
                ok = values[here & nroy, j]
                rows.append(
                    {
                        "wave": w,
                        "unknown": p,
                        "sampled_low": box_lo[j],
                        "sampled_high": box_hi[j],
                        "points": int(here.sum()),
                        "nroy_points": int((here & nroy).sum()),
                        "nroy_low": ok.min() if ok.size else math.nan,
                        "nroy_high": ok.max() if ok.size else math.nan,
                        "open_share": self.open_share.get(w, math.nan),
                    }
                )
        return pd.DataFrame(rows)


def _calibrated_yaml(
    base: Scenario,
    full: dict,
    source: str,
    best: dict[str, Any],
    extends: str,
    folder: Path,
    summary: dict[str, Any],
) -> str:
    """calibrated.yaml: the least implausible point as a scenario extending the input."""
    point = _point(
        full, {k: (v.item() if hasattr(v, "item") else v) for k, v in best.items()}, source
    )
    changes = minimal_changes(full, point.model_dump(mode="json"))
    parent = extends_from(folder, extends)
    verdict = (
        "non-implausible for every target"
        if summary["best_is_non_implausible"]
        else "the least implausible point found, but implausible for at least one target"
    )
    head = (
        f"# Calibrated by heart-sim calibrate ({__version__}) against {summary['targets']}:\n"
        f"# the point of {summary['points']} simulated with the smallest largest\n"
        f"# implausibility ({summary['best_max_I']:.2f}; {verdict}).\n"
        "# Derived: see calibration.md beside this file for the ranges still open.\n"
    )
    body = {
        "extends": parent,
        "name": f"{base.name}_calibrated",
        "description": f"{base.name} at the calibrated point (heart-sim calibrate).",
        **changes,
    }
    text = head + yaml.safe_dump(body, sort_keys=False)
    return text


def _write(folder: Path, result: CalibrationResult, manifest: dict) -> None:
    after = "; every point is saved: re-run the same command to finish"
    with writing(folder, after):
        (folder / MANIFEST).unlink(missing_ok=True)
        atomic_write(folder / "calibration.csv", csv_text(result.points))
        atomic_write(folder / "posterior.csv", csv_text(result.posterior))
        atomic_write(folder / "waves.csv", csv_text(result.waves))
        atomic_write(folder / "conflicts.csv", csv_text(result.conflicts))
        atomic_write(folder / "identifiability.csv", csv_text(result.identifiability))
        atomic_write(folder / "calibrated.yaml", result.facts["calibrated_yaml"])
        summary = {k: v for k, v in result.facts.items() if k != "calibrated_yaml"}
        atomic_write(folder / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
        atomic_write(folder / "calibration.md", calibration_markdown(result))
        atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")


def read_calibration(folder: Path) -> CalibrationResult:
    """Reopen a calibration folder."""
    folder = Path(folder)
    if (read_manifest(folder) or {}).get("kind") != "calibration":
        raise StudyError(f"{folder}: not a heart-sim calibration folder")
    summary = json.loads((folder / "summary.json").read_text())
    ident = pd.read_csv(folder / "identifiability.csv")
    return CalibrationResult(
        folder,
        list(ident["unknown"]),
        pd.read_csv(folder / "calibration.csv"),
        pd.read_csv(folder / "waves.csv"),
        pd.read_csv(folder / "conflicts.csv"),
        ident,
        summary.get("best_point"),
        summary,
    )


def calibration_markdown(result: CalibrationResult) -> str:
    """calibration.md: what the calibration found, in words and tables."""
    s = result.facts
    lines = [
        f"# Calibration of {s['scenario']} against {s['targets']}",
        "",
        f"History matching: {s['points']} points in {s['waves_run']} wave(s), "
        f"{s['simulations']} replications simulated; stopped because {s['stopped']}. A point "
        f"is ruled out when a target's implausibility exceeds {s['cutoff']:g} (three-sigma "
        "rule).",
        "",
        f"- Non-implausible points: {s['nroy_points']} of {s['points']} (posterior.csv).",
    ]
    if s["targets_never_met"]:
        lines.append(
            "- Targets no point meets, even alone: " + ", ".join(s["targets_never_met"]) + "."
        )
    if s["pairs_never_met_together"]:
        pairs = "; ".join(f"{a} with {b}" for a, b in s["pairs_never_met_together"])
        lines.append(
            f"- Targets met alone but never together by any of the {s['points']} points "
            f"simulated: {pairs}."
        )
    if s["nroy_points"]:
        lines.append("- Every target is met, all together, at the non-implausible points.")
    elif not s["targets_never_met"] and not s["pairs_never_met_together"]:
        lines.append(
            f"- Every target and every pair of targets is met at some point, but none of the "
            f"{s['points']} points simulated meets all of them together."
        )
    lines.append(
        f"- Best point (largest implausibility {s['best_max_I']:.2f}): "
        + ", ".join(
            f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}"
            for k, v in s["best_point"].items()
        )
        + " (calibrated.yaml)."
    )
    lines += [
        "",
        "## What the targets pin down",
        "",
        "| unknown | prior | non-implausible range | spread vs prior | verdict |",
        "|---|---|---|---|---|",
    ]
    for r in result.identifiability.to_dict("records"):
        lines.append(
            f"| {r['unknown']} | {r['prior_low']:g} - {r['prior_high']:g} | "
            f"{r['nroy_low']:.4g} - {r['nroy_high']:.4g} | {r['spread_vs_prior']:.2f} | "
            f"{r['verdict']} |"
        )
    lines += ["", "## Targets", "", "| target | points meeting it |", "|---|---|"]
    names = [
        c.removesuffix("_I") for c in result.points.columns if c.endswith("_I") and c != "max_I"
    ]
    for m in names:
        met = int((result.points[f"{m}_I"] <= s["cutoff"]).sum())
        lines.append(f"| {m} | {met} of {s['points']} |")
    lines.append("")
    return "\n".join(lines)

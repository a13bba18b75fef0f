"""What the answer depends on: global sensitivity over a scenario's declared unknowns.

A scenario's ``calibration:`` block says what is unknown: key path -> range (and a prior
shape). Here are the pure parts of ``heart-sim sensitivity`` (``sensitivity_study`` runs
them): the design over those ranges, the indices of each measure, the ranking and the
sentences that say it, and the files of a sensitivity folder.

Two methods, both through SALib (Herman & Usher, JOSS 2017):

* **Morris** (elementary effects; the default, cheap): ``r`` trajectories of ``k + 1``
  points on a 4-level grid, each step moving one unknown by 2/3 of its range. An
  elementary effect is the change in a measure per step, scaled to the whole range, so
  ``mu_star`` (the mean of its absolute values; Campolongo, Cariboni & Saltelli 2007) reads
  as "moving this unknown from one end of its range to the other changes the measure by
  about this much", in the measure's own unit; ``sigma`` (their spread) is large when the
  effect depends on the other unknowns (interactions) or is not linear; ``mu_star_conf``
  is the half-width of a bootstrap 95% interval.
* **Sobol** (variance-based; Saltelli's scheme, ``N (k + 2)`` points): ``S1`` is the share
  of the measure's variance over the ranges due to the unknown alone, ``ST`` the share it
  has a part in (with its interactions), each with a bootstrap 95% half-width.

Priors: ``uniform`` unknowns are sampled evenly over [low, high], ``loguniform`` ones
evenly in log space. An ``integer`` unknown is drawn over [low - 1/2, high + 1/2] and
rounded, so every whole number of the range is equally likely; its elementary effects are
divided by the step actually run (SALib's analyzer divides by the nominal step, which
rounding changes: for units 1-3 a nominal step of 1.33 units is a step of 1 or 2), and
otherwise equal SALib's (``tests/calibration/test_sensitivity.py`` checks).

Every design point runs the same seed (common random numbers), so an unknown that cannot
change a measure (the police hours per call and the CRT response time) gets exactly zero,
not noise.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy.stats import norm

from ..core import (
    HeartSimError,
    NotResultsError,
    ScenarioError,
    __version__,
    atomic_write,
    did_you_mean,
)
from ..measure import CATALOG, csv_text, fmt_value, header, metric, shown_in
from ..scenario import KeyPathError, Scenario, Unknown, expand, parse_path, scenario_hash, vary
from ..study import MANIFEST, SavedFolder, path_reach, paths_overlap, read_manifest

Method = Literal["morris", "sobol"]
METHODS: tuple[Method, ...] = ("morris", "sobol")
LEVELS = 4  # Morris grid levels (SALib's default; each step is 2/3 of a range)
RESAMPLES = 1000  # bootstrap resamples for the 95% half-widths
CONF_LEVEL = 0.95
DEFAULT_TRAJECTORIES = 10
DEFAULT_SAMPLES = 64
MAX_POINTS = 100_000
# The columns of indices.csv, by method: the importance (what ranks), its half-width, more.
COLUMNS: dict[str, tuple[str, ...]] = {
    "morris": ("mu_star", "mu_star_conf", "sigma", "mu"),
    "sobol": ("ST", "ST_conf", "S1", "S1_conf"),
}
IMPORTANCE = {"morris": "mu_star", "sobol": "ST"}
HEADINGS = {  # the columns as tables for people head them
    "mu_star": "mu*",
    "mu_star_conf": "mu* ± (95%)",
    "sigma": "sigma",
    "mu": "mu (with sign)",
    "ST": "ST",
    "ST_conf": "ST ± (95%)",
    "S1": "S1",
    "S1_conf": "S1 ± (95%)",
}
LITTLE = 0.05  # an effect under this share of the largest "matters little"

FILES = ("design.csv", "indices.csv", "unknowns.csv")


class SensitivityError(HeartSimError):
    """A sensitivity analysis that cannot be run as asked (no unknowns, a bad key path)."""


def default_metrics() -> list[str]:
    """The measures analysed unless others are asked for: the headline cards' ones."""
    return list(shown_in("precision"))


def check_metrics(names: list[str] | None) -> list[str]:
    """The measures to analyse (the default list when none are given); an unknown name
    gets a 'did you mean' from the catalog's run metrics."""
    if not names:
        return default_metrics()
    run_metrics = sorted(n for n, m in CATALOG.items() if m.kind == "run")
    for n in names:
        if n not in run_metrics:
            raise SensitivityError(f"--metric {n}: {did_you_mean(n, run_metrics)}")
    return list(dict.fromkeys(names))


# --- the unknowns ----------------------------------------------------------------------


def _whole(u: Unknown, x: float) -> int | float:
    return int(round(x)) if u.integer else float(x)


def check_unknowns(scenario: Scenario) -> dict[str, Unknown]:
    """The scenario's unknowns, each key path checked by setting it to its low and its
    high value (``keypaths.vary``): a path that leads nowhere or a range the scenario
    cannot take is an error now, not after hours of simulation."""
    where = f"scenario {scenario.name!r}"
    if not scenario.calibration:
        raise SensitivityError(
            f"{where} has no calibration: block: declare the unknowns to analyse, e.g. "
            "calibration: {programs.crt.patience_min: {low: 10, high: 60}}"
        )
    unknowns = dict(scenario.calibration)
    paths = list(unknowns)
    for i, a in enumerate(paths):
        try:
            first = parse_path(a)[0]
        except KeyPathError as err:
            raise SensitivityError(f"{where}: calibration: {err}") from None
        if first in ("seed", "name"):
            raise SensitivityError(f"{where}: calibration: {a}: the {first} is not an unknown")
        for b in paths[:i]:
            if paths_overlap(path_reach(a), path_reach(b)):
                raise SensitivityError(
                    f"{where}: calibration: {b} and {a} set the same key: declare it once"
                )
    for path, u in unknowns.items():
        for end, x in (("low", u.low), ("high", u.high)):
            try:
                vary(scenario, {path: _whole(u, x)}, name=scenario.name)
            except KeyPathError as err:
                raise SensitivityError(f"{where}: calibration: {err}") from None
            except ScenarioError as err:
                _, key, why = err.problems[0]
                raise SensitivityError(
                    f"{where}: calibration: {path} at its {end} value {x:g}: {key}: {why}"
                ) from None
    return unknowns


def base_value(scenario: Scenario, path: str) -> Any:
    """The value the scenario itself gives the key at ``path`` (None if it sets none)."""
    parts = expand(parse_path(path))
    node: Any = scenario.model_dump(mode="json")
    if len(parts) == 3 and parts[0] == "programs" and parts[2] == "units":
        shifts = node.get("programs", {}).get(parts[1], {}).get("shifts") or []
        units = sorted({s["units"] for s in shifts})
        return units[0] if len(units) == 1 else units or None
    for part in parts:
        if isinstance(node, dict) and isinstance(part, int) and str(part) in node:
            part = str(part)
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_list or (isinstance(node, dict) and part in node)):
            return None
        node = node[part]
    return node


def unknowns_table(scenario: Scenario, unknowns: dict[str, Unknown]) -> pd.DataFrame:
    """One row per unknown: key path, range, prior, integer, the scenario's own value, note."""
    return pd.DataFrame(
        [
            {
                "parameter": p,
                "low": _whole(u, u.low),
                "high": _whole(u, u.high),
                "prior": u.prior,
                "integer": u.integer,
                "base": json.dumps(base_value(scenario, p)),
                "note": u.note,
            }
            for p, u in unknowns.items()
        ]
    )


# --- the design -------------------------------------------------------------------------


def _problem(k: int) -> dict[str, Any]:
    """SALib's problem over the unit cube: values are mapped to the ranges afterwards, so
    the priors and integers are heart-sim's, not SALib's."""
    return {"num_vars": k, "names": [f"x{i}" for i in range(k)], "bounds": [[0.0, 1.0]] * k}


def design_size(method: Method, n: int, k: int) -> int:
    return n * (k + 1) if method == "morris" else n * (k + 2)


def unit_design(method: Method, n: int, k: int, seed: int) -> np.ndarray:
    """The design in the unit cube: Morris trajectories (``n`` of them) or Saltelli's
    Sobol matrices (``n`` base samples, a power of 2), drawn with ``seed``."""
    if method not in METHODS:
        raise SensitivityError(f"--method {method}: use morris or sobol")
    if method == "morris" and n < 2:
        raise SensitivityError(f"--trajectories {n}: at least 2 (a spread needs two)")
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise SensitivityError(
            f"--samples {n}: a power of 2 (Sobol sequences balance only then), e.g. 64 or 128"
        )
    size = design_size(method, n, k)
    if size > MAX_POINTS:
        raise SensitivityError(f"the design has {size:,} points; at most {MAX_POINTS:,}")
    problem = _problem(k)
    if method == "morris":
        x = morris_sample.sample(problem, n, num_levels=LEVELS, seed=seed)
    else:
        x = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    return np.asarray(x, dtype=float)


def to_values(unit: np.ndarray, unknowns: list[Unknown]) -> np.ndarray:
    """Design points in the unit cube -> the values run (uniform or log-uniform over each
    range; integers drawn over [low - 1/2, high + 1/2] and rounded)."""
    out = np.empty_like(unit, dtype=float)
    for j, u in enumerate(unknowns):
        lo, hi = (u.low - 0.5, u.high + 0.5) if u.integer else (u.low, u.high)
        col = unit[:, j]
        if u.prior == "loguniform":
            x = np.exp(math.log(lo) + col * (math.log(hi) - math.log(lo)))
        else:
            x = lo + col * (hi - lo)
        if u.integer:
            x = np.floor(x + 0.5 + 1e-9)  # 1/3 * 3 is 0.999...: round as written
        out[:, j] = np.clip(x, u.low, u.high)
    return out


def run_unit(values: np.ndarray, unit: np.ndarray, unknowns: list[Unknown]) -> np.ndarray:
    """Where each point actually ran, in the unit cube: the design itself, except for
    integer unknowns, whose rounded values are placed back on their range."""
    out = unit.copy()
    for j, u in enumerate(unknowns):
        if not u.integer:
            continue
        if u.prior == "loguniform":
            out[:, j] = np.log(values[:, j] / u.low) / math.log(u.high / u.low)
        else:
            out[:, j] = (values[:, j] - u.low) / (u.high - u.low)
    return out


def point_changes(paths: list[str], unknowns: list[Unknown], row: np.ndarray) -> dict[str, Any]:
    """A design point as key path -> value (ints for integer unknowns)."""
    return {p: _whole(u, float(x)) for p, u, x in zip(paths, unknowns, row)}


# --- the indices ------------------------------------------------------------------------


def elementary_effects(unit: np.ndarray, ran: np.ndarray, y: np.ndarray) -> np.ndarray:
    """k x r elementary effects of Morris trajectories: the change in ``y`` at each step
    divided by the step run (``ran``: the points in the unit cube as run), NaN where the
    step did not move or ``y`` is undefined."""
    k = unit.shape[1]
    r = unit.shape[0] // (k + 1)
    ee = np.full((k, r), np.nan)
    for t in range(r):
        base = t * (k + 1)
        for s in range(k):
            a, b = base + s, base + s + 1
            j = int(np.argmax(np.abs(unit[b] - unit[a])))
            dx = ran[b, j] - ran[a, j]
            dy = y[b] - y[a]
            if dx != 0 and np.isfinite(dy):
                ee[j, t] = dy / dx
    return ee


def morris_stats(ee: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """mu, mu_star, sigma and the bootstrap 95% half-width of mu_star of each row of
    elementary effects (as SALib's analyzer computes them; NaN effects left out)."""
    rng = np.random.default_rng(seed)
    z = float(norm.ppf(0.5 + CONF_LEVEL / 2))
    out: dict[str, list[float]] = {c: [] for c in COLUMNS["morris"]}
    for row in ee:
        e = row[np.isfinite(row)]
        if e.size == 0:
            for c in out:
                out[c].append(math.nan)
            continue
        out["mu"].append(float(np.average(e)))
        out["mu_star"].append(float(np.average(np.abs(e))))
        out["sigma"].append(float(np.std(e, ddof=1)) if e.size > 1 else math.nan)
        idx = rng.integers(len(e), size=(RESAMPLES, len(e)))
        out["mu_star_conf"].append(z * float(np.average(np.abs(e[idx]), axis=1).std(ddof=1)))
    return {c: np.asarray(v) for c, v in out.items()}


def sobol_stats(y: np.ndarray, k: int, seed: int) -> dict[str, np.ndarray]:
    """S1, ST and their bootstrap 95% half-widths (SALib, Saltelli's scheme without
    second-order terms). A measure that does not vary at all over the design has zero
    for every unknown; one undefined at some point (NaN) has none."""
    if not np.all(np.isfinite(y)):
        return {c: np.full(k, math.nan) for c in COLUMNS["sobol"]}
    if np.ptp(y) == 0:
        return {c: np.zeros(k) for c in COLUMNS["sobol"]}
    si = sobol_analyze.analyze(
        _problem(k),
        y,
        calc_second_order=False,
        num_resamples=RESAMPLES,
        conf_level=CONF_LEVEL,
        seed=seed,
    )
    return {c: np.asarray(si[c], dtype=float) for c in COLUMNS["sobol"]}


def indices_table(
    method: Method,
    unit: np.ndarray,
    ran: np.ndarray,
    design: pd.DataFrame,
    paths: list[str],
    metrics: list[str],
    seed: int,
) -> pd.DataFrame:
    """indices.csv: one row per (measure, unknown), ranked within each measure by
    importance (mu_star or ST, largest first; ties in declaration order)."""
    frames = []
    k = len(paths)
    for m in metrics:
        y = design[m].to_numpy(dtype=float) if m in design else np.full(len(design), np.nan)
        if method == "morris":
            stats = morris_stats(elementary_effects(unit, ran, y), seed)
        else:
            stats = sobol_stats(y, k, seed)
        df = pd.DataFrame({"metric": m, "parameter": paths, **stats})
        key = df[IMPORTANCE[method]].fillna(-math.inf)
        order = sorted(range(k), key=lambda i: (-key.iloc[i], i))
        df = df.iloc[order].reset_index(drop=True)
        df.insert(2, "rank", range(1, k + 1))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)[["metric", "parameter", "rank", *COLUMNS[method]]]


# --- saying it --------------------------------------------------------------------------


def effect_text(name: str, x: Any, method: Method, unit: bool = True) -> str:
    """An index for people: Morris's in the measure's unit (a share's in percentage
    points; ``unit=False``: only the $ or pp that belong to the number, for a table whose
    heading says the unit), Sobol's as a share of variance."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    x = float(x)
    if method == "sobol":
        return f"{x:.2f}" if abs(x) >= 0.01 or x == 0 else f"{x:.1g}"
    m = CATALOG.get(name)
    if m is None:
        return fmt_value(name, x)
    if m.format == "share":
        return fmt_value(name, x, signed=True).lstrip("+")
    text = fmt_value(name, x)
    if not unit:
        return text
    if m.format == "money":
        return text + (" a year" if m.unit == "$/year" else "")
    return f"{text} {m.unit_label}"


def symbol(method: Method) -> str:
    return "mu*" if method == "morris" else "ST"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def finding(indices: pd.DataFrame, name: str, method: Method, most: int = 3) -> str:
    """In words: 'CRT response time depends most on X (mu* = 2.1 minutes), then Y (1.3
    minutes); Z does not affect it.' (the ``most`` largest named, the rest summed up)."""
    rows = indices[indices["metric"] == name].sort_values("rank")
    what = metric(name).label.removesuffix(" (mean)") if name in CATALOG else name
    imp = IMPORTANCE[method]
    values = rows[imp].to_numpy(dtype=float)
    params = list(rows["parameter"])
    if rows.empty or np.all(np.isnan(values)):
        return f"{what}: no index (the measure is undefined at some design points)."
    if np.nanmax(values) <= 0:
        return f"{what} is the same at every design point: none of the unknowns affects it."
    top = float(np.nanmax(values))
    sym = symbol(method)
    moving = [(p, v) for p, v in zip(params, values) if v > 0]
    shown = moving[:most]
    text = (
        f"{what} depends most on {shown[0][0]} ({sym} = {effect_text(name, shown[0][1], method)})"
    )
    if len(shown) > 1:
        rest = [f"{p} ({effect_text(name, v, method)})" for p, v in shown[1:]]
        text += ", then " + _listing(rest)
    small = [p for p, v in moving[most:] if v < LITTLE * top]
    other = len(moving) - len(shown) - len(small)
    if other:
        text += f"; {other} other unknown{'s matter' if other > 1 else ' matters'} less"
    if small:
        verb = "matters" if len(small) == 1 else "matter"
        text += f"; {_listing(small)} {verb} little"
    none = [p for p, v in zip(params, values) if v == 0]
    if none:
        verb = "does" if len(none) == 1 else "do"
        text += f"; {_listing(none)} {verb} not affect it"
    return text + "."


def ranking(indices: pd.DataFrame, name: str) -> pd.DataFrame:
    """One measure's unknowns, most important first."""
    rows = indices[indices["metric"] == name].sort_values("rank")
    return rows.drop(columns="metric").reset_index(drop=True)


# --- the folder -------------------------------------------------------------------------


def sensitivity_stem(name: str) -> str:
    return f"sensitivity_{name}"


def sensitivity_manifest(
    scenario: Scenario, unknowns: dict[str, Unknown], method: Method, n: int, reps: int, seed: int
) -> dict:
    """What produced a sensitivity folder: the scenario, the ranges (which the scenario's
    hash leaves out), the design, seed and replications. The measures analysed are not
    inputs: every measure's means are in design.csv, so others are analysed from it."""
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "unknowns": {  # the notes are words: they change no number (unknowns.csv has them)
            p: u.model_dump(mode="json", exclude={"note"}) for p, u in unknowns.items()
        },
        "method": method,
        "n": n,
        "levels": LEVELS if method == "morris" else None,
        "reps": reps,
        "seed": seed,
        "title": scenario.title,
        "horizon_weeks": scenario.horizon_weeks,
        "warmup_weeks": scenario.warmup_weeks,
        "heart_sim_version": __version__,
    }


@dataclass
class SensitivityResult(SavedFolder):
    """A sensitivity analysis: the design run (``design``: one row per point, the unknowns'
    values and the mean of every measure), the ``indices`` (one row per measure and
    unknown, ranked), the ranges used (``unknowns``) and how it ran."""

    scenario: str
    method: Method
    n: int  # Morris trajectories or Sobol base samples
    reps: int
    seed: int
    unknowns: pd.DataFrame
    design: pd.DataFrame
    indices: pd.DataFrame
    metrics: list[str]
    folder: Path | None = None
    title: str = ""
    horizon_weeks: int = 0
    warmup_weeks: int = 0
    ran: int = 0  # distinct points simulated in this call (the rest from disk)
    resumed: int = 0  # replications taken from checkpoints
    elapsed: float = 0.0  # seconds this call took
    notes: list[str] = field(default_factory=list)

    @property
    def params(self) -> list[str]:
        return list(self.unknowns["parameter"])

    @property
    def summary(self) -> pd.DataFrame:
        """The indices, ranked within each measure."""
        return self.indices

    def heading(self) -> str:
        what = f"{self.n} trajectories" if self.method == "morris" else f"{self.n} samples"
        return f"What {self.scenario}'s measures depend on ({self.method}, {what})"

    @property
    def distinct(self) -> int:
        """Distinct design points (a rounded integer can make two points the same)."""
        return len(self.design.drop_duplicates(self.params))

    @property
    def simulations(self) -> int:
        return self.distinct * self.reps

    def ranking(self, metric: str) -> pd.DataFrame:
        """One measure's unknowns, most important first."""
        return ranking(self.indices, metric)

    def finding(self, metric: str, most: int = 3) -> str:
        """What the measure depends on, in words (the ``most`` largest named)."""
        return finding(self.indices, metric, self.method, most)

    def __repr__(self) -> str:
        what = f"{self.n} trajectories" if self.method == "morris" else f"{self.n} samples"
        return (
            f"<SensitivityResult {self.scenario}: {self.method}, {len(self.params)} unknowns, "
            f"{what}, {len(self.design)} points x {self.reps} reps>"
        )


def ranking_markdown(result: SensitivityResult) -> str:
    """ranking.md: per measure, the sentence and the unknowns ranked."""
    method = result.method
    cols = COLUMNS[method]
    lines = [
        f"# What the answer depends on: {result.scenario}",
        "",
        f"- method: {method}, {len(result.design)} design points "
        f"({result.distinct} distinct) x {result.reps} replications, seed {result.seed}, "
        "common random numbers across points",
        f"- {symbol(method)}: "
        + (
            "mean absolute change of the measure when the unknown moves across its range"
            if method == "morris"
            else "share of the measure's variance the unknown has a part in"
        ),
        "",
    ]
    for m in result.metrics:
        lines += [f"## {header(m)}", "", result.finding(m), ""]
        heads = " | ".join(HEADINGS[c] for c in cols)
        lines += [f"| rank | unknown | {heads} |", "|---" * (len(cols) + 2) + "|"]
        for r in result.ranking(m).to_dict("records"):
            cells = [effect_text(m, r[c], method, unit=False) for c in cols]
            lines.append(f"| {r['rank']} | {r['parameter']} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def write_tables(folder: Path, result: SensitivityResult) -> None:
    """design.csv, indices.csv, unknowns.csv and ranking.md (the manifest is written last,
    by the runner)."""
    atomic_write(folder / "design.csv", csv_text(result.design))
    atomic_write(folder / "indices.csv", csv_text(result.indices))
    atomic_write(folder / "unknowns.csv", csv_text(result.unknowns))
    atomic_write(folder / "ranking.md", ranking_markdown(result))


def read_sensitivity(folder: Path) -> SensitivityResult:
    """A finished sensitivity folder, read back."""
    folder = Path(folder)
    meta = read_manifest(folder)
    if not meta or "unknowns" not in meta or any(not (folder / f).is_file() for f in FILES):
        raise NotResultsError(
            f"{folder}: not a finished heart-sim sensitivity analysis (manifest, design.csv, "
            "indices.csv, unknowns.csv)"
        )
    indices = pd.read_csv(folder / "indices.csv")
    unknowns = pd.read_csv(folder / "unknowns.csv", keep_default_na=False)
    return SensitivityResult(
        scenario=meta["scenario"],
        method=meta["method"],
        n=meta["n"],
        reps=meta["reps"],
        seed=meta["seed"],
        unknowns=unknowns,
        design=pd.read_csv(folder / "design.csv"),
        indices=indices,
        metrics=list(dict.fromkeys(indices["metric"])),
        folder=folder,
        title=meta.get("title", ""),
        horizon_weeks=meta.get("horizon_weeks", 0),
        warmup_weeks=meta.get("warmup_weeks", 0),
    )


def write_manifest(folder: Path, manifest: dict) -> None:
    atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")

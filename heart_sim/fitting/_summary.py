"""Durations fitted to published summary statistics (``heart-sim fit --summary``), for when
only n, mean, median and a few percentiles are public (the Lane County crisis-team times in
``heart_sim/data/lane_county_crisis_team_times.csv``).

For each row, lognormal and gamma are fitted by least squares: the mean and sd that
minimise the squared relative errors of the percentiles given (p25, median, p75, p90, any
``pNN`` column) and of the mean, each error relative to the published value (or to 1 minute
when that is smaller, so a 0 does not divide). The family with the smaller root-mean-square
error is chosen; both are reported with the quantiles they imply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..core import __version__
from ._callfile import FitError
from ._fragment import Doc, comment, write_new

FAMILIES = ("lognormal", "gamma")
_PCT = re.compile(r"^p(\d{1,2}(?:\.\d+)?)$", re.IGNORECASE)
N_COLUMNS = ("n", "n_used", "count")


def frozen(family: str, mean: float, sd: float) -> stats.rv_continuous:
    """A scipy distribution with this mean and sd (heart-sim's parameters)."""
    if family == "lognormal":
        s2 = math.log1p((sd / mean) ** 2)
        return stats.lognorm(math.sqrt(s2), scale=mean * math.exp(-s2 / 2))
    shape = (mean / sd) ** 2
    return stats.gamma(shape, scale=sd * sd / mean)


@dataclass(frozen=True)
class SummaryFit:
    """One family fitted to one row's statistics."""

    family: str
    mean: float
    sd: float
    implied: dict[str, float]  # statistic -> the fitted distribution's value
    errors: dict[str, float]  # statistic -> relative error

    @property
    def rms(self) -> float:
        return float(np.sqrt(np.mean(np.square(list(self.errors.values())))))

    @property
    def worst(self) -> float:
        return float(max(abs(e) for e in self.errors.values()))


@dataclass(frozen=True)
class SummaryRow:
    """A row of published statistics and the fits to it."""

    label: str
    n: int | None
    published: dict[str, float]  # mean and/or pNN (median as p50)
    fits: list[SummaryFit]

    @property
    def best(self) -> SummaryFit:
        return min(self.fits, key=lambda f: f.rms)


def _stat(d: stats.rv_continuous, key: str) -> float:
    return float(d.mean()) if key == "mean" else float(d.ppf(float(key[1:]) / 100))


def fit_summary(published: dict[str, float]) -> list[SummaryFit]:
    """Lognormal and gamma fitted to a mean and percentiles ({'mean': .., 'p50': ..})."""
    pct = sorted((k for k in published if k != "mean"), key=lambda k: float(k[1:]))
    if len(published) < 2 or not pct:
        raise ValueError("needs at least two statistics, one a percentile")
    target = np.array([published[k] for k in [*pct, "mean"] if k in published])
    keys = [k for k in [*pct, "mean"] if k in published]
    scale = np.maximum(target, 1.0)
    centre = published.get("mean") or published.get("p50") or float(np.mean(target))
    lo, hi = published.get("p25"), published.get("p75")
    spread = (hi - lo) / 1.349 if lo is not None and hi is not None and hi > lo else centre / 2
    start = np.log([max(centre, 0.1), max(spread, 0.05)])
    out = []
    for family in FAMILIES:

        def residuals(theta: np.ndarray, family: str = family) -> np.ndarray:
            mean, sd = np.exp(theta)
            d = frozen(family, float(mean), float(sd))
            return (np.array([_stat(d, k) for k in keys]) - target) / scale

        sol = optimize.least_squares(residuals, start, method="lm")
        mean, sd = (float(v) for v in np.exp(sol.x))
        d = frozen(family, mean, sd)
        implied = {k: _stat(d, k) for k in keys}
        errors = {k: (implied[k] - published[k]) / max(published[k], 1.0) for k in keys}
        out.append(SummaryFit(family, mean, sd, implied, errors))
    return out


def _key(column: str) -> str | None:
    c = column.strip().lower()
    if c == "mean":
        return "mean"
    if c == "median":
        return "p50"
    m = _PCT.match(c)
    return f"p{float(m.group(1)):g}" if m else None


def _read_frame(path: Path) -> pd.DataFrame:
    """The CSV as text cells (blank cells as '')."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise FitError(f"{path}: file not found (--summary)") from None
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise FitError(f"{path}: cannot read it (--summary): {err}") from None


def _summary_columns(
    path: Path, frame: pd.DataFrame
) -> tuple[dict[str, str], str | None, list[str]]:
    """The statistic columns (column -> mean or pNN), the n column and the label columns."""
    stat_cols = {c: k for c in frame.columns if (k := _key(c))}
    if not any(k != "mean" for k in stat_cols.values()):
        raise FitError(
            f"{path}: no percentile column (--summary needs median or pNN columns such as "
            f"p25, p90, and optionally mean and n; columns: {', '.join(frame.columns)})"
        )
    n_col = next((c for c in frame.columns if c.strip().lower() in N_COLUMNS), None)
    names = [c for c in frame.columns if c not in stat_cols and c != n_col]
    label_cols = [c for c in names if not c.lower().startswith("n_")] or names
    return stat_cols, n_col, label_cols


def _published(
    path: Path, line: int, rec: dict[Hashable, Any], stat_cols: dict[str, str]
) -> dict[str, float]:
    """A row's statistics given (blank cells skipped); ``line`` is its line in the file."""
    published = {}
    for col, key in stat_cols.items():
        text = str(rec[col]).strip()
        if not text:
            continue
        try:
            published[key] = float(text)
        except ValueError:
            raise FitError(
                f"{path}: row {line}, column {col!r}: {text!r} is not a number"
            ) from None
    return published


def _summary_row(
    path: Path,
    line: int,
    rec: dict[Hashable, Any],
    stat_cols: dict[str, str],
    n_col: str | None,
    label_cols: list[str],
) -> SummaryRow:
    """One row of the CSV read and fitted; ``line`` is its line in the file."""
    published = _published(path, line, rec, stat_cols)
    label = (
        " / ".join(str(rec[c]).strip() for c in label_cols if str(rec[c]).strip()) or f"row {line}"
    )
    n = int(float(rec[n_col])) if n_col and str(rec[n_col]).strip() else None
    try:
        fits = fit_summary(published)
    except ValueError as err:
        raise FitError(f"{path}: row {line} ({label}): {err}") from None
    return SummaryRow(label, n, published, fits)


def read_summary(path: Path) -> list[SummaryRow]:
    """Each row of a summary-statistics CSV fitted: columns mean, median, pNN (p25, p90...)
    and optionally n (n, n_used, count); the other text columns name the row."""
    path = Path(path)
    frame = _read_frame(path)
    stat_cols, n_col, label_cols = _summary_columns(path, frame)
    rows = [
        _summary_row(path, i + 2, rec, stat_cols, n_col, label_cols)
        for i, rec in enumerate(frame.to_dict("records"))
    ]
    if not rows:
        raise FitError(f"{path}: no rows (--summary)")
    return rows


def _stats_text(values: dict[str, float]) -> str:
    names = {"p50": "median"}
    order = sorted(values, key=lambda k: (k == "mean", float(k[1:]) if k != "mean" else 0))
    return ", ".join(f"{names.get(k, k)} {values[k]:.1f}" for k in order)


def summary_yaml(rows: list[SummaryRow], source: Path) -> str:
    """The fits as YAML: one distribution per row, commented with the statistics."""
    doc = Doc()
    for row in rows:
        best = row.best
        notes = [
            f"{row.label}"
            + (f" (n {row.n:,})" if row.n else "")
            + f": published {_stats_text(row.published)}."
        ]
        for fit in row.fits:
            notes.append(
                f"  {fit.family} mean {fit.mean:.2f} sd {fit.sd:.2f}: {_stats_text(fit.implied)}; "
                f"largest error {fit.worst:.1%}, rms {fit.rms:.1%}"
                + ("  <- chosen" if fit is best else "")
            )
        doc.put(
            [row.label],
            {"dist": best.family, "mean": round(best.mean, 2), "sd": round(best.sd, 2)},
            notes,
        )
    head = comment(
        [
            f"Durations fitted by heart-sim fit --summary (heart-sim {__version__}) to the "
            f"published summary statistics in {source} ({len(rows)} rows).",
            "Method: for each row, lognormal and gamma with the mean and sd that minimise the "
            "squared relative errors of the percentiles and the mean given (each relative to "
            "the published value, or to 1 minute when that is smaller; "
            "scipy.optimize.least_squares); the family with the smaller root-mean-square "
            "error is written, both are shown.",
            "Not a scenario: copy the distribution you need to its key (e.g. "
            "programs.crt.on_scene_time: {dist: gamma, mean: 28.76, sd: 25.71}).",
        ]
    )
    return "\n".join([*head, "", *doc.lines()]) + "\n"


def write_summary_fits(path: Path, out: Path, force: bool = False) -> tuple[Path, list[SummaryRow]]:
    """Fit every row of a summary-statistics CSV and write the YAML to ``out``."""
    rows = read_summary(path)
    return write_new(out, summary_yaml(rows, Path(path)), force), rows

"""Paired comparison of scenarios under common random numbers.

All scenarios run with the same seed, so replication r of each sees the same calls (same
arrival stream, same per-call draws). The difference alt - base is taken replication by
replication and summarised with a 95% t-interval: the noise shared by both runs cancels,
which is what makes small differences visible with few replications.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .checkpoint import Checkpoints
from .metrics import HEADLINE, t_interval
from .runner import Results, run_many
from .scenario import Scenario

COST_METRICS = (
    "cost_total_annual",
    "diverted_per_year",
    "cost_per_diverted_call",
    "police_hours_per_year",
)
BOOTSTRAP_SAMPLES = 4000


def significance(lo: float, hi: float, diffs: np.ndarray) -> str:
    """'identical' (every paired difference is exactly 0), 'significant' or 'not significant'."""
    d = diffs[~np.isnan(diffs)]
    if d.size and np.all(d == 0):
        return "identical"
    if math.isnan(lo) or math.isnan(hi) or lo <= 0 <= hi:
        return "not significant"
    return "significant"


def paired_differences(
    base: pd.DataFrame, alt: pd.DataFrame, metrics: tuple[str, ...]
) -> pd.DataFrame:
    """Per metric: both means, the mean paired difference (alt - base) and its 95% CI."""
    if not base["replication"].equals(alt["replication"]):
        raise ValueError("paired differences need the same replications in both runs")
    rows = []
    for m in metrics:
        if m not in base or m not in alt:
            continue
        diffs = alt[m].to_numpy(float) - base[m].to_numpy(float)
        mean, lo, hi, _ = t_interval(diffs)
        rows.append(
            {
                "metric": m,
                "base_mean": float(np.nanmean(base[m])) if base[m].notna().any() else math.nan,
                "alt_mean": float(np.nanmean(alt[m])) if alt[m].notna().any() else math.nan,
                "diff_mean": mean,
                "diff_ci_low": lo,
                "diff_ci_high": hi,
                "significance": significance(lo, hi, diffs),
            }
        )
    return pd.DataFrame(rows)


def ratio_of_means_ci(
    num: np.ndarray, den: np.ndarray, seed: int = 0
) -> tuple[float, float, float]:
    """mean(num) / mean(den) with a paired bootstrap 95% percentile interval."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    if den.mean() <= 0:
        return math.nan, math.nan, math.nan
    point = float(num.mean() / den.mean())
    if num.size < 2:
        return point, math.nan, math.nan
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, num.size, (BOOTSTRAP_SAMPLES, num.size))
    d = den[idx].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(d > 0, num[idx].mean(axis=1) / d, np.inf)
    lo, hi = np.percentile(ratios, [2.5, 97.5])
    return point, float(lo), float(hi)


def cost_row(base: Results, alt: Results) -> dict[str, float | str]:
    """What budget staff ask: cost, diverted calls, and the marginal cost of the change."""
    b, a = base.replications, alt.replications
    row: dict[str, float | str] = {"scenario": alt.scenario.name}
    for m in ("cost_total_annual", "diverted_per_year", "cost_per_diverted_call"):
        row[m] = float(a[m].mean()) if m in a else math.nan
    if "cost_total_annual" not in a or "cost_total_annual" not in b:
        return row
    extra_cost = a["cost_total_annual"].to_numpy() - b["cost_total_annual"].to_numpy()
    extra_div = a["diverted_per_year"].to_numpy() - b["diverted_per_year"].to_numpy()
    row["extra_cost"] = float(extra_cost.mean())
    mean, lo, hi, _ = t_interval(extra_div)
    row |= {"extra_diverted": mean, "extra_diverted_ci_low": lo, "extra_diverted_ci_high": hi}
    point, lo, hi = ratio_of_means_ci(extra_cost, extra_div)
    row |= {
        "marginal_cost_per_extra_diverted": point,
        "marginal_ci_low": lo,
        "marginal_ci_high": hi,
    }
    freed = b["police_hours_per_year"].to_numpy() - a["police_hours_per_year"].to_numpy()
    mean, lo, hi, _ = t_interval(freed)
    row |= {
        "police_hours_freed": mean,
        "police_hours_freed_ci_low": lo,
        "police_hours_freed_ci_high": hi,
    }
    return row


@dataclass
class Comparison:
    """Base and alternatives; ``differences`` and ``costs`` are computed once, on first use."""

    base: Results
    alts: list[Results]

    @cached_property
    def differences(self) -> pd.DataFrame:
        """Tidy: one row per (alternative, metric)."""
        frames = []
        for alt in self.alts:
            d = paired_differences(self.base.replications, alt.replications, HEADLINE)
            d.insert(0, "scenario", alt.scenario.name)
            frames.append(d)
        return pd.concat(frames, ignore_index=True)

    def save(self, out, force: bool = False):
        """Write comparison.csv / .md / .xlsx and each scenario's results under ``out``."""
        from .report import write_comparison

        return write_comparison(self, out, force=force)

    @cached_property
    def costs(self) -> pd.DataFrame:
        """One row per scenario, base first."""
        rows = [cost_row(self.base, self.base)] + [cost_row(self.base, a) for a in self.alts]
        return pd.DataFrame(rows)


def compare(
    base: Scenario,
    alts: list[Scenario],
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    progress: Callable[[str, int], None] | None = None,
    independent: bool = False,
    dask: str | None = None,
    checkpoint_root: Path | None = None,
) -> Comparison:
    """Run base and alternatives with the same seed (common random numbers) and pair them.

    ``independent=True`` gives each alternative its own seed instead: only for showing how
    much common random numbers narrow the intervals. ``checkpoint_root``: save finished
    replications under it (one folder per scenario) and reuse them on a rerun."""
    seed = base.seed if seed is None else seed
    plan = [(base, seed)] + [
        (sc, seed + 1_000_003 * (i + 1) if independent else seed) for i, sc in enumerate(alts)
    ]
    ckpts = [
        Checkpoints(checkpoint_root / sc.name, sc, s) if checkpoint_root else None for sc, s in plan
    ]
    results = run_many(plan, reps, jobs=jobs, progress=progress, dask=dask, checkpoints=ckpts)
    return Comparison(results[0], results[1:])

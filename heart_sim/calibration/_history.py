"""History matching, as pure functions: the design, implausibility, an emulator, the
space that is left after each wave, and what the targets do and do not pin down.

History matching (Craig, Goldstein, Seheult & Smith 1997; Vernon, Goldstein & Bower,
Bayesian Analysis 5(4), 2010; Andrianakis et al., PLoS Comput Biol 11(1), 2015, for a
stochastic model) rules out the parameter values at which the model cannot reproduce the
published figures: a point x is *implausible* for a target z when

    I(x) = |z - E[f(x)]| / sqrt(Var_obs + Var_discrepancy + Var_ensemble(x) + Var_mean(x))

exceeds 3 (Pukelsheim's three-sigma rule: at least 95% of any unimodal distribution lies
within 3 sd), where Var_ensemble is the variance of one simulated year (the published
figure is one real year, one "replication" of the world) and Var_mean the error of the
mean over the replications run. The points that are not implausible for any target form
the not-ruled-out-yet (NROY) space. Each wave samples the space still open (a Latin
hypercube), screened by a quadratic emulator fitted to every simulation so far (an
emulator's prediction with its residual variance added, so it rules out only what is
clearly implausible), and simulates the points kept. We chose history matching over ABC
because the targets are a handful of rounded published figures with stated or judged
uncertainty, not data with a likelihood; history matching says which values are
consistent with them (and when none are: the targets conflict) without pretending to a
posterior density, and its waves need far fewer simulations than ABC's rejection.

Everything works on the unit cube: coordinate u in [0, 1] of each unknown maps to a value
by its prior (uniform: linearly; loguniform: linearly in the log; integer: rounded).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ..scenario import Unknown
from ._targets import Targets

CUTOFF = 3.0  # implausibility above this rules a point out (three-sigma rule)
CANDIDATES_PER_POINT = 30  # emulator-screened Latin-hypercube candidates per point simulated


@dataclass(frozen=True)
class Space:
    """The unknowns, in a fixed order, and their priors."""

    paths: tuple[str, ...]
    unknowns: tuple[Unknown, ...]

    @classmethod
    def of(cls, calibration: dict[str, Unknown]) -> Space:
        return cls(tuple(calibration), tuple(calibration.values()))

    @property
    def dim(self) -> int:
        return len(self.paths)

    def values(self, u: np.ndarray) -> np.ndarray:
        """Unit-cube points (n x d) -> parameter values by each prior."""
        u = np.atleast_2d(u)
        out = np.empty_like(u, dtype=float)
        for j, k in enumerate(self.unknowns):
            if k.prior == "loguniform":
                lo, hi = math.log(k.low), math.log(k.high)
                out[:, j] = np.exp(lo + u[:, j] * (hi - lo))
            elif k.integer:  # each whole number gets an equal share of [0, 1]
                count = int(k.high - k.low) + 1
                out[:, j] = k.low + np.minimum(np.floor(u[:, j] * count), count - 1)
            else:
                out[:, j] = k.low + u[:, j] * (k.high - k.low)
        return out

    def units(self, values: np.ndarray) -> np.ndarray:
        """Parameter values -> the unit cube (the inverse of ``values``; an integer maps to
        the middle of its share)."""
        v = np.atleast_2d(np.asarray(values, float))
        out = np.empty_like(v)
        for j, k in enumerate(self.unknowns):
            if k.prior == "loguniform":
                lo, hi = math.log(k.low), math.log(k.high)
                out[:, j] = (np.log(v[:, j]) - lo) / (hi - lo)
            elif k.integer:
                count = int(k.high - k.low) + 1
                out[:, j] = (v[:, j] - k.low + 0.5) / count
            else:
                out[:, j] = (v[:, j] - k.low) / (k.high - k.low)
        return out

    def change(self, row: np.ndarray) -> dict[str, float | int]:
        """One point's values as key path -> value (whole numbers as int)."""
        return {
            p: int(round(x)) if k.integer else float(x)
            for p, k, x in zip(self.paths, self.unknowns, row)
        }


def latin_hypercube(dim: int, n: int, seed: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """n points of a Latin hypercube in the box [lo, hi] of the unit cube (scipy.stats.qmc,
    optimised for spread)."""
    sampler = qmc.LatinHypercube(d=dim, seed=np.random.default_rng(seed), optimization="random-cd")
    return lo + sampler.random(n) * (hi - lo)


def implausibility(
    targets: Targets, means: np.ndarray, variances: np.ndarray, reps: int
) -> np.ndarray:
    """I for each point (rows) and target (columns), from each point's replication means
    and variances (one simulated year's variance: the ensemble variability)."""
    z = np.array([t.centre for t in targets.targets])
    obs = np.array([t.variance() for t in targets.targets])
    var = np.nan_to_num(variances, nan=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.abs(z - means) / np.sqrt(obs + var * (1 + 1 / reps))
    return np.where(np.isnan(means), np.inf, out)


class Emulator:
    """A quadratic regression of each target's simulated mean on the unit-cube point, with
    its residual variance: cheap to fit and to evaluate on thousands of candidates. It
    screens candidates only; every point kept is then simulated."""

    def __init__(self, u: np.ndarray, y: np.ndarray):
        ok = ~np.isnan(y).any(axis=1)
        x = self._features(u[ok])
        self.coef, *_ = np.linalg.lstsq(x, y[ok], rcond=None)
        resid = y[ok] - x @ self.coef
        dof = max(int(ok.sum()) - x.shape[1], 1)
        self.var = (resid**2).sum(axis=0) / dof
        self.xtx_inv = np.linalg.pinv(x.T @ x)

    @staticmethod
    def _features(u: np.ndarray) -> np.ndarray:
        n, d = u.shape
        cols = [np.ones(n), *(u[:, j] for j in range(d))]
        cols += [u[:, i] * u[:, j] for i in range(d) for j in range(i, d)]
        return np.column_stack(cols)

    @staticmethod
    def can_fit(n: int, dim: int) -> bool:
        """Enough points for a quadratic in ``dim`` unknowns (with room for its variance)."""
        return n >= 1 + dim + dim * (dim + 1) // 2 + 5

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The prediction and its variance: the residual variance and the regression's own
        uncertainty at that point (x' (X'X)^-1 x times it), which grows away from the
        points the emulator was fitted on."""
        x = self._features(u)
        leverage = np.einsum("ij,jk,ik->i", x, self.xtx_inv, x)
        return x @ self.coef, (1 + leverage)[:, None] * self.var[None, :]


def screened(
    emulator: Emulator | None,
    targets: Targets,
    sim_var: np.ndarray,
    candidates: np.ndarray,
    wanted: int,
    reps: int,
    cutoff: float = CUTOFF,
) -> np.ndarray:
    """The first ``wanted`` candidates the emulator does not rule out (its own variance and
    the simulations' typical variance added); all candidates without an emulator."""
    if emulator is None:
        return candidates[:wanted]
    mean, em_var = emulator.predict(candidates)
    typical = np.nanmedian(sim_var, axis=0)
    imp = implausibility(targets, mean, em_var + typical * (1 + 1 / reps), 1_000_000)
    keep = candidates[(imp <= cutoff).all(axis=1)]
    return keep[:wanted]


def open_box(u_kept: np.ndarray, margin: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The box the next wave samples: around the points kept, widened on each side by
    ``margin`` of its width or by half the design's typical spacing (n^(-1/d): the open
    space may reach that far past the last point found in it), within the unit cube."""
    n, d = u_kept.shape
    lo, hi = u_kept.min(axis=0), u_kept.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 0.5 * n ** (-1 / d))
    return np.clip(lo - pad, 0, 1), np.clip(hi + pad, 0, 1)


# --- what the targets say --------------------------------------------------------------------

PINNED, PARTLY, NOT_PINNED = "pinned down", "partly pinned down", "not pinned down"


def identifiability(u_nroy: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Per unknown: the spread of the non-implausible points over the prior's (sd ratio in
    the unit cube, where the prior's sd is 1/sqrt(12)), and a verdict: above 0.8 the
    targets leave it about where the prior had it (not pinned down), below 0.5 they narrow
    it to half or less (pinned down)."""
    if len(u_nroy) < 2:
        return np.full(u_nroy.shape[1], math.nan), ["no points left"] * u_nroy.shape[1]
    ratio = u_nroy.std(axis=0, ddof=1) * math.sqrt(12)
    words = [PINNED if r < 0.5 else PARTLY if r <= 0.8 else NOT_PINNED for r in ratio]
    return ratio, words


def target_conflicts(imp: np.ndarray, names: list[str], cutoff: float = CUTOFF) -> pd.DataFrame:
    """Pairs of targets and how many simulated points meet both (I <= cutoff for each);
    a pair no point meets though each is met alone cannot be met together."""
    ok = imp <= cutoff
    rows = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            rows.append(
                {
                    "target_a": names[i],
                    "target_b": names[j],
                    "points_a": int(ok[:, i].sum()),
                    "points_b": int(ok[:, j].sum()),
                    "points_both": int((ok[:, i] & ok[:, j]).sum()),
                }
            )
    return pd.DataFrame(
        rows, columns=["target_a", "target_b", "points_a", "points_b", "points_both"]
    )

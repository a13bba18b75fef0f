"""Durations for ``heart-sim fit``: maximum-likelihood fits of exponential, lognormal and
gamma (``scipy.stats`` ``.fit`` with the location fixed at 0), the choice by AIC, the
Kolmogorov-Smirnov statistic and p-value of each, and an ``empirical`` distribution (100
equal-probability quantiles) when even the best fails the test (p < 0.01).

Unusable durations are counted by reason and dropped: a missing or placeholder stamp at
either end (see ``fitting._callfile``), negative, zero (no positive family fits a 0), and
longer than the cap (24 h unless told). When every duration is a whole number of minutes
(stamps kept to the minute) each is spread uniformly over its minute (seeded) before the
fit, so that the continuous families and the test are not judged on the rounding. Mean and
sd carry standard errors by the delta method from the Fisher information.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special, stats

GOF_P = 0.01
MIN_N = 20
N_QUANTILES = 100
FAMILIES = ("exponential", "lognormal", "gamma")
NEGATIVE = "negative"
ZERO = "zero"


@dataclass(frozen=True)
class Candidate:
    """One family's maximum-likelihood fit."""

    family: str
    params: tuple[float, ...]  # scipy shape(s) and scale, loc = 0
    mean: float
    sd: float
    se_mean: float
    se_sd: float
    loglik: float
    aic: float
    ks: float
    p_value: float

    def frozen(self) -> stats.rv_continuous:
        """The fitted scipy distribution."""
        if self.family == "exponential":
            return stats.expon(scale=self.params[0])
        if self.family == "lognormal":
            return stats.lognorm(self.params[0], scale=self.params[1])
        return stats.gamma(self.params[0], scale=self.params[1])


@dataclass
class DurationFit:
    """The durations used, what was dropped and why, each family's fit and the choice."""

    name: str
    values: np.ndarray
    dropped: dict[str, int]
    cap_min: float
    spread: bool  # whole minutes spread over their minute
    candidates: list[Candidate] = field(default_factory=list)
    chosen: str = ""  # a family, 'empirical', or '' (too few to fit)
    distribution: dict | None = None

    @property
    def n(self) -> int:
        return int(self.values.size)

    @property
    def best(self) -> Candidate | None:
        return min(self.candidates, key=lambda c: c.aic) if self.candidates else None


def clean(minutes: np.ndarray, why: pd.Series, cap_min: float) -> tuple[np.ndarray, dict[str, int]]:
    """The usable durations and the count dropped for each reason."""
    reasons = why.to_numpy(dtype=object).copy()
    ok = reasons == ""
    x = np.asarray(minutes, float)
    reasons[ok & (x < 0)] = NEGATIVE
    reasons[ok & (x == 0)] = ZERO
    over = f"longer than {cap_min / 60:g} h"
    reasons[ok & (x > cap_min)] = over
    keep = reasons == ""
    dropped = pd.Series(reasons[~keep]).value_counts()
    return x[keep], {str(k): int(v) for k, v in dropped.items()}


def _lognormal_se(s: float, mean: float, sd: float, n: int) -> tuple[float, float]:
    var_mu, var_s = s * s / n, s * s / (2 * n)
    d_mean = (mean, mean * s)
    d_sd = (sd, sd * s + mean * s * math.exp(s * s) / math.sqrt(math.expm1(s * s)))
    return (
        math.sqrt(d_mean[0] ** 2 * var_mu + d_mean[1] ** 2 * var_s),
        math.sqrt(d_sd[0] ** 2 * var_mu + d_sd[1] ** 2 * var_s),
    )


def _gamma_se(a: float, scale: float, n: int) -> tuple[float, float]:
    info = n * np.array([[special.polygamma(1, a), 1 / scale], [1 / scale, a / scale**2]])
    cov = np.linalg.inv(info)
    g_mean = np.array([scale, a])
    g_sd = np.array([scale / (2 * math.sqrt(a)), math.sqrt(a)])
    return math.sqrt(float(g_mean @ cov @ g_mean)), math.sqrt(float(g_sd @ cov @ g_sd))


def fit_family(family: str, x: np.ndarray) -> Candidate:
    """The maximum-likelihood fit of one family (loc fixed at 0) with its statistics."""
    n = x.size
    if family == "exponential":
        _, scale = stats.expon.fit(x, floc=0)
        params: tuple[float, ...] = (float(scale),)
        mean = sd = float(scale)
        se_mean = se_sd = mean / math.sqrt(n)
        k = 1
    elif family == "lognormal":
        s, _, scale = stats.lognorm.fit(x, floc=0)
        params = (float(s), float(scale))
        mean = float(scale * math.exp(s * s / 2))
        sd = float(mean * math.sqrt(math.expm1(s * s)))
        se_mean, se_sd = _lognormal_se(float(s), mean, sd, n)
        k = 2
    elif family == "gamma":
        a, _, scale = stats.gamma.fit(x, floc=0)
        params = (float(a), float(scale))
        mean, sd = float(a * scale), float(math.sqrt(a) * scale)
        se_mean, se_sd = _gamma_se(float(a), float(scale), n)
        k = 2
    else:  # pragma: no cover - a programming error
        raise ValueError(family)
    cand = Candidate(family, params, mean, sd, se_mean, se_sd, 0.0, 0.0, 0.0, 0.0)
    dist = cand.frozen()
    loglik = float(np.sum(dist.logpdf(x)))
    ks = stats.kstest(x, dist.cdf)
    return Candidate(
        family,
        params,
        mean,
        sd,
        se_mean,
        se_sd,
        loglik,
        2 * k - 2 * loglik,
        float(ks.statistic),
        float(ks.pvalue),
    )


def quantile_values(x: np.ndarray, n: int = N_QUANTILES) -> list[float]:
    """``n`` equal-probability quantiles (at (i + 0.5) / n), or every value if fewer."""
    if x.size <= n:
        return [round(float(v), 2) for v in np.sort(x)]
    q = np.quantile(x, (np.arange(n) + 0.5) / n)
    return [round(float(v), 2) for v in q]


def fit_durations(
    name: str, minutes: np.ndarray, why: pd.Series, cap_min: float = 24 * 60, seed: int = 0
) -> DurationFit:
    """Clean, fit the three families, choose by AIC, fall back to empirical."""
    x, dropped = clean(minutes, why, cap_min)
    spread = bool(x.size) and bool(np.all(np.abs(x - np.round(x)) < 1e-9))
    if spread:
        x = x + np.random.default_rng(seed).uniform(-0.5, 0.5, x.size)
    fit = DurationFit(name, x, dropped, cap_min, spread)
    if x.size < MIN_N:
        return fit
    fit.candidates = [fit_family(f, x) for f in FAMILIES]
    best = fit.best
    assert best is not None
    if best.p_value >= GOF_P:
        fit.chosen = best.family
        digits = 2 if best.mean < 100 else 1
        if best.family == "exponential":
            fit.distribution = {"dist": "exponential", "mean": round(best.mean, digits)}
        else:
            fit.distribution = {
                "dist": best.family,
                "mean": round(best.mean, digits),
                "sd": round(best.sd, digits),
            }
    else:
        fit.chosen = "empirical"
        fit.distribution = {"dist": "empirical", "values": quantile_values(x)}
    return fit

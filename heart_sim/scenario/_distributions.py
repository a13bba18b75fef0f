"""Time distributions: one small registry, each knowing its analytic mean and variance.

Every distribution is a frozen pydantic model tagged by ``dist`` so a scenario file can
name it (``{dist: lognormal, mean: 30, sd: 25}``). Samples are drawn in batches from a
numpy ``Generator`` passed in, never from a global random state. All values are minutes.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def analytic_mean(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def analytic_variance(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class Exponential(_Dist):
    """Exponential with the given mean (minutes)."""

    dist: Literal["exponential"] = Field("exponential", description="the distribution's name")
    mean: PositiveFloat = Field(description="mean, minutes")

    def analytic_mean(self) -> float:
        return self.mean

    def analytic_variance(self) -> float:
        return self.mean**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean, size)


class Lognormal(_Dist):
    """Lognormal given the mean and standard deviation of the variable itself (minutes)."""

    dist: Literal["lognormal"] = Field("lognormal", description="the distribution's name")
    mean: PositiveFloat = Field(description="mean, minutes")
    sd: PositiveFloat = Field(description="standard deviation, minutes")

    def _params(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)

    def analytic_mean(self) -> float:
        return self.mean

    def analytic_variance(self) -> float:
        return self.sd**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        mu, sigma = self._params()
        return rng.lognormal(mu, sigma, size)


class Gamma(_Dist):
    """Gamma given mean and standard deviation (minutes)."""

    dist: Literal["gamma"] = Field("gamma", description="the distribution's name")
    mean: PositiveFloat = Field(description="mean, minutes")
    sd: PositiveFloat = Field(description="standard deviation, minutes")

    def analytic_mean(self) -> float:
        return self.mean

    def analytic_variance(self) -> float:
        return self.sd**2

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = (self.mean / self.sd) ** 2
        return rng.gamma(shape, self.sd**2 / self.mean, size)


class Triangular(_Dist):
    """Triangular on [low, high] with the given mode (minutes)."""

    dist: Literal["triangular"] = Field("triangular", description="the distribution's name")
    low: NonNegFloat = Field(description="the least value")
    mode: NonNegFloat = Field(description="the most likely value")
    high: PositiveFloat = Field(description="the greatest value")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("need low <= mode <= high and low < high")
        return self

    def analytic_mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def analytic_variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, size)


class Fixed(_Dist):
    """Always the same value (minutes)."""

    dist: Literal["fixed"] = Field("fixed", description="the distribution's name")
    value: NonNegFloat = Field(description="the value every draw takes")

    def analytic_mean(self) -> float:
        return self.value

    def analytic_variance(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, float(self.value))


class Empirical(_Dist):
    """Resample observed values with equal probability (minutes)."""

    dist: Literal["empirical"] = Field("empirical", description="the distribution's name")
    values: list[NonNegFloat] = Field(
        min_length=1, description="observed values, each drawn with equal chance"
    )

    def analytic_mean(self) -> float:
        return float(np.mean(self.values))

    def analytic_variance(self) -> float:
        return float(np.var(self.values))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.asarray(self.values)[rng.integers(0, len(self.values), size)]


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Triangular | Fixed | Empirical,
    Field(discriminator="dist"),
]

REGISTRY: dict[str, type[_Dist]] = {
    "exponential": Exponential,
    "lognormal": Lognormal,
    "gamma": Gamma,
    "triangular": Triangular,
    "fixed": Fixed,
    "empirical": Empirical,
}

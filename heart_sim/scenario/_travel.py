"""Travel time that depends on coverage: the square-root law.

For n units spread at random over a region of area A, the expected distance from a call
to the nearest one is c * sqrt(A / n) (Kolesar & Blum, "Square Root Laws for Fire Engine
Response Distances", Management Science 19(12):1368-1378, 1973; Larson & Odoni, *Urban
Operations Research*, section 5.8). For a Poisson field of density n / A the nearest
distance has P(D > r) = exp(-(n / A) * area of the ball of radius r), so c = 1/2 for
straight-line (Euclidean) travel and c = sqrt(pi / 8) = 0.627 for right-angle travel on a
street grid (a ball of radius r has area 2 r^2). n is the number of units free at dispatch,
so a busy system drives further. Distance becomes time through a fixed overhead (getting
rolling, finding the door) plus distance over a mean speed, times a random factor with
mean 1 (traffic, routes), drawn per call from its own stream.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from ._distributions import Distribution

EUCLIDEAN_C = 0.5
RIGHT_ANGLE_C = math.sqrt(math.pi / 8)
MIN_PER_HOUR = 60


class SquareRootTravel(BaseModel):
    """Travel minutes = overhead + c sqrt(A / n) / speed, times a lognormal factor of mean
    1; A = the area the program serves (its zones), n = its units free at dispatch."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: Literal["square_root"] = "square_root"
    metric: Literal["right_angle", "euclidean"] = Field(
        "right_angle",
        description="street-grid (c = sqrt(pi/8) = 0.627) or straight-line (c = 0.5) travel",
    )
    speed_mph: Annotated[float, Field(gt=0, le=120, allow_inf_nan=False)] = Field(
        description="mean travel speed, miles per hour"
    )
    overhead_min: Annotated[float, Field(ge=0, le=120, allow_inf_nan=False)] = Field(
        0.0, description="fixed minutes per trip (getting rolling, parking, finding the door)"
    )
    cv: Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)] = Field(
        0.0, description="coefficient of variation of the random factor (lognormal, mean 1)"
    )

    @property
    def c(self) -> float:
        return RIGHT_ANGLE_C if self.metric == "right_angle" else EUCLIDEAN_C

    def mean_distance(self, area_sq_mi: float, free_units: int) -> float:
        """Expected miles to the nearest of ``free_units`` units over the area."""
        return self.c * math.sqrt(area_sq_mi / max(free_units, 1))

    def mean_trip(self, area_sq_mi: float, free_units: int) -> tuple[float, float]:
        """Miles and minutes of a trip before the call's random factor multiplies both (a
        longer route, as well as traffic, is what makes a trip take longer)."""
        miles = self.mean_distance(area_sq_mi, free_units)
        return miles, self.overhead_min + miles / self.speed_mph * MIN_PER_HOUR

    def miles(self, area_sq_mi: float, free_units: int, factor: float) -> float:
        """Miles driven to one call given its random factor."""
        return self.mean_trip(area_sq_mi, free_units)[0] * factor

    def minutes(self, area_sq_mi: float, free_units: int, factor: float) -> float:
        """Travel minutes for one call given its random factor."""
        return self.mean_trip(area_sq_mi, free_units)[1] * factor

    def factors(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Random factors with mean 1 and coefficient of variation cv, one per call."""
        if self.cv == 0:
            rng.standard_normal(size)  # the stream advances the same either way
            return np.ones(size)
        sigma2 = math.log1p(self.cv**2)
        return np.exp(math.sqrt(sigma2) * rng.standard_normal(size) - sigma2 / 2)


def _travel_kind(v: Any) -> str:
    """A mapping with ``model:`` is a travel model, anything else a distribution (so a
    distribution's errors read as they always have)."""
    if isinstance(v, dict):
        return "travel-model" if "model" in v else "distribution"
    return "travel-model" if isinstance(v, SquareRootTravel) else "distribution"


TravelTime = Annotated[
    Annotated[Distribution, Tag("distribution")] | Annotated[SquareRootTravel, Tag("travel-model")],
    Discriminator(_travel_kind),
]

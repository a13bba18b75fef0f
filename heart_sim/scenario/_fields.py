"""The building blocks every scenario model shares: the frozen base model and the
constrained value types (probabilities, non-negative numbers, dates, patiences).

They live apart from the models so that the schema's parts (programs, zones, phases and
the Scenario itself) can each sit in their own module and still read their values the
same way: ``true`` is never a number, a date is YYYY-MM-DD, a bad value gets one message.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from ..core import describe
from ._distributions import Distribution, _Dist

Prob = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
SUM_TOL = 1e-6


def _is_number(annotation: Any) -> bool:
    """Whether a field holds a number (int or float, perhaps optional or constrained)."""
    if annotation in (int, float):
        return True
    return any(_is_number(a) for a in get_args(annotation))


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, v: Any, info: ValidationInfo) -> Any:
        """true/false is not a number: without this, pydantic reads true as 1."""
        field = cls.model_fields.get(info.field_name or "")
        if isinstance(v, bool) and field is not None and _is_number(field.annotation):
            raise ValueError(f"expected a number, got {str(v).lower()}")
        return v


def _iso_date(v: Any) -> Any:
    """A calendar date as YAML writes it (2023-10-23) or as ISO text; not a date and time,
    not a number (pydantic would read 20231023 as seconds since 1970)."""
    if isinstance(v, dt.datetime):
        raise ValueError(f"expected a date (YYYY-MM-DD), got a date and time ({v})")
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise ValueError(f"expected a date as YYYY-MM-DD, got {v!r}")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _patience(v: Any) -> Any:
    """One message for a patience that is neither a number, a distribution nor null."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        if not (0 <= v < float("inf")):
            raise ValueError(f"must be 0 or more minutes (a finite number), got {v!r}")
        return v
    if v is None or isinstance(v, dict | _Dist):
        return v
    raise ValueError(
        f"expected minutes (a number), a distribution ({{dist: ...}}) or null, got "
        f"{describe(v)} ({v!r})"
    )


Patience = Annotated[NonNeg | Distribution | None, BeforeValidator(_patience)]

"""Scenario: YAML in, a frozen, validated description of the system out.

Every model is frozen with ``extra="forbid"`` so a misspelled key is an error rather than
a silent default. Errors name the file, the key path and the reason (``ScenarioError``).
Nothing here runs the simulation; the model reads a Scenario and never changes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import holidays as holidays_lib
import numpy as np
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..core import (
    FIELD_TEAMS,
    MISSING,
    PROGRAMS,
    FieldTeamKey,
    Program,
    ScenarioError,
    describe,
    not_a_mapping,
    problems,
)
from ._days import parse_days
from ._distributions import Distribution, Fixed, _Dist
from ._schedules import (
    DAY_NAMES,
    HOURS_PER_WEEK,
    MIN_PER_HOUR,
    ShiftSpec,
    WeeklySchedule,
    build_weekly,
)
from ._travel import SquareRootTravel, TravelTime
from ._variants import deep_merge, has_key_path, load_layers, merge_layers

Prob = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
SUM_TOL = 1e-6
UNNAMED_MONDAY = dt.date(2001, 1, 1)  # a Monday: runs without start_date begin on one
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
MAX_FILE_CHARS = 1_000_000
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


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


def _minutes(text: str) -> int:
    m = _HHMM.match(str(text).strip())
    if not m:
        raise ValueError(f"time {text!r} is not HH:MM")
    h, mi = int(m.group(1)), int(m.group(2))
    if mi >= 60 or h > 24 or (h == 24 and mi):
        raise ValueError(f"time {text!r} is outside 00:00-24:00")
    return h * MIN_PER_HOUR + mi


class Shift(Frozen):
    """Units on duty on some days between start and end (end <= start runs past midnight)."""

    days: list[str] = Field(
        description="days: mon..sun or monday..sunday, ranges such as mon-fri or fri-sun, "
        "or daily, weekdays, weekends"
    )
    start: str = Field(description="HH:MM, 00:00-23:59")
    end: str = Field(description="HH:MM, 00:01-24:00; at or before start = next day")
    units: int = Field(ge=0, le=10_000, description="units (clinicians or teams) on duty")

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, v: Any) -> list[str]:
        return parse_days(v)

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, v: str, info) -> str:
        if info.field_name == "start" and _minutes(v) >= 24 * MIN_PER_HOUR:
            raise ValueError("start must be before 24:00")
        _minutes(v)
        return v

    @model_validator(mode="after")
    def _times(self) -> Shift:
        start, end = _minutes(self.start), _minutes(self.end)
        if start == end:
            raise ValueError(
                f"shift {self.start}-{self.end} has zero length (a full day is 00:00-24:00)"
            )
        return self

    def spec(self) -> ShiftSpec:
        return ShiftSpec(
            days=tuple(DAY_NAMES.index(d) for d in self.days),
            start_min=_minutes(self.start),
            end_min=_minutes(self.end),
            units=self.units,
        )


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


def _area(v: Any) -> Any:
    """One clear message for a bad area, rather than one per branch of the union."""
    if isinstance(v, str) and v not in ("pilot", "city"):
        raise ValueError(f"must be 'pilot', 'city' or a list of zone names (got {v!r})")
    if not isinstance(v, str | list) or (
        isinstance(v, list) and not all(isinstance(z, str) for z in v)
    ):
        raise ValueError(f"must be 'pilot', 'city' or a list of zone names (got {v!r})")
    if isinstance(v, list) and len(set(v)) != len(v):
        raise ValueError(f"names a zone twice (got {v!r})")
    return v


Area = Annotated[Literal["pilot", "city"] | list[str], BeforeValidator(_area)]


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


class Holidays(Frozen):
    """Public holidays from the ``holidays`` package, plus the city's own changes."""

    country: str = Field(description="ISO country code for the holidays package, e.g. US")
    subdivision: str | None = Field(None, description="state or province code, e.g. NC")
    add: list[IsoDate] = Field(default_factory=list, description="extra holiday dates")
    remove: list[IsoDate] = Field(
        default_factory=list, description="dates the package lists that are worked as usual"
    )

    @model_validator(mode="after")
    def _known(self) -> Holidays:
        supported = holidays_lib.list_supported_countries()
        if self.country not in supported:
            close = [c for c in supported if c.lower() == self.country.lower()]
            hint = f"; did you mean {close[0]!r}?" if close else " (codes such as US, GB, CA)"
            raise ValueError(f"country {self.country!r} is not known to holidays{hint}")
        subdivisions = list(supported[self.country])
        if self.subdivision is not None and self.subdivision not in subdivisions:
            shown = ", ".join(subdivisions[:20]) + (", ..." if len(subdivisions) > 20 else "")
            raise ValueError(
                f"subdivision {self.subdivision!r} is not one of {self.country}'s: {shown}"
            )
        return self

    def dates(self, first: dt.date, last: dt.date) -> frozenset[dt.date]:
        """Holidays between first and last (inclusive)."""
        years = list(range(first.year, last.year + 1))
        found = holidays_lib.country_holidays(self.country, subdiv=self.subdivision, years=years)
        days = (set(found) | set(self.add)) - set(self.remove)
        return frozenset(d for d in days if first <= d <= last)


class Break(Frozen):
    """A meal or rest break every unit takes once per shift, within a window of the shift.
    A crew's breaks are staggered over the window (the k-th of n units is due k/n of the
    way through it); a unit takes its break when it is free and no live call waits, and
    from the latest start on as soon as it finishes its job (never in the middle of one)."""

    duration_min: Annotated[float, Field(gt=0, le=480, allow_inf_nan=False)] = Field(
        description="length of the break, minutes"
    )
    earliest_min: NonNeg = Field(description="earliest start, minutes after the shift starts")
    latest_min: NonNeg = Field(description="latest start, minutes after the shift starts")

    @model_validator(mode="after")
    def _window(self) -> Break:
        if self.latest_min < self.earliest_min:
            raise ValueError(
                f"latest_min {self.latest_min:g} is before earliest_min {self.earliest_min:g}"
            )
        return self


class FilledPosts(Frozen):
    """Posts filled out of posts funded (e.g. 19 of 27)."""

    filled: int = Field(ge=0, le=100_000)
    funded: int = Field(gt=0, le=100_000)

    @model_validator(mode="after")
    def _at_most(self) -> FilledPosts:
        if self.filled > self.funded:
            raise ValueError(f"filled {self.filled} is more than funded {self.funded}")
        return self

    @property
    def share(self) -> float:
        return self.filled / self.funded


class Availability(Frozen):
    """Scheduled units that are not there: vacancies, absences, breaks, police duties."""

    absence_prob: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = Field(
        0.0, description="chance a scheduled unit-shift is missing (leave, sickness, training)"
    )
    filled_posts: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | FilledPosts = Field(
        1.0,
        description="share of posts filled (0-1], or {filled: N, funded: M}; vacant posts "
        "leave that share of unit-shifts unstaffed, spread evenly over the days",
    )
    breaks: list[Break] = Field(default_factory=list, description="breaks every unit takes")
    pulled_to_police_per_shift: NonNeg = Field(
        0.0, description="CoR only: times per unit-shift the officer is taken for police work"
    )
    pulled_duration: Distribution = Field(
        default_factory=lambda: Fixed(value=60),
        description="how long the pair is away when the officer is pulled, minutes",
    )

    @property
    def filled_share(self) -> float:
        f = self.filled_posts
        return f.share if isinstance(f, FilledPosts) else float(f)


class Zone(Frozen):
    """A named part of the city (police districts, beats): its share of the calls, its area,
    and whether it is in the pilot area."""

    share: Prob = Field(description="share of all eligible calls arising in the zone")
    share_by_type: dict[str, Prob] = Field(
        default_factory=dict,
        description="share of each named call type's calls arising in the zone (overrides "
        "share for those types)",
    )
    area_sq_mi: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False)] | None = Field(
        None, description="land area, square miles (needed by the square-root travel model)"
    )
    pilot: bool = Field(False, description="part of the pilot area (area: pilot)")
    hour_of_week_weights: list[NonNeg] | None = Field(
        None,
        min_length=168,
        max_length=168,
        description="the zone's own demand shape by hour of week (Monday 00:00 first): a "
        "call at hour h is in the zone with probability proportional to share x weight[h] / "
        "mean weight (so share is then a relative weight, not exactly the share of calls)",
    )


class ProgramCost(Frozen):
    """What one unit of a program costs: people per unit by role, plus fixed annual costs."""

    staff_per_unit: dict[str, Annotated[int, Field(ge=0, le=100)]] = Field(
        description="people on duty per unit, by role name (a key of costs.roles)"
    )
    fixed_annual: NonNeg = Field(
        0.0, description="the program's fixed costs (supervision, office), $ per year"
    )
    fixed_per_unit_annual: NonNeg = Field(
        0.0,
        description="fixed costs of each unit (a van, phones), $ per year, times the most "
        "units the shifts put on duty at once",
    )


class _Program(Frozen):
    shifts: list[Shift] = Field(default_factory=list, description="shift patterns; may be empty")
    cost: ProgramCost | None = Field(None, description="staff and fixed costs; none = not costed")
    area: Area = Field(
        "pilot",
        description="serves calls inside the pilot area only, the whole city, or a list of "
        "zone names",
    )
    on_holidays: Literal["open", "closed", "weekend"] = Field(
        "open",
        description="on a public holiday: work as usual (open), stay closed, or work the "
        "Sunday shifts (weekend); needs start_date and holidays:",
    )
    availability: Availability = Field(
        default_factory=Availability, description="scheduled units that are not there"
    )

    def schedule(self) -> WeeklySchedule:
        return build_weekly(s.spec() for s in self.shifts)

    @model_validator(mode="after")
    def _breaks_fit(self) -> _Program:
        for i, b in enumerate(self.availability.breaks):
            for s in self.shifts:
                length = s.spec().length_min
                if b.latest_min + b.duration_min > length:
                    raise ValueError(
                        f"availability.breaks[{i}]: a break starting {b.latest_min:g} min "
                        f"into the {s.start}-{s.end} shift would run past its end "
                        f"({length} min): the latest start plus the duration must fit"
                    )
        return self


class CCD(_Program):
    """Crisis Call Diversion: clinicians in the 911 center assess callers by phone."""

    area: Area = "city"
    phone_time: Distribution = Field(description="assessment / de-escalation call, minutes")
    answer_patience_min: Patience = Field(
        None,
        description="longest 911 holds a live call for a clinician before taking it back "
        "and dispatching it directly (minutes, or a distribution); null = no limit",
    )
    caller_patience_min: Patience = Field(
        None,
        description="how long a caller holds for a clinician before hanging up (minutes, or "
        "a distribution); null = callers never hang up",
    )
    followup_prob: Prob = Field(
        0.0, description="share of CCD-resolved calls given a follow-up call"
    )
    followup_time: Distribution = Field(
        default_factory=lambda: Fixed(value=0), description="follow-up call, minutes"
    )
    cn_referral_prob: Prob = Field(0.0, description="share of CCD assessments referred to CN")


class FieldTeam(_Program):
    """CRT or CoR: a team dispatched in person."""

    travel_time: TravelTime = Field(
        description="dispatch to arrival, minutes: a distribution, or {model: square_root, "
        "...} (distance by the square-root law over the zones served)"
    )
    on_scene_time: Distribution = Field(description="time on scene, minutes")
    wrap_up_time: Distribution = Field(
        default_factory=lambda: Fixed(value=0),
        description="return and documentation before the team is free again, minutes",
    )
    patience_min: Patience = Field(
        None,
        description="longest a call waits for a free team before police/EMS are sent "
        "(minutes, or a distribution); null = no limit; a call type may set its own",
    )
    cn_referral_prob: Prob = Field(0.0, description="share of served calls referred to CN")
    response_target_min: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = Field(
        None, description="response-time target for reports and plots, minutes"
    )


class CareNavigation(_Program):
    """CN: follow-up contacts after a first encounter; its queue carries over closed hours."""

    contact_time: Distribution = Field(description="a contact attempt, minutes")
    target_hours: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        48.0, description="follow-up target, hours from referral"
    )
    contact_success_prob: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = Field(
        1.0, description="chance that a contact attempt reaches the person"
    )
    retry_hours: NonNeg = Field(24.0, description="hours between a failed attempt and the next one")
    max_attempts: int = Field(3, ge=1, le=50, description="attempts before the referral closes")


def _never_open_team() -> FieldTeam:
    return FieldTeam(travel_time=Fixed(value=0), on_scene_time=Fixed(value=0))


class Programs(Frozen):
    ccd: CCD = Field(default_factory=lambda: CCD(phone_time=Fixed(value=0)))
    crt: FieldTeam = Field(default_factory=_never_open_team)
    cor: FieldTeam = Field(default_factory=_never_open_team)
    cn: CareNavigation = Field(default_factory=lambda: CareNavigation(contact_time=Fixed(value=0)))


class CCDDecision(Frozen):
    """What a CCD clinician decides after assessing a call; shares sum to 1."""

    resolve: Prob = 0.0
    crt: Prob = 0.0
    cor: Prob = 0.0
    refer: Prob = 0.0

    @model_validator(mode="after")
    def _sums(self) -> CCDDecision:
        total = self.resolve + self.crt + self.cor + self.refer
        if abs(total - 1) > SUM_TOL:
            raise ValueError(f"resolve + crt + cor + refer must sum to 1, not {total:.6g}")
        return self


class CallType(Frozen):
    share: Prob = Field(description="share of all eligible calls")
    pilot_area_share: Prob | None = Field(
        None,
        description="share of these calls inside the pilot area (without zones:; with "
        "zones the zones say it)",
    )
    ccd_transfer: Prob = Field(1.0, description="share sent to CCD when a clinician is on duty")
    ccd_decision: CCDDecision
    direct: FieldTeamKey = Field(
        description="program 911 dispatches when CCD is closed, busy or skipped"
    )
    priority: int = Field(
        0,
        ge=0,
        le=9,
        description="queue priority at CCD, CRT and CoR: lower goes first (ties: first come, "
        "first served)",
    )
    patience_min: Patience = Field(
        None,
        description="this type's longest wait for a CRT/CoR team, instead of the program's "
        "(minutes, or a distribution); null = the program's",
    )


class Demand(Frozen):
    """Weekly volume of eligible calls and its shape over the week."""

    calls_per_week: Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)]
    multiplier: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] = 1.0
    hourly_weights: list[NonNeg] | None = Field(None, min_length=24, max_length=24)
    daily_weights: list[NonNeg] | None = Field(None, min_length=7, max_length=7)
    hour_of_week_weights: list[NonNeg] | None = Field(None, min_length=168, max_length=168)
    monthly_weights: list[NonNeg] | None = Field(
        None,
        min_length=12,
        max_length=12,
        description="relative volume Jan..Dec, scaled so a year keeps calls_per_week on "
        "average; needs start_date",
    )
    annual_growth: Annotated[float, Field(gt=-1, le=10, allow_inf_nan=False)] = Field(
        0.0, description="compound growth per year from start_date (0.05 = +5% a year)"
    )
    overdispersion: Annotated[float, Field(ge=0, le=5, allow_inf_nan=False)] = Field(
        0.0,
        description="coefficient of variation of a random day-level rate multiplier "
        "(gamma, mean 1); 0 = plain Poisson",
    )

    @model_validator(mode="after")
    def _one_shape(self) -> Demand:
        if self.hour_of_week_weights is not None and (
            self.hourly_weights is not None or self.daily_weights is not None
        ):
            raise ValueError("give hour_of_week_weights or hourly/daily weights, not both")
        for name in ("hourly_weights", "daily_weights", "hour_of_week_weights", "monthly_weights"):
            w = getattr(self, name)
            if w is not None and sum(w) <= 0:
                raise ValueError(f"{name} sum to zero")
        return self

    def month_factors(self) -> np.ndarray:
        """Rate multiplier for each month Jan..Dec, averaging 1 over a 365-day year."""
        if self.monthly_weights is None:
            return np.ones(12)
        w = np.asarray(self.monthly_weights, float)
        days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
        return w * days.sum() / (w * days).sum()

    def hour_of_week_rates(self) -> np.ndarray:
        """Expected calls in each of the 168 hours of the week (Monday 00:00 first)."""
        if self.hour_of_week_weights is not None:
            w = np.asarray(self.hour_of_week_weights, float)
        else:
            hourly = np.asarray(self.hourly_weights or [1.0] * 24, float)
            daily = np.asarray(self.daily_weights or [1.0] * 7, float)
            w = np.outer(daily / daily.sum(), hourly / hourly.sum()).ravel()
        assert w.size == HOURS_PER_WEEK
        return self.calls_per_week * self.multiplier * w / w.sum()


class Role(Frozen):
    annual_salary: Annotated[float, Field(gt=0, le=1e7, allow_inf_nan=False)] = Field(
        description="$ per year, before loading"
    )


class Costs(Frozen):
    """Staff cost rates and the police time a fallback call takes."""

    roles: dict[str, Role] = Field(description="role name -> salary")
    loading: Annotated[float, Field(ge=1, le=5, allow_inf_nan=False)] = Field(
        1.0, description="multiplier for benefits and overhead on salary"
    )
    paid_hours_per_fte: Annotated[float, Field(gt=0, le=8784, allow_inf_nan=False)] = 2080.0
    relief_factor: (
        Annotated[float, Field(ge=1, le=5, allow_inf_nan=False)] | Literal["from_absence"]
    ) = Field(
        1.0,
        description="paid hours per staffed hour (leave, training), or from_absence: "
        "1 / (1 - availability.absence_prob) per program",
    )
    overtime_multiplier: Annotated[float, Field(ge=1, le=5, allow_inf_nan=False)] = 1.5
    police_hours_per_call: NonNeg = Field(
        0.5, description="officer hours a call sent to police takes"
    )
    police_cost_per_hour: NonNeg | None = Field(
        None,
        description="cost of one officer-hour, $; prices police time: the police cost of "
        "the calls HEART kept from police, and the net cost; none = police time not priced",
    )
    cost_per_mile: NonNeg | None = Field(
        None,
        description="$ per mile a field team drives (to the call and back), from the "
        "distances of a square-root travel model; none = mileage not costed",
    )

    def hourly(self, role: str) -> float:
        """Loaded cost of one paid hour of a role."""
        return self.roles[role].annual_salary * self.loading / self.paid_hours_per_fte


PHASE_KEYS = ("demand", "call_types", "programs")


class Phase(Frozen):
    """From a date on, the scenario with some keys changed (merged as ``extends:`` merges)."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True
    )

    start: IsoDate = Field(alias="from", description="first day of the phase, YYYY-MM-DD")
    changes: dict[str, Any] = Field(
        description=f"keys of the scenario that change from then on: {', '.join(PHASE_KEYS)} "
        "(not demand.monthly_weights, annual_growth or overdispersion, nor costs:)"
    )

    @field_validator("changes")
    @classmethod
    def _keys(cls, v: dict[str, Any]) -> dict[str, Any]:
        other = [k for k in v if k not in PHASE_KEYS]
        if other:
            raise ValueError(
                f"a phase may change {', '.join(PHASE_KEYS)}; not {', '.join(map(str, other))} "
                "(those hold for the whole run)"
            )
        demand = v.get("demand")
        whole_run = ("monthly_weights", "annual_growth", "overdispersion")
        if isinstance(demand, dict) and any(k in demand for k in whole_run):
            given = ", ".join(f"demand.{k}" for k in whole_run if k in demand)
            raise ValueError(
                f"{given}: seasons, growth and day-to-day variation hold for the whole run; "
                "a phase may change calls_per_week, multiplier and the weekly weights"
            )
        return v


class Unknown(Frozen):
    """A parameter the published figures do not give: the range it may take (its prior),
    for ``heart-sim calibrate`` and ``heart-sim sensitivity``."""

    low: Finite = Field(description="the smallest value it may take")
    high: Finite = Field(description="the largest value it may take")
    prior: Literal["uniform", "loguniform"] = Field(
        "uniform", description="how likely values are across the range before calibration"
    )
    integer: bool = Field(False, description="whole numbers only (units of a shift)")
    note: str = Field("", max_length=500, description="why this range (a source or ASSUMPTION)")

    @model_validator(mode="after")
    def _range(self) -> Unknown:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if self.prior == "loguniform" and self.low <= 0:
            raise ValueError(f"a loguniform prior needs low > 0, got {self.low:g}")
        if self.integer and self.prior != "uniform":
            raise ValueError("an integer unknown takes a uniform prior (each whole number alike)")
        if self.integer and (self.low != int(self.low) or self.high != int(self.high)):
            raise ValueError("an integer unknown needs whole-number low and high")
        return self


class Scenario(Frozen):
    name: str = Field(
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$", description="names the results folder"
    )
    title: str = Field("", max_length=200, description="free-text title for display")
    description: str = ""
    seed: int = Field(2022, ge=0, le=2**63 - 1, description="default seed for replications")
    horizon_weeks: int = Field(52, ge=1, le=520, description="measured weeks after warm-up")
    warmup_weeks: int = Field(1, ge=0, le=52, description="simulated but not measured")
    demand: Demand
    call_types: dict[str, CallType] = Field(min_length=1)
    programs: Programs = Field(default_factory=Programs)
    costs: Costs | None = Field(None, description="cost rates; none = costs not reported")
    start_date: IsoDate | None = Field(
        None,
        description="first measured day (any weekday; the warm-up runs just before it); "
        "none = an unnamed week starting on a Monday",
    )
    holidays: Holidays | None = Field(None, description="public holidays (needs start_date)")
    phases: list[Phase] = Field(
        default_factory=list, description="staged changes by date (needs start_date)"
    )
    zones: dict[str, Zone] | None = Field(
        None, description="named parts of the city with their share of calls and area"
    )
    call_taking_time: Distribution | None = Field(
        None,
        description="the 911 call-taker's time with each call before it goes to CCD or "
        "is dispatched, minutes; none = no such stage",
    )
    calibration: dict[str, Unknown] | None = Field(
        None,
        description="the unknowns: key path (as for sweeps) -> the range it may take; read "
        "by heart-sim calibrate and sensitivity, ignored by a run",
    )
    _phase_list: list[tuple[dt.date, Scenario]] = PrivateAttr(default_factory=list)

    @field_validator("call_types")
    @classmethod
    def _shares(cls, v: dict[str, CallType]) -> dict[str, CallType]:
        total = sum(ct.share for ct in v.values())
        if abs(total - 1) > SUM_TOL:
            raise ValueError(f"shares of the call types must sum to 1, not {total:.6g}")
        return v

    @model_validator(mode="after")
    def _roles_known(self) -> Scenario:
        for p in PROGRAMS:
            cost = self.program(p).cost
            if cost is None:
                continue
            if self.costs is None:
                raise ValueError(f"programs.{p}.cost: needs a costs: block with the role rates")
            unknown = sorted(set(cost.staff_per_unit) - set(self.costs.roles))
            if unknown:
                raise ValueError(
                    f"programs.{p}.cost.staff_per_unit: role(s) {unknown} not in costs.roles"
                )
            relief = self.costs.relief_factor
            absence = self.program(p).availability.absence_prob
            if absence > 0 and relief != 1 and relief != "from_absence":
                raise ValueError(
                    f"costs.relief_factor: {relief} and programs.{p}.availability.absence_prob "
                    f"{absence} both count leave: give relief_factor: from_absence (paid "
                    "hours = present hours / (1 - absence_prob)) or drop one of them"
                )
        return self

    def relief(self, p: Program | str) -> float:
        """Paid hours per present unit-hour of a program (see Costs.relief_factor)."""
        assert self.costs is not None
        if self.costs.relief_factor == "from_absence":
            return 1 / (1 - self.program(p).availability.absence_prob)
        return float(self.costs.relief_factor)

    def program(self, p: Program | str) -> _Program:
        """A program's configuration by its key (``"crt"`` or ``Program.CRT``)."""
        return getattr(self.programs, Program(p).value)

    def field_team(self, p: Program | str) -> FieldTeam:
        """CRT's or CoR's configuration."""
        team = self.program(p)
        assert isinstance(team, FieldTeam), p
        return team

    @model_validator(mode="after")
    def _zones(self) -> Scenario:
        zones = self.zones
        missing = [t for t, ct in self.call_types.items() if ct.pilot_area_share is None]
        if zones is None:
            if missing:
                raise ValueError(
                    f"call_types.{missing[0]}.pilot_area_share: required without zones: "
                    "(the share of the type's calls inside the pilot area)"
                )
        else:
            given = [t for t, ct in self.call_types.items() if ct.pilot_area_share is not None]
            if given:
                raise ValueError(
                    f"call_types.{given[0]}.pilot_area_share: with zones: the zones give where "
                    "calls are (share, share_by_type, pilot); drop pilot_area_share"
                )
            for t in self.call_types:
                total = sum(z.share_by_type.get(t, z.share) for z in zones.values())
                if abs(total - 1) > SUM_TOL:
                    raise ValueError(
                        f"zones: the shares of {t} calls over the zones sum to {total:.6g}, not 1"
                    )
            for name, z in zones.items():
                unknown = sorted(set(z.share_by_type) - set(self.call_types))
                if unknown:
                    raise ValueError(
                        f"zones.{name}.share_by_type: {unknown} are not call types "
                        f"({', '.join(self.call_types)})"
                    )
                w = z.hour_of_week_weights
                if w is not None and sum(w) <= 0:
                    raise ValueError(f"zones.{name}.hour_of_week_weights: sum to zero")
                if name in ("pilot", "city"):
                    raise ValueError(
                        f"zones.{name}: pilot and city are area keywords; name the zone "
                        "otherwise (mark pilot zones with pilot: true)"
                    )
            if any(z.hour_of_week_weights is not None for z in zones.values()):
                for h in range(HOURS_PER_WEEK):
                    weight = sum(
                        z.share * (z.hour_of_week_weights[h] if z.hour_of_week_weights else 1)
                        for z in zones.values()
                    )
                    if weight <= 0:
                        raise ValueError(
                            f"zones: every zone has weight 0 in hour {h} of the week (Monday "
                            "00:00 = 0): calls arriving then would have no zone"
                        )
        for p in PROGRAMS:
            cfg = self.program(p)
            area = cfg.area
            if isinstance(area, list):
                if zones is None:
                    raise ValueError(f"programs.{p}.area: a list of zones needs a zones: block")
                unknown = [a for a in area if a not in zones]
                if unknown or not area:
                    raise ValueError(
                        f"programs.{p}.area: {unknown or 'an empty list'} "
                        f"{'is not a zone' if unknown else 'serves nothing'} (zones: "
                        f"{', '.join(zones)}; or pilot, city)"
                    )
            elif (
                area == "pilot"
                and zones is not None
                and cfg.shifts
                and not any(z.pilot for z in zones.values())
            ):
                raise ValueError(f"programs.{p}.area: pilot, but no zone has pilot: true")
            travel = getattr(cfg, "travel_time", None)
            if isinstance(travel, SquareRootTravel):
                if zones is None:
                    raise ValueError(
                        f"programs.{p}.travel_time: the square-root model needs zones: with "
                        "area_sq_mi"
                    )
                served = self.zone_names_served(p)
                no_area = [z for z in served if zones[z].area_sq_mi is None]
                if no_area:
                    raise ValueError(
                        f"programs.{p}.travel_time: the square-root model needs "
                        f"zones.{no_area[0]}.area_sq_mi"
                    )
        return self

    def zone_names_served(self, p: Program | str) -> list[str]:
        """The zones a program serves (needs zones:)."""
        assert self.zones is not None
        area = self.program(p).area
        if isinstance(area, list):
            return list(area)
        return [n for n, z in self.zones.items() if area == "city" or z.pilot]

    @model_validator(mode="after")
    def _calendar(self) -> Scenario:
        if self.start_date is None:
            for what, given in (
                ("holidays:", self.holidays is not None),
                ("phases:", bool(self.phases)),
                ("demand.monthly_weights", self.demand.monthly_weights is not None),
            ):
                if given:
                    raise ValueError(
                        f"{what.rstrip(':')}: needs start_date: (the first measured day, "
                        "YYYY-MM-DD)"
                    )
        if self.start_date is not None and not (FIRST_DATE <= self.start_date <= LAST_DATE):
            raise ValueError(
                f"start_date: {self.start_date} is outside {FIRST_DATE} - {LAST_DATE}, the "
                "years the calendar covers"
            )
        self._check_programs(self)
        previous = self.start_date
        for i, phase in enumerate(self.phases):
            if previous is not None and phase.start <= previous:
                what = "start_date" if i == 0 else f"phases[{i - 1}]"
                raise ValueError(
                    f"phases[{i}].from: {phase.start} is not after {what} {previous} (a change "
                    "from the start belongs in the scenario itself)"
                )
            previous = phase.start
        self._phase_list = [(ph.start, self._phase_scenario(i)) for i, ph in enumerate(self.phases)]
        mileage = self.costs is not None and self.costs.cost_per_mile is not None
        if mileage and not any(
            sc.has_distances(p) for _, sc in self.phase_list() for p in FIELD_TEAMS
        ):
            raise ValueError(
                "costs.cost_per_mile: no field team has distances to cost: it needs a "
                "travel_time: {model: square_root, ...} on CRT or CoR; remove "
                "cost_per_mile or give a team that travel model"
            )
        return self

    def has_distances(self, p: Program | str) -> bool:
        """Whether a field team's travel is a distance model (so its miles are known)."""
        return isinstance(self.field_team(p).travel_time, SquareRootTravel)

    def _check_programs(self, sc: Scenario, where: str = "") -> None:
        for p in PROGRAMS:
            cfg = sc.program(p)
            if cfg.on_holidays != "open" and sc.holidays is None:
                raise ValueError(
                    f"{where}programs.{p}.on_holidays: {cfg.on_holidays} needs a holidays: "
                    "block (country:, subdivision:)"
                )
            if p != Program.COR and cfg.availability.pulled_to_police_per_shift > 0:
                raise ValueError(
                    f"{where}programs.{p}.availability.pulled_to_police_per_shift: only CoR "
                    "has a police officer to be pulled away"
                )

    def _phase_scenario(self, i: int) -> Scenario:
        """The scenario in force from phase i on: this one with phases 0..i merged in."""
        base = self.model_dump(mode="json", exclude={"phases"})
        for phase in self.phases[: i + 1]:
            base = deep_merge(base, phase.changes)
        where = f"phases[{i}].changes"
        try:
            sc = Scenario.model_validate(base)
        except ValidationError as err:
            loc, why = problems(err, Scenario)[0]
            inner = key_path(loc)
            raise ValueError(f"{where}{'.' + inner if inner else ''}: {why}") from None
        if list(sc.call_types) != list(self.call_types):
            raise ValueError(
                f"{where}.call_types: a phase may change the call types' numbers, not add, "
                f"remove or reorder them ({', '.join(self.call_types)})"
            )
        return sc

    def phase_list(self) -> list[tuple[dt.date, Scenario]]:
        """(first day, scenario in force) for the start and each phase, in date order."""
        return [(self.first_day_or_monday, self), *self._phase_list]

    @property
    def first_day_or_monday(self) -> dt.date:
        """The first measured day; without start_date an unnamed Monday (2001-01-01)."""
        return self.start_date or UNNAMED_MONDAY

    @property
    def begin_min(self) -> float:
        """When the warm-up starts, minutes since the Monday 00:00 of its week (t = 0)."""
        return float(self.first_day_or_monday.weekday() * 24 * MIN_PER_HOUR)

    @property
    def origin(self) -> dt.date:
        """The date of t = 0: the Monday of the week the warm-up starts in."""
        return self.first_day_or_monday - dt.timedelta(
            days=7 * self.warmup_weeks + self.first_day_or_monday.weekday()
        )

    @property
    def start_min(self) -> float:
        """Start of the measured window (end of warm-up), minutes since t = 0."""
        return self.begin_min + float(self.warmup_weeks * 7 * 24 * MIN_PER_HOUR)

    @property
    def end_min(self) -> float:
        return self.start_min + float(self.horizon_weeks * 7 * 24 * MIN_PER_HOUR)

    def expected_calls(self) -> float:
        """Expected arrivals over warm-up and horizon (for sizing and run limits)."""
        weeks = self.warmup_weeks + self.horizon_weeks
        weekly = max(sc.demand.hour_of_week_rates().sum() for _, sc in self.phase_list())
        growth = max(1.0, (1 + self.demand.annual_growth) ** (self.horizon_weeks / 52))
        return float(weekly * weeks * growth * max(self.demand.month_factors()))


# --- loading ---------------------------------------------------------------------------


def key_path(loc: tuple[Any, ...]) -> str:
    """('programs', 'crt', 'shifts', 0, 'start') -> 'programs.crt.shifts[0].start'; odd
    keys (empty, blank, control characters, dots) are quoted so the path stays one line."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif (
            isinstance(part, str)
            and part
            and part.isprintable()
            and part.strip() == part
            and "." not in part
        ):
            out += ("." if out else "") + part
        else:
            out += f"[{str(part)!r}]"
    return out


_PATH_FIRST = re.compile(r"^((?:[A-Za-z_]\w*|\[\d+\])(?:\.[A-Za-z_]\w*|\[\d+\])*): (.+)$", re.S)


def _path_parts(path: str) -> tuple[Any, ...]:
    """'programs.crt.shifts[0].units' -> ('programs', 'crt', 'shifts', 0, 'units')."""
    parts: list[Any] = []
    for token in re.findall(r"[A-Za-z_]\w*|\[\d+\]", path):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return tuple(parts)


def _problems(
    err: ValidationError, attribute: Callable[[tuple], str]
) -> list[tuple[str, str, str]]:
    out = []
    for loc, why in problems(err, Scenario):
        # A check across keys (a model validator) names its key path first: use it.
        m = _PATH_FIRST.match(why)
        if m:
            loc, why = (*loc, *_path_parts(m.group(1))), m.group(2)
        # A missing key is the fault of the file that wrote the mapping lacking it.
        owner = loc[:-1] if why == MISSING else loc
        out.append((attribute(owner), key_path(loc), why))
    return out


def scenario_from_dict(
    data: Any,
    source: str = "<dict>",
    default_name: str = "scenario",
    attribute: Callable[[tuple], str] | None = None,
) -> Scenario:
    """Validate a mapping into a Scenario; raise ScenarioError naming source and key paths.
    ``attribute`` maps an error's key path to the file that set it (for ``extends:``)."""
    if not isinstance(data, dict):
        raise ScenarioError(source, [("", not_a_mapping(data))])
    data = dict(data)
    data.setdefault("name", default_name)
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(source, _problems(err, attribute or (lambda _loc: source))) from None
    except RecursionError:
        raise ScenarioError(source, [("", "nested too deeply")]) from None


class _Loader(yaml.SafeLoader):
    """The safe loader without YAML 1.1's surprises: base-60 integers (``end: 17:00``
    stays a time, not 1020), octal (``010`` is 10), yes/no/on/off as booleans (only
    true/false are), and a key given twice in one mapping is an error, not a silent
    overwrite of the first."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *anchor` (keys given beside it win, as YAML says)
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_REPLACED = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:bool")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?(?:0|[0-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$", re.X),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_int(loader: Any, node: Any) -> int:
    """Integers as people write them: 010 is ten (not octal eight); 0x10, 0b11, 1_000."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    if digits[:2].lower() in ("0x", "0b"):
        return int(sign + digits, 0)
    return int(sign + digits, 10)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def read_yaml(path: Path) -> Any:
    """Read a YAML file with the safe loader; errors name the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), [("", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(str(path), [("", f"cannot read: {err}")]) from None
    if len(text) > MAX_FILE_CHARS:
        raise ScenarioError(str(path), [("", f"file is larger than {MAX_FILE_CHARS:,} characters")])
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise ScenarioError(str(path), [("", "not valid YAML: nested too deeply")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ScenarioError(str(path), [(where, f"not valid YAML: {problem}")]) from None


def builtin_dir() -> Path:
    """Folder of the shipped scenarios (inside the wheel, or the source checkout)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_scenarios"
    return packaged if packaged.is_dir() else here.parent / "scenarios"


def builtin_scenarios() -> dict[str, Path]:
    folder = builtin_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def resolve_path(name_or_path: str | Path) -> Path:
    """A path to a file, or the name of a built-in scenario."""
    p = Path(name_or_path)
    if p.is_file() or p.suffix in (".yaml", ".yml"):
        return p
    builtin = builtin_scenarios()
    if str(name_or_path) in builtin:
        return builtin[str(name_or_path)]
    raise ScenarioError(
        str(name_or_path),
        [("", f"no such file, nor a built-in scenario (built-in: {', '.join(builtin) or 'none'})")],
    )


def load_layers_of(path: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The file and each file it extends, most derived first, as read."""
    return load_layers(path, read_yaml, builtin_scenarios())


def load_scenario_dict(name_or_path: str | Path) -> tuple[Path, dict[str, Any], Callable]:
    """The merged mapping of a scenario file and its ``extends:`` chain, unvalidated, with
    the function that attributes a key path to the file that set it."""
    path = resolve_path(name_or_path)
    layers = load_layers(path, read_yaml, builtin_scenarios())
    merged = merge_layers(layers)

    def attribute(loc: tuple) -> str:
        if tuple(loc[:1]) == ("name",) and "name" not in layers[0][1]:
            return str(path)  # no name: given, so the file's own name is used
        for layer_path, data in layers:
            if has_key_path(data, loc, merged):
                return str(layer_path)
        return str(path)

    return path, merged, attribute


def scenario_sources(name_or_path: str | Path) -> dict[str, str]:
    """The text of a scenario file and of each file it extends, comments included, named
    ``<depth>_<file name>`` (0 = the file itself)."""
    path = resolve_path(name_or_path)
    layers = load_layers(path, read_yaml, builtin_scenarios())
    return {f"{i}_{p.name}": p.read_text(encoding="utf-8") for i, (p, _) in enumerate(layers)}


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario file (or a built-in scenario by name)."""
    path, data, attribute = load_scenario_dict(name_or_path)
    return scenario_from_dict(data, source=str(path), default_name=path.stem, attribute=attribute)


def scenario_hash(scenario: Scenario) -> str:
    """Content hash of the resolved scenario (what actually runs)."""
    # The unknowns' ranges do not change what runs, so editing them keeps the results.
    text = scenario.model_dump_json(exclude={"calibration"})
    return hashlib.sha256(text.encode()).hexdigest()[:16]

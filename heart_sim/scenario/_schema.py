"""Scenario: the validated, frozen description of the system a run simulates.

Every model is frozen with ``extra="forbid"`` so a misspelled key is an error rather than
a silent default. The Scenario's parts that stand on their own have their own modules
(``_programs``, ``_zones``, ``_phases``, the shared value types in ``_fields``); here are
the rest (demand, call types, costs, holidays, unknowns) and the Scenario, whose
validators check the parts against each other. Reading files and ``extends:`` is
``_load``'s. Nothing here runs the simulation; the model reads a Scenario and never
changes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import holidays as holidays_lib
import numpy as np
from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from ..core import FIELD_TEAMS, PROGRAMS, FieldTeamKey, Program, problems
from ._distributions import Distribution
from ._fields import SUM_TOL, Finite, Frozen, IsoDate, NonNeg, Patience, Prob
from ._phases import Phase, check_phase_order
from ._programs import FieldTeam, Programs, _Program
from ._schedules import HOURS_PER_WEEK, MIN_PER_HOUR
from ._travel import SquareRootTravel
from ._variants import deep_merge
from ._zones import Zone, check_program_zones, check_where_calls_arise, check_zones, zones_served

UNNAMED_MONDAY = dt.date(2001, 1, 1)  # a Monday: runs without start_date begin on one
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


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


class CCDDecision(Frozen):
    """What a CCD clinician decides after assessing a call; shares sum to 1."""

    resolve: Prob = Field(0.0, description="share the clinician resolves by phone")
    crt: Prob = Field(0.0, description="share the clinician sends a CRT team to")
    cor: Prob = Field(0.0, description="share the clinician sends a Co-Response pair to")
    refer: Prob = Field(0.0, description="share the clinician refers to police/EMS")

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
    sent_to_heart: Prob = Field(
        1.0,
        description="share of these calls 911 sends to HEART when a HEART program is on "
        "duty for them (CCD, or the team it dispatches, in hours and area); the rest go "
        "to police/EMS as fallback_not_sent. 1 = every one",
    )
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

    calls_per_week: Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)] = Field(
        description="eligible calls a week on average"
    )
    multiplier: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] = Field(
        1.0, description="scales calls_per_week (1.25 = 25% more calls)"
    )
    hourly_weights: list[NonNeg] | None = Field(
        None,
        min_length=24,
        max_length=24,
        description="relative volume by hour of day, 00..23 (with daily_weights)",
    )
    daily_weights: list[NonNeg] | None = Field(
        None,
        min_length=7,
        max_length=7,
        description="relative volume by day, Mon..Sun (with hourly_weights)",
    )
    hour_of_week_weights: list[NonNeg] | None = Field(
        None,
        min_length=168,
        max_length=168,
        description="relative volume in each hour of the week, Monday 00:00 first (instead "
        "of hourly and daily weights)",
    )
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
    paid_hours_per_fte: Annotated[float, Field(gt=0, le=8784, allow_inf_nan=False)] = Field(
        2080.0, description="paid hours a year of one full-time position (40 h x 52 weeks)"
    )
    relief_factor: (
        Annotated[float, Field(ge=1, le=5, allow_inf_nan=False)] | Literal["from_absence"]
    ) = Field(
        1.0,
        description="paid hours per staffed hour (leave, training), or from_absence: "
        "1 / (1 - availability.absence_prob) per program",
    )
    overtime_multiplier: Annotated[float, Field(ge=1, le=5, allow_inf_nan=False)] = Field(
        1.5, description="pay of an overtime hour against a regular one"
    )
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
    description: str = Field(
        "", description="what the scenario is and why (the study's objective, in words)"
    )
    seed: int = Field(2022, ge=0, le=2**63 - 1, description="default seed for replications")
    horizon_weeks: int = Field(52, ge=1, le=520, description="measured weeks after warm-up")
    warmup_weeks: int = Field(1, ge=0, le=52, description="simulated but not measured")
    demand: Demand
    call_types: dict[str, CallType] = Field(
        min_length=1, description="the kinds of eligible call, by a name you choose"
    )
    programs: Programs = Field(
        default_factory=Programs, description="the four HEART programs: ccd, crt, cor, cn"
    )
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

    @model_validator(mode="after")
    def _types_known(self) -> Scenario:
        """A field team's on_scene_time_by_type names call types of this scenario."""
        for p in FIELD_TEAMS:
            unknown = sorted(set(self.field_team(p).on_scene_time_by_type) - set(self.call_types))
            if unknown:
                raise ValueError(
                    f"programs.{p}.on_scene_time_by_type: {', '.join(unknown)} not among "
                    f"the call types ({', '.join(self.call_types)})"
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
        """Where calls arise (zones or pilot_area_share) and the zones each program serves."""
        shares = {t: ct.pilot_area_share for t, ct in self.call_types.items()}
        check_where_calls_arise(shares, self.zones)
        if self.zones is not None:
            check_zones(self.zones, list(self.call_types))
        for p in PROGRAMS:
            check_program_zones(p, self.program(p), self.zones)
        return self

    def zone_names_served(self, p: Program | str) -> list[str]:
        """The zones a program serves (needs zones:)."""
        assert self.zones is not None
        return zones_served(self.zones, self.program(p).area)

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
        check_phase_order(self.start_date, self.phases)
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

"""The four programs of a scenario (``programs:``): CCD, CRT, CoR and Care Navigation.

What a program is, apart from the city around it: its shifts, the units that are not
there (absences, vacancies, breaks), what a unit costs, where it serves and how long its
work takes. Checks that need the rest of the scenario (zones, holidays, cost rates) are
the Scenario's; a program alone checks only itself (a break must fit its shifts).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ._days import days_json_schema, parse_days
from ._distributions import Distribution, Fixed
from ._fields import Frozen, NonNeg, Patience, Prob
from ._schedules import DAY_NAMES, MIN_PER_HOUR, ShiftSpec, WeeklySchedule, build_weekly
from ._travel import TravelTime

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


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
        "or daily, weekdays, weekends",
        json_schema_extra=days_json_schema,
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

    filled: int = Field(ge=0, le=100_000, description="posts filled")
    funded: int = Field(gt=0, le=100_000, description="posts funded")

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
    continuous_crews: bool = Field(
        False,
        description="shifts that touch or overlap work as one continuous crew: where some "
        "shifts end as others start, only the units by which staffing falls hand over "
        "(finish their calls on overtime); false = every shift's end is a handover "
        "(heart-sim optimize writes true: its shift options are pieces of crews)",
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

    area: Area = Field(
        "city",
        description="serves calls inside the pilot area only, the whole city, or a list of "
        "zone names",
    )
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


class Transport(Frozen):
    """Calls a team ends by taking the person somewhere (a crisis center, an emergency
    department, a shelter) or escorting them: the share of served calls, and the time it
    adds to the team's job after on scene (the drive there with its handover)."""

    share: Prob = Field(description="share of served calls that end in a transport or escort")
    time: Distribution = Field(
        description="minutes the transport adds to the team's busy time, destination "
        "travel and handover included"
    )


class FieldTeam(_Program):
    """CRT or CoR: a team dispatched in person."""

    travel_time: TravelTime = Field(
        description="dispatch to arrival, minutes: a distribution, or {model: square_root, "
        "...} (distance by the square-root law over the zones served)"
    )
    on_scene_time: Distribution = Field(description="time on scene, minutes")
    on_scene_time_by_type: dict[str, Distribution] = Field(
        default_factory=dict,
        description="time on scene for the call types named (call type -> distribution, "
        "minutes); the others take on_scene_time",
    )
    transport: Transport | None = Field(
        None, description="calls ended by a transport or escort; null = none"
    )
    triage_share: Prob = Field(
        1.0,
        description="share of the calls 911 itself would dispatch this team (the call "
        "type's direct program) that 911 triages to it; the rest go to police/EMS as "
        "fallback_not_sent. For CoR: the share of higher-risk calls 911 staff judge fit "
        "for Co-Response. 1 = every one",
    )
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

"""The people a scenario's schedules need: FTE and head count per program and role.

A schedule says how many units are on duty when; a budget office counts people. One unit
of a program is ``programs.<p>.cost.staff_per_unit`` people (a CRT team: a clinician, a
peer support specialist and an EMT), so a program needs, per role,

    FTE = unit-hours a week x 52 x people per unit x paid hours per scheduled hour
          / paid hours per FTE

where the paid hours per scheduled hour (``costs.paid_per_scheduled_hour``) are those the
cost model pays: (1 - absence_prob) x the relief factor, since the model finds absent
shifts missing rather than backfilled and pays the present hours x the relief factor; with
``relief_factor: from_absence`` it is 1, with absence 0 the relief factor itself. So the
FTE and the annual cost count the same hours (vacancies apart: FTE counts funded posts).

Head count is whole people. Without a rotation it is the FTE rounded up. With a weekend
rotation of "1 weekend in N" (Durham's 2025 CRT posting: 1 weekend in 3), everyone works
only one weekend in N, so the crews a single weekend day puts on duty must come from N
different groups of people: head count >= N x the people one weekend day needs.

Programs without a ``cost:`` block have no roles declared and give no rows: their people
are not counted (as they are not costed). Phases (``phases:``) are not looked at: the
counts are those of the scenario's own top-level shifts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from ..core import PROGRAMS, StudyError
from ..scenario import MIN_PER_HOUR, Scenario
from ._costs import WEEKS_PER_YEAR, paid_per_scheduled_hour

COLUMNS = ["program", "role", "people_per_unit", "unit_hours_per_week", "fte", "head_count"]
WEEKEND = ("sat", "sun")


def unit_hours_per_week(scenario: Scenario, program: str) -> float:
    """Scheduled unit-hours a week of a program's shifts (0 with no shifts)."""
    cfg = scenario.program(program)
    if not cfg.shifts:
        return 0.0
    return cfg.schedule().unit_minutes_per_week / MIN_PER_HOUR


def weekend_crews(scenario: Scenario, program: str) -> int:
    """The most crews a Saturday or a Sunday puts on duty: the units of every shift that
    starts on that day, summed (a Friday-night shift running into Saturday is Friday's
    crew)."""
    shifts = scenario.program(program).shifts
    return max(
        (sum(s.units for s in shifts if day in s.days) for day in WEEKEND),
        default=0,
    )


def _programs(scenario: Scenario, programs: Iterable[str] | None) -> list[str]:
    names = [p.value for p in PROGRAMS] if programs is None else [str(p) for p in programs]
    known = {p.value for p in PROGRAMS}
    unknown = [p for p in names if p not in known]
    if unknown:
        raise StudyError(f"unknown program(s) {', '.join(unknown)}: use {', '.join(sorted(known))}")
    return names


def people(
    scenario: Scenario,
    programs: Iterable[str] | None = None,
    weekend_rotation: int | None = None,
) -> pd.DataFrame:
    """One row per (program, role): people per unit, scheduled unit-hours a week, FTE and
    head count (see the module docstring). ``programs``: the program keys to count (all
    by default); a program with no ``cost:`` block, or a scenario with no ``costs:``,
    gives no rows. ``weekend_rotation=N``: each person works 1 weekend in N."""
    if weekend_rotation is not None and weekend_rotation < 1:
        raise StudyError(
            f"weekend_rotation must be 1 or more (1 weekend in N), not {weekend_rotation}"
        )
    rows = []
    if scenario.costs is not None:
        paid = scenario.costs.paid_hours_per_fte
        for p in _programs(scenario, programs):
            cost = scenario.program(p).cost
            if cost is None:
                continue
            hours = unit_hours_per_week(scenario, p)
            paid_per_hour = paid_per_scheduled_hour(scenario, p)
            crews = weekend_crews(scenario, p)
            for role, n in cost.staff_per_unit.items():
                fte = hours * WEEKS_PER_YEAR * n * paid_per_hour / paid
                count = math.ceil(round(fte, 9))  # 12.6000000001 is 13, 12.0000000001 is 12
                if weekend_rotation is not None:
                    count = max(count, weekend_rotation * crews * n)
                rows.append([p, role, n, hours, fte, count])
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({"people_per_unit": int, "head_count": int})


def fte_total(scenario: Scenario, programs: Iterable[str] | None = None) -> float:
    """All the FTE the scenario's schedules need (programs with a cost block)."""
    return float(people(scenario, programs)["fte"].sum())

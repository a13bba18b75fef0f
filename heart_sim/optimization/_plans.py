"""What ``heart-sim optimize`` may choose for each program, and what a choice costs.

A :class:`ProgramPlan` holds a program's open hours, its shift options (each allowed
length from each allowed start that fits the open hours) and its costs; a choice is the
number of units on each option. Here a choice becomes scenario shifts
(:func:`plan_shifts`), an annual cost (:func:`plan_cost`) and units on duty hour by hour
(:func:`plan_coverage`). Kept apart from the search, which only moves units between
options, so the prices and the shifts written are the same for the search, the result and
the brute-force checks in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..measure import WEEKS_PER_YEAR, paid_per_scheduled_hour, unit_hourly_cost
from ..scenario import DAY_NAMES, HOURS_PER_WEEK, MIN_PER_HOUR, Scenario
from ._isa import open_mask
from ._result import OptimizeError
from ._shiftcover import HOURS_PER_DAY, ShiftOption, coverage_matrix, crew_ends, hour_label

MAX_UNITS = 20


@dataclass(frozen=True)
class ProgramPlan:
    """What may be chosen for one program: its open hours, shift options and cap."""

    program: str
    open_hours: np.ndarray  # 168 bools
    options: tuple[ShiftOption, ...]
    max_units: int
    unit_cost: float  # annual cost of one unit on duty one hour every week
    peak_cost: float  # annual fixed cost per unit on duty at once
    overtime_cost: float = 0.0  # annual cost of one overtime unit-hour every week
    min_length: int = 1  # hours a crew works at least (``cover``'s min_length)

    @cached_property
    def matrix(self) -> np.ndarray:
        """168 x options: 1 where a unit on the option is on duty (built once: the polish
        prices and checks many plans of the same options)."""
        return coverage_matrix(self.options)


def _shift_text(o: ShiftOption) -> dict[str, Any]:
    end = (o.start_hour + o.length_hours) % HOURS_PER_DAY
    return {
        "start": f"{o.start_hour:02d}:00",
        "end": f"{end:02d}:00" if end else "24:00",
    }


def plan_shifts(plan: ProgramPlan, units: Sequence[int]) -> list[dict]:
    """The chosen units as scenario shifts: options with the same hours and units on
    different days share one line."""
    lines: dict[tuple[str, str, int], list[int]] = {}
    for o, u in zip(plan.options, units):
        if u > 0:
            t = _shift_text(o)
            lines.setdefault((t["start"], t["end"], int(u)), []).extend(o.days)
    out = []
    for (start, end, u), days in lines.items():
        names = [DAY_NAMES[d] for d in sorted(set(days))]
        out.append(
            {"days": names if len(names) < 7 else "daily", "start": start, "end": end, "units": u}
        )
    return out


def plan_cost(
    plan: ProgramPlan, units: Sequence[int], end_price: np.ndarray | None = None
) -> float:
    """Annual cost of the shifts: unit-hours x loaded pay x the paid hours per scheduled
    hour (``costs.paid_per_scheduled_hour``: relief, less absences), the fixed cost of
    the most units on duty at once, and, given ``end_price`` (the expected overtime cost
    of a crew ending at each hour of the week, from the search's simulations), the
    overtime where the crews end."""
    cost = sum(o.cost_per_unit * u for o, u in zip(plan.options, units))
    cov = plan_coverage(plan, units)
    ends = 0.0 if end_price is None else float(np.asarray(end_price) @ crew_ends(cov))
    return float(cost) + plan.peak_cost * int(cov.max(initial=0)) + ends


def plan_coverage(plan: ProgramPlan, units: Sequence[int]) -> np.ndarray:
    """Units on duty in each hour of the week under ``units`` per option."""
    return plan.matrix @ np.asarray(units, dtype=np.int64)


def scenario_coverage(base: Scenario, p: str) -> np.ndarray:
    """Units the scenario's own shifts put on duty in each hour of the week."""
    sched = base.program(p).schedule()
    return np.array([sched.units_at(h * 60 + 30) for h in range(HOURS_PER_WEEK)])


# -- the plans of a request ----------------------------------------------------------------


def program_plans(
    base: Scenario,
    programs: Sequence[str],
    hours: list[tuple[int, int]] | None | str = "current",
    lengths: Sequence[int] = (8, 10, 12),
    starts: Sequence[int] | None = None,
    max_units: int = MAX_UNITS,
    same_each_day: bool = False,
    min_length: int | None = None,
) -> dict[str, ProgramPlan]:
    """Each program's open hours (``hours``: a list of daily (start, end), None for every
    hour, or "current" for the hours its shifts cover now), its shift options (each of
    ``lengths`` from each of ``starts`` that fits the open hours; one option per day, or
    one for every day with ``same_each_day``), costs, and the shortest crew
    (``min_length`` hours; by default the shortest shift the program works now, or the
    shortest of ``lengths`` if it has none). Options are pieces of continuous crews: a
    crew may be longer than any one option, never shorter than its minimum."""
    _check_lengths(lengths)
    if min_length is not None and not 1 <= int(min_length) <= HOURS_PER_DAY:
        raise OptimizeError(f"--min-shift-length {min_length}: whole hours from 1 to 24, e.g. 8")
    out = {}
    for p in programs:
        cost = base.program(p).cost
        if cost is None or base.costs is None:  # checked first: the prices need both
            missing = "costs:" if base.costs is None else f"programs.{p}.cost"
            raise OptimizeError(
                f"{missing} is not set: optimize minimises the cost of the shifts, so it "
                f"needs the role rates (costs:) and programs.{p}.cost (see "
                "scenarios/durham_2022.yaml for both)"
            )
        mask = _open_hours(base, p, hours)
        hourly = unit_hourly_cost(base, p) * paid_per_scheduled_hour(base, p) * WEEKS_PER_YEAR
        peak = cost.fixed_per_unit_annual
        options = _shift_options(mask, lengths, starts, same_each_day, hourly)
        _check_options(p, options, mask, lengths)
        overtime = unit_hourly_cost(base, p) * base.costs.overtime_multiplier * WEEKS_PER_YEAR
        shortest = _shortest_shift(base, p, lengths) if min_length is None else int(min_length)
        out[p] = ProgramPlan(
            p, mask, tuple(options), int(max_units), hourly, float(peak), overtime, shortest
        )
    return out


def _shortest_shift(base: Scenario, p: str, lengths: Sequence[int]) -> int:
    """Hours of the shortest shift program ``p`` works now (of ``lengths`` if none)."""
    now = [s.spec().length_min // MIN_PER_HOUR for s in base.program(p).shifts if s.units]
    return int(min(now)) if now else int(min(lengths))


def _check_lengths(lengths: Sequence[int]) -> None:
    if not lengths or any(not 1 <= int(n) <= HOURS_PER_DAY for n in lengths):
        raise OptimizeError(
            f"--shift-lengths {','.join(map(str, lengths))}: whole hours from 1 to 24, e.g. 8,10,12"
        )


def _open_hours(base: Scenario, p: str, hours: list[tuple[int, int]] | None | str) -> np.ndarray:
    """168 bools: the hours program ``p`` may be open (see :func:`program_plans`)."""
    mask = scenario_coverage(base, p) > 0 if hours == "current" else open_mask(hours)  # type: ignore[arg-type]
    if not mask.any():
        raise OptimizeError(
            f"programs.{p} has no shifts to take its hours from: give --hours HH:00-HH:00 or --24-7"
        )
    return mask


def _shift_options(
    mask: np.ndarray,
    lengths: Sequence[int],
    starts: Sequence[int] | None,
    same_each_day: bool,
    hourly: float,
) -> list[ShiftOption]:
    """Each of ``lengths`` from each of ``starts`` (every hour if None) that lies inside
    the open hours ``mask``, on each day or on every day at once, at ``hourly`` per
    unit-hour."""
    day_sets = [tuple(range(7))] if same_each_day else [(d,) for d in range(7)]
    options = []
    for days in day_sets:
        for n in lengths:
            for start in starts if starts is not None else range(24):
                o = ShiftOption(int(start), int(n), days, 0.0)
                if np.all(mask[o.covers() > 0]):
                    options.append(ShiftOption(int(start), int(n), days, n * len(days) * hourly))
    return options


def _check_options(
    p: str, options: list[ShiftOption], mask: np.ndarray, lengths: Sequence[int]
) -> None:
    """Some option fits, and the options together cover every open hour."""
    if not options:
        raise OptimizeError(
            f"{p}: no shift of {', '.join(map(str, lengths))} hours from the starts allowed "
            "fits inside its open hours; allow other --shift-lengths or --starts"
        )
    covered = coverage_matrix(options).sum(axis=1) > 0
    if np.any(mask & ~covered):
        bare = [hour_label(h) for h in np.flatnonzero(mask & ~covered)[:6]]
        raise OptimizeError(
            f"{p}: no allowed shift covers {', '.join(bare)}; allow other --shift-lengths "
            "or --starts, or other --hours"
        )

"""Who is on duty when: a program's shifts laid out over the real days of a run.

Each day, each shift whose days include that weekday is a *crew* (one shift worked on one
day), taken from the phase in force on the day it starts. On a holiday a program that
closes has no crews, one that works its weekend shifts has Sunday's. Then availability:

- vacancies (``filled_posts``): a share f of a crew's posts is filled; a crew of u units
  has floor(u f) of them, and one more on a share frac(u f) of days, spread evenly (a
  vacancy is a post nobody holds, not a random event);
- absences (``absence_prob``): each filled unit-shift is missing with that probability,
  from a stream per program and shift time, drawn per day and unit slot, so two scenarios
  that differ only in staffing see the same absences for the units they share;
- time away while on duty: breaks (staggered over their window) and, for CoR, the officer
  pulled for police work (Poisson per unit-shift, uniform over the shift).

Crews of the same shift line on consecutive days that abut (``daily 00:00-24:00``) are one
continuous crew: units that carry on do not hand over. Elsewhere a crew's end is a
handover, as in ``schedules`` (whose weekly step function this reproduces when nothing
here is in use; a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..core import Program
from ..scenario import DAY_NAMES, MIN_PER_DAY, MIN_PER_HOUR, Scenario, ShiftSpec
from ._dates import Calendar
from ._streams import stream

SUNDAY = DAY_NAMES.index("sun")


@dataclass(frozen=True)
class Crew:
    """One shift worked on one day."""

    start: float
    end: float
    units: int  # scheduled units
    line: tuple[int, ShiftSpec]  # which shift line (index, pattern): abutting crews merge
    day: int  # day index the shift starts on


class Away(NamedTuple):
    """Time a unit on duty spends away from calls: due at ``due``, taken after live calls
    until ``latest``, then ahead of them; dropped at ``until`` (its crew's end). A named
    tuple: thousands are made per replication."""

    due: float
    latest: float
    until: float
    duration: float
    kind: str  # "break" or "police"


@dataclass(frozen=True)
class Lineup:
    """What a program's roster is before any random draw, the same in every replication:
    its crews over the run, each crew's phase (that of its day) and units filled (after
    vacancies), and the staffing changes they schedule."""

    crews: list[Crew]
    phase: list[int]
    filled: list[int]
    scheduled: list[tuple[float, int, int]]  # (time, units, ending), as scheduled


@dataclass
class Roster:
    """A program's crews over the run and the staffing changes they make."""

    crews: list[Crew]
    units: list[int]  # units there, per crew, after vacancies and absences
    scheduled: list[tuple[float, int, int]]  # (time, units, ending), as scheduled
    present: list[tuple[float, int, int]]  # the same after vacancies and absences
    away: list[Away] = field(default_factory=list)


def crews(scenario: Scenario, cal: Calendar, program: Program) -> list[Crew]:
    """The scheduled crews that touch the run, in order of start."""
    phases = [sc.program(program) for _, sc in scenario.phase_list()]
    specs = [[(i, s.spec()) for i, s in enumerate(cfg.shifts)] for cfg in phases]
    if not any(specs):
        return []
    days = range(cal.first_day - 1, cal.last_day + 1)
    phase_of = cal.phase_of(np.array(days, dtype=float) * MIN_PER_DAY).tolist()
    out: list[Crew] = []
    for day, j in zip(days, phase_of):
        cfg = phases[j]
        weekday = day % 7
        if cal.holidays and cal.is_holiday(day):
            if cfg.on_holidays == "closed":
                continue
            if cfg.on_holidays == "weekend":
                weekday = SUNDAY
        for i, spec in specs[j]:
            if weekday not in spec.days or spec.units == 0:
                continue
            start = float(day * MIN_PER_DAY + spec.start_min)
            end = start + spec.length_min
            if end <= cal.begin or start >= cal.end:
                continue
            out.append(Crew(start, end, spec.units, (i, spec), day))
    out.sort(key=lambda c: (c.start, c.end))
    return out


def staffing_changes(
    crews: list[Crew],
    units: list[int],
    begin: float,
    end: float,
    continuous: bool = False,
) -> list[tuple[float, int, int]]:
    """(time, units on duty from then, units whose crew ends then): at ``begin`` and at each
    change or handover before ``end``, as ``StaffedPool`` consumes them; ``units``: each
    crew's (as scheduled, or those present). ``continuous``
    (``programs.<p>.continuous_crews``): crews that end as others start carry on as them,
    so only the units by which staffing falls hand over."""
    delta: dict[float, int] = {}
    ending: dict[float, int] = {}
    last: dict[tuple[int, ShiftSpec], tuple[Crew, int]] = {}  # line -> its last crew, units

    def add(d: dict[float, int], t: float, n: int) -> None:
        d[t] = d.get(t, 0) + n

    for c, u in zip(crews, units):
        before = last.get(c.line)
        if before is not None and before[0].end == c.start:  # carries on: no handover
            pu = before[1]
            add(delta, c.start, u - pu)
            add(ending, c.start, max(0, pu - u))
        else:
            if before is not None:
                prev, pu = before
                add(delta, prev.end, -pu)
                add(ending, prev.end, pu)
            add(delta, c.start, u)
        last[c.line] = (c, u)
    for c, u in last.values():
        add(delta, c.end, -u)
        add(ending, c.end, u)
    level = 0
    out: list[tuple[float, int, int]] = []
    for t in sorted(set(delta) | set(ending)):
        level += delta.get(t, 0)
        if t <= begin:
            continue
        if not out:
            out.append((begin, level - delta.get(t, 0), 0))
        if t >= end:
            break
        gone = ending.get(t, 0)
        if continuous:
            gone = min(gone, max(0, -delta.get(t, 0)))
        if delta.get(t, 0) or gone:
            out.append((t, level, gone))
    if not out:
        out.append((begin, level, 0))
    return out


GOLDEN = (5**0.5 - 1) / 2  # spreads the lines' offsets evenly over [0, 1)


def _fill(crews: list[Crew], share: float, first_day: int) -> list[int]:
    """Units filled per crew: floor(u f), plus one on an evenly spread frac(u f) of days.
    Each shift line starts its pattern at its own offset, so the lines' extra units do
    not all fall on the same days."""
    out = []
    for c in crews:
        exact = c.units * share
        base = int(np.floor(exact + 1e-9))
        r = exact - base
        d = c.day - first_day
        phase = (c.line[0] * GOLDEN) % 1.0
        if r > 1e-9:
            extra = int(np.floor((d + 1) * r + phase + 1e-9) - np.floor(d * r + phase + 1e-9))
        else:
            extra = 0
        out.append(min(c.units, base + extra))
    return out


def _absent(
    crews: list[Crew],
    filled: list[int],
    prob: float,
    days: tuple[int, int],
    seed: int,
    rep: int,
    program: str,
) -> list[int]:
    """Units present per crew: each filled unit-shift missing with ``prob``. One stream per
    (program, shift start, shift length); uniform (day, slot) is the same whatever other
    shifts or units a scenario has, so shared units see shared absences."""
    if prob <= 0:
        return filled
    first, n_days = days
    draws: dict[tuple[int, int], list[np.ndarray]] = {}
    rngs: dict[tuple[int, int], np.random.Generator] = {}
    used: dict[tuple[tuple[int, int], int], int] = {}
    out = []
    for c, n in zip(crews, filled):
        spec = c.line[1]
        key = (spec.start_min, spec.length_min)
        if key not in rngs:
            rngs[key] = stream(seed, rep, f"absence/{program}/{key[0]}/{key[1]}")
            draws[key] = []
        slot0 = used.get((key, c.day), 0)
        used[(key, c.day)] = slot0 + c.units
        columns = draws[key]
        while len(columns) < slot0 + c.units:
            columns.append(rngs[key].random(n_days))
        d = c.day - first
        out.append(sum(1 for k in range(n) if columns[slot0 + k][d] >= prob))
    return out


def _away(
    crews: list[Crew],
    units: list[int],
    phases: list[Scenario],
    phase: list[int],
    program: Program,
    seed: int,
    rep: int,
) -> list[Away]:
    """Breaks and police pulls of the units present, each crew by the availability of its
    day's phase; the pulls of all crews come from one pass over one pair of streams, so
    no two phases repeat each other's draws."""
    out: list[Away] = []
    availability = [sc.program(program).availability for sc in phases]  # by phase
    for c, j, present in zip(crews, phase, units):
        for b in availability[j].breaks:
            span = b.latest_min - b.earliest_min
            for k in range(present):
                due = c.start + b.earliest_min + k * span / present
                out.append(Away(due, c.start + b.latest_min, c.end, b.duration_min, "break"))
    rates = [availability[j].pulled_to_police_per_shift for j in phase]
    if any(r > 0 for r in rates):
        rng = stream(seed, rep, f"pulled/{program}")
        durations = stream(seed, rep, f"pulled_time/{program}")
        for c, j, rate, present in zip(crews, phase, rates, units):
            for _ in range(present):
                n = int(rng.poisson(rate)) if rate > 0 else 0
                if not n:
                    continue
                times = c.start + rng.random(n) * (c.end - c.start)
                for t, d in zip(times, availability[j].pulled_duration.sample(durations, n)):
                    out.append(Away(float(t), float(t), c.end, float(d), "police"))
    out.sort(key=lambda a: (a.due, a.kind))
    return out


def lineup(scenario: Scenario, cal: Calendar, program: Program) -> Lineup:
    """A program's crews, their phases and filled units, and the staffing they schedule."""
    cs = crews(scenario, cal, program)
    phases = [sc for _, sc in scenario.phase_list()]
    # Availability is a property of the phase a crew's day falls in.
    phase = cal.phase_of(np.array([c.day for c in cs], dtype=float) * MIN_PER_DAY).tolist()
    filled = [0] * len(cs)
    for j, idx in _by_phase(phase).items():
        share = phases[j].program(program).availability.filled_share
        for i, n in zip(idx, _fill([cs[i] for i in idx], share, cal.first_day - 1)):
            filled[i] = n
    continuous = scenario.program(program).continuous_crews
    scheduled = staffing_changes(cs, [c.units for c in cs], cal.begin, cal.end, continuous)
    return Lineup(cs, phase, filled, scheduled)


def _by_phase(phase: list[int]) -> dict[int, list[int]]:
    """The indices of the crews of each phase."""
    out: dict[int, list[int]] = {}
    for i, j in enumerate(phase):
        out.setdefault(j, []).append(i)
    return out


def roster(
    scenario: Scenario,
    cal: Calendar,
    program: Program,
    seed: int,
    replication: int,
    plan: Lineup | None = None,
) -> Roster:
    """A program's crews, staffing changes (scheduled and present) and time away, from its
    ``lineup`` (``plan``, if already worked out for the scenario)."""
    if plan is None:
        plan = lineup(scenario, cal, program)
    cs, phase = plan.crews, plan.phase
    phases = [sc for _, sc in scenario.phase_list()]
    units = list(plan.filled)
    days = (cal.first_day - 1, cal.last_day - cal.first_day + 2)
    for j, idx in _by_phase(phase).items():
        prob = phases[j].program(program).availability.absence_prob
        group, filled = [cs[i] for i in idx], [plan.filled[i] for i in idx]
        for i, n in zip(idx, _absent(group, filled, prob, days, seed, replication, program.value)):
            units[i] = n
    # Time away whose window closed before the run began did not happen in it.
    away = [
        a
        for a in _away(cs, units, phases, phase, program, seed, replication)
        if a.latest >= cal.begin and a.until > cal.begin
    ]
    continuous = scenario.program(program).continuous_crews
    return Roster(
        crews=list(cs),  # (copies: the lineup is every replication's)
        units=units,
        scheduled=list(plan.scheduled),
        present=staffing_changes(cs, units, cal.begin, cal.end, continuous),
        away=away,
    )


def unit_minutes_by_hour(changes: list[tuple[float, int, int]], t0: float, t1: float) -> np.ndarray:
    """Unit-minutes of a staffing step function in each hour of [t0, t1) (exact)."""
    n = int(np.ceil((t1 - t0) / MIN_PER_HOUR))
    edges = t0 + MIN_PER_HOUR * np.arange(n + 1, dtype=float)
    edges[-1] = min(edges[-1], t1)
    times = np.array([t for t, _, _ in changes] + [max(t1, changes[-1][0])], dtype=float)
    levels = np.array([u for _, u, _ in changes], dtype=float)
    # Cumulative unit-minutes at each change, then interpolated at the hour edges.
    cum = np.concatenate(([0.0], np.cumsum(levels * np.diff(times))))
    at = np.interp(edges, times, cum)
    return np.diff(at)

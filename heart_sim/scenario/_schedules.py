"""Weekly shift schedules as pure step functions of time.

Time is in minutes and t = 0 is Monday 00:00. A shift covers [start, end) on each of its
days; an end at or before the start runs into the next day (22:00-06:00), and Sunday's
overnight shift runs into Monday. Overlapping shifts add their units.

Each shift is a crew: when it ends, its units leave (a busy one finishes its job first, on
overtime) while a shift starting at the same time brings fresh units. So besides the level
the schedule records, at each breakpoint, how many units end there (a handover). Blocks of
the same shift line that abut (``daily 00:00-24:00``) are one continuous crew: no handover.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MIN_PER_HOUR = 60
MIN_PER_DAY = 24 * MIN_PER_HOUR
MIN_PER_WEEK = 7 * MIN_PER_DAY
HOURS_PER_WEEK = 168
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ShiftSpec:
    """One shift pattern: the days it runs (0 = Monday), start and end minute of day, units."""

    days: tuple[int, ...]
    start_min: int
    end_min: int
    units: int

    @property
    def length_min(self) -> int:
        end = self.end_min if self.end_min > self.start_min else self.end_min + MIN_PER_DAY
        return end - self.start_min


@dataclass(frozen=True)
class WeeklySchedule:
    """Units on duty as a step function over one week: ``units[i]`` holds on
    ``[breakpoints[i], breakpoints[i+1])`` (the last step runs to the end of the week)."""

    breakpoints: tuple[int, ...]
    units: tuple[int, ...]
    ending: tuple[int, ...] = ()  # units whose shift ends at each breakpoint

    def units_at(self, t: float) -> int:
        """Units on duty at time t (minutes since the first Monday 00:00)."""
        i = bisect.bisect_right(self.breakpoints, t % MIN_PER_WEEK) - 1
        return self.units[i]

    @property
    def max_units(self) -> int:
        return max(self.units)

    @property
    def unit_minutes_per_week(self) -> float:
        ends = self.breakpoints[1:] + (MIN_PER_WEEK,)
        return float(sum(u * (e - b) for b, e, u in zip(self.breakpoints, ends, self.units)))

    def changes(self, t_end: float) -> Iterator[tuple[float, int, int]]:
        """(time, units on duty from then, units whose shift ends then) at t = 0 and at every
        change of staffing or handover before t_end."""
        ending = self.ending or (0,) * len(self.units)
        yield 0.0, self.units[0], 0
        previous = self.units[0]
        week = 0
        while True:
            base = week * MIN_PER_WEEK
            for b, u, e in zip(self.breakpoints, self.units, ending):
                t = base + b
                if t >= t_end:
                    return
                if t > 0 and (u != previous or e):
                    yield float(t), u, e
                previous = u
            week += 1

    def unit_minutes(self, t0: float, t1: float) -> float:
        """Scheduled unit-minutes in [t0, t1), integrated exactly."""
        total = 0.0
        t = t0
        while t < t1:
            week_start = (t // MIN_PER_WEEK) * MIN_PER_WEEK
            i = bisect.bisect_right(self.breakpoints, t - week_start) - 1
            nxt = (
                week_start + self.breakpoints[i + 1]
                if i + 1 < len(self.breakpoints)
                else week_start + MIN_PER_WEEK
            )
            stop = min(nxt, t1)
            total += self.units[i] * (stop - t)
            t = stop
        return total


def _crew_blocks(shift: ShiftSpec) -> list[tuple[int, int]]:
    """The shift's [start, end) blocks in minutes of the week, abutting blocks merged;
    an end past the week's end wraps to Monday. A block covering the whole week is (0, 0)."""
    blocks = sorted(
        (d * MIN_PER_DAY + shift.start_min, d * MIN_PER_DAY + shift.start_min + shift.length_min)
        for d in shift.days
    )
    merged: list[list[int]] = []
    for a, b in blocks:
        if merged and merged[-1][1] == a:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    if len(merged) > 1 and merged[-1][1] - MIN_PER_WEEK == merged[0][0]:  # Sunday -> Monday
        merged[0][0] = merged.pop()[0] - MIN_PER_WEEK
    if len(merged) == 1 and merged[0][1] - merged[0][0] >= MIN_PER_WEEK:
        return [(0, 0)]
    return [(a % MIN_PER_WEEK, b % MIN_PER_WEEK) for a, b in merged]


def build_weekly(shifts: Iterable[ShiftSpec]) -> WeeklySchedule:
    """Combine shift patterns into one weekly step function with its handovers."""
    delta: dict[int, int] = {0: 0}  # level changes within [0, week)
    ending: dict[int, int] = {}  # units whose crew ends at a point (a handover)
    level0 = 0  # units on duty at Monday 00:00
    for shift in shifts:
        for a, b in _crew_blocks(shift):
            u = shift.units
            if (a, b) == (0, 0):  # on duty all week, one continuous crew
                level0 += u
                continue
            ending[b] = ending.get(b, 0) + u
            delta[a] = delta.get(a, 0) + u
            if b == 0:
                continue  # ends at the week's end: no change inside the week
            delta[b] = delta.get(b, 0) - u
            if b < a:  # wraps past Sunday midnight: on duty at Monday 00:00
                level0 += u
    breakpoints: list[int] = []
    units: list[int] = []
    ends: list[int] = []
    level = level0
    for p in sorted(set(delta) | set(ending)):
        level += delta.get(p, 0)
        e = ending.get(p, 0)
        if units and units[-1] == level and not e:
            continue
        breakpoints.append(p)
        units.append(level)
        ends.append(e)
    return WeeklySchedule(tuple(breakpoints), tuple(units), tuple(ends))

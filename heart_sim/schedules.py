"""Weekly shift schedules as pure step functions of time.

Time is in minutes and t = 0 is Monday 00:00. A shift covers [start, end) on each of its
days; an end at or before the start runs into the next day (22:00-06:00), and Sunday's
overnight shift runs into Monday. Overlapping shifts add their units.
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

    def changes(self, t_end: float) -> Iterator[tuple[float, int]]:
        """(time, units) at t = 0 and at every change of staffing before t_end."""
        week = 0
        yield 0.0, self.units[0]
        previous = self.units[0]
        while True:
            base = week * MIN_PER_WEEK
            for b, u in zip(self.breakpoints, self.units):
                t = base + b
                if t >= t_end:
                    return
                if u != previous:
                    yield float(t), u
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

    def hourly_units(self) -> list[float]:
        """Mean units on duty in each of the 168 hours of the week."""
        return [
            self.unit_minutes(h * MIN_PER_HOUR, (h + 1) * MIN_PER_HOUR) / MIN_PER_HOUR
            for h in range(HOURS_PER_WEEK)
        ]


def build_weekly(shifts: Iterable[ShiftSpec]) -> WeeklySchedule:
    """Combine shift patterns into one weekly step function."""
    delta: dict[int, int] = {0: 0}

    def add(a: int, b: int, units: int) -> None:
        delta[a] = delta.get(a, 0) + units
        if b < MIN_PER_WEEK:
            delta[b] = delta.get(b, 0) - units

    for shift in shifts:
        for day in shift.days:
            start = day * MIN_PER_DAY + shift.start_min
            end = start + shift.length_min
            if end <= MIN_PER_WEEK:
                add(start, end, shift.units)
            else:  # Sunday night into Monday morning
                add(start, MIN_PER_WEEK, shift.units)
                add(0, end - MIN_PER_WEEK, shift.units)
    points = sorted(delta)
    level = 0
    breakpoints: list[int] = []
    units: list[int] = []
    for p in points:
        level += delta[p]
        if units and units[-1] == level:
            continue
        breakpoints.append(p)
        units.append(level)
    return WeeklySchedule(tuple(breakpoints), tuple(units))

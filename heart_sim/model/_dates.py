"""Simulation minutes and calendar dates: days, holidays, months and phases of a run.

The model keeps time in minutes. t = 0 is the Monday 00:00 of the week in which the warm-up
starts, so ``t % MIN_PER_WEEK`` is always the minute of the week and weekly patterns need no
offset; the run itself begins at ``Scenario.begin_min`` (the weekday of start_date), the
measured window at ``start_min`` (start_date 00:00). Without start_date the run begins on
an unnamed Monday and nothing here depends on a real date except through holidays,
monthly weights and phases, which need one (the scenario says so when they are given).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from ..scenario import MIN_PER_DAY, Scenario


@dataclass(frozen=True)
class Month:
    """One calendar month of the measured window (the first and last may be partial)."""

    label: str  # "2023-10"
    t_from: float
    t_to: float

    @property
    def days(self) -> float:
        return (self.t_to - self.t_from) / MIN_PER_DAY


@dataclass(frozen=True)
class Calendar:
    """The dates of one scenario's run."""

    origin: dt.date  # the date at t = 0 (a Monday)
    dated: bool  # whether the scenario gave start_date
    begin: float  # warm-up starts, minutes
    start: float  # measured window starts
    end: float  # run ends
    holidays: frozenset[dt.date]
    phase_starts: tuple[float, ...]  # minutes at which each phase begins (first: -inf)

    @classmethod
    def of(cls, scenario: Scenario) -> Calendar:
        origin = scenario.origin
        phases = scenario.phase_list()
        starts = [-math.inf] + [(d - origin).days * MIN_PER_DAY for d, _ in phases[1:]]
        cal = cls(
            origin=origin,
            dated=scenario.start_date is not None,
            begin=scenario.begin_min,
            start=scenario.start_min,
            end=scenario.end_min,
            holidays=frozenset(),
            phase_starts=tuple(float(s) for s in starts),
        )
        if scenario.holidays is not None:
            first, last = cal.date_of(cal.first_day - 1), cal.date_of(cal.last_day)
            object.__setattr__(cal, "holidays", scenario.holidays.dates(first, last))
        return cal

    # -- days ----------------------------------------------------------------------------

    @property
    def first_day(self) -> int:
        """Index (days since t = 0) of the day the run begins."""
        return int(self.begin // MIN_PER_DAY)

    @property
    def last_day(self) -> int:
        """Index of the last day the run touches."""
        return int(math.ceil(self.end / MIN_PER_DAY)) - 1

    def date_of(self, day: int) -> dt.date:
        return self.origin + dt.timedelta(days=day)

    def is_holiday(self, day: int) -> bool:
        return self.date_of(day) in self.holidays

    def phase_of(self, t: float | np.ndarray) -> np.ndarray:
        """Index of the phase in force at time(s) t (a phase starts at 00:00 of its date)."""
        return np.searchsorted(np.asarray(self.phase_starts), t, side="right") - 1

    # -- months --------------------------------------------------------------------------

    def months(self) -> list[Month]:
        """The calendar months of the measured window, in order."""
        out: list[Month] = []
        t = self.start
        while t < self.end:
            d = self.date_of(int(t // MIN_PER_DAY))
            nxt = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
            t_next = min(float((nxt - self.origin).days * MIN_PER_DAY), self.end)
            out.append(Month(f"{d.year:04d}-{d.month:02d}", t, t_next))
            t = t_next
        return out

    def month_index_of_days(self, first: int, last: int) -> np.ndarray:
        """Month of year (0 = January) of each day index in [first, last]."""
        return np.array([self.date_of(d).month - 1 for d in range(first, last + 1)])

    def marks(self) -> list[tuple[dt.date, str]]:
        """Holidays and phase starts inside the measured window, for plots."""
        first, last = self.date_of(int(self.start // MIN_PER_DAY)), self.date_of(self.last_day)
        out = [(d, "holiday") for d in sorted(self.holidays) if first <= d <= last]
        for t in self.phase_starts[1:]:
            d = self.date_of(int(t // MIN_PER_DAY))
            if first <= d <= last:
                out.append((d, "phase"))
        return out

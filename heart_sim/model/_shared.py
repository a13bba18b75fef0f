"""What every replication of a scenario shares, worked out once per scenario and process.

A replication draws its own calls, absences and time away, but its calendar and the crews
its programs' shifts make over the run (with the staffing they schedule) depend on the
scenario alone: about a quarter of setting up a realistic year. ``shared`` keeps them for
the last few scenarios, keyed by the scenario's JSON (replications sent to worker
processes arrive as new objects, each equal to the one before).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..core import PROGRAMS, Program
from ..scenario import Scenario
from ._dates import Calendar
from ._rosters import Lineup, lineup, unit_minutes_by_hour

KEEP = 4  # scenarios kept: a comparison's or an optimizer's round runs a few at a time


@dataclass(frozen=True)
class Shared:
    """A scenario's calendar, each program's ``rosters.Lineup``, and its scheduled
    unit-minutes per hour of the measured window (read-only: every replication's)."""

    calendar: Calendar
    lineups: dict[Program, Lineup]
    scheduled: dict[Program, np.ndarray]

    @classmethod
    def of(cls, scenario: Scenario) -> Shared:
        cal = Calendar.of(scenario)
        lineups = {p: lineup(scenario, cal, p) for p in PROGRAMS}
        scheduled = {}
        for p, plan in lineups.items():
            hours = unit_minutes_by_hour(plan.scheduled, scenario.start_min, scenario.end_min)
            hours.flags.writeable = False
            scheduled[p] = hours
        return cls(cal, lineups, scheduled)


_kept: OrderedDict[str, Shared] = OrderedDict()
_lock = threading.Lock()


def shared(scenario: Scenario) -> Shared:
    """The scenario's ``Shared``, worked out the first time it is asked for. The scenario
    is a validated one, as every entry point makes it (``model_copy(update=...)`` skips
    validation and would keep its parent's phases)."""
    key = scenario.model_dump_json()
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    made = Shared.of(scenario)
    with _lock:
        _kept[key] = made
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return made

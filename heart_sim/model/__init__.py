"""The SimPy engine: random streams, dates and calendars, zones, arrivals, rosters,
routing, staffed pools and the per-call records of one replication."""

from __future__ import annotations

from ._dates import Calendar
from ._engine import simulate
from ._records import RepRecords, calls_frame
from ._zones import ZoneTable

__all__ = [
    "Calendar",
    "RepRecords",
    "ZoneTable",
    "calls_frame",
    "simulate",
]

"""The vocabulary every layer shares, declared once: the programs and how a call can end.

``Program`` members are strings (``Program.CRT == "crt"``, same hash, same text in an
f-string), so they index the dicts, metric names and scenario keys that use the plain
names. ``Outcome`` codes are what the model logs per call; each one's ``key`` names the
metric that counts it.
"""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import Literal, get_args


class Program(str, Enum):
    """The four HEART programs. The value is the key used in scenarios, metrics and files."""

    CCD = "ccd"
    CRT = "crt"
    COR = "cor"
    CN = "cn"

    # Behave as the plain string everywhere (dict keys, f-strings, str()).
    __hash__ = str.__hash__

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def label(self) -> str:
        """How people write it: CCD, CRT, CoR, CN."""
        return _LABELS[self]

    @property
    def full_name(self) -> str:
        return _TITLES[self]

    @property
    def is_field_team(self) -> bool:
        """Sent in person by 911 dispatch (CRT, CoR)."""
        return self in FIELD_TEAMS

    @property
    def dispatch_code(self) -> int:
        """The code logged per call in ``dispatched_to`` (-1 = none)."""
        return FIELD_TEAMS.index(self) + 1


_LABELS = {Program.CCD: "CCD", Program.CRT: "CRT", Program.COR: "CoR", Program.CN: "CN"}
_TITLES = {
    Program.CCD: "Crisis Call Diversion",
    Program.CRT: "Community Response Teams",
    Program.COR: "Co-Response",
    Program.CN: "Care Navigation",
}
PROGRAMS: tuple[Program, ...] = tuple(Program)
FIELD_TEAMS: tuple[Program, ...] = (Program.CRT, Program.COR)
FieldTeamKey = Literal["crt", "cor"]  # for scenario fields; the same two as FIELD_TEAMS
assert get_args(FieldTeamKey) == tuple(p.value for p in FIELD_TEAMS)
NOT_DISPATCHED = -1


class Outcome(IntEnum):
    """How a call ends: exactly one per call. IN_SYSTEM marks calls not ended at the horizon."""

    IN_SYSTEM = -1
    CCD_RESOLVED = 0
    CRT_SERVED = 1
    COR_SERVED = 2
    FALLBACK_OUT_OF_HOURS = 3
    FALLBACK_OUT_OF_AREA = 4
    FALLBACK_NO_UNIT = 5
    FALLBACK_REFERRED = 6
    CALLER_HUNG_UP = 7
    # 911 did not send the call to HEART though a program was on duty for it (routing,
    # Co-Response triage): listed last so the earlier outcomes keep their columns' order.
    FALLBACK_NOT_SENT = 8

    @property
    def key(self) -> str:
        """The metric name that counts these calls (``fallback_no_unit``)."""
        return self.name.lower()

    @property
    def is_fallback(self) -> bool:
        """Sent to police/EMS."""
        return self.name.startswith("FALLBACK_")

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.IN_SYSTEM: "still in the system at the end",
    Outcome.CCD_RESOLVED: "CCD resolved by phone",
    Outcome.CRT_SERVED: "CRT served",
    Outcome.COR_SERVED: "CoR served",
    Outcome.FALLBACK_OUT_OF_HOURS: "police/EMS: out of hours",
    Outcome.FALLBACK_OUT_OF_AREA: "police/EMS: out of area",
    Outcome.FALLBACK_NO_UNIT: "police/EMS: no unit available",
    Outcome.FALLBACK_REFERRED: "police/EMS: referred by clinician",
    Outcome.CALLER_HUNG_UP: "caller hung up waiting for CCD",
    Outcome.FALLBACK_NOT_SENT: "police/EMS: not sent to HEART by 911",
}
# Every way a call can end, in the order metrics and files list them (IN_SYSTEM apart).
ENDINGS: tuple[Outcome, ...] = tuple(o for o in Outcome if o is not Outcome.IN_SYSTEM)
FALLBACKS: tuple[Outcome, ...] = tuple(o for o in ENDINGS if o.is_fallback)
SERVED_BY = {Program.CRT: Outcome.CRT_SERVED, Program.COR: Outcome.COR_SERVED}
# The outcome groups that measures count, declared once. Diverted: handled by HEART with no
# police officer (resolved by a CCD clinician on the phone, or a CRT team on scene). HEART
# responses add Co-Response, where an officer goes with a clinician.
HANDLED_BY: dict[Program, Outcome] = {Program.CCD: Outcome.CCD_RESOLVED, **SERVED_BY}
DIVERTED: tuple[Outcome, ...] = (Outcome.CCD_RESOLVED, Outcome.CRT_SERVED)
HEART_RESPONSES: tuple[Outcome, ...] = tuple(HANDLED_BY.values())

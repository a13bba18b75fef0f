"""The metric catalog: the one place that says what each reported number is.

Every metric a run writes to ``summary.csv`` has an entry here: its name, a plain-English
label, its unit, how to format it, a description, whether more of it is better, and the
views that show it (headline tables, CDF panels, forest plots, sweep plots). Metrics,
plots, reports, the workbook and the CLI read it; none of them declares a label or unit of
its own. ``metric_catalog()`` gives it as a DataFrame (``heart-sim metrics`` prints it).

The catalog is data, so its words can be read and edited as a table:

- Metrics that stand alone are rows of module-level tables grouped by topic (``_VOLUME``,
  ``_HEART``, ``_CCD_CALLS``, ``_FOLLOWUPS``, ``_BUDGET``, ``_POLICE_COST``; the per-call
  times in ``_TIMES``); the few ratios and signed ones are named in ``_RATIO_OF``, ``_SIGNED``.
- Families (one metric per outcome, per program, per field team, per percentile) are
  generated from the vocabulary (``core``: ``ENDINGS``, ``FALLBACKS``, ``PROGRAMS``,
  ``FIELD_TEAMS``) by small generators, most from templates in which ``{p}`` stands for the
  program's label. So adding a program or an outcome adds its metrics here without another
  list to edit, and a new field team needs only its words in ``_TEAM_TEXT`` (the texts in
  which CRT and CoR differ).

``_declare`` chains the segments in the order ``metrics.replication_kpis`` computes them.
That order is the column order of every output file, so it must not change by accident.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

import pandas as pd

from ..core import ENDINGS, FALLBACKS, FIELD_TEAMS, PROGRAMS, Outcome, Program

Format = Literal["count", "rate", "share", "minutes", "hours", "money", "number"]
# How a report writes each format's numbers (heart_sim.measure._formatting applies it): whole
# numbers with thousands separators (below 100: three significant digits), tenths, a
# percentage, dollars (below $100: cents), or three significant digits.
Style = Literal["whole", "tenths", "percent", "dollars", "significant"]
FORMAT_STYLE: dict[Format, Style] = {
    "count": "whole",
    "rate": "whole",
    "hours": "whole",
    "minutes": "tenths",
    "share": "percent",
    "money": "dollars",
    "number": "significant",
}

# Units, said once: the short form for tables, the long form for axis labels.
UNITS = {
    "calls": "calls",
    "calls/week": "calls per week",
    "calls/year": "calls per year",
    "share": "share of calls",
    "ratio": "busy share of unit-time",
    "attempts": "attempts per referral",
    "min": "minutes",
    "h": "hours",
    "h/year": "hours per year",
    "mi/year": "miles per year",
    "units": "units (mean number)",
    "$/year": "$ per year",
    "$": "$",
    "fte": "full-time equivalents",
    "persons": "people in all roles",
}
# ...and how each is said after a label in a report's table ("Annual cost ($ per year)");
# a share's unit is the % on its numbers.
UNIT_LABELS = {
    "calls": "calls",
    "calls/week": "calls per week",
    "calls/year": "calls per year",
    "share": "%",
    "ratio": "% of time",
    "attempts": "attempts per referral",
    "min": "minutes",
    "h": "hours",
    "h/year": "hours per year",
    "mi/year": "miles per year",
    "units": "units",
    "$/year": "$ per year",
    "$": "$",
    "fte": "full-time equivalents",
    "persons": "people in all roles",
}
PERCENTILES = (50, 90, 95)


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str  # a key of UNITS
    format: Format
    description: str
    higher_is_better: bool | None  # None: neither (a volume, a count of work)
    program: Program | None = None
    time: bool = False  # a per-call time reported with percentiles
    kind: Literal["run", "comparison"] = "run"  # summary.csv, or a comparison's costs.csv
    short: str = ""  # a column header where the label is too long
    signed: bool = False  # may be negative (a difference, a net cost); else >= 0
    ratio_of: tuple[str, str] | None = None  # (numerator, denominator): a ratio of means

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The values the quantity can take: (None, None) for a signed one, [0, 1] for a
        share, [0, inf) for every other count, time, hours or money."""
        if self.signed:
            return None, None
        return 0.0, (1.0 if self.format == "share" else None)

    @property
    def header(self) -> str:
        return self.short or self.label

    @property
    def unit_text(self) -> str:
        return UNITS[self.unit]

    @property
    def unit_label(self) -> str:
        """The unit as a report's table says it after the label."""
        return UNIT_LABELS[self.unit]

    @property
    def axis_label(self) -> str:
        """'CRT response time (mean) (minutes)': for a figure's axis."""
        return f"{self.label} ({self.unit_text})"


# --- Rows and templates --------------------------------------------------------------------
# A fixed metric's row: name, label, unit (a key of UNITS), format, description, higher is
# better (None: neither), program (None: the whole system).
_Row = tuple[str, str, str, Format, str, bool | None, Program | None]
# A family's template, one metric per program: the name after "<program>_", label, unit,
# format, description, higher is better; "{p}" stands for the program's label (CRT, CoR).
_Template = tuple[str, str, str, Format, str, bool | None]
# A per-call time, reported as a mean and PERCENTILES: name, label, unit, what is timed
# ("mean of <text>"), program.
_Time = tuple[str, str, str, str, Program | None]
# A field-team time family: the name after "<team>_", label, unit, what is timed; "{p}" is
# the team's label and "{team}", "{response_time}", "{call_to_arrival}" its words in _TEAM_TEXT.
_TeamTime = tuple[str, str, str, str]

# --- Words ---------------------------------------------------------------------------------
# What the catalog says of each field team where CRT's and CoR's texts differ: who takes the
# call, and what its response time and its call to arrival cover. A new field team adds its
# words here; its metrics then follow from FIELD_TEAMS.
_TEAM_TEXT: dict[Program, dict[str, str]] = {
    Program.CRT: {
        "team": "a CRT team",
        "response_time": "dispatch request to a CRT team on scene (wait for a team + travel), "
        "calls served",
        "call_to_arrival": "the 911 call to a CRT team on scene: call-taking, any CCD wait and "
        "assessment, the wait for a team and travel, calls served",
    },
    Program.COR: {
        "team": "a Co-Response team",
        "response_time": "dispatch request to a Co-Response team on scene (wait + travel), "
        "calls served",
        "call_to_arrival": "the 911 call to a Co-Response team on scene (as for CRT), calls served",
    },
}
assert set(_TEAM_TEXT) == set(FIELD_TEAMS), "every field team needs its words in _TEAM_TEXT"
_FALLBACK_WHY = {
    Outcome.FALLBACK_OUT_OF_HOURS: "sent on because the program was closed",
    Outcome.FALLBACK_OUT_OF_AREA: "sent on because they were outside the program's area",
    Outcome.FALLBACK_NO_UNIT: "sent on because no team came within the patience",
    Outcome.FALLBACK_REFERRED: "the CCD clinician referred to police/EMS",
    Outcome.FALLBACK_NOT_SENT: "911 did not send to HEART (routing or Co-Response triage)",
}
_OUTCOME_TEXT = {
    Outcome.CCD_RESOLVED: "resolved by a CCD clinician on the phone",
    Outcome.CRT_SERVED: "served in person by a CRT team",
    Outcome.COR_SERVED: "served in person by a Co-Response team",
    Outcome.FALLBACK_OUT_OF_HOURS: "sent to police/EMS because the program was closed",
    Outcome.FALLBACK_OUT_OF_AREA: "sent to police/EMS because the call was outside the area",
    Outcome.FALLBACK_NO_UNIT: "sent to police/EMS because no team came within the patience",
    Outcome.FALLBACK_REFERRED: "sent to police/EMS by the CCD clinician's decision",
    Outcome.CALLER_HUNG_UP: "whose caller hung up while holding for a CCD clinician",
    Outcome.FALLBACK_NOT_SENT: "sent to police/EMS by 911 although a HEART program was on "
    "duty for them (call_types.*.sent_to_heart, programs.*.triage_share)",
}
_OUTCOME_BETTER = {
    Outcome.CCD_RESOLVED: True,
    Outcome.CRT_SERVED: True,
    Outcome.COR_SERVED: True,
}
# What "reach of its eligible calls" means for the programs the published figures give it for.
_REACH = {
    Program.CCD: "calls a CCD clinician answered / the calls 911 would send to CCD (each call's "
    "type's ccd_transfer, summed), as the published 'CCD ~75% of its eligible' counts",
    Program.COR: "calls Co-Response served / the calls of the types 911 sends to CoR, as the "
    "published 'CoR 12% of its eligible' counts",
}
# The same, counting only the calls that arrived while the program was on duty for them.
_REACH_IN_HOURS = {
    Program.CCD: "calls a CCD clinician answered / the calls 911 would send to CCD that "
    "arrived while a clinician was on duty for their area (ccd_transfer summed)",
    Program.COR: "calls Co-Response served / the calls of the types 911 sends to CoR that "
    "arrived while a CoR team was on duty for their area",
}
_COST_PARTS = {
    "staff": "staffed unit-hours x relief factor x loaded pay of a unit's people",
    "overtime": "overtime unit-hours x overtime multiplier x loaded pay",
    "fixed": "fixed_annual plus fixed_per_unit_annual x the most units on duty at once",
    "mileage": "miles driven x cost_per_mile (0 without a distance model or a rate)",
}
# The calls whose police time each HEART program saves, in the words of its cost description.
_POLICE_AVOIDED_BY = {
    Program.CCD: "resolved by phone",
    Program.CRT: "served",
    Program.COR: "served",
}

# --- Per-call times ------------------------------------------------------------------------
# The field teams' times, in two runs: _TIMES puts the fallback waits between them.
_TEAM_TIMES: tuple[_TeamTime, ...] = (
    ("response_time", "{p} response time", "min", "{response_time}"),
    (
        "travel_time",
        "{p} travel time",
        "min",
        "{team} taking the call to arriving on scene, calls served",
    ),
    ("call_to_arrival", "{p} call to arrival", "min", "{call_to_arrival}"),
)
_TEAM_QUEUE_TIMES: tuple[_TeamTime, ...] = (
    (
        "queue_wait",
        "{p} wait for a team",
        "min",
        "dispatch request to {team} taking the call, calls served",
    ),
)
_FOLLOWUP_TIMES: tuple[_Time, ...] = (
    (
        "cn_followup_delay",
        "CN follow-up delay",
        "h",
        "Care Navigation referral to reaching the person (the attempt that succeeded), "
        "referrals reached",
        Program.CN,
    ),
    (
        "ccd_followup_delay",
        "CCD follow-up delay",
        "h",
        "a CCD follow-up call queued to a clinician making it",
        Program.CCD,
    ),
)


def _team_times(families: tuple[_TeamTime, ...]) -> Iterator[_Time]:
    """Each family's time for each field team, family by family."""
    for suffix, lab, unit, text in families:
        for p in FIELD_TEAMS:
            words = {"p": p.label, **_TEAM_TEXT[p]}
            yield f"{p}_{suffix}", lab.format(**words), unit, text.format(**words), p


def _fallback_waits() -> Iterator[_Time]:
    """The wait before each kind of fallback sends a call to police/EMS."""
    for o in FALLBACKS:
        text = f"the 911 call to police/EMS being sent, calls {_FALLBACK_WHY[o]}"
        yield f"{o.key}_wait", f"Wait before {o.label}", "min", text, None


_TIMES: tuple[_Time, ...] = (
    (
        "ccd_answer_wait",
        "CCD answer wait",
        "min",
        "arrival to a CCD clinician answering, for calls a clinician answered",
        Program.CCD,
    ),
    *_team_times(_TEAM_TIMES),
    *_fallback_waits(),
    *_team_times(_TEAM_QUEUE_TIMES),
    *_FOLLOWUP_TIMES,
)
TIME_METRICS: dict[str, str] = {name: unit for name, _, unit, _, _ in _TIMES}

# --- Fixed metrics, by topic ---------------------------------------------------------------
# How many eligible calls came, and how many were still open at the horizon.
_VOLUME: tuple[_Row, ...] = (
    (
        "calls_total",
        "Eligible calls",
        "calls",
        "count",
        "behavioral-health calls arriving in the measured period",
        None,
        None,
    ),
    (
        "calls_per_week",
        "Eligible calls per week",
        "calls/week",
        "rate",
        "eligible calls arriving per week",
        None,
        None,
    ),
    (
        "in_system",
        "Calls still open at the end",
        "calls",
        "count",
        "calls that arrived in the measured period and had not ended at the horizon",
        None,
        None,
    ),
)
# What HEART did with them: calls kept from police, and calls it handled.
_HEART: tuple[_Row, ...] = (
    (
        "diversion_rate",
        "Diversion rate",
        "share",
        "share",
        "share of eligible calls that ended with no police: resolved by CCD or served by CRT",
        True,
        None,
    ),
    (
        "heart_responses",
        "HEART responses",
        "calls",
        "count",
        "calls a HEART program handled (CCD by phone, CRT or CoR in person), as the HEART "
        "dashboard counts responses",
        True,
        None,
    ),
    (
        "heart_response_rate",
        "HEART response rate",
        "share",
        "share",
        "share of eligible calls a HEART program handled (CCD, CRT or CoR)",
        True,
        None,
    ),
    (
        "heart_response_rate_in_hours",
        "HEART response rate in operating hours",
        "share",
        "share",
        "HEART responses / the eligible calls that arrived while a HEART program was on "
        "duty for them (CCD, or the team their type goes to, staffed and serving their "
        "area), as INDY Week's 'calls that flow to HEART ... during operating hours' counts",
        True,
        None,
    ),
)
# Calls sent to CCD clinicians: assessed, waited, unanswered.
_CCD_CALLS: tuple[_Row, ...] = (
    (
        "ccd_assessed",
        "CCD assessments",
        "calls",
        "count",
        "calls a CCD clinician answered and assessed",
        None,
        Program.CCD,
    ),
    (
        "ccd_p_wait",
        "CCD calls that waited",
        "share",
        "share",
        "share of calls sent to CCD that waited for a clinician",
        False,
        Program.CCD,
    ),
    (
        "ccd_unanswered",
        "CCD calls unanswered",
        "calls",
        "count",
        "calls sent to CCD that no clinician answered: 911 took them back and dispatched "
        "them, or the caller hung up",
        False,
        Program.CCD,
    ),
    (
        "ccd_taken_back",
        "CCD calls taken back by 911",
        "calls",
        "count",
        "calls 911 stopped holding for a clinician (answer_patience_min, or CCD closed with "
        "the call on hold) and dispatched directly; callers who hung up are caller_hung_up",
        False,
        Program.CCD,
    ),
    (
        "ccd_unanswered_share",
        "CCD share unanswered",
        "share",
        "share",
        "share of the calls sent to CCD that no clinician answered (taken back by 911 or "
        "the caller hung up)",
        False,
        Program.CCD,
    ),
    (
        "ccd_answered_share",
        "CCD share answered",
        "share",
        "share",
        "share of the calls sent to CCD that a clinician answered (1 - ccd_unanswered_share; "
        "a target on it counts every caller sent, a hang-up or a take-back a miss)",
        True,
        Program.CCD,
    ),
    (
        "ccd_share_of_heart_responses",
        "CCD share of HEART responses",
        "share",
        "share",
        "share of the calls HEART handled that a CCD clinician resolved on the phone",
        None,
        Program.CCD,
    ),
)
# Follow-ups: Care Navigation referrals, and CCD's follow-up calls.
_FOLLOWUPS: tuple[_Row, ...] = (
    (
        "cn_referrals",
        "Care Navigation referrals",
        "calls",
        "count",
        "referrals to Care Navigation in the measured period",
        None,
        Program.CN,
    ),
    (
        "cn_referrals_out_of_area",
        "CN referrals outside its area",
        "calls",
        "count",
        "calls referred to Care Navigation that it could not take: outside its area",
        False,
        Program.CN,
    ),
    (
        "cn_attempts_per_referral",
        "CN contact attempts per referral",
        "attempts",
        "number",
        "contact attempts Care Navigation made per referral it tried",
        None,
        Program.CN,
    ),
    (
        "cn_reached_share",
        "CN share of referrals reached",
        "share",
        "share",
        "share of Care Navigation referrals whose person was reached (by the end)",
        True,
        Program.CN,
    ),
    (
        "cn_pending_at_end",
        "CN referrals pending at the end",
        "calls",
        "count",
        "referrals not yet contacted at the horizon",
        False,
        Program.CN,
    ),
    (
        "cn_followup_within_target",
        "CN follow-ups within target",
        "share",
        "share",
        "share of referrals contacted within the target (pending ones past the target "
        "count as misses)",
        True,
        Program.CN,
    ),
    (
        "ccd_followups",
        "CCD follow-up calls",
        "calls",
        "count",
        "follow-up calls queued for CCD clinicians",
        None,
        Program.CCD,
    ),
)
# The whole system's annual cost, what it buys, and the police work left.
_BUDGET: tuple[_Row, ...] = (
    (
        "cost_total_annual",
        "Annual cost",
        "$/year",
        "money",
        "all programs' annual cost",
        False,
        None,
    ),
    (
        "diverted_per_year",
        "Diverted calls",
        "calls/year",
        "rate",
        "calls per year ended with no police (CCD resolved + CRT served)",
        True,
        None,
    ),
    (
        "cost_per_diverted_call",
        "Cost per diverted call",
        "$",
        "money",
        "annual cost / diverted calls per year: the ratio of the means over replications, "
        "with Fieller's interval",
        False,
        None,
    ),
    (
        "heart_responses_per_year",
        "HEART responses per year",
        "calls/year",
        "rate",
        "calls per year a HEART program handled (CCD resolved, CRT or CoR served)",
        True,
        None,
    ),
    (
        "cost_per_heart_response",
        "Cost per HEART response",
        "$",
        "money",
        "annual cost / HEART responses per year: the ratio of the means, with Fieller's "
        "interval; defined where cost per diverted call is not (Co-Response still sends an "
        "officer)",
        False,
        None,
    ),
    (
        "police_calls_per_year",
        "Calls sent to police/EMS",
        "calls/year",
        "rate",
        "fallback calls per year",
        False,
        None,
    ),
    (
        "police_hours_per_year",
        "Police time on fallback calls",
        "h/year",
        "hours",
        "officer hours per year spent on calls sent to police/EMS",
        False,
        None,
    ),
)
# The police cost of fallback calls, the police cost HEART avoids, and the net cost.
_POLICE_COST: tuple[_Row, ...] = (
    (
        "police_cost_annual",
        "Police cost of fallback calls",
        "$/year",
        "money",
        "officer hours per year on calls sent to police/EMS x police_cost_per_hour",
        False,
        None,
    ),
    (
        "police_cost_avoided_annual",
        "Police cost avoided",
        "$/year",
        "money",
        "the eligible calls not sent to police/EMS (those HEART handled and callers who hung "
        "up), priced at the officer time each would have taken (police_hours_per_call x "
        "police_cost_per_hour); between two options, the police hours freed priced",
        True,
        None,
    ),
    (
        "net_cost_annual",
        "Net annual cost",
        "$/year",
        "money",
        "annual cost - police cost avoided",
        False,
        None,
    ),
)
# Of the rows above: the ratios of two means (with Fieller's interval), and those that may be
# negative.
_RATIO_OF = {
    "cost_per_diverted_call": ("cost_total_annual", "diverted_per_year"),
    "cost_per_heart_response": ("cost_total_annual", "heart_responses_per_year"),
}
_SIGNED = frozenset({"net_cost_annual"})

# --- Per-program families ------------------------------------------------------------------
# Each field team's responses within target; then its requests, miles and waits.
_TEAM_TARGET: tuple[_Template, ...] = (
    (
        "response_within_target",
        "{p} responses within target",
        "share",
        "share",
        "share of {p} responses on scene within the response target",
        True,
    ),
)
_TEAM_REQUESTS: tuple[_Template, ...] = (
    (
        "requests",
        "{p} dispatch requests",
        "calls",
        "count",
        "calls 911 asked {p} to attend in its area and hours",
        None,
    ),
    (
        "miles_per_year",
        "{p} miles driven",
        "mi/year",
        "rate",
        "miles {p} teams drive per year: to each call (square-root travel distance) and, as an "
        "estimate, as far back; n/a without a distance model (in a phased run, calls in a "
        "phase without one add no miles)",
        None,
    ),
    (
        "p_wait",
        "{p} requests that waited",
        "share",
        "share",
        "share of {p} requests that waited for a team",
        False,
    ),
    (
        "mean_wait_all",
        "{p} wait, all requests (mean)",
        "min",
        "minutes",
        "mean wait of every {p} request, including those that gave up (Little's law)",
        False,
    ),
    (
        "lost_share",
        "{p} requests lost to police/EMS",
        "share",
        "share",
        "share of {p} requests that no team reached within the patience, so police/EMS "
        "went: the callers a target on served calls' response times leaves out",
        False,
    ),
    (
        "reached_within_target",
        "{p} requests reached within target",
        "share",
        "share",
        "share of {p} requests with a team on scene within the response target "
        "(programs.{p}.response_target_min), a request lost to police/EMS counted as a miss",
        True,
    ),
    (
        "transported_share",
        "{p} calls ending in a transport",
        "share",
        "share",
        "share of the calls {p} served that ended in a transport or escort (its time adds "
        "to the team's job); 0 without a transport: block",
        None,
    ),
)
# Each program's unit-hours, utilization and queue.
_UNIT_HOURS: tuple[_Template, ...] = (
    (
        "scheduled_hours",
        "{p} scheduled unit-hours",
        "h",
        "hours",
        "{p} unit-hours the shifts call for over the measured period, before vacancies and "
        "absences (holidays and phases applied)",
        None,
    ),
    (
        "staffed_hours",
        "{p} present unit-hours",
        "h",
        "hours",
        "{p} unit-hours units were on shift over the measured period (scheduled, less "
        "vacancies and absences)",
        None,
    ),
    (
        "available_hours",
        "{p} available unit-hours",
        "h",
        "hours",
        "{p} present unit-hours less time away from calls (breaks, police duty)",
        None,
    ),
    (
        "overtime_hours",
        "{p} overtime unit-hours",
        "h",
        "hours",
        "{p} unit-hours spent finishing a job after the shift ended",
        False,
    ),
    (
        "utilization",
        "{p} utilization",
        "ratio",
        "share",
        "busy {p} unit-time on shift / available unit-time",
        None,
    ),
    (
        "utilization_scheduled",
        "{p} utilization of scheduled time",
        "ratio",
        "share",
        "busy {p} unit-time on shift / scheduled unit-time (vacancies, absences and time "
        "away count as idle)",
        None,
    ),
    (
        "queue_len",
        "{p} queue length (mean)",
        "calls",
        "number",
        "mean number of jobs waiting for a {p} unit",
        False,
    ),
)

# --- A comparison's columns ----------------------------------------------------------------
# The alternative minus the base per year: name, label, unit, format, what is differenced,
# higher is better.
_EXTRAS: tuple[tuple[str, str, str, Format, str, bool], ...] = (
    ("extra_cost", "Extra annual cost", "$/year", "money", "annual cost", False),
    ("extra_diverted", "Extra diverted calls", "calls/year", "rate", "diverted calls", True),
    (
        "extra_heart_responses",
        "Extra HEART responses",
        "calls/year",
        "rate",
        "HEART responses",
        True,
    ),
    (
        "police_hours_freed",
        "Police hours freed",
        "h/year",
        "hours",
        "officer hours on fallback calls (base minus alternative)",
        True,
    ),
    ("police_cost_saved", "Police cost saved", "$/year", "money", "police cost avoided", True),
    ("extra_net_cost", "Extra net cost", "$/year", "money", "net annual cost", False),
)
# Extra cost per extra call: name, label, the calls ("diverted" or "response").
_MARGINALS = (
    ("marginal_cost_per_extra_diverted", "Marginal cost per extra diverted call", "diverted"),
    ("marginal_cost_per_extra_response", "Marginal cost per extra HEART response", "response"),
)


# --- Generators ----------------------------------------------------------------------------
def _fixed(rows: tuple[_Row, ...]) -> Iterator[Metric]:
    """A table's rows as metrics."""
    for row in rows:
        yield Metric(*row, signed=row[0] in _SIGNED, ratio_of=_RATIO_OF.get(row[0]))


def _per_program(programs: tuple[Program, ...], family: tuple[_Template, ...]) -> Iterator[Metric]:
    """A family's templates filled in for each program, program by program."""
    for p in programs:
        for suffix, lab, unit, fmt, text, better in family:
            yield Metric(
                f"{p}_{suffix}", lab.format(p=p.label), unit, fmt, text.format(p=p.label), better, p
            )


def _outcomes() -> Iterator[Metric]:
    """The calls that ended each way: counts, then shares."""
    for o in ENDINGS:
        text, better = _OUTCOME_TEXT[o], _OUTCOME_BETTER.get(o, False)
        yield Metric(
            o.key, o.label[0].upper() + o.label[1:], "calls", "count", f"calls {text}", better
        )
    for o in ENDINGS:
        text, better = _OUTCOME_TEXT[o], _OUTCOME_BETTER.get(o, False)
        yield Metric(
            f"{o.key}_share",
            f"Share {o.label}",
            "share",
            "share",
            f"share of eligible calls {text}",
            better,
        )


def _times() -> Iterator[Metric]:
    """Each per-call time's mean, then its percentiles."""
    for name, lab, unit, text, prog in _TIMES:
        fmt: Format = "minutes" if unit == "min" else "hours"
        yield Metric(name, f"{lab} (mean)", unit, fmt, f"mean of {text}", False, prog, True)
        for q in PERCENTILES:
            yield Metric(
                f"{name}_p{q}",
                f"{lab} (p{q})",
                unit,
                fmt,
                f"{q}th percentile of {text}",
                False,
                prog,
            )


def _reach() -> Iterator[Metric]:
    """The share of its eligible calls a program reached, as the published figures count it."""
    for p, text in _REACH.items():
        yield Metric(
            f"{p}_reach", f"{p.label} reach of its eligible calls", "share", "share", text, True, p
        )
        yield Metric(
            f"{p}_reach_in_hours",
            f"{p.label} reach of its eligible calls in its hours",
            "share",
            "share",
            _REACH_IN_HOURS[p],
            True,
            p,
        )


def _program_costs() -> Iterator[Metric]:
    """Each program's cost parts, then its annual cost."""
    for p in PROGRAMS:
        for part, text in _COST_PARTS.items():
            yield Metric(
                f"{p}_{part}_cost_annual",
                f"{p.label} {part} cost",
                "$/year",
                "money",
                f"{p.full_name}: {text}",
                False,
                p,
            )
        yield Metric(
            f"{p}_cost_annual",
            f"{p.label} annual cost",
            "$/year",
            "money",
            f"{p.full_name}: staff, overtime, fixed and mileage costs",
            False,
            p,
        )


def _police_cost_avoided() -> Iterator[Metric]:
    """The police time each HEART program's calls would have taken, priced."""
    for p, handled in _POLICE_AVOIDED_BY.items():
        yield Metric(
            f"{p}_police_cost_avoided_annual",
            f"{p.label} police cost avoided",
            "$/year",
            "money",
            f"the calls {p.label} {handled}, priced at the officer time a call sent to police "
            "takes (police_hours_per_call x police_cost_per_hour)",
            True,
            p,
        )


def _declare() -> Iterator[Metric]:
    """Every metric, in the order ``metrics.replication_kpis`` computes them."""
    yield from _fixed(_VOLUME)
    yield from _outcomes()
    yield from _fixed(_HEART)
    yield from _times()
    yield from _fixed(_CCD_CALLS)
    yield from _reach()
    yield from _per_program(FIELD_TEAMS, _TEAM_TARGET)
    yield from _per_program(FIELD_TEAMS, _TEAM_REQUESTS)
    yield from _fixed(_FOLLOWUPS)
    yield from _per_program(PROGRAMS, _UNIT_HOURS)
    yield from _program_costs()
    yield from _fixed(_BUDGET)
    yield from _police_cost_avoided()
    yield from _fixed(_POLICE_COST)


# The positions a scenario's shifts need (measure._workforce), in a comparison's costs.csv.
_POSITIONS: tuple[tuple[str, str, str, Format, str, bool | None, bool], ...] = (
    (
        "fte",
        "Positions (FTE)",
        "fte",
        "number",
        "full-time equivalents the shifts need, relief and absences included (programs "
        "with a cost block): the same arithmetic as optimize's",
        None,
        False,
    ),
    (
        "extra_fte",
        "Extra positions (FTE)",
        "fte",
        "number",
        "full-time equivalents, alternative minus base",
        None,
        True,
    ),
    (
        "head_count",
        "People",
        "persons",
        "count",
        "people to staff the shifts in every role, at the roles' weekend rotation",
        None,
        False,
    ),
)


def _comparison() -> Iterator[Metric]:
    """The columns of a comparison's costs.csv that are not run metrics: the alternative
    minus the base, paired by replication (the base's row holds zeros)."""
    for name, lab, unit, fmt, what, better, signed in _POSITIONS:
        yield Metric(name, lab, unit, fmt, what, better, kind="comparison", signed=signed)
    for prog in PROGRAMS:  # each program's share of the positions (costs.csv)
        yield Metric(
            f"{prog.value}_fte",
            f"{prog.label} positions (FTE)",
            "fte",
            "number",
            f"full-time equivalents {prog.label}'s shifts need (as fte, for this program)",
            None,
            kind="comparison",
        )
        yield Metric(
            f"{prog.value}_head_count",
            f"{prog.label} people",
            "persons",
            "count",
            f"people to staff {prog.label}'s shifts (as head_count, for this program)",
            None,
            kind="comparison",
        )
    for name, lab, unit, fmt, what, better in _EXTRAS:
        yield Metric(
            name,
            lab,
            unit,
            fmt,
            f"{what} per year, alternative minus base unless said, mean of the paired "
            "differences with a t-interval",
            better,
            kind="comparison",
            signed=True,
        )
    for name, lab, per in _MARGINALS:
        yield Metric(
            name,
            lab,
            "$",
            "money",
            f"extra annual cost / extra {per} calls per year: the ratio of the mean paired "
            "differences, with Fieller's interval; not defined when the alternative adds "
            f"no {per} calls or the interval of the extra is not clear of zero",
            False,
            kind="comparison",
            signed=True,
        )


_SHORT = {
    "cost_total_annual": "annual cost",
    "diverted_per_year": "diverted/yr",
    "cost_per_diverted_call": "cost/diverted",
}
CATALOG: dict[str, Metric] = {
    m.name: replace(m, short=_SHORT.get(m.name, m.short)) for m in (*_declare(), *_comparison())
}

# The words a report's reader needs, in the order a glossary lists them.
GLOSSARY = {
    "eligible call": "a 911 call of a behavioral-health type HEART may take (the scenario's "
    "call types), wherever and whenever it comes",
    "HEART response": "an eligible call a HEART program handled: resolved by a CCD clinician "
    "on the phone, or served in person by a CRT or Co-Response team",
    "diverted call": "an eligible call that ended with no police: resolved by CCD or served by "
    "CRT (Co-Response brings an officer, so it diverts nothing by this definition)",
    "sent to police/EMS (fallback)": "an eligible call HEART did not handle: outside the "
    "program's hours or area, no team free within the patience, referred by the CCD "
    "clinician, or not sent to HEART by 911 (routing or Co-Response triage)",
    "response time": "from the dispatch request to a team on scene: the wait for a free team "
    "plus travel",
    "p50, p90, p95": "percentiles: the time that half, 9 in 10, or 19 in 20 of the calls were "
    "within",
    "unit, unit-hour": "a unit is what a program sends or seats (a CRT team of three, a CCD "
    "clinician); a unit-hour is one unit on duty for an hour",
    "scheduled, present, available": "unit-hours the shifts call for; less vacancies and "
    "absences; less breaks and time pulled to other duties",
    "utilization": "the share of a unit's available time spent on calls",
    "relief factor": "paid hours per hour on duty, covering leave and training",
    "police cost avoided": "the officer time (police_hours_per_call) the calls HEART handled "
    "would have taken, priced at police_cost_per_hour",
    "net cost": "annual cost less the police cost avoided",
    "marginal cost per extra diverted call": "an option's extra annual cost divided by the "
    "extra calls it diverts a year, both against the base",
    "replication": "one simulated run of the whole period with its own random numbers; results "
    "are means over replications",
    "95% interval": "the range that holds the true mean in 95% of repeated studies: a "
    "t-interval kept to the values the quantity can take, or Fieller's interval for a ratio",
    "common random numbers": "every option is simulated with the same calls, so differences "
    "come from the option, not from chance",
    "warm-up": "weeks simulated before the measured period and discarded, so the measured "
    "period does not start empty",
}

# By-hour quantities (by_hour.csv, the heatmaps): column stem -> (label, unit text).
BY_HOUR = {
    "arrivals": ("eligible calls", "calls per week in the hour"),
    "fallbacks": ("calls sent to police/EMS", "calls per week sent to police/EMS in the hour"),
    "staffed_units": ("units on duty", "units on duty (mean over the hour)"),
    "utilization": ("busy share of staffed time", "busy / staffed unit-time (white: not staffed)"),
}

# By-month quantities (by_month.csv, the monthly figure): run metrics counted per calendar
# month of the measured window (counts and hours per month, not per year).
BY_MONTH = (
    "calls_total",
    "heart_responses",
    "ccd_resolved",
    "crt_served",
    "cor_served",
    "ccd_assessed",
    "diversion_rate",
    "heart_response_rate",
    *(o.key for o in FALLBACKS),
    "crt_response_time",
    "crt_response_time_p90",
    "cor_response_time",
    "cor_response_time_p90",
    *(f"{p}_{h}_hours" for p in PROGRAMS for h in ("scheduled", "staffed", "available")),
)

# By-zone quantities (by_zone.csv, the zone figure): run metrics counted per zone.
BY_ZONE = (
    "calls_total",
    "heart_responses",
    "ccd_resolved",
    "crt_served",
    "cor_served",
    "caller_hung_up",
    "heart_response_rate",
    "diversion_rate",
    *(o.key for o in FALLBACKS),
    "crt_response_time",
    "crt_response_time_p90",
    "crt_travel_time",
    "cor_response_time",
    "cor_response_time_p90",
    "cor_travel_time",
)

# Where each metric is shown, in the order it is shown there.
VIEWS: dict[str, tuple[str, ...]] = {
    "headline": (
        "calls_per_week",
        "diversion_rate",
        "heart_response_rate",
        "ccd_resolved_share",
        "crt_served_share",
        "cor_served_share",
        "fallback_out_of_hours_share",
        "fallback_out_of_area_share",
        "fallback_no_unit_share",
        "fallback_referred_share",
        "fallback_not_sent_share",
        "ccd_answer_wait",
        "ccd_unanswered_share",
        "crt_response_time",
        "crt_response_time_p90",
        "crt_call_to_arrival",
        "cor_response_time",
        "cn_followup_delay",
        "cn_followup_within_target",
        "ccd_utilization",
        "crt_utilization",
        "cor_utilization",
        "cn_utilization",
        "cost_total_annual",
        "diverted_per_year",
        "cost_per_diverted_call",
        "cost_per_heart_response",
        "net_cost_annual",
        "police_hours_per_year",
    ),
    # the intervals --reps auto judges (heart_sim.measure._precision): the headline cards' measures
    "precision": (
        "heart_response_rate",
        "diversion_rate",
        "diverted_per_year",
        "crt_response_time",
        "cost_total_annual",
        "cost_per_diverted_call",
        "police_hours_per_year",
    ),
    # response-time distributions, one panel each (2 x 2)
    "cdf": ("crt_response_time", "cor_response_time", "ccd_answer_wait", "cn_followup_delay"),
    "forest": (
        "diversion_rate",
        "heart_response_rate",
        "crt_response_time",
        "cost_total_annual",
        "police_hours_per_year",
    ),
    "sweep": (
        "diversion_rate",
        "crt_response_time",
        "crt_response_time_p90",
        "crt_utilization",
        "cost_per_diverted_call",
        "fallback_no_unit_share",
    ),
    # the CLI's sweep table: a few columns that fit a terminal
    "sweep_table": (
        "diversion_rate",
        "crt_response_time",
        "crt_utilization",
        "cost_per_diverted_call",
    ),
    # a comparison's cost table, in column order
    "costs": (
        "cost_total_annual",
        "diverted_per_year",
        "cost_per_diverted_call",
        "heart_responses_per_year",
        "cost_per_heart_response",
        "net_cost_annual",
        "extra_cost",
        "extra_diverted",
        "marginal_cost_per_extra_diverted",
        "extra_heart_responses",
        "marginal_cost_per_extra_response",
        "police_hours_freed",
        "police_cost_saved",
        "extra_net_cost",
        "fte",
        "extra_fte",
        "head_count",
    ),
    # the budget measures of one option against the base (report cards, CLI, Options sheet)
    "options": (
        "cost_total_annual",
        "diverted_per_year",
        "extra_cost",
        "extra_diverted",
        "marginal_cost_per_extra_diverted",
        "extra_heart_responses",
        "marginal_cost_per_extra_response",
        "police_cost_saved",
        "extra_net_cost",
    ),
}
for _view, _names in VIEWS.items():  # a view may only show declared metrics
    _unknown = [n for n in _names if n not in CATALOG]
    assert not _unknown, f"view {_view} names undeclared metrics {_unknown}"


def shown_in(view: str) -> tuple[str, ...]:
    """The metrics a view shows, in order."""
    return VIEWS[view]


def metric(name: str) -> Metric:
    """The catalog entry of a metric (KeyError for an unknown name)."""
    return CATALOG[name]


def label(name: str) -> str:
    """The metric's label; an unknown name (a sweep parameter, say) is shown as written."""
    m = CATALOG.get(name)
    return m.label if m else name


@cache
def _frame() -> pd.DataFrame:
    rows = [
        {
            "metric": m.name,
            "label": m.label,
            "unit": m.unit,
            "format": m.format,
            "description": m.description,
            "higher_is_better": m.higher_is_better,
            "program": m.program.value if m.program else None,
            "kind": m.kind,
            **{view: m.name in names for view, names in VIEWS.items()},
        }
        for m in CATALOG.values()
    ]
    return pd.DataFrame(rows).set_index("metric")


def metric_catalog() -> pd.DataFrame:
    """The catalog as a DataFrame indexed by metric name: label, unit, format, description,
    higher_is_better, program, kind (``run``: in summary.csv; ``comparison``: in a
    comparison's costs.csv), and one boolean column per view."""
    return _frame().copy()

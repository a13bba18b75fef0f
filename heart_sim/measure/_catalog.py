"""The metric catalog: the one place that says what each reported number is.

Every metric a run writes to ``summary.csv`` has an entry here: its name, a plain-English
label, its unit, how to format it, a description, whether more of it is better, and the
views that show it (headline tables, CDF panels, forest plots, sweep plots). Metrics,
plots, reports, the workbook and the CLI read it; none of them declares a label or unit of
its own. ``metric_catalog()`` gives it as a DataFrame (``heart-sim metrics`` prints it).

The per-program and per-outcome metrics are generated from the vocabulary (``vocab``), so
adding a program or an outcome adds its metrics here without another list to edit.
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


_FALLBACK_WHY = {
    Outcome.FALLBACK_OUT_OF_HOURS: "sent on because the program was closed",
    Outcome.FALLBACK_OUT_OF_AREA: "sent on because they were outside the program's area",
    Outcome.FALLBACK_NO_UNIT: "sent on because no team came within the patience",
    Outcome.FALLBACK_REFERRED: "the CCD clinician referred to police/EMS",
}
# Per-call times: name -> (label, unit, description, program, higher is better).
_TIMES = {
    "ccd_answer_wait": (
        "CCD answer wait",
        "min",
        "arrival to a CCD clinician answering, for calls a clinician answered",
        Program.CCD,
    ),
    "crt_response_time": (
        "CRT response time",
        "min",
        "dispatch request to a CRT team on scene (wait for a team + travel), calls served",
        Program.CRT,
    ),
    "cor_response_time": (
        "CoR response time",
        "min",
        "dispatch request to a Co-Response team on scene (wait + travel), calls served",
        Program.COR,
    ),
    "crt_travel_time": (
        "CRT travel time",
        "min",
        "a CRT team taking the call to arriving on scene, calls served",
        Program.CRT,
    ),
    "cor_travel_time": (
        "CoR travel time",
        "min",
        "a Co-Response team taking the call to arriving on scene, calls served",
        Program.COR,
    ),
    "crt_call_to_arrival": (
        "CRT call to arrival",
        "min",
        "the 911 call to a CRT team on scene: call-taking, any CCD wait and assessment, the "
        "wait for a team and travel, calls served",
        Program.CRT,
    ),
    "cor_call_to_arrival": (
        "CoR call to arrival",
        "min",
        "the 911 call to a Co-Response team on scene (as for CRT), calls served",
        Program.COR,
    ),
    **{
        f"{o.key}_wait": (
            f"Wait before {o.label}",
            "min",
            f"the 911 call to police/EMS being sent, calls {_FALLBACK_WHY[o]}",
            None,
        )
        for o in FALLBACKS
    },
    "crt_queue_wait": (
        "CRT wait for a team",
        "min",
        "dispatch request to a CRT team taking the call, calls served",
        Program.CRT,
    ),
    "cor_queue_wait": (
        "CoR wait for a team",
        "min",
        "dispatch request to a Co-Response team taking the call, calls served",
        Program.COR,
    ),
    "cn_followup_delay": (
        "CN follow-up delay",
        "h",
        "Care Navigation referral to reaching the person (the attempt that succeeded), "
        "referrals reached",
        Program.CN,
    ),
    "ccd_followup_delay": (
        "CCD follow-up delay",
        "h",
        "a CCD follow-up call queued to a clinician making it",
        Program.CCD,
    ),
}
TIME_METRICS: dict[str, str] = {name: spec[1] for name, spec in _TIMES.items()}

_OUTCOME_TEXT = {
    Outcome.CCD_RESOLVED: "resolved by a CCD clinician on the phone",
    Outcome.CRT_SERVED: "served in person by a CRT team",
    Outcome.COR_SERVED: "served in person by a Co-Response team",
    Outcome.FALLBACK_OUT_OF_HOURS: "sent to police/EMS because the program was closed",
    Outcome.FALLBACK_OUT_OF_AREA: "sent to police/EMS because the call was outside the area",
    Outcome.FALLBACK_NO_UNIT: "sent to police/EMS because no team came within the patience",
    Outcome.FALLBACK_REFERRED: "sent to police/EMS by the CCD clinician's decision",
    Outcome.CALLER_HUNG_UP: "whose caller hung up while holding for a CCD clinician",
}
_COST_PARTS = {
    "staff": "staffed unit-hours x relief factor x loaded pay of a unit's people",
    "overtime": "overtime unit-hours x overtime multiplier x loaded pay",
    "fixed": "fixed_annual plus fixed_per_unit_annual x the most units on duty at once",
    "mileage": "miles driven x cost_per_mile (0 without a distance model or a rate)",
}
_OUTCOME_BETTER = {
    Outcome.CCD_RESOLVED: True,
    Outcome.CRT_SERVED: True,
    Outcome.COR_SERVED: True,
}


def _declare() -> Iterator[Metric]:
    """Every metric, in the order ``metrics.replication_kpis`` computes them."""
    yield Metric(
        "calls_total",
        "Eligible calls",
        "calls",
        "count",
        "behavioral-health calls arriving in the measured period",
        None,
    )
    yield Metric(
        "calls_per_week",
        "Eligible calls per week",
        "calls/week",
        "rate",
        "eligible calls arriving per week",
        None,
    )
    yield Metric(
        "in_system",
        "Calls still open at the end",
        "calls",
        "count",
        "calls that arrived in the measured period and had not ended at the horizon",
        None,
    )
    for o in ENDINGS:
        yield Metric(
            o.key,
            o.label[0].upper() + o.label[1:],
            "calls",
            "count",
            f"calls {_OUTCOME_TEXT[o]}",
            _OUTCOME_BETTER.get(o, False),
        )
    for o in ENDINGS:
        yield Metric(
            f"{o.key}_share",
            f"Share {o.label}",
            "share",
            "share",
            f"share of eligible calls {_OUTCOME_TEXT[o]}",
            _OUTCOME_BETTER.get(o, False),
        )
    yield Metric(
        "diversion_rate",
        "Diversion rate",
        "share",
        "share",
        "share of eligible calls that ended with no police: resolved by CCD or served by CRT",
        True,
    )
    yield Metric(
        "heart_responses",
        "HEART responses",
        "calls",
        "count",
        "calls a HEART program handled (CCD by phone, CRT or CoR in person), as the HEART "
        "dashboard counts responses",
        True,
    )
    yield Metric(
        "heart_response_rate",
        "HEART response rate",
        "share",
        "share",
        "share of eligible calls a HEART program handled (CCD, CRT or CoR)",
        True,
    )
    for name, (label, unit, text, prog) in _TIMES.items():
        fmt: Format = "minutes" if unit == "min" else "hours"
        yield Metric(name, f"{label} (mean)", unit, fmt, f"mean of {text}", False, prog, True)
        for q in PERCENTILES:
            yield Metric(
                f"{name}_p{q}",
                f"{label} (p{q})",
                unit,
                fmt,
                f"{q}th percentile of {text}",
                False,
                prog,
            )
    yield Metric(
        "ccd_assessed",
        "CCD assessments",
        "calls",
        "count",
        "calls a CCD clinician answered and assessed",
        None,
        Program.CCD,
    )
    yield Metric(
        "ccd_p_wait",
        "CCD calls that waited",
        "share",
        "share",
        "share of calls sent to CCD that waited for a clinician",
        False,
        Program.CCD,
    )
    yield Metric(
        "ccd_unanswered",
        "CCD calls unanswered",
        "calls",
        "count",
        "calls sent to CCD that no clinician answered: 911 took them back and dispatched "
        "them, or the caller hung up",
        False,
        Program.CCD,
    )
    yield Metric(
        "ccd_taken_back",
        "CCD calls taken back by 911",
        "calls",
        "count",
        "calls 911 stopped holding for a clinician (answer_patience_min, or CCD closed with "
        "the call on hold) and dispatched directly; callers who hung up are caller_hung_up",
        False,
        Program.CCD,
    )
    yield Metric(
        "ccd_unanswered_share",
        "CCD share unanswered",
        "share",
        "share",
        "share of the calls sent to CCD that no clinician answered (taken back by 911 or "
        "the caller hung up)",
        False,
        Program.CCD,
    )
    yield Metric(
        "ccd_share_of_heart_responses",
        "CCD share of HEART responses",
        "share",
        "share",
        "share of the calls HEART handled that a CCD clinician resolved on the phone",
        None,
        Program.CCD,
    )
    yield Metric(
        "ccd_reach",
        "CCD reach of its eligible calls",
        "share",
        "share",
        "calls a CCD clinician answered / the calls 911 would send to CCD (each call's "
        "type's ccd_transfer, summed), as the published 'CCD ~75% of its eligible' counts",
        True,
        Program.CCD,
    )
    yield Metric(
        "cor_reach",
        "CoR reach of its eligible calls",
        "share",
        "share",
        "calls Co-Response served / the calls of the types 911 sends to CoR, as the "
        "published 'CoR 12% of its eligible' counts",
        True,
        Program.COR,
    )
    for p in FIELD_TEAMS:
        yield Metric(
            f"{p}_response_within_target",
            f"{p.label} responses within target",
            "share",
            "share",
            f"share of {p.label} responses on scene within the response target",
            True,
            p,
        )
    for p in FIELD_TEAMS:
        yield Metric(
            f"{p}_requests",
            f"{p.label} dispatch requests",
            "calls",
            "count",
            f"calls 911 asked {p.label} to attend in its area and hours",
            None,
            p,
        )
        yield Metric(
            f"{p}_miles_per_year",
            f"{p.label} miles driven",
            "mi/year",
            "rate",
            f"miles {p.label} teams drive per year: to each call (square-root travel "
            "distance) and, as an estimate, as far back; n/a without a distance model (in a "
            "phased run, calls in a phase without one add no miles)",
            None,
            p,
        )
        yield Metric(
            f"{p}_p_wait",
            f"{p.label} requests that waited",
            "share",
            "share",
            f"share of {p.label} requests that waited for a team",
            False,
            p,
        )
        yield Metric(
            f"{p}_mean_wait_all",
            f"{p.label} wait, all requests (mean)",
            "min",
            "minutes",
            f"mean wait of every {p.label} request, including those that gave up (Little's law)",
            False,
            p,
        )
    yield Metric(
        "cn_referrals",
        "Care Navigation referrals",
        "calls",
        "count",
        "referrals to Care Navigation in the measured period",
        None,
        Program.CN,
    )
    yield Metric(
        "cn_referrals_out_of_area",
        "CN referrals outside its area",
        "calls",
        "count",
        "calls referred to Care Navigation that it could not take: outside its area",
        False,
        Program.CN,
    )
    yield Metric(
        "cn_attempts_per_referral",
        "CN contact attempts per referral",
        "attempts",
        "number",
        "contact attempts Care Navigation made per referral it tried",
        None,
        Program.CN,
    )
    yield Metric(
        "cn_reached_share",
        "CN share of referrals reached",
        "share",
        "share",
        "share of Care Navigation referrals whose person was reached (by the end)",
        True,
        Program.CN,
    )
    yield Metric(
        "cn_pending_at_end",
        "CN referrals pending at the end",
        "calls",
        "count",
        "referrals not yet contacted at the horizon",
        False,
        Program.CN,
    )
    yield Metric(
        "cn_followup_within_target",
        "CN follow-ups within target",
        "share",
        "share",
        "share of referrals contacted within the target (pending ones past the target "
        "count as misses)",
        True,
        Program.CN,
    )
    yield Metric(
        "ccd_followups",
        "CCD follow-up calls",
        "calls",
        "count",
        "follow-up calls queued for CCD clinicians",
        None,
        Program.CCD,
    )
    for p in PROGRAMS:
        yield Metric(
            f"{p}_scheduled_hours",
            f"{p.label} scheduled unit-hours",
            "h",
            "hours",
            f"{p.label} unit-hours the shifts call for over the measured period, before "
            "vacancies and absences (holidays and phases applied)",
            None,
            p,
        )
        yield Metric(
            f"{p}_staffed_hours",
            f"{p.label} present unit-hours",
            "h",
            "hours",
            f"{p.label} unit-hours units were on shift over the measured period (scheduled, "
            "less vacancies and absences)",
            None,
            p,
        )
        yield Metric(
            f"{p}_available_hours",
            f"{p.label} available unit-hours",
            "h",
            "hours",
            f"{p.label} present unit-hours less time away from calls (breaks, police duty)",
            None,
            p,
        )
        yield Metric(
            f"{p}_overtime_hours",
            f"{p.label} overtime unit-hours",
            "h",
            "hours",
            f"{p.label} unit-hours spent finishing a job after the shift ended",
            False,
            p,
        )
        yield Metric(
            f"{p}_utilization",
            f"{p.label} utilization",
            "ratio",
            "share",
            f"busy {p.label} unit-time on shift / available unit-time",
            None,
            p,
        )
        yield Metric(
            f"{p}_utilization_scheduled",
            f"{p.label} utilization of scheduled time",
            "ratio",
            "share",
            f"busy {p.label} unit-time on shift / scheduled unit-time (vacancies, absences "
            "and time away count as idle)",
            None,
            p,
        )
        yield Metric(
            f"{p}_queue_len",
            f"{p.label} queue length (mean)",
            "calls",
            "number",
            f"mean number of jobs waiting for a {p.label} unit",
            False,
            p,
        )
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
    yield Metric(
        "cost_total_annual", "Annual cost", "$/year", "money", "all programs' annual cost", False
    )
    yield Metric(
        "diverted_per_year",
        "Diverted calls",
        "calls/year",
        "rate",
        "calls per year ended with no police (CCD resolved + CRT served)",
        True,
    )
    yield Metric(
        "cost_per_diverted_call",
        "Cost per diverted call",
        "$",
        "money",
        "annual cost / diverted calls per year: the ratio of the means over replications, "
        "with Fieller's interval",
        False,
        ratio_of=("cost_total_annual", "diverted_per_year"),
    )
    yield Metric(
        "heart_responses_per_year",
        "HEART responses per year",
        "calls/year",
        "rate",
        "calls per year a HEART program handled (CCD resolved, CRT or CoR served)",
        True,
    )
    yield Metric(
        "cost_per_heart_response",
        "Cost per HEART response",
        "$",
        "money",
        "annual cost / HEART responses per year: the ratio of the means, with Fieller's "
        "interval; defined where cost per diverted call is not (Co-Response still sends an "
        "officer)",
        False,
        ratio_of=("cost_total_annual", "heart_responses_per_year"),
    )
    yield Metric(
        "police_calls_per_year",
        "Calls sent to police/EMS",
        "calls/year",
        "rate",
        "fallback calls per year",
        False,
    )
    yield Metric(
        "police_hours_per_year",
        "Police time on fallback calls",
        "h/year",
        "hours",
        "officer hours per year spent on calls sent to police/EMS",
        False,
    )
    for p, handled in (
        (Program.CCD, "resolved by phone"),
        (Program.CRT, "served"),
        (Program.COR, "served"),
    ):
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
    yield Metric(
        "police_cost_annual",
        "Police cost of fallback calls",
        "$/year",
        "money",
        "officer hours per year on calls sent to police/EMS x police_cost_per_hour",
        False,
    )
    yield Metric(
        "police_cost_avoided_annual",
        "Police cost avoided",
        "$/year",
        "money",
        "the eligible calls not sent to police/EMS (those HEART handled and callers who hung "
        "up), priced at the officer time each would have taken (police_hours_per_call x "
        "police_cost_per_hour); between two options, the police hours freed priced",
        True,
    )
    yield Metric(
        "net_cost_annual",
        "Net annual cost",
        "$/year",
        "money",
        "annual cost - police cost avoided",
        False,
        signed=True,
    )


def _comparison() -> Iterator[Metric]:
    """The columns of a comparison's costs.csv that are not run metrics: the alternative
    minus the base, paired by replication (the base's row holds zeros)."""
    specs: tuple[tuple[str, str, str, Format, str, bool], ...] = (
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
        (
            "police_cost_saved",
            "Police cost saved",
            "$/year",
            "money",
            "police cost avoided",
            True,
        ),
        ("extra_net_cost", "Extra net cost", "$/year", "money", "net annual cost", False),
    )
    for name, lab, unit, fmt, what, better in specs:
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
    for name, lab, per in (
        ("marginal_cost_per_extra_diverted", "Marginal cost per extra diverted call", "diverted"),
        ("marginal_cost_per_extra_response", "Marginal cost per extra HEART response", "response"),
    ):
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
    "program's hours or area, no team free within the patience, or referred by the CCD clinician",
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

"""Costs as pure functions of a replication's staffing KPIs and the scenario's rates.

A program's annual cost is the sum of four parts, each reported on its own:
- staff: staffed unit-hours x relief factor x the loaded hourly cost of one unit's people;
- overtime: overtime unit-hours x overtime multiplier x the same hourly cost;
- fixed: the program's fixed annual costs plus ``fixed_per_unit_annual`` x the most units
  its shifts put on duty at once (the vans and phones the schedule needs);
- mileage: miles driven (square-root travel distances, there and back) x cost per mile.
Hours are scaled to 52 weeks. Staffed hours are the hours units were there (after
vacancies and absences); with ``relief_factor: from_absence`` the relief factor is
1 / (1 - absence probability), so the people paid for their leave are the ones the model
found missing and cost and availability cannot contradict each other.

Police time is the calls that fell back x officer hours per call. With a police cost per
hour, the calls a HEART program handled (CCD resolved, CRT or CoR served) are priced at
the police time they would otherwise have taken: the police cost avoided, and the net
cost = annual cost - police cost avoided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..core import DIVERTED, FALLBACKS, HANDLED_BY, PROGRAMS
from ..scenario import Scenario

WEEKS_PER_YEAR = 52.0


def unit_hourly_cost(scenario: Scenario, program: str) -> float:
    """Loaded cost of one unit (all its people) for one paid hour."""
    cost = scenario.program(program).cost
    if cost is None or scenario.costs is None:
        return 0.0
    return sum(n * scenario.costs.hourly(role) for role, n in cost.staff_per_unit.items())


def paid_per_scheduled_hour(scenario: Scenario, program: str) -> float:
    """Paid hours behind one scheduled unit-hour of a program, as the cost model pays them:
    the model finds a share ``absence_prob`` of scheduled shifts missing (not backfilled)
    and pays each present hour x the relief factor, so 1 scheduled hour is paid
    (1 - absence_prob) x relief hours; with ``relief_factor: from_absence`` that is exactly 1.
    (Vacancies are left out: an FTE count is of funded posts.)"""
    absence = scenario.program(program).availability.absence_prob
    return (1 - absence) * scenario.relief(program)


@dataclass(frozen=True)
class PhaseHours:
    """A program's staffed and overtime unit-hours in one phase, and the share of the
    measured window the phase covers."""

    staffed: float
    overtime: float
    share: float


# The parts of a program's annual cost, each a run metric ``<program>_<part>_cost_annual``.
COST_PARTS = ("staff", "overtime", "fixed", "mileage")


def cost_kpis(
    k: dict[str, float],
    scenario: Scenario,
    by_phase: dict[str, list[PhaseHours]] | None = None,
) -> dict[str, float]:
    """Annual cost per program and in total, cost per diverted call, police time.
    ``by_phase``: each program's hours in each phase, so that people per unit, fixed costs
    and a relief factor derived from absences may change from phase to phase; without it
    (one phase) the run's totals are used."""
    per_year = WEEKS_PER_YEAR / scenario.horizon_weeks
    if scenario.costs is None:  # the calls a year, which need no cost rates
        fallbacks = sum(k[o.key] for o in FALLBACKS)
        return {
            "diverted_per_year": sum(k[o.key] for o in DIVERTED) * per_year,
            "heart_responses_per_year": k["heart_responses"] * per_year,
            "police_calls_per_year": fallbacks * per_year,
        }
    c = scenario.costs
    phases = [sc for _, sc in scenario.phase_list()]
    out: dict[str, float] = {}
    total = 0.0
    for p in PROGRAMS:
        hours = (by_phase or {}).get(p) or [
            PhaseHours(k[f"{p}_staffed_hours"], k[f"{p}_overtime_hours"], 1.0)
        ]
        assert len(hours) == len(phases), "hours for each phase"
        parts = _cost_parts(k, p, hours, phases, per_year, c.overtime_multiplier, c.cost_per_mile)
        for part, value in parts.items():
            out[f"{p}_{part}_cost_annual"] = value
        out[f"{p}_cost_annual"] = sum(parts.values())
        total += out[f"{p}_cost_annual"]
    out["cost_total_annual"] = total
    diverted = sum(k[o.key] for o in DIVERTED) * per_year
    out["diverted_per_year"] = diverted
    out["cost_per_diverted_call"] = total / diverted if diverted else math.nan
    responses = k["heart_responses"] * per_year
    out["heart_responses_per_year"] = responses
    out["cost_per_heart_response"] = total / responses if responses else math.nan
    _police_kpis(out, k, per_year, c.police_hours_per_call, c.police_cost_per_hour, total)
    return out


def _cost_parts(
    k: dict[str, float],
    p: str,
    hours: list[PhaseHours],
    phases: list[Scenario],
    per_year: float,
    overtime_multiplier: float,
    cost_per_mile: float | None,
) -> dict[str, float]:
    """One program's annual cost by part (``COST_PARTS``), summed over the phases."""
    parts = dict.fromkeys(COST_PARTS, 0.0)
    for h, sc in zip(hours, phases):
        cfg = sc.program(p)
        hourly = unit_hourly_cost(sc, p) * per_year
        parts["staff"] += h.staffed * sc.relief(p) * hourly
        parts["overtime"] += h.overtime * overtime_multiplier * hourly
        # A program with no shifts (or only shifts of 0 units) costs nothing, fixed costs
        # included: it does not exist.
        units = cfg.schedule().max_units if cfg.shifts else 0
        if cfg.cost and units > 0:
            fixed = cfg.cost.fixed_annual + cfg.cost.fixed_per_unit_annual * units
            parts["fixed"] += fixed * h.share
    miles = k.get(f"{p}_miles_per_year", math.nan)
    if cost_per_mile is not None and not math.isnan(miles):
        parts["mileage"] = miles * cost_per_mile
    return parts


def _police_kpis(
    out: dict[str, float],
    k: dict[str, float],
    per_year: float,
    hours_per_call: float,
    rate: float | None,
    total: float,
) -> None:
    """Police time on the calls that fell back (``hours_per_call`` officer hours each), and
    the police cost the others avoided at ``rate`` an officer-hour (NaN without one); the
    net cost is ``total`` less that."""
    fallbacks = sum(k[o.key] for o in FALLBACKS)
    out["police_calls_per_year"] = fallbacks * per_year
    out["police_hours_per_year"] = fallbacks * per_year * hours_per_call
    for prog, handled in HANDLED_BY.items():
        priced = k[handled.key] * per_year * hours_per_call
        out[f"{prog}_police_cost_avoided_annual"] = priced * rate if rate is not None else math.nan
    # Avoided: every eligible call not sent to police/EMS (the calls HEART handled, and
    # callers who hung up), so that between two options it is the police hours freed.
    kept = (k["calls_total"] - fallbacks) * per_year * hours_per_call
    avoided = kept * rate if rate is not None else math.nan
    police_hours = out["police_hours_per_year"]
    out["police_cost_annual"] = police_hours * rate if rate is not None else math.nan
    out["police_cost_avoided_annual"] = avoided
    out["net_cost_annual"] = total - avoided

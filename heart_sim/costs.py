"""Costs as pure functions of a replication's staffing KPIs and the scenario's rates.

A program's annual cost = (staffed unit-hours x relief factor + overtime unit-hours x
overtime multiplier) x the loaded hourly cost of one unit's people, scaled to 52 weeks,
plus its fixed annual costs. Staffed hours are the hours units were there (after vacancies
and absences); with ``relief_factor: from_absence`` the relief factor is 1 / (1 - absence
probability), so the people paid for their leave are the ones the model found missing and
cost and availability cannot contradict each other. Police time is the calls that fell
back x hours per call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .scenario import Scenario
from .vocab import FALLBACKS, PROGRAMS

WEEKS_PER_YEAR = 52.0


def unit_hourly_cost(scenario: Scenario, program: str) -> float:
    """Loaded cost of one unit (all its people) for one paid hour."""
    cost = scenario.program(program).cost
    if cost is None or scenario.costs is None:
        return 0.0
    return sum(n * scenario.costs.hourly(role) for role, n in cost.staff_per_unit.items())


@dataclass(frozen=True)
class PhaseHours:
    """A program's staffed and overtime unit-hours in one phase, and the share of the
    measured window the phase covers."""

    staffed: float
    overtime: float
    share: float


def cost_kpis(
    k: dict[str, float],
    scenario: Scenario,
    by_phase: dict[str, list[PhaseHours]] | None = None,
) -> dict[str, float]:
    """Annual cost per program and in total, cost per diverted call, police time.
    ``by_phase``: each program's hours in each phase, so that people per unit, fixed costs
    and a relief factor derived from absences may change from phase to phase; without it
    (one phase) the run's totals are used."""
    if scenario.costs is None:
        return {}
    c = scenario.costs
    per_year = WEEKS_PER_YEAR / scenario.horizon_weeks
    phases = [sc for _, sc in scenario.phase_list()]
    out: dict[str, float] = {}
    total = 0.0
    for p in PROGRAMS:
        hours = (by_phase or {}).get(p) or [
            PhaseHours(k[f"{p}_staffed_hours"], k[f"{p}_overtime_hours"], 1.0)
        ]
        assert len(hours) == len(phases), "hours for each phase"
        cost = 0.0
        for h, sc in zip(hours, phases):
            cfg = sc.program(p)
            paid = h.staffed * sc.relief(p) + h.overtime * c.overtime_multiplier
            # A program with no shifts costs nothing, fixed costs included: it does not exist.
            fixed = cfg.cost.fixed_annual if cfg.cost and cfg.shifts else 0.0
            cost += paid * unit_hourly_cost(sc, p) * per_year + fixed * h.share
        out[f"{p}_cost_annual"] = cost
        total += cost
    out["cost_total_annual"] = total
    diverted = (k["ccd_resolved"] + k["crt_served"]) * per_year
    out["diverted_per_year"] = diverted
    out["cost_per_diverted_call"] = total / diverted if diverted else math.nan
    fallbacks = sum(k[o.key] for o in FALLBACKS)
    out["police_calls_per_year"] = fallbacks * per_year
    out["police_hours_per_year"] = fallbacks * per_year * c.police_hours_per_call
    return out

"""The answer of ``heart-sim optimize`` put together: a finished search's plan, its
verification, the input's own shifts and the confirmation on another seed, as the tables,
the summary and the recommended scenario of an :class:`OptimizeResult`.

Apart from the search (which decides) and the folder (which writes): nothing here
simulates or draws a random number, it only reads what the search found.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..core import FIELD_TEAMS, Program, __version__
from ..measure import PERCENTILES, people, t_interval
from ..scenario import DAY_NAMES, HOURS_PER_WEEK, MIN_PER_WEEK, Scenario
from ..study import extends_from
from ._goals import judge_hours
from ._isa import mol_erlang
from ._plans import plan_cost, plan_coverage, scenario_coverage
from ._result import OptimizeResult
from ._search import Evaluation, Search, Units
from ._shiftcover import HOURS_PER_DAY, hour_label

PLANS = ("recommended", "input")  # the plans whose costs, people and hours are compared
HOURLY_COLUMNS = ["plan", "goal", "hour_of_week", "when", "mean", "low", "high", "status"]


def assemble(
    s: Search,
    found: dict[str, Any],
    before: Evaluation,
    again: Evaluation,
    extends: str,
    folder: Path,
    notes: list[str],
    weekend_rotation: int | None,
) -> OptimizeResult:
    """The result of a search: ``found`` (``search``), ``before`` the input's shifts
    verified, ``again`` the plan judged on the next seed."""
    units: Units = found["units"]
    ev: Evaluation = found["evaluation"]
    shifts = s.units_shifts(units)
    rec_sc = s.scenario(shifts, "recommended")
    req_rows = _requirement_rows(s, found)
    shift_rows = _shift_rows(s, shifts)
    hourly_rows = _hourly_rows(s, ev, before)
    verification = pd.DataFrame(
        _verdict_rows("recommended", ev)
        + _verdict_rows("input", before)
        + _verdict_rows("confirmation", again)
    )
    staff = pd.concat(
        [
            people(rec_sc, list(s.plans), weekend_rotation).assign(plan="recommended"),
            people(s.base, list(s.plans), weekend_rotation).assign(plan="input"),
        ],
        ignore_index=True,
    )
    notes += lost_call_notes(s, ev)
    summary = _summary(s, found, before, again, _costs(s, ev, before), staff, notes)
    summary["lost_share"] = _lost_shares(s, ev)
    text = _recommended_yaml(s.base, shifts, extends, folder, summary)
    return OptimizeResult(
        folder=folder,
        facts=summary,
        requirement=pd.DataFrame(req_rows),
        shifts=pd.DataFrame(shift_rows),
        verification=verification,
        hourly_check=pd.DataFrame(hourly_rows, columns=HOURLY_COLUMNS),
        history=pd.DataFrame(s.history),
        people=staff,
        recommended_yaml=text,
        notes=notes,
    )


def _requirement_rows(s: Search, found: dict[str, Any]) -> list[dict[str, Any]]:
    """requirement.csv: by program and hour of the week, the offered load, the Erlang-C
    start, the requirement the iterations settled on, and the units scheduled by the plan
    and by the input."""
    units: Units = found["units"]
    rows = []
    for p, pl in s.plans.items():
        sched = plan_coverage(pl, units[p])
        start = mol_erlang(found["load"][p], found["alphas"][p], pl.open_hours, pl.max_units)
        now = scenario_coverage(s.base, p)
        priced = s.end_price[p]
        price = np.zeros(HOURS_PER_WEEK) if priced is None else priced
        for h in range(HOURS_PER_WEEK):
            rows.append(
                {
                    "program": p,
                    "hour_of_week": h,
                    "day": DAY_NAMES[h // HOURS_PER_DAY],
                    "hour": h % HOURS_PER_DAY,
                    "open": bool(pl.open_hours[h]),
                    "offered_load": float(found["load"][p][h]),
                    "mol_erlang_start": int(start[h]),
                    "requirement": int(found["requirement"][p][h]),
                    "crew_end_price": float(price[h]),
                    "scheduled": int(sched[h]),
                    "input_scheduled": int(now[h]),
                }
            )
    return rows


def _shift_rows(s: Search, shifts: dict[str, list[dict]]) -> list[dict[str, Any]]:
    """shifts.csv: each line of the recommended shifts with its unit-hours and cost."""
    rows = []
    for p, pl in s.plans.items():
        for line in shifts[p]:
            days = line["days"]
            n_days = 7 if days == "daily" else len(days)
            a, b = (int(line[k].split(":")[0]) for k in ("start", "end"))
            hours = ((b - a) % HOURS_PER_DAY or HOURS_PER_DAY) * n_days * line["units"]
            rows.append(
                {
                    "program": p,
                    "days": days if isinstance(days, str) else ",".join(days),
                    "start": line["start"],
                    "end": line["end"],
                    "units": line["units"],
                    "days_a_week": n_days,
                    "unit_hours_per_week": hours,
                    "annual_cost": hours * pl.unit_cost,
                }
            )
    return rows


def _hourly_rows(s: Search, ev: Evaluation, before: Evaluation) -> list[dict[str, Any]]:
    """hourly_check.csv: each goal held each hour, judged hour by hour for the
    recommended plan and the input (the hours with calls)."""
    rows = []
    for g in s.goals:
        if not g.each_hour:
            continue
        for plan, e in (("recommended", ev), ("input", before)):
            v = s.hour_values(e, g.metric)
            mean, lo, hi, each, _ = judge_hours(g, v, s.tolerance, s.family(e, v))
            for h in range(HOURS_PER_WEEK):
                if not math.isnan(mean[h]):
                    rows.append(
                        {
                            "plan": plan,
                            "goal": g.text,
                            "hour_of_week": h,
                            "when": hour_label(h),
                            "mean": mean[h],
                            "low": lo[h],
                            "high": hi[h],
                            "status": each[h],
                        }
                    )
    return rows


def _verdict_rows(plan: str, ev: Evaluation) -> list[dict[str, Any]]:
    return [{"plan": plan, **v} for v in ev.verdicts]


def _cost_row(plan: str, ev: Evaluation, metric: str) -> dict[str, Any]:
    mean, lo, hi, _ = (
        t_interval(ev.kpis[metric].to_numpy(float)) if metric in ev.kpis else (math.nan,) * 4
    )
    return {"plan": plan, "metric": metric, "mean": mean, "low": lo, "high": hi}


def _costs(s: Search, ev: Evaluation, before: Evaluation) -> dict[str, dict[str, dict]]:
    """The simulated annual costs (total and by program) of the recommended plan and the
    input, with their 95% intervals."""
    return {
        plan: {
            m: _cost_row(plan, e, m)
            for m in (
                "cost_total_annual",
                *[f"{p}_cost_annual" for p in s.plans],
                *[f"{p}_overtime_cost_annual" for p in s.plans],
            )
        }
        for plan, e in (("recommended", ev), ("input", before))
    }


def _lost_shares(s: Search, ev: Evaluation) -> dict[str, dict[str, float]]:
    """Each field team's share of requests lost to police/EMS under the recommended plan,
    with its 95% interval: the callers a served-calls target does not see."""
    out = {}
    for p in s.plans:
        col = f"{p}_lost_share"
        if col in ev.kpis:
            mean, lo, hi, _ = t_interval(ev.kpis[col].to_numpy(float))
            out[p] = {"mean": mean, "low": lo, "high": hi}
    return out


# Above this share of a team's requests lost to police/EMS, a target on served calls only
# is said to be met partly by losing calls.
LOST_WARNING = 0.05
# The field-team measures that count served calls only (a lost call leaves them).
SERVED_ONLY = frozenset(
    f"{p}_{m}{q}"
    for p in FIELD_TEAMS
    for m in ("response_time", "queue_wait")
    for q in ("", *(f"_p{x}" for x in PERCENTILES))
) | {f"{p}_response_within_target" for p in FIELD_TEAMS}


def lost_call_notes(s: Search, ev: Evaluation) -> list[str]:
    """A note for each target on served calls only (a response time, or responses within
    target) that the plan meets while losing more than LOST_WARNING of the team's requests
    to police/EMS: such a target improves when calls are lost."""
    notes = []
    for g in s.goals:
        col = f"{g.program}_lost_share"
        served_only = g.metric in SERVED_ONLY
        if not served_only or col not in ev.kpis:
            continue
        lost = float(ev.kpis[col].mean())
        if lost > LOST_WARNING:
            notes.append(
                f"{g.text} counts only the calls a team reached: the plan still loses "
                f"{lost:.0%} of {Program(g.program).label} requests to police/EMS (a target on "
                f"{g.program}_lost_share or {g.program}_reached_within_target counts them)"
            )
    return notes


def _summary(
    s: Search,
    found: dict[str, Any],
    before: Evaluation,
    again: Evaluation,
    costs: dict[str, dict[str, dict]],
    staff: pd.DataFrame,
    notes: list[str],
) -> dict[str, Any]:
    """summary.json (its keys in the order written)."""
    units: Units = found["units"]
    ev: Evaluation = found["evaluation"]
    summary: dict[str, Any] = {
        "scenario": s.base.name,
        "goals": [g.text for g in s.goals],
        "programs": list(s.plans),
        "source": s.source,
        "seed": s.seed,
        "feasible": bool(found["feasible"]),
        "alphas": found["alphas"],
        "reps": ev.reps,
        "input_reps": before.reps,
        "input_meets_goals": before.met(),
        "confirmation_seed": s.seed + 1,
        "confirmed": again.met(),
        "confirmation_reps": again.reps,
        "schedule_cost_annual": sum(plan_cost(s.plans[p], u) for p, u in units.items()),
        # What the search priced the plan at: the schedule and the overtime expected where
        # its crews end (the simulated overtime is in cost, by program).
        "priced_cost_annual": s.cost(units),
        "overtime_hours_per_week": {
            plan: _overtime_per_week(s, e) for plan, e in (("recommended", ev), ("input", before))
        },
        "min_shift_length": {p: pl.min_length for p, pl in s.plans.items()},
        "input_schedule_cost_annual": _input_schedule_cost(s),
        "schedule_fixed_cost_annual": sum(
            pl.peak_cost * int(plan_coverage(pl, units[p]).max(initial=0))
            for p, pl in s.plans.items()
        ),
        "cost": {
            plan: {m: {k: r[k] for k in ("mean", "low", "high")} for m, r in c.items()}
            for plan, c in costs.items()
        },
        "fte": {plan: float(staff.loc[staff.plan == plan, "fte"].sum()) for plan in PLANS},
        "head_count": {
            plan: int(staff.loc[staff.plan == plan, "head_count"].sum()) for plan in PLANS
        },
        "simulated_replications": s.simulated,
        "resumed_replications": s.resumed,
        "plans_verified": len(s.cache),
        "verdicts": ev.verdicts,
        "notes": notes,
    }
    if not found["feasible"]:
        missed = [v["goal"] for v in ev.verdicts if v["status"] != "met"]
        summary["infeasible"] = (
            f"no plan within --max-units {max(pl.max_units for pl in s.plans.values())} in the "
            f"open hours meets {', '.join(missed)} with 95% confidence; the plan given is the "
            "closest (the most units allowed) and its values are the best reached"
        )
    return summary


def _overtime_per_week(s: Search, ev: Evaluation) -> dict[str, dict[str, float]]:
    """Each optimized program's simulated overtime unit-hours a week, with its 95% interval."""
    weeks = (s.base.end_min - s.base.start_min) / MIN_PER_WEEK
    out = {}
    for p in s.plans:
        mean, lo, hi, _ = t_interval(ev.kpis[f"{p}_overtime_hours"].to_numpy(float) / weeks)
        out[p] = {"mean": mean, "low": lo, "high": hi}
    return out


def _input_schedule_cost(s: Search) -> float:
    """The input's own shifts priced as a plan: unit-hours at each unit's cost and the
    fixed cost of its most units on duty at once."""
    return sum(
        float(scenario_coverage(s.base, p).sum()) * pl.unit_cost
        + pl.peak_cost * int(scenario_coverage(s.base, p).max(initial=0))
        for p, pl in s.plans.items()
    )


def _recommended_yaml(
    base: Scenario, shifts: dict[str, list[dict]], extends: str, folder: Path, summary: dict
) -> str:
    """A scenario that extends the input and replaces only the optimized programs' shifts."""
    parent = extends_from(folder, extends)
    verdict = (
        f"meets every target with 95% confidence ({summary['reps']} replications, seed "
        f"{summary['seed']})"
        if summary["feasible"]
        else "does NOT meet every target: the closest plan within --max-units"
    )
    again = (
        f"# Judged again on seed {summary['confirmation_seed']}: "
        + ("every target met" if summary["confirmed"] else "NOT every target met (thin margin)")
        + f" ({summary['confirmation_reps']} replications).\n"
    )
    head = (
        f"# Recommended by heart-sim optimize ({__version__}) for: {'; '.join(summary['goals'])}.\n"
        f"# Derived: the least-cost shifts found; {verdict}.\n"
        + again
        + "# See optimize.md beside this file. Only the shifts of the optimized programs change;\n"
        + "# they work as continuous crews: a unit hands over only where the units on duty fall.\n"
    )
    body = {
        "extends": parent,
        "name": f"{base.name}_optimized",
        "description": f"{base.name} with the shifts heart-sim optimize recommends.",
        "programs": {p: {"shifts": s, "continuous_crews": True} for p, s in shifts.items()},
    }
    return head + yaml.safe_dump(body, sort_keys=False)

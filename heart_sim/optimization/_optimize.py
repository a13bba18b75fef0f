"""``heart-sim optimize``: the cheapest shifts that meet service targets.

For the programs asked for (CCD, CRT, CoR), in the hours they may open:

1. **Requirement by hour of the week**: a probe run with the most units allowed on duty
   in every open hour measures the offered load m(h); the modified-offered-load Erlang-C
   staffing for delay probability alpha starts the iterative staffing algorithm
   (``optimization._isa``), which simulates the full model (routing, availability, travel)
   with the requirement as crews, reads the jobs in each program's system hour by hour
   and re-sets the requirement until it settles.
2. **Shifts**: the least-cost set of shifts of the allowed lengths and starts covering the
   requirement, by integer programming (``optimization._shiftcover``), at each unit's loaded
   pay x relief factor, plus the fixed cost of each unit on duty at once.
3. **Verification**: the shifts are simulated with common random numbers, in batches of
   replications until every target is met or missed with 95% confidence (or the most
   replications allowed). alpha is searched by bisection, program by program, for the
   loosest value whose shifts meet that program's targets; a target held each hour that
   still misses some hours has those hours raised; then units are taken off one at a time,
   cheapest-first, while the targets still hold.
4. **People**: FTE and head count per role, annual cost, against the input scenario.

Every simulated plan is checkpointed in the output folder, and the search is
deterministic given the seed, so an interrupted search resumes where it stopped.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..core import HeartSimError, StudyError, __version__, atomic_write
from ..measure import (
    QUEUED,
    WEEKS_PER_YEAR,
    HourlySpec,
    csv_text,
    offered_load,
    paid_per_scheduled_hour,
    people,
    t_interval,
    unit_hourly_cost,
)
from ..scenario import DAY_NAMES, HOURS_PER_WEEK, Scenario, scenario_from_dict, scenario_hash
from ..study import (
    MANIFEST,
    Checkpoints,
    Progress,
    RepOutput,
    StudyJob,
    check_run_size,
    claim,
    extends_from,
    published,
    read_manifest,
    replicate_jobs,
    write_sources,
    writing,
)
from ._goals import Goal, judge_hours, judge_whole
from ._isa import ALPHAS, converged, isa_step, mol_erlang, open_mask, staircase_shifts
from ._shiftcover import HOURS_PER_DAY, Cover, ShiftOption, cover, coverage_matrix, hour_label

MAX_UNITS = 20
ISA_REPS = 8
MIN_REPS, MAX_REPS = 5, 40
ISA_ITERATIONS = 6
POLISH_EVALUATIONS = 30
POLISH_PATIENCE = 10  # polishing stops after this many neighbours in a row fail
POLISH_REPS = 3  # a neighbour tried in polishing gets at most 3 x --min-reps replications
SETTLED = 0.05  # the iteration has settled when at most this share of open hours change
SWAP_LIMIT = 12  # at most this many options in use: also try moving a unit between two


class OptimizeError(StudyError):
    """An optimization that cannot start: no goal for a program, hours no shift fits."""


@dataclass(frozen=True)
class ProgramPlan:
    """What may be chosen for one program: its open hours, shift options and cap."""

    program: str
    open_hours: np.ndarray  # 168 bools
    options: tuple[ShiftOption, ...]
    max_units: int
    unit_cost: float  # annual cost of one unit on duty one hour every week
    peak_cost: float  # annual fixed cost per unit on duty at once

    @cached_property
    def matrix(self) -> np.ndarray:
        """168 x options: 1 where a unit on the option is on duty (built once: the polish
        prices and checks many plans of the same options)."""
        return coverage_matrix(self.options)


@dataclass
class Evaluation:
    """One plan simulated: per-replication KPIs and hourly arrays, and the goals judged."""

    label: str
    shifts: dict[str, list[dict]]
    kpis: pd.DataFrame
    hourly: list[dict[str, np.ndarray]]
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    hours_missed: dict[str, list[int]] = field(default_factory=dict)

    @property
    def reps(self) -> int:
        return len(self.kpis)

    def met(self, program: str | None = None) -> bool:
        return all(v["status"] == "met" for v in self.verdicts if program in (None, v["program"]))

    def mean_hourly(self, key: str) -> np.ndarray:
        return np.nanmean(np.stack([h[key] for h in self.hourly]), axis=0)


@dataclass
class OptimizeResult:
    folder: Path | None  # None: the study wrote to a temporary folder (out=None)
    summary: dict[str, Any]
    requirement: pd.DataFrame
    shifts: pd.DataFrame
    verification: pd.DataFrame
    hourly_check: pd.DataFrame
    history: pd.DataFrame
    people: pd.DataFrame
    recommended_yaml: str
    notes: list[str] = field(default_factory=list)


def parse_hours(text: str) -> tuple[int, int]:
    """'06:00-24:00' -> (6, 24): whole hours; an end at or before the start runs past
    midnight."""
    try:
        a, b = text.split("-")
        ha, ma = (int(x) for x in a.split(":"))
        hb, mb = (int(x) for x in b.split(":"))
    except ValueError:
        raise OptimizeError(
            f"--hours {text!r}: write HH:00-HH:00, e.g. 06:00-24:00 or 20:00-08:00"
        ) from None
    hb = hb or 24  # 18:00-00:00 ends at midnight
    if ma or mb or not 0 <= ha < 24 or not 0 < hb <= 24 or ha == hb % 24 and hb != 24:
        raise OptimizeError(
            f"--hours {text!r}: whole hours from 00:00 to 24:00, start and end different"
        )
    return ha, hb


def parse_start(text: str) -> int:
    """'07:00' -> 7: a shift start on the hour."""
    try:
        h, m = (int(x) for x in text.split(":"))
    except ValueError:
        raise OptimizeError(f"--starts {text!r}: write HH:00, e.g. 06:00,07:00") from None
    if m or not 0 <= h < 24:
        raise OptimizeError(f"--starts {text!r}: a whole hour from 00:00 to 23:00")
    return h


def _shift_text(o: ShiftOption) -> dict[str, Any]:
    end = (o.start_hour + o.length_hours) % HOURS_PER_DAY
    return {
        "start": f"{o.start_hour:02d}:00",
        "end": f"{end:02d}:00" if end else "24:00",
    }


def plan_shifts(plan: ProgramPlan, units: Sequence[int]) -> list[dict]:
    """The chosen units as scenario shifts: options with the same hours and units on
    different days share one line."""
    lines: dict[tuple[str, str, int], list[int]] = {}
    for o, u in zip(plan.options, units):
        if u > 0:
            t = _shift_text(o)
            lines.setdefault((t["start"], t["end"], int(u)), []).extend(o.days)
    out = []
    for (start, end, u), days in lines.items():
        names = [DAY_NAMES[d] for d in sorted(set(days))]
        out.append(
            {"days": names if len(names) < 7 else "daily", "start": start, "end": end, "units": u}
        )
    return out


def plan_cost(plan: ProgramPlan, units: Sequence[int]) -> float:
    """Annual cost of the shifts: unit-hours x loaded pay x the paid hours per scheduled
    hour (``costs.paid_per_scheduled_hour``: relief, less absences), and the fixed cost of
    the most units on duty at once (overtime is left to the simulation)."""
    cost = sum(o.cost_per_unit * u for o, u in zip(plan.options, units))
    return float(cost) + plan.peak_cost * int(_coverage(plan, units).max(initial=0))


class _Search:
    """The state of one optimization: plans tried, the requirement, the history."""

    def __init__(
        self,
        base: Scenario,
        full: dict,
        source: str,
        goals: list[Goal],
        plans: dict[str, ProgramPlan],
        folder: Path,
        seed: int,
        isa_reps: int,
        min_reps: int,
        max_reps: int,
        jobs: int,
        dask: str | None,
        progress: Progress | None,
    ):
        self.base, self.full, self.source, self.goals = base, full, source, goals
        self.plans, self.folder, self.seed = plans, folder, seed
        self.isa_reps, self.min_reps, self.max_reps = isa_reps, min_reps, max_reps
        self.jobs, self.dask, self.progress = jobs, dask, progress
        self.spec = HourlySpec(
            tuple(plans), tuple(sorted({g.metric for g in goals if g.each_hour}))
        )
        self.history: list[dict[str, Any]] = []
        self.cache: dict[str, Evaluation] = {}
        self.simulated = 0
        self.resumed = 0
        self.step = 0

    # -- simulation ----------------------------------------------------------------------

    def scenario(self, shifts: dict[str, list[dict]], label: str, crews: bool = False) -> Scenario:
        """The input with these shifts. ``crews``: the shifts are the requirement's
        one-unit crews (the iterations), which are not shifts people work, so breaks,
        placed by minutes into a shift, are left out of them; the verification of real
        shifts simulates them."""
        data = json.loads(json.dumps(self.full))
        for p, s in shifts.items():
            data["programs"][p]["shifts"] = s
            if crews:
                data["programs"][p]["availability"]["breaks"] = []
        data["name"] = self.base.name
        try:
            return scenario_from_dict(data, source=f"{self.source} ({label})")
        except HeartSimError as err:
            raise OptimizeError(f"{label}: {str(err).splitlines()[0]}") from None

    def simulate(
        self,
        shifts: dict[str, list[dict]],
        label: str,
        reps: int,
        ev: Evaluation | None = None,
        crews: bool = False,
    ) -> Evaluation:
        """Replications [len(ev), reps) of the plan, with the same seed and replication
        numbers as every other plan (common random numbers)."""
        sc = self.scenario(shifts, label, crews)
        job = StudyJob(sc, self.seed, Checkpoints(self.folder, sc, self.seed), hourly=self.spec)
        first = 0 if ev is None else ev.reps
        got: dict[int, RepOutput] = {}

        def take(_j: int, r: int, out: RepOutput) -> None:
            got[r] = out

        def progress(_name: str, done: int, total: int) -> None:
            if self.progress:
                self.progress(label, done, total)

        replicate_jobs([job], first, reps, take, self.jobs, self.dask, progress=progress)
        self.resumed += len(job.resumed)
        self.simulated += reps - first - len(job.resumed)
        rows = [got[r].kpis for r in range(first, reps)]
        hourly = [got[r].hourly for r in range(first, reps)]
        if ev is None:
            return Evaluation(label, shifts, pd.DataFrame(rows), hourly)
        ev.kpis = pd.concat([ev.kpis, pd.DataFrame(rows)], ignore_index=True)
        ev.hourly += hourly
        return ev

    def judge(self, ev: Evaluation) -> None:
        ev.verdicts, ev.hours_missed = [], {}
        for g in self.goals:
            if g.each_hour:
                v = np.stack([h[g.metric] for h in ev.hourly])
                mean_h, lo_h, hi_h, each, status = judge_hours(g, v)
                missed = [h for h, s in enumerate(each) if s != "met"]
                ev.hours_missed[g.text] = missed
                judged = ~np.isnan(hi_h)  # hours with an interval (calls in 3+ replications)
                if not judged.any():
                    mean, lo, hi = math.nan, math.nan, math.nan
                    where = "no hour with calls in enough replications to judge"
                else:
                    shown = np.where(judged, mean_h, -np.inf if g.op == "<=" else np.inf)
                    worst = int(np.argmax(shown) if g.op == "<=" else np.argmin(shown))
                    mean, lo, hi = mean_h[worst], lo_h[worst], hi_h[worst]
                    where = f"worst hour {hour_label(worst)}; {len(missed)} hours not met"
            else:
                mean, lo, hi, status = judge_whole(g, ev.kpis[g.metric].to_numpy(float))
                where = ""
            ev.verdicts.append(
                {
                    "goal": g.text,
                    "program": g.program,
                    "metric": g.metric,
                    "target": g.value,
                    "mean": mean,
                    "low": lo,
                    "high": hi,
                    "status": status,
                    "reps": ev.reps,
                    "where": where,
                }
            )

    def verify(
        self, shifts: dict[str, list[dict]], label: str, most: int | None = None
    ) -> Evaluation:
        """Replications in batches until every goal is met or missed with 95% confidence,
        or ``most`` replications (``max_reps`` by default; a goal still unclear then is
        not met). A plan verified before continues from the replications it has."""
        most = self.max_reps if most is None else min(most, self.max_reps)
        key = json.dumps([self.seed, shifts], sort_keys=True)
        ev = self.cache.get(key)
        if ev is None:
            ev = self.simulate(shifts, label, self.min_reps)
            self.judge(ev)
        while ev.reps < most and any(v["status"] == "unclear" for v in ev.verdicts):
            # Batches depend on the count alone, never on --jobs: the counts at which a plan
            # is judged, and so the whole search, are the same however the work is spread.
            more = min(most, max(ev.reps + 2, int(ev.reps * 1.5)))
            ev = self.simulate(shifts, label, more, ev)
            self.judge(ev)
        self.cache[key] = ev
        return ev

    def confirm(self, shifts: dict[str, list[dict]]) -> Evaluation:
        """The plan judged again by the same rule on the next seed (independent random
        numbers): many plans were judged on the search's seed and the one kept passed
        there, so a plan at the margin may have passed by luck; this says whether it did."""
        seed, self.seed = self.seed, self.seed + 1
        try:
            return self.verify(shifts, f"confirmation, seed {self.seed}")
        finally:
            self.seed = seed

    # -- the steps -----------------------------------------------------------------------

    def record(
        self,
        phase: str,
        detail: str,
        units: dict[str, np.ndarray] | None,
        ev: Evaluation | None,
        cost: float = math.nan,
        alphas: dict[str, float] | None = None,
    ) -> None:
        self.step += 1
        row: dict[str, Any] = {"step": self.step, "phase": phase, "detail": detail}
        for p in self.plans:
            row[f"{p}_alpha"] = (alphas or {}).get(p, math.nan)
            row[f"{p}_unit_hours_per_week"] = (
                int(units[p].sum()) if units is not None and p in units else math.nan
            )
        row["schedule_cost"] = cost
        row["reps"] = ev.reps if ev is not None else 0
        for v in ev.verdicts if ev is not None else []:
            row[f"{v['goal']}"] = v["status"]
        self.history.append(row)

    def probe(self) -> dict[str, np.ndarray]:
        """Offered load m(h): every open hour at the most units allowed."""
        top = {p: np.where(pl.open_hours, pl.max_units, 0) for p, pl in self.plans.items()}
        ev = self.simulate(
            {p: staircase_shifts(s) for p, s in top.items()}, "probe", self.isa_reps, crews=True
        )
        load = {p: offered_load(ev.mean_hourly(f"occupancy_{p}")) for p in self.plans}
        self.record("probe", "most units in every open hour: offered load", top, None)
        return load

    def isa(
        self,
        start: dict[str, np.ndarray],
        alphas: dict[str, float],
        load: dict[str, np.ndarray],
    ) -> dict[str, np.ndarray]:
        """Iterate s <- min{s: P(L >= s) <= alpha} on simulations until it settles. Never
        below the offered load (floor(m(h)) + 1): with fewer units than the work, the queue
        grows without bound and the next step would jump to the cap."""
        floor = {p: np.floor(load[p]).astype(np.int64) + 1 for p in self.plans}
        s = {p: v.copy() for p, v in start.items()}
        open_hours = sum(int(pl.open_hours.sum()) for pl in self.plans.values())
        last_changed = math.inf  # hours changed by the iteration before
        for it in range(1, ISA_ITERATIONS + 1):
            ev = self.simulate(
                {p: staircase_shifts(v) for p, v in s.items()},
                f"iteration {it}",
                self.isa_reps,
                crews=True,
            )
            new = {
                p: isa_step(
                    ev.mean_hourly(f"occupancy_{p}"),
                    alphas[p],
                    pl.open_hours,
                    pl.max_units,
                    least=floor[p],
                )
                for p, pl in self.plans.items()
            }
            changed = sum(int((new[p] != s[p]).sum()) for p in s)
            self.record(
                "iterate", f"iteration {it}: {changed} hour(s) changed", new, None, alphas=alphas
            )
            if all(converged(s[p], new[p]) for p in s):
                return new
            if changed <= max(1, SETTLED * open_hours) or (it >= 3 and changed >= last_changed):
                # Settled but for a few hours, or no longer settling: the hours flip between
                # two levels (simulation noise, or an alpha between two staffing levels).
                # The larger of the two errs on the side of the target.
                return {p: np.maximum(s[p], new[p]) for p in s}
            last_changed = changed
            s = new
        return s

    def cover(self, req: dict[str, np.ndarray]) -> dict[str, Cover]:
        out = {}
        for p, pl in self.plans.items():
            c = cover(req[p], pl.options, pl.max_units, peak_cost=pl.peak_cost)
            if not c.feasible:
                # The caps cannot meet it (shifts that must overlap where the requirement
                # is at the cap): as much of it as they allow, each unit short costing more
                # than any plan.
                dearest = max(o.cost_per_unit for o in pl.options) + pl.peak_cost + 1.0
                c = cover(
                    req[p],
                    pl.options,
                    pl.max_units,
                    peak_cost=pl.peak_cost,
                    shortfall_cost=1000.0 * dearest,
                )
            if not c.feasible:
                raise OptimizeError(f"{p}: {c.status}")
            out[p] = c
        return out

    def units_shifts(self, units: dict[str, tuple[int, ...]]) -> dict[str, list[dict]]:
        return {p: plan_shifts(self.plans[p], u) for p, u in units.items()}

    def cost(self, units: dict[str, tuple[int, ...]]) -> float:
        return sum(plan_cost(self.plans[p], u) for p, u in units.items())


def _coverage(plan: ProgramPlan, units: Sequence[int]) -> np.ndarray:
    """Units on duty in each hour of the week under ``units`` per option."""
    return plan.matrix @ np.asarray(units, dtype=np.int64)


def _search(s: _Search) -> dict[str, Any]:
    """Steps 1-3 of the module docstring; the plan chosen and how it was found."""
    load = s.probe()
    n = len(ALPHAS)
    lo = {p: -1 for p in s.plans}
    hi = {p: n for p in s.plans}
    reqs: dict[tuple[int, ...], dict[str, np.ndarray]] = {}
    tried: dict[tuple[int, ...], tuple[dict[str, tuple[int, ...]], Evaluation]] = {}

    def at(idx: dict[str, int]) -> tuple[dict[str, tuple[int, ...]], Evaluation]:
        key = tuple(idx[p] for p in s.plans)
        if key in tried:
            return tried[key]
        alphas = {p: ALPHAS[i] for p, i in idx.items()}
        if reqs:  # warm start from the nearest requirement found so far
            near = min(reqs, key=lambda k: sum(abs(a - b) for a, b in zip(k, key)))
            start = reqs[near]
        else:
            start = {
                p: mol_erlang(load[p], alphas[p], pl.open_hours, pl.max_units)
                for p, pl in s.plans.items()
            }
            s.record("start", "modified-offered-load Erlang C", start, None, alphas=alphas)
        req = s.isa(start, alphas, load)
        reqs[key] = req
        units = {p: c.units for p, c in s.cover(req).items()}
        label = "alpha " + ", ".join(f"{p} {a:g}" for p, a in alphas.items())
        ev = s.verify(s.units_shifts(units), label)
        cov = {p: _coverage(s.plans[p], u) for p, u in units.items()}
        s.record(
            "verify", f"shifts covering the requirement at {label}", cov, ev, s.cost(units), alphas
        )
        tried[key] = (units, ev)
        return units, ev

    for _round in range(12):
        open_ = [p for p in s.plans if hi[p] - lo[p] > 1]
        if not open_:
            break
        idx = {p: (lo[p] + hi[p]) // 2 if p in open_ else min(hi[p], n - 1) for p in s.plans}
        _units, ev = at(idx)
        for p in s.plans:
            if p in open_:
                if ev.met(p):
                    hi[p] = idx[p]
                else:
                    lo[p] = idx[p]
            elif not ev.met(p) and hi[p] < n:  # a partner's change broke it: tighten again
                lo[p], hi[p] = hi[p], n
    final_idx = {p: min(hi[p], n - 1) for p in s.plans}
    units, ev = at(final_idx)
    # The noise of the iterations can make a looser alpha's plan dearer than a tighter
    # one's: the cheapest plan tried that meets every goal is the one to carry on from.
    met = [(s.cost(u), k) for k, (u, e) in tried.items() if e.met()]
    if met:
        key = min(met)[1]
        final_idx = dict(zip(s.plans, key))
        units, ev = tried[key]
    req = reqs[tuple(final_idx[p] for p in s.plans)]
    alphas = {p: ALPHAS[i] for p, i in final_idx.items()}

    # A goal held each hour that misses some hours: raise those hours and cover again.
    for attempt in range(1, 5):
        if ev.met() or not any(ev.hours_missed.get(g.text) for g in s.goals if g.each_hour):
            break
        req = {p: r.copy() for p, r in req.items()}
        for g in s.goals:
            if g.each_hour and ev.hours_missed.get(g.text):
                pl = s.plans[g.program]
                hours = np.array(ev.hours_missed[g.text])
                req[g.program][hours] = np.minimum(req[g.program][hours] + 1, pl.max_units)
        units = {p: c.units for p, c in s.cover(req).items()}
        ev = s.verify(s.units_shifts(units), f"raised hours {attempt}")
        cov = {p: _coverage(s.plans[p], u) for p, u in units.items()}
        s.record(
            "raise",
            f"hours that missed raised by one unit ({attempt})",
            cov,
            ev,
            s.cost(units),
            alphas,
        )

    feasible = ev.met()
    if not feasible:  # the most the caps allow: if that fails too, no plan meets the goals
        top = {p: np.where(pl.open_hours, pl.max_units, 0) for p, pl in s.plans.items()}
        best_units = {p: c.units for p, c in s.cover(top).items()}
        best = s.verify(s.units_shifts(best_units), "most units allowed")
        s.record(
            "closest", "the most units allowed in every open hour", top, best, s.cost(best_units)
        )
        if best.met():
            units, ev, feasible = best_units, best, True
        else:
            units, ev = best_units, best
    if feasible:
        units, ev = _polish(s, units, ev)
    return {
        "units": units,
        "evaluation": ev,
        "feasible": feasible,
        "alphas": alphas,
        "requirement": req,
        "load": load,
    }


def _polish(
    s: _Search, units: dict[str, tuple[int, ...]], ev: Evaluation
) -> tuple[dict[str, tuple[int, ...]], Evaluation]:
    """Take units off (or move one to a cheaper shift) while every goal still holds: the
    cheapest neighbouring plan first, until none holds or the evaluations run out."""
    evaluations = 0
    failed = 0  # neighbours in a row that did not hold
    # A target held each hour is judged in every hour, and at the margin some hour needs
    # more replications to decide: it may take as many as the verification.
    hourly = any(g.each_hour for g in s.goals)
    polish_reps = s.max_reps if hourly else POLISH_REPS * s.min_reps
    while evaluations < POLISH_EVALUATIONS and failed < POLISH_PATIENCE:
        current = s.cost(units)
        used = sum(sum(1 for x in u if x) for u in units.values())
        moves: list[tuple[float, dict[str, tuple[int, ...]]]] = []
        for p, u in units.items():
            pl = s.plans[p]
            for i, x in enumerate(u):
                if not x:
                    continue
                changes: list[tuple[int, int | None]] = [(i, None)]
                if used <= SWAP_LIMIT:
                    changes += [(i, j) for j in range(len(u)) if j != i]
                for drop, add in changes:
                    new = list(u)
                    new[drop] -= 1
                    if add is not None:
                        new[add] += 1
                    cov = _coverage(pl, new)
                    if np.any(cov[pl.open_hours] < 1) or np.any(cov > pl.max_units):
                        continue
                    cand = {**units, p: tuple(new)}
                    cost = s.cost(cand)
                    if cost < current - 1e-6:
                        moves.append((cost, cand))
        moves.sort(key=lambda m: m[0])
        for cost, cand in moves:
            if evaluations >= POLISH_EVALUATIONS or failed >= POLISH_PATIENCE:
                break
            evaluations += 1
            # A neighbour must show it meets the goals within a few more replications than
            # the first batch (whole-run targets): at the margin the verdict would take the
            # most replications allowed, and one that close is not worth the saving.
            trial = s.verify(s.units_shifts(cand), f"polish {evaluations}", polish_reps)
            on = {p: _coverage(s.plans[p], u) for p, u in cand.items()}
            s.record("polish", f"cheaper neighbour ({cost:,.0f})", on, trial, cost)
            if trial.met():
                units, ev = cand, trial
                failed = 0
                break
            failed += 1
        else:
            break
    return units, ev


def check_plan(
    base_data: dict[str, Any],
    goals: list[Goal],
    shifts: dict[str, list[dict]],
    folder: Path,
    *,
    seed: int | None = None,
    min_reps: int = MIN_REPS,
    max_reps: int = MAX_REPS,
    jobs: int = 1,
) -> Evaluation:
    """Judge one plan (shifts by program) against the goals exactly as ``optimize``
    verifies its plans: the same seed and replications, batches until every goal is met
    or missed with 95% confidence. For checking the optimizer against brute force."""
    base = scenario_from_dict(base_data, source="check_plan")
    s = _Search(
        base,
        base.model_dump(mode="json"),
        "check_plan",
        goals,
        {},
        Path(folder),
        base.seed if seed is None else seed,
        ISA_REPS,
        min_reps,
        max_reps,
        jobs,
        None,
        None,
    )
    return s.verify(shifts, "plan")


# -- setting up ------------------------------------------------------------------------


def program_plans(
    base: Scenario,
    programs: Sequence[str],
    hours: list[tuple[int, int]] | None | str = "current",
    lengths: Sequence[int] = (8, 10, 12),
    starts: Sequence[int] | None = None,
    max_units: int = MAX_UNITS,
    same_each_day: bool = False,
) -> dict[str, ProgramPlan]:
    """Each program's open hours (``hours``: a list of daily (start, end), None for every
    hour, or "current" for the hours its shifts cover now), its shift options (each of
    ``lengths`` from each of ``starts`` that fits the open hours; one option per day, or
    one for every day with ``same_each_day``) and costs."""
    if not lengths or any(not 1 <= int(n) <= HOURS_PER_DAY for n in lengths):
        raise OptimizeError(
            f"--shift-lengths {','.join(map(str, lengths))}: whole hours from 1 to 24, e.g. 8,10,12"
        )
    out = {}
    for p in programs:
        mask = _coverage_of(base, p) > 0 if hours == "current" else open_mask(hours)  # type: ignore[arg-type]
        if not mask.any():
            raise OptimizeError(
                f"programs.{p} has no shifts to take its hours from: give --hours HH:00-HH:00 "
                "or --24-7"
            )
        hourly = unit_hourly_cost(base, p) * paid_per_scheduled_hour(base, p) * WEEKS_PER_YEAR
        cost = base.program(p).cost
        peak = cost.fixed_per_unit_annual if cost is not None else 0.0
        day_sets = [tuple(range(7))] if same_each_day else [(d,) for d in range(7)]
        options = []
        for days in day_sets:
            for n in lengths:
                for start in starts if starts is not None else range(24):
                    o = ShiftOption(int(start), int(n), days, 0.0)
                    if np.all(mask[o.covers() > 0]):
                        options.append(
                            ShiftOption(int(start), int(n), days, n * len(days) * hourly)
                        )
        if not options:
            raise OptimizeError(
                f"{p}: no shift of {', '.join(map(str, lengths))} hours from the starts allowed "
                "fits inside its open hours; allow other --shift-lengths or --starts"
            )
        covered = coverage_matrix(options).sum(axis=1) > 0
        if np.any(mask & ~covered):
            bare = [hour_label(h) for h in np.flatnonzero(mask & ~covered)[:6]]
            raise OptimizeError(
                f"{p}: no allowed shift covers {', '.join(bare)}; allow other --shift-lengths "
                "or --starts, or other --hours"
            )
        if cost is None or base.costs is None:
            raise OptimizeError(
                f"programs.{p}.cost (and costs:) are needed: optimize minimises the cost of "
                "the shifts"
            )
        out[p] = ProgramPlan(p, mask, tuple(options), int(max_units), hourly, float(peak))
    return out


def _check_goals(goals: list[Goal], programs: Sequence[str], base: Scenario) -> None:
    if not goals:
        raise OptimizeError('give at least one --target, e.g. --target "crt_response_time_p90<=20"')
    for g in goals:
        if g.program not in programs:
            raise OptimizeError(
                f"--target {g.text!r} is about {g.program}, which is not optimized; add "
                f"--program {g.program}"
            )
        if (
            g.metric.endswith("_within_target")
            and base.field_team(g.program).response_target_min is None
        ):
            raise OptimizeError(
                f"--target {g.text!r} needs programs.{g.program}.response_target_min"
            )
    for p in programs:
        if not any(g.program == p for g in goals):
            raise OptimizeError(f"--program {p} has no --target to meet; give one about {p}")


def optimize_manifest(base: Scenario, seed: int, settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "optimize",
        "scenario": base.name,
        "scenario_hash": scenario_hash(base),
        "seed": seed,
        **settings,
        "heart_sim_version": __version__,
    }


def optimize(
    base_data: dict[str, Any],
    source: str,
    goals: list[Goal],
    out: Path | str,
    *,
    programs: Sequence[str] | None = None,
    hours: list[tuple[int, int]] | None | str = "current",
    lengths: Sequence[int] = (8, 10, 12),
    starts: Sequence[int] | None = None,
    max_units: int = MAX_UNITS,
    same_each_day: bool = False,
    weekend_rotation: int | None = None,
    seed: int | None = None,
    isa_reps: int = ISA_REPS,
    min_reps: int = MIN_REPS,
    max_reps: int = MAX_REPS,
    extends: str | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> OptimizeResult:
    """The cheapest shifts for ``programs`` (default: those the goals are about) meeting
    every goal with 95% confidence; see the module docstring. ``extends`` is what
    recommended.yaml extends (the input's path or name)."""
    base = scenario_from_dict(base_data, source=source)
    programs = list(dict.fromkeys(programs or [g.program for g in goals]))
    for p in programs:
        if p not in [q.value for q in QUEUED]:
            why = " (Care Navigation works a backlog, not calls waiting)" if p == "cn" else ""
            raise OptimizeError(f"--program {p}: optimize sets the shifts of ccd, crt or cor{why}")
    _check_goals(goals, programs, base)
    if not 3 <= min_reps <= max_reps:
        raise OptimizeError("--min-reps must be at least 3 and at most --max-reps")
    if max_units < 1:
        raise OptimizeError("--max-units must be at least 1")
    plans = program_plans(base, programs, hours, lengths, starts, max_units, same_each_day)
    seed = base.seed if seed is None else seed
    if not force:
        check_run_size([base], max_reps * 4)
    settings = {
        "goals": [g.text for g in goals],
        "programs": programs,
        "open_hours": {
            p: [int(h) for h in np.flatnonzero(pl.open_hours)] for p, pl in plans.items()
        },
        "lengths": [int(n) for n in lengths],
        "starts": None if starts is None else [int(x) for x in starts],
        "max_units": max_units,
        "same_each_day": same_each_day,
        "weekend_rotation": weekend_rotation,
        "isa_reps": isa_reps,
        "min_reps": min_reps,
        "max_reps": max_reps,
    }
    manifest = optimize_manifest(base, seed, settings)
    notes: list[str] = []
    with (
        published(Path(out), f"optimize_{base.name}", manifest, notes, "optimization") as folder,
        claim(folder, manifest, force),
    ):
        if read_manifest(folder) == manifest and (folder / "summary.json").is_file():
            return read_optimization(folder)
        started = time.perf_counter()
        full = base.model_dump(mode="json")
        s = _Search(
            base,
            full,
            source,
            goals,
            plans,
            folder,
            seed,
            isa_reps,
            min_reps,
            max_reps,
            jobs,
            dask,
            progress,
        )
        found = _search(s)
        chosen = s.units_shifts(found["units"])
        again = s.confirm(chosen)
        cov = {p: _coverage(s.plans[p], u) for p, u in found["units"].items()}
        s.record("confirm", f"the plan on another seed ({seed + 1})", cov, again)
        given = {p: full["programs"][p]["shifts"] for p in plans}
        before = s.verify(given, "input")
        s.record(
            "input",
            "the input scenario's own shifts",
            {p: _coverage_of(base, p) for p in plans},
            before,
        )
        result = _result(
            s, found, before, again, extends or source, folder, notes, weekend_rotation
        )
        result.summary["seconds"] = round(time.perf_counter() - started, 1)
        _write(folder, result, manifest)
        Checkpoints(folder, base, seed).clear()
    return result


def _coverage_of(base: Scenario, p: str) -> np.ndarray:
    """Units the scenario's own shifts put on duty in each hour of the week."""
    sched = base.program(p).schedule()
    return np.array([sched.units_at(h * 60 + 30) for h in range(HOURS_PER_WEEK)])


# -- the result ------------------------------------------------------------------------


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
        + "# See optimize.md beside this file. Only the shifts of the optimized programs change.\n"
    )
    body = {
        "extends": parent,
        "name": f"{base.name}_optimized",
        "description": f"{base.name} with the shifts heart-sim optimize recommends.",
        "programs": {p: {"shifts": s} for p, s in shifts.items()},
    }
    return head + yaml.safe_dump(body, sort_keys=False)


def _verdict_rows(plan: str, ev: Evaluation) -> list[dict[str, Any]]:
    return [{"plan": plan, **v} for v in ev.verdicts]


def _cost_row(plan: str, ev: Evaluation, metric: str) -> dict[str, Any]:
    mean, lo, hi, _ = (
        t_interval(ev.kpis[metric].to_numpy(float)) if metric in ev.kpis else (math.nan,) * 4
    )
    return {"plan": plan, "metric": metric, "mean": mean, "low": lo, "high": hi}


def _result(
    s: _Search,
    found: dict[str, Any],
    before: Evaluation,
    again: Evaluation,
    extends: str,
    folder: Path,
    notes: list[str],
    weekend_rotation: int | None,
) -> OptimizeResult:
    units: dict[str, tuple[int, ...]] = found["units"]
    ev: Evaluation = found["evaluation"]
    shifts = s.units_shifts(units)
    rec_sc = s.scenario(shifts, "recommended")
    req_rows = []
    for p, pl in s.plans.items():
        sched = _coverage(pl, units[p])
        start = mol_erlang(found["load"][p], found["alphas"][p], pl.open_hours, pl.max_units)
        now = _coverage_of(s.base, p)
        for h in range(HOURS_PER_WEEK):
            req_rows.append(
                {
                    "program": p,
                    "hour_of_week": h,
                    "day": DAY_NAMES[h // HOURS_PER_DAY],
                    "hour": h % HOURS_PER_DAY,
                    "open": bool(pl.open_hours[h]),
                    "offered_load": float(found["load"][p][h]),
                    "mol_erlang_start": int(start[h]),
                    "requirement": int(found["requirement"][p][h]),
                    "scheduled": int(sched[h]),
                    "input_scheduled": int(now[h]),
                }
            )
    shift_rows = []
    for p, pl in s.plans.items():
        for line in shifts[p]:
            days = line["days"]
            n_days = 7 if days == "daily" else len(days)
            a, b = (int(line[k].split(":")[0]) for k in ("start", "end"))
            hours = ((b - a) % HOURS_PER_DAY or HOURS_PER_DAY) * n_days * line["units"]
            shift_rows.append(
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
    hourly_rows = []
    for g in s.goals:
        if not g.each_hour:
            continue
        for plan, e in (("recommended", ev), ("input", before)):
            v = np.stack([h[g.metric] for h in e.hourly])
            mean, lo, hi, each, _ = judge_hours(g, v)
            for h in range(HOURS_PER_WEEK):
                if not math.isnan(mean[h]):
                    hourly_rows.append(
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
    costs = {
        plan: {
            m: _cost_row(plan, e, m)
            for m in ("cost_total_annual", *[f"{p}_cost_annual" for p in s.plans])
        }
        for plan, e in (("recommended", ev), ("input", before))
    }
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
        "schedule_cost_annual": s.cost(units),
        "input_schedule_cost_annual": sum(
            float(_coverage_of(s.base, p).sum()) * pl.unit_cost
            + pl.peak_cost * int(_coverage_of(s.base, p).max(initial=0))
            for p, pl in s.plans.items()
        ),
        "schedule_fixed_cost_annual": sum(
            pl.peak_cost * int(_coverage(pl, units[p]).max(initial=0)) for p, pl in s.plans.items()
        ),
        "cost": {
            plan: {m: {k: r[k] for k in ("mean", "low", "high")} for m, r in c.items()}
            for plan, c in costs.items()
        },
        "fte": {
            plan: float(staff.loc[staff.plan == plan, "fte"].sum())
            for plan in ("recommended", "input")
        },
        "head_count": {
            plan: int(staff.loc[staff.plan == plan, "head_count"].sum())
            for plan in ("recommended", "input")
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
    text = _recommended_yaml(s.base, shifts, extends, folder, summary)
    return OptimizeResult(
        folder=folder,
        summary=summary,
        requirement=pd.DataFrame(req_rows),
        shifts=pd.DataFrame(shift_rows),
        verification=verification,
        hourly_check=pd.DataFrame(
            hourly_rows,
            columns=["plan", "goal", "hour_of_week", "when", "mean", "low", "high", "status"],
        ),
        history=pd.DataFrame(s.history),
        people=staff,
        recommended_yaml=text,
        notes=notes,
    )


FILES = (
    "requirement.csv",
    "shifts.csv",
    "verification.csv",
    "hourly_check.csv",
    "history.csv",
    "people.csv",
)


def _write(folder: Path, result: OptimizeResult, manifest: dict) -> None:
    after = "; every plan simulated is saved: re-run the same command to finish"
    with writing(folder, after):
        (folder / MANIFEST).unlink(missing_ok=True)
        for name, table in zip(
            FILES,
            (
                result.requirement,
                result.shifts,
                result.verification,
                result.hourly_check,
                result.history,
                result.people,
            ),
        ):
            atomic_write(folder / name, csv_text(table))
        atomic_write(folder / "recommended.yaml", result.recommended_yaml)
        write_sources(folder, result.summary["source"])
        atomic_write(
            folder / "summary.json", json.dumps(result.summary, indent=2, default=_json) + "\n"
        )
        atomic_write(folder / "optimize.md", optimize_markdown(result))
        atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")


def _json(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return str(v)


def read_optimization(folder: Path) -> OptimizeResult:
    """Reopen an optimize folder."""
    folder = Path(folder)
    if (read_manifest(folder) or {}).get("kind") != "optimize":
        raise StudyError(f"{folder}: not a heart-sim optimize folder")
    summary = json.loads((folder / "summary.json").read_text())
    req, shifts, verification, hourly, history, staff = (pd.read_csv(folder / n) for n in FILES)
    return OptimizeResult(
        folder,
        summary,
        req,
        shifts,
        verification,
        hourly,
        history,
        staff,
        (folder / "recommended.yaml").read_text(),
        summary.get("notes", []),
    )


def optimize_markdown(result: OptimizeResult) -> str:
    """optimize.md: what was asked, what was found, in words and tables."""
    s = result.summary
    lines = [f"# Optimized shifts for {s['scenario']}", ""]
    lines.append("Targets: " + "; ".join(s["goals"]) + ".")
    lines.append("")
    if s["feasible"]:
        lines.append(
            f"The recommended shifts meet every target with 95% confidence ({s['reps']} "
            "replications, common random numbers)."
        )
    else:
        lines.append(f"**{s['infeasible']}.**")
    lines += ["", "| plan | target | mean | 95% interval | status |", "|---|---|---|---|---|"]
    for r in result.verification.to_dict("records"):
        lines.append(
            f"| {r['plan']} | {r['goal']} | {r['mean']:.4g} | {r['low']:.4g} - "
            f"{r['high']:.4g} | {r['status']} |"
        )
    lines += [
        "",
        "## Shifts",
        "",
        "| program | days | start | end | units |",
        "|---|---|---|---|---|",
    ]
    for r in result.shifts.to_dict("records"):
        lines.append(f"| {r['program']} | {r['days']} | {r['start']} | {r['end']} | {r['units']} |")
    lines.append("")
    return "\n".join(lines)

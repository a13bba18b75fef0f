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

This module is the orchestration: it checks the request, sets up the folder and runs the
steps, each in a module of its own: ``_hours`` (the text of --hours and --starts),
``_plans`` (the options and their prices), ``_search`` (steps 1-3), ``_assemble`` (step 4
and the tables), ``_folder`` and ``_markdown`` (the files), ``_result`` (what is returned
or raised).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..core import __version__
from ..measure import QUEUED
from ..scenario import Scenario, scenario_from_dict, scenario_hash
from ..study import (
    Checkpoints,
    Progress,
    check_run_size,
    claim,
    published,
    read_manifest,
)
from ._assemble import assemble
from ._folder import read_optimization, write_optimization
from ._goals import Goal, held_to
from ._plans import MAX_UNITS, ProgramPlan, plan_coverage, program_plans, scenario_coverage
from ._result import OptimizeError, OptimizeResult
from ._search import ISA_REPS, MAX_REPS, MIN_REPS, TOLERANCE, Search, search


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
    min_length: int | None = None,
    tolerance: float = TOLERANCE,
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
    programs = list(dict.fromkeys(programs or [g.program for g in goals if not g.system_wide]))
    goals = held_to(goals, programs)
    _check_request(goals, programs, base, min_reps, max_reps, max_units)
    if not (math.isfinite(tolerance) and 0 <= tolerance <= 1):
        raise OptimizeError(f"--tolerance {tolerance}: a share of the target, 0 to 1, e.g. 0.05")
    plans = program_plans(
        base, programs, hours, lengths, starts, max_units, same_each_day, min_length
    )
    seed = base.seed if seed is None else seed
    if not force:
        check_run_size([base], max_reps * 4)
    settings = _settings(
        goals, programs, plans, lengths, starts, max_units, same_each_day, weekend_rotation
    ) | {
        "isa_reps": isa_reps,
        "min_reps": min_reps,
        "max_reps": max_reps,
        "min_shift_length": {p: pl.min_length for p, pl in plans.items()},
        "tolerance": tolerance,
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
        s = Search(
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
            tolerance,
        )
        result = _recommend(s, extends or source, notes, weekend_rotation)
        result.facts["seconds"] = round(time.perf_counter() - started, 1)
        write_optimization(folder, result, manifest)
        Checkpoints(folder, base, seed).clear()
    return result


def _recommend(
    s: Search, extends: str, notes: list[str], weekend_rotation: int | None
) -> OptimizeResult:
    """Steps 1-4: the plan found, judged again on the next seed, beside the input's own
    shifts verified the same way."""
    found = search(s)
    chosen = s.units_shifts(found["units"])
    again = s.confirm(chosen)
    cov = {p: plan_coverage(s.plans[p], u) for p, u in found["units"].items()}
    s.record("confirm", f"the plan on another seed ({s.seed + 1})", cov, again)
    given = {p: s.full["programs"][p]["shifts"] for p in s.plans}
    before = s.verify(given, "input", plan=False)
    s.record(
        "input",
        "the input scenario's own shifts",
        {p: scenario_coverage(s.base, p) for p in s.plans},
        before,
    )
    return assemble(s, found, before, again, extends, s.folder, notes, weekend_rotation)


# -- the request -----------------------------------------------------------------------


def _check_request(
    goals: list[Goal],
    programs: Sequence[str],
    base: Scenario,
    min_reps: int,
    max_reps: int,
    max_units: int,
) -> None:
    for p in programs:
        if p not in [q.value for q in QUEUED]:
            why = " (Care Navigation works a backlog, not calls waiting)" if p == "cn" else ""
            raise OptimizeError(f"--program {p}: optimize sets the shifts of ccd, crt or cor{why}")
    _check_goals(goals, programs, base)
    if not 3 <= min_reps <= max_reps:
        raise OptimizeError("--min-reps must be at least 3 and at most --max-reps")
    if max_units < 1:
        raise OptimizeError("--max-units must be at least 1")


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


def _settings(
    goals: list[Goal],
    programs: list[str],
    plans: dict[str, ProgramPlan],
    lengths: Sequence[int],
    starts: Sequence[int] | None,
    max_units: int,
    same_each_day: bool,
    weekend_rotation: int | None,
) -> dict[str, Any]:
    """What was asked, as the manifest records it (a folder with the same is reused)."""
    return {
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
    }

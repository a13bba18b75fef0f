"""``heart-sim optimize --budget`` / ``--fte``: which options a budget buys, and the frontier.

An options file (``optimization._budgetfile``) lists candidate changes to a scenario. A
candidate is a set of options that may be bought together; its scenario is the base with
each option applied, in the file's order. Every candidate is simulated with the same seed
and replication numbers (common random numbers), so differences between candidates are
paired replication by replication and the noise they share cancels. Cost is the run's
simulated ``cost_total_annual`` (staff with relief, overtime, fixed costs per unit); FTE is
what the schedules need (``measure._workforce``), which is deterministic.

Which candidates are simulated: every compatible set when there are at most
``exhaustive_limit`` of them; otherwise the base, each option alone, and the sets on the
efficient frontier of the additive model (each option's paired effect and extra cost from
its run alone, summed; ``optimization._frontier.additive_frontier``) up to the limit, plus the
first set beyond it, each simulated for real. The chosen set is the simulated candidate
with the best mean measure within the limit (ties: the cheaper). The frontier is that of
the simulated candidates; each step along it gives what it adds over the base and over the
step before, with 95% intervals from the paired differences, and the marginal cost of a
unit of the measure (Fieller's interval for the ratio of paired means).

The folder ``out/optimize_budget_<scenario>-<key>/`` gets candidates.csv, frontier.csv,
options.csv, chosen.yaml (a scenario extending the input with the chosen options; it runs
with ``heart-sim run``), summary.json, budget.md and the manifest (last). Candidates are
checkpointed like a sweep's points, so an interrupted study resumes, and a finished folder
with the same inputs is read back without simulating.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..core import ScenarioError, StudyError, __version__, atomic_write
from ..measure import (
    CATALOG,
    RATIO_WORDS,
    csv_text,
    fieller_interval,
    fmt_interval,
    fmt_value,
    fte_total,
    header,
    metric_interval,
    t_interval,
)
from ..scenario import (
    KeyPathError,
    Scenario,
    days_text,
    expand,
    minimal_changes,
    parse_path,
    scenario_from_dict,
    scenario_hash,
    set_path,
)
from ..study import (
    MANIFEST,
    Checkpoints,
    Progress,
    SavedFolder,
    StudyJob,
    check_run_size,
    claim,
    execute_jobs,
    extends_from,
    published,
    read_manifest,
    write_sources,
    writing,
)
from ._budgetfile import BASE, OptionsFile
from ._frontier import additive_frontier, best_within, pareto_frontier, rising_in

COST = "cost_total_annual"
Combo = tuple[str, ...]


class BudgetError(StudyError):
    """A budget study that cannot start: a bad option, measure or limit."""


@dataclass
class BudgetResult(SavedFolder):
    """What a budget study found; the tables are those of the folder's CSV files, ``facts``
    what summary.json holds, ``summary`` the efficient frontier (the sets no other set
    beats on both the limit and the measure, the one chosen marked)."""

    folder: Path | None  # None: the study wrote to a temporary folder (out=None)
    candidates: pd.DataFrame
    frontier: pd.DataFrame
    options: pd.DataFrame
    chosen: list[str] | None  # the options bought (None: nothing is within the limit)
    facts: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> pd.DataFrame:
        return self.frontier

    def heading(self) -> str:
        f = self.facts
        bought = ", ".join(self.chosen) if self.chosen else "nothing within the limit"
        limit = f"{f.get('mode', '')} {f.get('limit', '')}"
        return f"Budget study of {f.get('scenario', '')} ({limit}): {bought}"


# --- the measure -------------------------------------------------------------------------


def measure_direction(name: str) -> tuple[int, str]:
    """+1 to maximise, -1 to minimise (a lower-is-better metric), and a note saying so."""
    m = CATALOG.get(name)
    if m is None or m.kind != "run":
        examples = [k for k, v in CATALOG.items() if v.kind == "run" and v.higher_is_better][:8]
        raise BudgetError(
            f"--maximize {name!r} is not a run metric; e.g. {', '.join(examples)} "
            "(heart-sim metrics lists them all)"
        )
    if m.higher_is_better is False:
        return -1, f"{name} is better lower, so it is minimised"
    return 1, ""


# --- the candidates' scenarios -----------------------------------------------------------


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in expand(parse_path(path)):
        if isinstance(node, dict):
            node = node.get(str(part), node.get(part))
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _apply_one(data: dict[str, Any], options: OptionsFile, name: str) -> dict[str, Any]:
    """``data`` with one option's set: and add: applied (key path errors name them)."""
    opt = options.options[name]
    for path, value in opt.set.items():
        try:
            data = set_path(data, path, value)
        except KeyPathError as err:
            raise BudgetError(f"{options.source}: options.{name}.set: {err}") from None
    for path, items in opt.add.items():
        where = f"{options.source}: options.{name}.add"
        try:
            set_path(data, path, [])  # the path exists (or may be set) here
        except KeyPathError as err:
            raise BudgetError(f"{where}: {err}") from None
        current = _get(data, path)
        if current is None:
            current = []
        if not isinstance(current, list) or path.split(".")[-1] == "units":
            raise BudgetError(
                f"{where}: {path} is not a list in the scenario, so nothing can be appended "
                "to it; use set: to replace its value"
            )
        data = set_path(data, path, [*current, *items])
    return data


def candidate_name(base: str, combo: Combo) -> str:
    """``<base>__opt1__opt2`` (a valid scenario name: shortened with a digest past 80)."""
    if not combo:
        return base
    made = f"{base}__{'__'.join(combo)}"
    if len(made) > 80:
        digest = hashlib.sha256(made.encode()).hexdigest()[:8]
        made = f"{made[:70]}__{digest}"
    return made


def label(combo: Combo) -> str:
    """How a set of options is written in the tables: 'a+b', or 'base' for none."""
    return "+".join(combo) if combo else BASE


def candidate(full: dict[str, Any], base: Scenario, options: OptionsFile, combo: Combo) -> Scenario:
    """The base scenario with the options of ``combo`` applied in the file's order."""
    data = full
    for name in options.names:
        if name in combo:
            data = _apply_one(data, options, name)
    data = {**data, "name": candidate_name(base.name, combo)}
    try:
        return scenario_from_dict(data, source=f"{base.name} with {label(combo)}")
    except ScenarioError as err:
        _src, path, why = err.problems[0]
        which = f"options.{combo[0]}" if len(combo) == 1 else f"options {label(combo)} together"
        raise BudgetError(
            f"{options.source}: {which}: {base.name} with it is not a valid scenario: "
            f"{path + ': ' if path else ''}{why}"
        ) from None


# --- simulating --------------------------------------------------------------------------


@dataclass
class _Runs:
    """The candidates simulated so far: their per-replication tables."""

    full: dict[str, Any]
    base: Scenario
    options: OptionsFile
    folder: Path
    seed: int
    reps: int
    force: bool
    exhaustive_limit: int
    tables: dict[Combo, pd.DataFrame] = field(default_factory=dict)
    fte: dict[Combo, float] = field(default_factory=dict)
    resumed: int = 0

    def run(
        self,
        combos: list[Combo],
        jobs: int,
        dask: str | None,
        progress: Progress | None,
        label_: str,
    ) -> None:
        todo = [c for c in dict.fromkeys(combos) if c not in self.tables]
        if not todo:
            return
        scenarios = [candidate(self.full, self.base, self.options, c) for c in todo]
        if not self.force:
            check_run_size(scenarios, self.reps)
        done = [0]

        def one_done(_j: int, _result: Any) -> None:
            done[0] += 1
            if progress:
                progress(label_, done[0], len(todo))

        job_list = [
            StudyJob(sc, self.seed, Checkpoints(self.folder, sc, self.seed)) for sc in scenarios
        ]
        results = execute_jobs(job_list, self.reps, jobs, dask, on_done=one_done)
        for combo, sc, res in zip(todo, scenarios, results):
            self.tables[combo] = res.replications.sort_values("replication").reset_index(drop=True)
            self.fte[combo] = fte_total(sc)
            self.resumed += res.resumed


def _col(table: pd.DataFrame, name: str) -> np.ndarray:
    return table[name].to_numpy(dtype=float) if name in table else np.full(len(table), math.nan)


# --- the study ---------------------------------------------------------------------------


def budget_manifest(
    base: Scenario, options: OptionsFile, seed: int, settings: dict[str, Any]
) -> dict[str, Any]:
    return {
        "kind": "optimize_budget",
        "scenario": base.name,
        "scenario_hash": scenario_hash(base),
        "options": options.model_dump(mode="json"),
        "seed": seed,
        **settings,
        "heart_sim_version": __version__,
    }


def budget_study(
    base_data: dict[str, Any],
    source: str,
    options: OptionsFile,
    out: Path | str,
    *,
    budget: float | None = None,
    fte: float | None = None,
    maximize: str = "diverted_per_year",
    reps: int = 10,
    seed: int | None = None,
    jobs: int = 1,
    dask: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    exhaustive_limit: int = 64,
    extends: str | None = None,
) -> BudgetResult:
    """Choose the options of ``options`` that give the best ``maximize`` within ``budget``
    (total annual cost, $) or ``fte`` (extra FTE over the base); see the module docstring.
    ``extends`` is what chosen.yaml extends (the input's path or name; default ``source``)."""
    if (budget is None) == (fte is None):
        raise BudgetError("give exactly one limit: --budget (annual $) or --fte (extra FTE)")
    limit = float(budget if budget is not None else fte)  # type: ignore[arg-type]
    if not math.isfinite(limit) or limit < 0:
        flag, what = (
            ("--budget", "dollars a year, e.g. --budget 750000")
            if budget is not None
            else ("--fte", "full-time equivalents, e.g. --fte 4.5")
        )
        why = "not a number" if math.isnan(limit) else ("not finite" if limit > 0 else "negative")
        raise BudgetError(f"{flag} {limit:g}: {why}; give a finite amount of 0 or more ({what})")
    if reps < 2:
        raise BudgetError("a budget study needs at least 2 replications for its intervals")
    sign, direction_note = measure_direction(maximize)
    base = scenario_from_dict(base_data, source=source)
    if base.costs is None:
        raise BudgetError(f"{source}: no costs: block, so options cannot be costed or counted")
    full = base.model_dump(mode="json")
    for name in options.names:  # each option alone, before anything runs
        candidate(full, base, options, (name,))
    seed = base.seed if seed is None else seed
    mode = "budget" if budget is not None else "fte"
    settings = {
        "mode": mode,
        "limit": limit,
        "maximize": maximize,
        "reps": reps,
        "exhaustive_limit": exhaustive_limit,
    }
    manifest = budget_manifest(base, options, seed, settings)
    notes: list[str] = []  # about the folder (what changed since the last study)
    said = [direction_note] if direction_note else []  # about the result
    with (
        published(Path(out), f"optimize_budget_{base.name}", manifest, notes, "optimize") as folder,
        claim(folder, manifest, force),
    ):
        if read_manifest(folder) == manifest and (folder / "summary.json").is_file():
            return read_budget(folder)  # finished before with these very inputs
        started = time.perf_counter()
        runs = _Runs(full, base, options, folder, seed, reps, force, exhaustive_limit)
        sets = options.subsets(exhaustive_limit)
        if sets is not None:
            for c in sets:  # every combination valid before any runs
                candidate(full, base, options, c)
            runs.run(sets, jobs, dask, progress, "candidates")
            how = f"all {len(sets)} compatible sets of options were simulated"
        else:
            how = _knapsack(runs, sign, mode, limit, maximize, jobs, dask, progress)
        result = _result(runs, sign, mode, limit, maximize, how, said)
        result.notes = notes + said
        result.facts["seconds"] = round(time.perf_counter() - started, 1)
        result.facts["chosen_yaml"] = _chosen_yaml(runs, result, extends or source)
        result.facts["source"] = source
        _write(folder, result, manifest)
        Checkpoints(folder, base, seed).clear()
    return result


def _resource(runs: _Runs, combo: Combo, mode: str) -> float:
    """What the limit counts: total annual cost ($), or FTE over the base."""
    if mode == "budget":
        return float(np.nanmean(_col(runs.tables[combo], COST)))
    return runs.fte[combo] - runs.fte[()]


def _best(runs: _Runs, sign: int, mode: str, limit: float, maximize: str) -> Combo | None:
    """The simulated set with the best mean measure within the limit (ties: cheaper)."""
    combos = list(runs.tables)
    resource = [_resource(runs, c, mode) for c in combos]
    value = [sign * float(np.nanmean(_col(runs.tables[c], maximize))) for c in combos]
    i = best_within(resource, value, limit)
    return None if i is None else combos[i]


def _knapsack(
    runs: _Runs,
    sign: int,
    mode: str,
    limit: float,
    maximize: str,
    jobs: int,
    dask: str | None,
    progress: Progress | None,
) -> str:
    """Too many sets to simulate them all: the base and the singles first; then the sets
    the additive model puts on its frontier up to the limit, and the first beyond it;
    then, while that finds a better set, the sets one option away from the best one
    simulated (one added, dropped or swapped) that the limit allows."""
    names = runs.options.names
    singles = [(n,) for n in names]
    runs.run([(), *singles], jobs, dask, progress, "options alone")
    extra, sets = _additive_sets(runs, sign, mode, limit, maximize)
    runs.run(sets, jobs, dask, progress, "sets from the knapsack")
    from_knapsack = len({c for c in sets if len(c) > 1})
    nearby = _nearby(runs, sign, mode, limit, maximize, extra, jobs, dask, progress)
    return (
        f"more compatible sets than the exhaustive limit ({runs.exhaustive_limit}): simulated "
        f"the base, the {len(singles)} options alone, {from_knapsack} combination(s) on the "
        "frontier of the additive model (each option's paired effect and extra cost alone, "
        f"summed) up to the limit and the first beyond it, and {nearby} set(s) one option "
        "away from the best one found"
    )


def _additive_sets(
    runs: _Runs, sign: int, mode: str, limit: float, maximize: str
) -> tuple[dict[str, float], list[Combo]]:
    """From the base's and the singles' runs: each option's extra resource (by name), and
    the sets on the additive model's frontier up to the limit, then the first beyond it."""
    names = runs.options.names
    singles = [(n,) for n in names]
    b = runs.tables[()]
    gain = [
        sign * float(np.nanmean(_col(runs.tables[s], maximize) - _col(b, maximize)))
        for s in singles
    ]
    gain = [0.0 if math.isnan(g) else g for g in gain]
    extra = [_resource(runs, s, mode) - _resource(runs, (), mode) for s in singles]
    spare = limit - _resource(runs, (), mode) if mode == "budget" else limit
    index = {n: i for i, n in enumerate(names)}
    pairs = [(index[a], index[b_]) for a, b_, _ in runs.options.exclusive_pairs()]
    within = additive_frontier(extra, gain, spare, pairs, most=500)
    ladder = additive_frontier(extra, gain, math.inf, pairs, most=len(within) + 1)
    beyond = ladder[len(within) :]
    sets = [tuple(names[i] for i in s) for s in within + beyond]
    return dict(zip(names, extra)), sets


def _nearby(
    runs: _Runs,
    sign: int,
    mode: str,
    limit: float,
    maximize: str,
    extra: dict[str, float],
    jobs: int,
    dask: str | None,
    progress: Progress | None,
) -> int:
    """Up to three rounds: simulate the sets one option away from the best one so far that
    the limit allows (``extra``: each option's extra resource, for the cost of a set not
    simulated), until the best stays the same. Returns how many sets that simulated."""

    def estimate(c: Combo) -> float:
        """The resource of a set not simulated: exact for FTE, additive for cost."""
        if mode == "fte":
            return fte_total(candidate(runs.full, runs.base, runs.options, c)) - runs.fte[()]
        return _resource(runs, (), mode) + sum(extra[n] for n in c)

    nearby = 0
    best = _best(runs, sign, mode, limit, maximize)
    for _round in range(3):
        if best is None:
            break
        moves = [m for m in _neighbours(best, runs.options) if m not in runs.tables]
        moves = [m for m in moves if estimate(m) <= limit]
        if not moves:
            break
        runs.run(moves, jobs, dask, progress, "sets next to the best")
        nearby += len(moves)
        again = _best(runs, sign, mode, limit, maximize)
        if again == best:
            break
        best = again
    return nearby


def _neighbours(combo: Combo, options: OptionsFile) -> list[Combo]:
    """The compatible sets one option away from ``combo``: one added, dropped or swapped
    (in the file's order)."""
    names = options.names
    inside = set(combo)
    out: set[frozenset[str]] = set()
    for n in names:
        if n in inside:
            out.add(frozenset(inside - {n}))
            out |= {frozenset(inside - {n} | {m}) for m in names if m not in inside}
        else:
            out.add(frozenset(inside | {n}))
    ordered = [tuple(n for n in names if n in s) for s in out]
    return sorted(
        (c for c in ordered if options.compatible(c)),
        key=lambda c: (len(c), [names.index(n) for n in c]),
    )


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    mean, lo, hi, _ = t_interval(a - b)
    return mean, lo, hi


def _ratio(num: np.ndarray, den: np.ndarray) -> tuple[float, float, float, str]:
    """A marginal cost per unit of the measure gained, with Fieller's interval: none when
    the gain is not clearly positive (status as in a comparison's costs.csv)."""
    point, lo, hi, status = fieller_interval(num, den)
    if status == "ok" and np.nanmean(den) < 0:
        status = "fewer"
    if status in ("fewer", "unclear"):
        point, lo, hi = math.nan, math.nan, math.nan
    return point, lo, hi, status


def _result(
    runs: _Runs, sign: int, mode: str, limit: float, maximize: str, how: str, said: list[str]
) -> BudgetResult:
    combos = list(runs.tables)
    combos.sort(key=lambda c: (len(c), [runs.options.names.index(n) for n in c]))
    b = runs.tables[()]
    rows = []
    for c in combos:
        t = runs.tables[c]
        cost, cost_lo, cost_hi, _ = t_interval(_col(t, COST))
        m, m_lo, m_hi, _ = metric_interval(t, maximize)
        g, g_lo, g_hi = _paired(sign * _col(t, maximize), sign * _col(b, maximize))
        x, x_lo, x_hi = _paired(_col(t, COST), _col(b, COST))
        rows.append(
            {
                "options": label(c),
                "n_options": len(c),
                "cost": cost,
                "cost_low": cost_lo,
                "cost_high": cost_hi,
                "extra_cost": x,
                "extra_cost_low": x_lo,
                "extra_cost_high": x_hi,
                "fte": runs.fte[c],
                "extra_fte": runs.fte[c] - runs.fte[()],
                "measure": m,
                "measure_low": m_lo,
                "measure_high": m_hi,
                "gain": g,
                "gain_low": g_lo,
                "gain_high": g_hi,
            }
        )
    table = pd.DataFrame(rows)
    resource = table["cost"] if mode == "budget" else table["extra_fte"]
    value = sign * table["measure"]
    table["within_limit"] = resource <= limit
    front = pareto_frontier(resource.to_numpy(), value.to_numpy())
    best = best_within(resource.to_numpy(), value.to_numpy(), limit)
    dropped: list[tuple[int, int]] = []
    if mode == "fte":  # a step cheaper in dollars than the one before drops that one
        front, dropped = rising_in(table["cost"].to_numpy(), front, keep=best)
    table["on_frontier"] = False
    table.loc[front, "on_frontier"] = True
    table["chosen"] = False
    if best is not None:
        table.loc[best, "chosen"] = True
    frontier = _frontier_table(runs, combos, front, table, sign, maximize)
    options = _options_table(runs, sign, maximize)
    chosen = list(combos[best]) if best is not None else None
    base_row = table.iloc[0]
    summary: dict[str, Any] = {
        "scenario": runs.base.name,
        "options_file": runs.options.name,
        "mode": mode,
        "limit": limit,
        "maximize": maximize,
        "direction": "maximise" if sign > 0 else "minimise",
        "reps": runs.reps,
        "seed": runs.seed,
        "how": how,
        "candidates_simulated": len(combos),
        "simulations": len(combos) * runs.reps,
        "resumed_replications": runs.resumed,
        "base": _point(base_row),
        "chosen": chosen,
        "chosen_point": _point(table.iloc[best]) if best is not None else None,
        "frontier": [label(combos[i]) for i in front],
        # Steps of the FTE frontier dropped: a later step costs no more and gains more.
        "dropped_from_frontier": [
            {"options": label(combos[i]), "beaten_by": label(combos[j])} for i, j in dropped
        ],
        "exclusive_pairs": [[a, b_, why] for a, b_, why in runs.options.exclusive_pairs()],
        "notes": said,
    }
    return BudgetResult(runs.folder, table, frontier, options, chosen, summary, list(said))


def _point(row: pd.Series) -> dict[str, Any]:
    keys = ["options", "cost", "cost_low", "cost_high", "fte", "extra_fte"]
    keys += ["measure", "measure_low", "measure_high", "gain", "gain_low", "gain_high"]
    return {k: (row[k].item() if hasattr(row[k], "item") else row[k]) for k in keys}


def _frontier_table(
    runs: _Runs,
    combos: list[Combo],
    front: list[int],
    table: pd.DataFrame,
    sign: int,
    maximize: str,
) -> pd.DataFrame:
    """Each frontier step: its candidate's row, what it adds over the step before (paired,
    with intervals) and the marginal cost of each unit of the measure gained there."""
    rows: list[dict[str, Any]] = []
    prev = runs.tables[()]
    for step, i in enumerate(front):
        t = runs.tables[combos[i]]
        s, s_lo, s_hi = _paired(_col(t, COST), _col(prev, COST))
        g, g_lo, g_hi = _paired(sign * _col(t, maximize), sign * _col(prev, maximize))
        mc, mc_lo, mc_hi, status = _ratio(
            _col(t, COST) - _col(prev, COST), sign * (_col(t, maximize) - _col(prev, maximize))
        )
        row = table.iloc[i].to_dict()
        keep = {k: row[k] for k in table.columns if k not in ("on_frontier", "chosen")}
        rows.append(
            {
                "step": step,
                **keep,
                "step_cost": s,
                "step_cost_low": s_lo,
                "step_cost_high": s_hi,
                "step_fte": row["fte"] - (rows[-1]["fte"] if rows else runs.fte[()]),
                "step_gain": g,
                "step_gain_low": g_lo,
                "step_gain_high": g_hi,
                "marginal_cost": mc,
                "marginal_cost_low": mc_lo,
                "marginal_cost_high": mc_hi,
                "marginal_cost_status": status,
                "chosen": bool(row["chosen"]),
            }
        )
        # The measure gained per FTE the step adds (FTE are not random: the interval is
        # the gain's, scaled); none for a step that adds no FTE.
        per = rows[-1]["step_fte"]
        scaled = [x / per if per > 1e-9 else math.nan for x in (g, g_lo, g_hi)]
        rows[-1] |= dict(zip(("gain_per_fte", "gain_per_fte_low", "gain_per_fte_high"), scaled))
        prev = t
    return pd.DataFrame(rows)


def _options_table(runs: _Runs, sign: int, maximize: str) -> pd.DataFrame:
    """Each option alone against the base (simulated in both ways of choosing sets)."""
    b = runs.tables[()]
    excl = runs.options.exclusive_pairs()
    rows = []
    for name, opt in runs.options.options.items():
        t = runs.tables[(name,)]
        x, x_lo, x_hi = _paired(_col(t, COST), _col(b, COST))
        g, g_lo, g_hi = _paired(sign * _col(t, maximize), sign * _col(b, maximize))
        mc, mc_lo, mc_hi, status = _ratio(
            _col(t, COST) - _col(b, COST), sign * (_col(t, maximize) - _col(b, maximize))
        )
        others = [q if p == name else p for p, q, _ in excl if name in (p, q)]
        rows.append(
            {
                "option": name,
                "description": opt.description,
                "source": opt.source,
                "cost": float(np.nanmean(_col(t, COST))),
                "extra_cost": x,
                "extra_cost_low": x_lo,
                "extra_cost_high": x_hi,
                "extra_fte": runs.fte[(name,)] - runs.fte[()],
                "gain": g,
                "gain_low": g_lo,
                "gain_high": g_hi,
                "marginal_cost": mc,
                "marginal_cost_low": mc_lo,
                "marginal_cost_high": mc_hi,
                "marginal_cost_status": status,
                "exclusive_with": ", ".join(others),
            }
        )
    return pd.DataFrame(rows)


# --- writing and reading -----------------------------------------------------------------


def _chosen_yaml(runs: _Runs, result: BudgetResult, extends: str) -> str | None:
    """chosen.yaml: the base with the chosen options, as a scenario extending the input."""
    if result.chosen is None:
        return None
    combo = tuple(result.chosen)
    sc = candidate(runs.full, runs.base, runs.options, combo)
    changes = _short_days(minimal_changes(runs.full, sc.model_dump(mode="json")))
    changes.pop("name", None)
    parent = extends_from(runs.folder, extends)
    s = result.facts
    limit = (
        f"an annual budget of {fmt_value(COST, s['limit'])}"
        if s["mode"] == "budget"
        else f"{s['limit']:g} extra FTE"
    )
    head = (
        f"# Chosen by heart-sim optimize ({__version__}) from the options {s['options_file']}:\n"
        f"# the simulated set with the best mean {s['maximize']} within {limit}\n"
        f"# ({s['reps']} replications, seed {s['seed']}).\n"
        "# Derived: see budget.md beside this file.\n"
    )
    body = {
        "extends": parent,
        "name": f"{runs.base.name}_chosen",
        "description": f"{runs.base.name} with {label(combo)} (heart-sim optimize --{s['mode']}).",
        **changes,
    }
    return head + yaml.safe_dump(body, sort_keys=False)


def _short_days(data: Any) -> Any:
    """Shifts' days as a planner writes them (daily, mon-fri), not as seven names."""
    if isinstance(data, dict):
        out = {k: _short_days(v) for k, v in data.items()}
        if isinstance(out.get("days"), list) and "start" in out:
            out["days"] = days_text(out["days"])
        return out
    if isinstance(data, list):
        return [_short_days(v) for v in data]
    return data


def _write(folder: Path, result: BudgetResult, manifest: dict) -> None:
    after = "; every candidate is saved: re-run the same command to finish"
    with writing(folder, after):
        (folder / MANIFEST).unlink(missing_ok=True)
        atomic_write(folder / "candidates.csv", csv_text(result.candidates))
        atomic_write(folder / "frontier.csv", csv_text(result.frontier))
        atomic_write(folder / "options.csv", csv_text(result.options))
        text = result.facts.get("chosen_yaml")
        if text:
            atomic_write(folder / "chosen.yaml", text)
        summary = {k: v for k, v in result.facts.items() if k != "chosen_yaml"}
        atomic_write(folder / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
        atomic_write(folder / "budget.md", budget_markdown(result))
        write_sources(folder, str(result.facts.get("source", "")))
        atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")


def read_budget(folder: Path | str) -> BudgetResult:
    """Reopen a budget study's folder."""
    folder = Path(folder)
    if (read_manifest(folder) or {}).get("kind") != "optimize_budget":
        raise StudyError(f"{folder}: not a heart-sim optimize --budget folder")
    summary = json.loads((folder / "summary.json").read_text())
    read = lambda name: _text_kept(  # noqa: E731
        pd.read_csv(folder / name, keep_default_na=False, na_values=[""])
    )
    return BudgetResult(
        folder,
        read("candidates.csv"),
        read("frontier.csv"),
        read("options.csv"),
        summary.get("chosen"),
        summary,
        list(summary.get("notes", [])),
    )


# Columns of text, where an empty cell is an empty text (no exclusive option, no source),
# not a missing number: read back as written, so budget.md reads the same.
TEXT_COLUMNS = ("options", "description", "source", "exclusive_with", "marginal_cost_status")


def _text_kept(table: pd.DataFrame) -> pd.DataFrame:
    for col in TEXT_COLUMNS:
        if col in table:
            table[col] = table[col].astype(object).fillna("").astype(str)
    return table


def _iv(name: str, r: Mapping[Any, Any], key: str, signed: bool = False) -> str:
    """A row's ``key`` with its interval (``key_low``, ``key_high``), as metric ``name``."""
    return fmt_interval(name, r[key], r[f"{key}_low"], r[f"{key}_high"], signed=signed)


def _why(status: Any) -> str:
    return RATIO_WORDS.get(str(status), "") if isinstance(status, str) else ""


def _dropped_lines(s: dict[str, Any]) -> list[str]:
    """The steps dropped from an FTE frontier, each with the step that beats it."""
    dropped = s.get("dropped_from_frontier") or []
    if not dropped:
        return []
    return [
        "",
        "Dropped from the FTE frontier, as a later step costs no more a year and gains more: "
        + "; ".join(f"{d['options']} (beaten by {d['beaten_by']})" for d in dropped)
        + ".",
    ]


def budget_markdown(result: BudgetResult) -> str:
    """budget.md: what the budget buys, in words and one table."""
    s = result.facts
    m = s["maximize"]
    word = "gained" if s["direction"] == "maximise" else "reduced by"
    lines = _budget_words(s, word)
    last = f"{word} per extra FTE" if s["mode"] == "fte" else "marginal cost per unit"
    lines += [
        "",
        "## The efficient frontier",
        "",
        "No other simulated set is as cheap and as good at once; each step says what it adds "
        "over the one before.",
        *_dropped_lines(s),
        "",
        f"| step | options | {header(COST)} | FTE | {header(m)} | {word} over the step "
        f"before | {last} |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result.frontier.to_dict("records"):
        mark = " (chosen)" if r["chosen"] else ""
        step, marginal = _frontier_step(r, m, s["mode"])
        lines.append(
            f"| {r['step']} | {r['options']}{mark} | {_iv(COST, r, 'cost')} | {r['fte']:.1f} | "
            f"{_iv(m, r, 'measure')} | {step} | {marginal} |"
        )
    lines += [
        "",
        "## Each option alone",
        "",
        f"| option | extra cost | extra FTE | {word} | excluded with | source |",
        "|---|---|---|---|---|---|",
    ]
    for r in result.options.to_dict("records"):
        lines.append(
            f"| {r['option']} | "
            f"{_iv(COST, r, 'extra_cost', signed=True)}"
            f" | {r['extra_fte']:+.1f} | "
            f"{_iv(m, r, 'gain', signed=True)} | "
            f"{r['exclusive_with'] or '-'} | {r['source'] or '-'} |"
        )
    lines.append("")
    return "\n".join(lines)


def _budget_words(s: Mapping[str, Any], word: str) -> list[str]:
    """budget.md's title and what the study did, found and noted (``s``: the summary)."""
    m = s["maximize"]
    label_m = CATALOG[m].label
    how = s["how"][:1].upper() + s["how"][1:]
    if s["mode"] == "budget":
        limit = f"an annual budget of {fmt_value(COST, s['limit'])}"
    else:
        limit = f"{s['limit']:g} FTE more than the base"
    lines = [
        f"# What {limit} buys: {s['scenario']} with the options {s['options_file']}",
        "",
        f"The aim: the best {label_m} ({s['direction']}). {how}; each "
        f"candidate ran {s['reps']} replications with seed {s['seed']} (common random "
        "numbers: intervals of differences come from paired replications).",
        "",
    ]
    base, chosen = s["base"], s["chosen_point"]
    lines.append(
        f"- Base: {_iv(COST, base, 'cost')} a "
        f"year, {base['fte']:.1f} FTE, {label_m} "
        f"{_iv(m, base, 'measure')}."
    )
    if chosen is None:
        lines.append(f"- Nothing simulated is within {limit}, not even the base.")
    else:
        bought = ", ".join(s["chosen"]) if s["chosen"] else "none of the options"
        lines.append(
            f"- Chosen: {bought}. Cost "
            f"{_iv(COST, chosen, 'cost')} a "
            f"year, {chosen['fte']:.1f} FTE ({chosen['extra_fte']:+.1f}), {label_m} "
            f"{_iv(m, chosen, 'measure')}"
            f"; {word} {_iv(m, chosen, 'gain')}"
            " against the base (chosen.yaml)."
        )
    lines += [f"- {n}" for n in s.get("notes", []) if n]
    return lines


def _frontier_step(r: Mapping[Any, Any], m: str, mode: str) -> tuple[str, str]:
    """A frontier row's gain over the step before and its marginal cost (with FTE as the
    limit: its gain per extra FTE), as budget.md writes them; '-' for the base."""
    if r["options"] == BASE:
        return "-", "-"
    step = _iv(m, r, "step_gain", signed=True)
    why = _why(r["marginal_cost_status"])
    marginal = (
        _iv(COST, r, "marginal_cost")
        if isinstance(r["marginal_cost"], float) and not math.isnan(r["marginal_cost"])
        else f"n/a ({why})"
        if why
        else "n/a"
    )
    if mode == "fte":
        marginal = _iv(m, r, "gain_per_fte", signed=True)
    return step, marginal

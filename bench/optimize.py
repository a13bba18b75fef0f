"""Benchmark: heart-sim optimize against a naive search, and the whole Durham optimize.

    python bench/optimize.py [--jobs 2] [--skip-full]

1. **Reduced case, in the same run**: CRT alone in durham_2023_citywide, open 06:00-24:00
   with the same two 9-hour shifts every day (06:00-15:00 and 15:00-24:00), target CRT
   response p90 <= 30 min. The naive search judges every unit count per shift on a grid
   (1-8 teams each: 64 plans) with the optimizer's own verification (same seed, same
   replications, 95% confidence) and takes the cheapest plan that holds; the optimizer
   runs its search. Reported: replications simulated, seconds, and whether both find the
   same cost.
2. **The whole optimize of the issue**: durham_2023_citywide for CRT and CCD, hours
   06:00-24:00, 8/10/12-hour shifts, targets CRT response p90 <= 20 min and CCD share
   unanswered <= 5%: seconds and replications (limit: 10 minutes on 2 cores).

Writes bench/optimize.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from pathlib import Path

from heart_sim.optimization._goals import parse_goal
from heart_sim.optimization._optimize import optimize
from heart_sim.optimization._plans import plan_cost, plan_shifts, program_plans
from heart_sim.optimization._search import check_plan
from heart_sim.scenario._load import load_scenario_dict

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "durham_2023_citywide.yaml"


def reduced(tmp: Path, jobs: int) -> dict:
    path, data, _ = load_scenario_dict(SCENARIO)
    goal = parse_goal("crt_response_time_p90<=30")
    kw = dict(
        hours=[(6, 24)], lengths=(9,), starts=(6, 15), same_each_day=True, max_units=8, min_length=9
    )
    t0 = time.perf_counter()
    r = optimize(data, str(path), [goal], tmp / "opt", jobs=jobs, **kw)  # type: ignore[arg-type]
    t_opt = time.perf_counter() - t0
    from heart_sim.scenario._load import scenario_from_dict

    pl = program_plans(scenario_from_dict(data), ["crt"], [(6, 24)], (9,), (6, 15), 8, True)["crt"]
    # The naive search prices a plan as the optimizer does: its hours and the overtime
    # expected where its crews end (the optimizer's price of a crew end in each hour).
    price = r.requirement.sort_values("hour_of_week")["crew_end_price"].to_numpy()
    t0 = time.perf_counter()
    reps = 0
    best = None
    for units in itertools.product(range(1, 9), repeat=len(pl.options)):
        ev = check_plan(data, [goal], {"crt": plan_shifts(pl, units)}, tmp / "naive", jobs=jobs)
        reps += ev.reps
        if ev.met():
            cost = plan_cost(pl, units, price)
            if best is None or cost < best[0]:
                best = (cost, units)
    t_naive = time.perf_counter() - t0
    assert best is not None
    return {
        "optimize_seconds": round(t_opt, 1),
        "optimize_replications": r.facts["simulated_replications"],
        "optimize_cost": r.facts["priced_cost_annual"],
        "naive_plans": 8 ** len(pl.options),
        "naive_seconds": round(t_naive, 1),
        "naive_replications": reps,
        "naive_cost": best[0],
        "naive_units": list(best[1]),
        "same_cost": abs(best[0] - r.facts["priced_cost_annual"]) < 1e-6,
        "speed_ratio": round(t_naive / t_opt, 2),
        "replication_ratio": round(reps / r.facts["simulated_replications"], 2),
    }


def full(tmp: Path, jobs: int) -> dict:
    path, data, _ = load_scenario_dict(SCENARIO)
    goals = [parse_goal("crt_response_time_p90<=20"), parse_goal("ccd_unanswered_share<=0.05")]
    t0 = time.perf_counter()
    r = optimize(
        data, str(path), goals, tmp / "full", programs=["crt", "ccd"], hours=[(6, 24)], jobs=jobs
    )
    return {
        "seconds": round(time.perf_counter() - t0, 1),
        "replications": r.facts["simulated_replications"],
        "plans_verified": r.facts["plans_verified"],
        "feasible": r.facts["feasible"],
        "cost_recommended": r.facts["cost"]["recommended"]["cost_total_annual"],
        "cost_input": r.facts["cost"]["input"]["cost_total_annual"],
        "fte": r.facts["fte"],
        "verdicts": [
            {k: v[k] for k in ("goal", "mean", "low", "high", "status")}
            for v in r.facts["verdicts"]
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-full", action="store_true", help="only the reduced case")
    args = ap.parse_args()
    out: dict = {"jobs": args.jobs}
    with tempfile.TemporaryDirectory() as tmp:
        out["reduced_case"] = reduced(Path(tmp), args.jobs)
        print(json.dumps(out, indent=2), flush=True)
        if not args.skip_full:
            out["durham_2023_citywide_crt_ccd"] = full(Path(tmp), args.jobs)
        else:  # keep the whole optimize's last record, saying it is not this run's
            path = ROOT / "bench" / "optimize.json"
            last = json.loads(path.read_text()) if path.is_file() else {}
            if "durham_2023_citywide_crt_ccd" in last:
                out["durham_2023_citywide_crt_ccd"] = last["durham_2023_citywide_crt_ccd"] | {
                    "note": "not rerun (--skip-full): from an earlier run"
                }
    (ROOT / "bench" / "optimize.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

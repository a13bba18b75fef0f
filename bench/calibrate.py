"""Benchmark: calibrating the Durham baseline (6 unknowns, 5 pilot targets) on 2 cores.

    python bench/calibrate.py [--jobs 2]

Reports the wall time, the replications simulated, the simulated calls per second, and,
against a reference run in the same process, how much the waves buy: a one-wave Latin
hypercube with the same number of simulations (plain rejection, as ABC's first step), and
how many non-implausible points each finds. Writes bench/calibrate.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from heart_sim.api import calibrate, load

ROOT = Path(__file__).resolve().parent.parent
UNKNOWNS = ROOT / "scenarios" / "durham_2022_unknowns.yaml"
TARGETS = ROOT / "scenarios" / "targets" / "durham_pilot_2022_23.yaml"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    calls_per_rep = load(UNKNOWNS).expected_calls()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        waves = calibrate(UNKNOWNS, TARGETS, Path(tmp) / "waves", jobs=args.jobs)
        t_waves = time.perf_counter() - t0
        sims = waves.summary["simulations"]
        points = sims // 3  # the same budget in one wave of 3 replications a point
        t0 = time.perf_counter()
        one = calibrate(
            UNKNOWNS, TARGETS, Path(tmp) / "one", points=points, waves=1, jobs=args.jobs
        )
        t_one = time.perf_counter() - t0
    out = {
        "calibrate_seconds": round(t_waves, 1),
        "waves": waves.summary["waves_run"],
        "replications_simulated": sims,
        "simulated_calls_per_second": round(sims * calls_per_rep / t_waves),
        "non_implausible_points": waves.summary["nroy_points"],
        "non_implausible_share": round(waves.summary["nroy_points"] / waves.summary["points"], 3),
        "reference_one_wave_points": points,
        "reference_seconds": round(t_one, 1),
        "reference_non_implausible_points": one.summary["nroy_points"],
        "reference_non_implausible_share": round(one.summary["nroy_points"] / points, 3),
        "jobs": args.jobs,
    }
    out["ratio_non_implausible_found"] = round(
        out["non_implausible_points"] / max(out["reference_non_implausible_points"], 1), 2
    )
    (ROOT / "bench" / "calibrate.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

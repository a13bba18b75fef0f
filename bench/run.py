"""heart-sim benchmarks, measured side by side in one run (not part of the test suite).

    python bench/run.py [--quick] [--base REF]

Writes bench/results.json and prints a table. Every speed is a ratio against a reference
measured in the same run on the same machine: the smallest plain SimPy program and Ciw on
the same M/M/c queue, and the model as it was at git ``--base`` (default: the commit before
issue 27 made the engine faster), extracted into a temporary folder and imported as
``heart_sim_base`` beside the current code. Timings are the best of several repeats, or, for
the paired comparisons, the median of ratios of runs made one after the other (CPU time of
this process: the machine may be shared); memory is the peak resident size (VmHWM) of a
fresh subprocess.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the M/M/c scenario builder lives with the tests

from builders import mmc_dict  # noqa: E402

from heart_sim import __version__  # noqa: E402
from heart_sim.scenario._load import load_scenario, scenario_from_dict  # noqa: E402
from heart_sim.study._replication import run_replication  # noqa: E402
from heart_sim.study._studies import run  # noqa: E402

BASE = "f978ed5"  # main before issue 27 (the engine 0.80x plain SimPy with features on)
C, RHO, SERVICE = 5, 0.8, 30.0
LAM = RHO * C / SERVICE  # calls per minute


def mmc_data(weeks: int) -> dict:
    """heart-sim configured as an M/M/c queue, as the scenario file would say it: one 24/7
    program, unlimited patience (only the keys it sets, so older code reads it too)."""
    return mmc_dict(C, RHO, service_mean=SERVICE, weeks=weeks, warmup=0) | {"name": "bench_mmc"}


def mmc_scenario(weeks: int):
    """The M/M/c queue as a scenario."""
    return scenario_from_dict(mmc_data(weeks))


def plain_simpy(n: int, seed: int = 1) -> float:
    """The smallest plain SimPy M/M/c program; returns the mean wait."""
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1 / LAM, n)
    service = rng.exponential(SERVICE, n)
    waits = np.empty(n)
    env = simpy.Environment()
    servers = simpy.Resource(env, C)

    def customer(i):
        t0 = env.now
        with servers.request() as req:
            yield req
            waits[i] = env.now - t0
            yield env.timeout(service[i])

    def source():
        for i in range(n):
            yield env.timeout(gaps[i])
            env.process(customer(i))

    env.process(source())
    env.run()
    return float(waits.mean())


def ciw_mmc(n: int, seed: int = 1) -> float:
    import ciw

    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(LAM)],
        service_distributions=[ciw.dists.Exponential(1 / SERVICE)],
        number_of_servers=[C],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_customers(n, method="Arrive")
    return float(np.mean([r.waiting_time for r in sim.get_all_records()]))


def best_of(fn, repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def with_calendar(data: dict, availability: bool) -> dict:
    """The same scenario with the calendar features on: dates, holidays, monthly weights,
    growth, overdispersion and a phase; with ``availability`` also absences and a meal
    break, on one unit more, so that 5 units are there on average (6 x (1 - 1/6)) and the
    offered load, hence the work per call, stays about the same."""
    team = data["programs"]["crt"]
    if availability:
        team = team | {
            "shifts": [dict(s, units=s["units"] + 1) for s in team["shifts"]],
            "availability": {
                "absence_prob": 1 / 6,
                "breaks": [{"duration_min": 30, "earliest_min": 240, "latest_min": 420}],
            },
        }
    return data | {
        "name": data["name"] + "_calendar",
        "start_date": "2023-01-02",
        "holidays": {"country": "US", "subdivision": "NC"},
        "demand": data["demand"]
        | {
            "monthly_weights": [0.9, 0.9, 1, 1, 1.05, 1.1, 1.1, 1.1, 1, 1, 0.95, 0.9],
            "annual_growth": 0.03,
            "overdispersion": 0.07,
        },
        "programs": data["programs"] | {"crt": team},
        "phases": [{"from": "2023-07-03", "changes": {"demand": {"multiplier": 1.0}}}],
    }


def with_queue_rules(data: dict) -> dict:
    """The same queue with zones, square-root travel, two call types with priorities and
    a patience distribution switched on. Travel becomes part of each job (about 6 min on
    average over 20 sq mi with the units free at dispatch), so the service time is
    shortened by 5.4 min and the offered load stays about the same."""
    one = data["call_types"]["any"]
    types = {
        "urgent": {k: v for k, v in one.items() if k != "pilot_area_share"}
        | {"share": 0.3, "priority": 0},
        "routine": {k: v for k, v in one.items() if k != "pilot_area_share"}
        | {"share": 0.7, "priority": 1, "patience_min": {"dist": "exponential", "mean": 600}},
    }
    team = data["programs"]["crt"] | {
        "travel_time": {"model": "square_root", "speed_mph": 30, "overhead_min": 1, "cv": 0.5},
        "on_scene_time": {"dist": "exponential", "mean": SERVICE - 5.4},
    }
    return data | {
        "name": data["name"] + "_queue_rules",
        "zones": {
            "north": {"share": 0.5, "area_sq_mi": 10.0},
            "south": {"share": 0.5, "area_sq_mi": 10.0},
        },
        "call_types": types,
        "programs": data["programs"] | {"crt": team},
    }


def engine_overhead(weeks: int, repeats: int) -> dict:
    sc = mmc_scenario(weeks)
    data = sc.model_dump(mode="json")
    cal = scenario_from_dict(with_calendar(data, availability=False))
    avail = scenario_from_dict(with_calendar(data, availability=True))
    rules = scenario_from_dict(with_queue_rules(data))
    every = scenario_from_dict(with_queue_rules(with_calendar(data, availability=True)))
    t_hs, out = best_of(lambda: run_replication(sc, 1, 0), repeats)
    t_cal, out_cal = best_of(lambda: run_replication(cal, 1, 0), repeats)
    t_av, out_av = best_of(lambda: run_replication(avail, 1, 0), repeats)
    t_qr, out_qr = best_of(lambda: run_replication(rules, 1, 0), repeats)
    t_all, out_all = best_of(lambda: run_replication(every, 1, 0), repeats)
    n = int(out.kpis["calls_total"])
    n_cal = int(out_cal.kpis["calls_total"])
    n_av = int(out_av.kpis["calls_total"])
    n_qr = int(out_qr.kpis["calls_total"])
    n_all = int(out_all.kpis["calls_total"])
    t_plain, w_plain = best_of(lambda: plain_simpy(n), repeats)
    t_ciw, w_ciw = best_of(lambda: ciw_mmc(n), repeats)
    rate = {
        "heart_sim": n / t_hs,
        "heart_sim_calendar_on": n_cal / t_cal,
        "heart_sim_calendar_and_availability_on": n_av / t_av,
        "heart_sim_zones_travel_priorities_on": n_qr / t_qr,
        "heart_sim_all_features_on": n_all / t_all,
        "plain_simpy": n / t_plain,
        "ciw": n / t_ciw,
    }
    return {
        "queue": f"M/M/{C}, rho {RHO}, exponential service mean {SERVICE} min",
        "customers": n,
        "calls_per_second": rate,
        "ratio_vs_plain_simpy": rate["heart_sim"] / rate["plain_simpy"],
        "ratio_vs_plain_simpy_calendar_on": rate["heart_sim_calendar_on"] / rate["plain_simpy"],
        "ratio_vs_plain_simpy_calendar_and_availability_on": (
            rate["heart_sim_calendar_and_availability_on"] / rate["plain_simpy"]
        ),
        "ratio_vs_plain_simpy_zones_travel_priorities_on": (
            rate["heart_sim_zones_travel_priorities_on"] / rate["plain_simpy"]
        ),
        "ratio_vs_plain_simpy_all_features_on": (
            rate["heart_sim_all_features_on"] / rate["plain_simpy"]
        ),
        "waits_per_call": {
            "all_features_on": out_all.kpis["crt_p_wait"],
            "zones_travel_priorities_on": out_qr.kpis["crt_p_wait"],
            "calendar_off": out.kpis["crt_p_wait"],
            "calendar_on": out_cal.kpis["crt_p_wait"],
            "calendar_and_availability_on": out_av.kpis["crt_p_wait"],
        },
        "ratio_vs_ciw": rate["heart_sim"] / rate["ciw"],
        "mean_wait_min": {
            "heart_sim": out.kpis["crt_mean_wait_all"],
            "plain_simpy": w_plain,
            "ciw": w_ciw,
        },
        "note": "heart-sim time includes drawing, the model and the per-replication KPIs",
    }


def baseline_throughput(repeats: int) -> dict:
    out = {}
    for name in ("durham_2022", "durham_2022_to_2024"):
        sc = load_scenario(name)
        t, rep = best_of(lambda sc=sc: run_replication(sc, 1, 0), repeats)
        # calls simulated = warm-up + horizon arrivals
        weeks = sc.warmup_weeks + sc.horizon_weeks
        n_sim = rep.kpis["calls_total"] * weeks / sc.horizon_weeks
        out[name] = {
            "weeks": weeks,
            "seconds_per_replication": t,
            "calls_per_second": n_sim / t,
            "calls_per_replication": n_sim,
        }
    return out


def base_package(ref: str, into: Path) -> str | None:
    """heart_sim and the scenarios as they were at git ``ref``, under ``into`` with the
    package renamed heart_sim_base (its imports are relative), on sys.path; None when
    this is not a git checkout or ``ref`` is unknown."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "heart_sim", "scenarios"],
        capture_output=True,
    )
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    (into / "heart_sim").rename(into / "heart_sim_base")
    sys.path.insert(0, str(into))
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True
    )
    return commit.stdout.strip()


def paired(old, new, repeats: int) -> dict:
    """CPU seconds of ``old()`` and ``new()`` run one after the other (order alternating),
    ``repeats`` times: medians and the median of the per-pair ratios old / new."""
    t_old, t_new = [], []
    old(), new()  # warm up: imports, caches
    for k in range(repeats):
        for fn, ts in ((old, t_old), (new, t_new)) if k % 2 == 0 else ((new, t_new), (old, t_old)):
            gc.collect()
            t = time.process_time()
            fn()
            ts.append(time.process_time() - t)
    return {
        "seconds_base": statistics.median(t_old),
        "seconds_now": statistics.median(t_new),
        "speedup": statistics.median(a / b for a, b in zip(t_old, t_new)),
        "repeats": repeats,
    }


def against_base(ref: str, weeks: int, repeats: int) -> dict:
    """The model now against the model at ``ref``, in this process: one replication of the
    realistic years durham_2024 and durham_2025 (the model alone, and with the
    per-replication measures), and the bench queue with every feature off and on."""
    with tempfile.TemporaryDirectory() as tmp:
        commit = base_package(ref, Path(tmp))
        if commit is None:
            return {"note": f"git ref {ref!r} not available: no comparison with the old code"}
        old_load = importlib.import_module("heart_sim_base.scenario._load")
        old_model = importlib.import_module("heart_sim_base.model._engine")
        old_rep = importlib.import_module("heart_sim_base.study._replication")
        from heart_sim.model._engine import simulate

        out: dict = {"base": commit}
        for name in ("durham_2024", "durham_2025"):
            so, sn = old_load.load_scenario(name), load_scenario(name)
            model = paired(
                lambda so=so: old_model.simulate(so, 1, 0),
                lambda sn=sn: simulate(sn, 1, 0),
                repeats,
            )
            whole = paired(
                lambda so=so: old_rep.run_replication(so, 1, 0),
                lambda sn=sn: run_replication(sn, 1, 0),
                repeats,
            )
            out[name] = {"model": model, "replication_with_measures": whole}
        data = mmc_data(weeks)  # not a dump of today's model: the base must read it
        queues = {
            "bench_queue_features_off": data,
            "bench_queue_all_features_on": with_queue_rules(with_calendar(data, True)),
        }
        for label, d in queues.items():
            so, sn = old_load.scenario_from_dict(d), scenario_from_dict(d)
            out[label] = paired(
                lambda so=so: old_rep.run_replication(so, 1, 0),
                lambda sn=sn: run_replication(sn, 1, 0),
                repeats,
            )
        # heart-sim against plain SimPy, with every feature on, each pair in turn
        every = scenario_from_dict(queues["bench_queue_all_features_on"])
        n = int(run_replication(every, 1, 0).kpis["calls_total"])
        vs = paired(lambda: plain_simpy(n), lambda: run_replication(every, 1, 0), repeats)
        out["all_features_on_vs_plain_simpy"] = vs["speedup"]
        out["base_all_features_on_vs_plain_simpy"] = (
            vs["speedup"] / out["bench_queue_all_features_on"]["speedup"]
        )
        for mod in [m for m in sys.modules if m.split(".")[0] == "heart_sim_base"]:
            del sys.modules[mod]
        sys.path.remove(tmp)
    return out


CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from heart_sim.study._studies import run
from heart_sim.scenario._load import load_scenario
sc = load_scenario("durham_2022")
sc = sc.model_copy(update={{"horizon_weeks": {weeks},
    "demand": sc.demand.model_copy(update={{"multiplier": {mult}}})}})
elapsed = float("inf")
for _ in range({repeats}):  # best of a few: small runs are noisy
    t = time.perf_counter()
    res = run(sc, reps={reps}, seed=1)
    elapsed = min(elapsed, time.perf_counter() - t)
calls = float(res.replications["calls_total"].sum())
# VmHWM: this process's own peak resident size (ru_maxrss would include the parent's,
# inherited across fork and exec).
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({{"seconds": elapsed, "calls": calls,
    "peak_rss_mb": int(hwm.split()[1]) / 1024}}))
"""


def child(weeks: int, mult: float, reps: int, repeats: int = 1) -> dict:
    code = CHILD.format(root=str(ROOT), weeks=weeks, mult=mult, reps=reps, repeats=repeats)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def scaling(quick: bool) -> dict:
    demand = {}
    for mult in (1, 4, 16):
        demand[f"{mult}x"] = child(weeks=13 if quick else 52, mult=mult, reps=1, repeats=3)
    base = demand["1x"]
    for v in demand.values():
        v["time_ratio_vs_1x"] = v["seconds"] / base["seconds"]
        v["calls_ratio_vs_1x"] = v["calls"] / base["calls"]
    reps = {}
    for n in (10, 100) if quick else (10, 100, 1000):
        reps[str(n)] = child(weeks=1, mult=1, reps=n)
    first = reps["10"]["peak_rss_mb"]
    for v in reps.values():
        v["memory_ratio_vs_10"] = v["peak_rss_mb"] / first
    return {"demand": demand, "replications": reps}


def parallel(reps: int, repeats: int) -> dict:
    sc = load_scenario("durham_2022")
    t1, _ = best_of(lambda: run(sc, reps=reps, seed=1, jobs=1), repeats)
    t2, _ = best_of(lambda: run(sc, reps=reps, seed=1, jobs=2), repeats)
    return {
        "replications": reps,
        "seconds_jobs_1": t1,
        "seconds_jobs_2": t2,
        "speedup": t1 / t2,
        "cores": os.cpu_count(),
    }


def table(res: dict) -> str:
    e, b, s, p = res["engine"], res["baseline"], res["scaling"], res["parallel"]
    r = e["calls_per_second"]
    lines = [
        "| measure | value | target |",
        "|---|---|---|",
        f"| M/M/c calls/s: heart-sim / plain SimPy / Ciw | {r['heart_sim']:,.0f} / "
        f"{r['plain_simpy']:,.0f} / {r['ciw']:,.0f} | |",
        f"| heart-sim vs plain SimPy (all features off) | {e['ratio_vs_plain_simpy']:.2f}x | "
        ">= 1.0x |",
        f"| heart-sim, calendar on (dates, holidays, seasons, growth, overdispersion, a "
        f"phase), vs plain SimPy | {e['ratio_vs_plain_simpy_calendar_on']:.2f}x | |",
        f"| heart-sim, calendar and availability on (absences, breaks), vs plain SimPy | "
        f"{e['ratio_vs_plain_simpy_calendar_and_availability_on']:.2f}x | |",
        f"| heart-sim, zones, square-root travel, priorities and patience on, vs plain SimPy "
        f"| {e['ratio_vs_plain_simpy_zones_travel_priorities_on']:.2f}x | |",
        f"| heart-sim, every feature above on, vs plain SimPy "
        f"| {e['ratio_vs_plain_simpy_all_features_on']:.2f}x | >= 1.3x |",
        f"| heart-sim vs Ciw | {e['ratio_vs_ciw']:.2f}x | >= 2x |",
        f"| Durham baseline, one year | {b['durham_2022']['seconds_per_replication']:.2f} "
        f"s/replication, {b['durham_2022']['calls_per_second']:,.0f} calls/s | |",
        f"| Durham 2022-2024 in phases, 119 weeks | "
        f"{b['durham_2022_to_2024']['seconds_per_replication']:.2f} s/replication, "
        f"{b['durham_2022_to_2024']['calls_per_second']:,.0f} calls/s | |",
        f"| demand 16x: time ratio (calls ratio) | {s['demand']['16x']['time_ratio_vs_1x']:.1f}x "
        f"({s['demand']['16x']['calls_ratio_vs_1x']:.1f}x) | <= 18x for 16x calls |",
        f"| --jobs 2 vs --jobs 1 | {p['speedup']:.2f}x | >= 1.7x |",
    ]
    a = res.get("against_base", {})
    if "base" in a:
        for name in ("durham_2024", "durham_2025"):
            m, w = a[name]["model"], a[name]["replication_with_measures"]
            lines.append(
                f"| {name}, one replication: {a['base']} / now (CPU s; model alone, with "
                f"measures) | {m['seconds_base']:.3f} / {m['seconds_now']:.3f} "
                f"({m['speedup']:.2f}x); {w['seconds_base']:.3f} / {w['seconds_now']:.3f} "
                f"({w['speedup']:.2f}x) | >= 2x |"
            )
        lines.append(
            f"| bench queue, every feature on, vs plain SimPy (paired): now / {a['base']} | "
            f"{a['all_features_on_vs_plain_simpy']:.2f}x / "
            f"{a['base_all_features_on_vs_plain_simpy']:.2f}x | >= 1.3x |"
        )
        lines.append(
            f"| bench queue, features off: now vs {a['base']} | "
            f"{a['bench_queue_features_off']['speedup']:.2f}x | >= 1.0x |"
        )
    last = max(s["replications"], key=int)
    lines.append(
        f"| peak memory, {last} vs 10 replications | "
        f"{s['replications'][last]['memory_ratio_vs_10']:.2f}x "
        f"({s['replications'][last]['peak_rss_mb']:.0f} MB) | <= 1.2x |"
    )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    ap.add_argument("--base", default=BASE, help="git ref of the code to compare with")
    ap.add_argument("--only-base", action="store_true", help="only the comparison with --base")
    args = ap.parse_args()
    repeats = 1 if args.quick else 3
    res = {
        "heart_sim_version": __version__,
        "machine": {
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%d"),
    }
    print(f"against {args.base} ...", flush=True)
    res["against_base"] = against_base(args.base, 20 if args.quick else 52, 5 if args.quick else 9)
    if args.only_base:
        Path(args.out).write_text(json.dumps(res, indent=2) + "\n")
        print(json.dumps(res["against_base"], indent=2))
        return
    print("engine overhead ...", flush=True)
    res["engine"] = engine_overhead(weeks=20 if args.quick else 150, repeats=repeats)
    print("baseline throughput ...", flush=True)
    res["baseline"] = baseline_throughput(repeats)
    print("scaling ...", flush=True)
    res["scaling"] = scaling(args.quick)
    print("parallel ...", flush=True)
    res["parallel"] = parallel(reps=4 if args.quick else 16, repeats=1 if args.quick else 2)
    res["table"] = table(res)
    Path(args.out).write_text(json.dumps(res, indent=2) + "\n")
    print(res["table"])


if __name__ == "__main__":
    main()
